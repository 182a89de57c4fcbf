// The functions attribute values may call (`lookup(provinces, $p, canonical)`); their names and
// arities are declared in ZhtagRules (AttributeFunctionSignature.known) so the loader can
// check calls, and a test keeps the two lists equal.
import ZhtagCore
import ZhtagRules

/// What a function may read besides its arguments.
public struct TagContext: Sendable {
  /// The article's publication date (ISO 8601), when clean found one: for relative dates.
  public var publicationDate: String?

  public init(publicationDate: String? = nil) { self.publicationDate = publicationDate }
}

/// Everything a function call sees. A class, so that handing it to every call retains one
/// reference instead of copying the rule book's many arrays (a third of the cost of a call).
public final class FunctionContext: Sendable {
  public let ruleBook: RuleBook
  public let tag: TagContext
  /// The numeral evaluator of the rule book's `numerals` lexicon and the words of its
  /// `time-words` lexicon (both built once per tagger).
  public let numerals: NumeralEvaluator?
  public let timeWords: TimeWords
  /// Each lexicon's entries by key, for `lookup` (built once per tagger).
  public let lexiconKeys: LexiconKeys

  public init(ruleBook: RuleBook, tag: TagContext, numerals: NumeralEvaluator?, timeWords: TimeWords,
              lexiconKeys: LexiconKeys) {
    self.ruleBook = ruleBook
    self.tag = tag
    self.numerals = numerals
    self.timeWords = timeWords
    self.lexiconKeys = lexiconKeys
  }
}

/// The entries of each lexicon by key (the first entry of a key, as a scan would find it), so
/// that `lookup` costs two hash lookups whatever the lexicon's size.
public struct LexiconKeys: Sendable {
  private let entries: [String: [String: Int]]

  public init(_ lexicons: [String: Lexicon]) {
    entries = lexicons.mapValues { lexicon in
      var byKey: [String: Int] = [:]
      for (index, entry) in lexicon.entries.enumerated() where byKey[entry.key] == nil { byKey[entry.key] = index }
      return byKey
    }
  }

  /// The index of the first entry of `lexicon` whose key is `key`.
  public func entry(_ lexicon: String, _ key: String) -> Int? { entries[lexicon]?[key] }
}

/// An attribute function: arguments (nil when a capture matched nothing) to a value, or nil.
public typealias AttributeFunction = @Sendable ([String?], FunctionContext) -> String?

public enum AttributeFunctions {
  /// The implementations, by name.
  public static let all: [String: AttributeFunction] = builtIn.merging(EntityFunctions.all) { a, _ in a }
    .merging(NumberFunctions.all) { a, _ in a }  // NumberFunctions.swift
  static let builtIn: [String: AttributeFunction] = [
    "lookup": { arguments, context in
      guard arguments.count == 3, let name = arguments[0], let key = arguments[1], let column = arguments[2],
        let lexicon = context.ruleBook.lexicons[name], let index = lexicon.column(column),
        let entry = context.lexiconKeys.entry(name, key)
      else { return nil }
      return lexicon.entries[entry].field(index)
    },
    "concat": { arguments, _ in
      let present = arguments.compactMap { $0 }
      return present.isEmpty ? nil : present.joined()
    },
    "first": { arguments, _ in first(arguments.count) { arguments[$0] } },
  ]

  // The functions whose result does not depend on every argument. Defined here once: the table
  // entries (first, when in EntityFunctions, unless in NumberFunctions) call them on computed
  // arguments, and the tagger's compiled calls (CompiledValue) on arguments computed only when
  // needed.

  /// `first(…)`: the first of `count` arguments (`argument(i)`) that has a value.
  static func first(_ count: Int, _ argument: (Int) -> String?) -> String? {
    for index in 0..<count {
      if let value = argument(index) { return value }
    }
    return nil
  }

  /// `when(test, value)`: the value, only when the test has one.
  static func when(_ test: String?, _ value: () -> String?) -> String? { test == nil ? nil : value() }

  /// `unless(test, value)`: the value, only when the test has none (the figure of an amount
  /// that is not a range).
  static func unless(_ test: String?, _ value: () -> String?) -> String? { test == nil ? value() : nil }
}
