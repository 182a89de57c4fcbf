// Line patterns for page furniture, as the clean stage receives them from rules/clean/.

/// A test on one line of text. All the tests of a rule must hold for it to fire.
public enum LineTest: Hashable, Sendable {
  /// The line, trimmed, starts with one of these.
  case startsWith([String])
  /// The line, trimmed, ends with one of these.
  case endsWith([String])
  /// The line contains one of these.
  case contains([String])
  /// The line, trimmed, is exactly one of these.
  case equals([String])
  /// The line, trimmed, is made only of these characters (and spaces).
  case onlyCharacters(Set<Unicode.Scalar>)
  /// The line, trimmed, has at most this many characters.
  case maxLength(Int)
  /// The line contains none of these (a sentence mark, say, to spare body text).
  case excludes([String])
}

/// What a matching line is: furniture to drop, metadata to lift and drop, or the start of a
/// page footer (this line and every later non-metadata line go).
public enum LineRuleAction: String, Hashable, Sendable { case drop, meta, footer }

/// One rule of `rules/clean/*.yaml`, with its keep/drop examples.
public struct LineRule: Hashable, Sendable {
  public var reference: RuleReference
  /// Why a matching line goes: `breadcrumb`, `navigation`, `copyright`…
  public var reason: String
  public var action: LineRuleAction
  public var tests: [LineTest]
  /// Lines this rule must match.
  public var dropExamples: [String]
  /// Lines this rule must not match.
  public var keepExamples: [String]

  public init(
    reference: RuleReference, reason: String, action: LineRuleAction = .drop, tests: [LineTest],
    dropExamples: [String] = [], keepExamples: [String] = []
  ) {
    self.reference = reference
    self.reason = reason
    self.action = action
    self.tests = tests
    self.dropExamples = dropExamples
    self.keepExamples = keepExamples
  }
}
