// The pattern language: syntax tree and parser. Grammar (rules/README.md has the manual):
//
//   pattern     := alternative ('|' alternative)*
//   alternative := element*
//   element     := [name ':'] atom [quantifier]
//   atom        := literal | '"' text '"' | '@' lexicon | '<' LABEL test* '>' | '[' class+ ']'
//                | '[^' class+ ']' | '%' macro | '(' pattern ')'
//   quantifier  := '?' | '{' n '}' | '{' m ',' n '}'          (always bounded)
//   test        := attr '=' value | attr '!=' value
import ZhtagCore

/// A parsed pattern. Offsets in `column` fields count characters from the start of the
/// pattern text, for error carets.
public indirect enum PatternNode: Hashable, Sendable {
  case literal([Unicode.Scalar])
  case lexicon(String)
  case annotation(label: String, tests: [AttributeTest])
  case characterClass(names: [String], negated: Bool)
  case sequence([PatternNode])
  case alternation([PatternNode])
  case repetition(PatternNode, min: Int, max: Int)
  case capture(String, PatternNode)
  case macro(String)

  /// Shortest and longest number of characters the node can match; nil max when unbounded
  /// (an annotation can be any length).
  public func lengthBounds(macros: [String: PatternNode] = [:]) -> (min: Int, max: Int?) {
    switch self {
    case .literal(let scalars): return (scalars.count, scalars.count)
    case .lexicon, .annotation: return (1, nil)
    case .characterClass: return (1, 1)
    case .sequence(let nodes):
      var low = 0
      var high: Int? = 0
      for node in nodes {
        let bounds = node.lengthBounds(macros: macros)
        low += bounds.min
        high = high.flatMap { h in bounds.max.map { h + $0 } }
      }
      return (low, high)
    case .alternation(let nodes):
      let bounds = nodes.map { $0.lengthBounds(macros: macros) }
      let low = bounds.map(\.min).min() ?? 0
      let high = bounds.contains { $0.max == nil } ? nil : bounds.compactMap(\.max).max() ?? 0
      return (low, high)
    case .repetition(let node, let min, let max):
      let bounds = node.lengthBounds(macros: macros)
      return (bounds.min * min, bounds.max.map { $0 * max })
    case .capture(_, let node): return node.lengthBounds(macros: macros)
    case .macro(let name): return macros[name]?.lengthBounds(macros: macros) ?? (0, nil)
    }
  }
}

extension PatternNode {
  /// The node inside any captures around it.
  public var withoutCaptures: PatternNode {
    if case .capture(_, let inner) = self { return inner.withoutCaptures }
    return self
  }

  /// The elements of the top-level sequence, captures removed and nested top-level sequences
  /// flattened (a single element is a sequence of one): what anchoring looks at.
  public var topLevelElements: [PatternNode] {
    let items: [PatternNode]
    if case .sequence(let list) = withoutCaptures { items = list } else { items = [withoutCaptures] }
    return items.flatMap { item -> [PatternNode] in
      if case .sequence(let inner) = item.withoutCaptures { return inner.map(\.withoutCaptures) }
      return [item.withoutCaptures]
    }
  }
}

/// `kind=etdz` or `kind!=etdz` on an annotation reference; `value` (the attribute is there)
/// or `!value` (it is not) when `presence` is set.
public struct AttributeTest: Hashable, Sendable {
  public var name: String
  public var value: String
  public var negated: Bool
  /// A test of presence: `<NUMBER value>`, `<NUMBER !value>` (`value` is then unused).
  public var presence = false
}

/// A syntax error at a character offset of the pattern text.
public struct PatternError: Error, Hashable, Sendable {
  public var offset: Int
  public var message: String
}

/// Parses pattern text into a `PatternNode`.
public struct PatternParser {
  private let text: [Unicode.Scalar]
  private var position = 0

  /// Largest `{m,n}` bound accepted: patterns must stay strictly bounded.
  public static let maxRepeat = 64

  public static func parse(_ source: String) throws(PatternError) -> PatternNode {
    var parser = PatternParser(text: Array(source.unicodeScalars))
    let node = try parser.parseAlternation()
    parser.skipSpaces()
    if parser.position < parser.text.count {
      throw PatternError(offset: parser.position, message: PatternMessages.unexpected(parser.text[parser.position]))
    }
    if case .sequence(let items) = node, items.isEmpty {
      throw PatternError(offset: 0, message: PatternMessages.empty)
    }
    return node
  }

  private init(text: [Unicode.Scalar]) { self.text = text }

  private var current: Unicode.Scalar? { position < text.count ? text[position] : nil }

  private mutating func skipSpaces() {
    while let scalar = current, scalar == " " || scalar == "\t" || scalar == "\n" { position += 1 }
  }

  private mutating func parseAlternation() throws(PatternError) -> PatternNode {
    var alternatives = [try parseSequence()]
    skipSpaces()
    while current == "|" {
      position += 1
      alternatives.append(try parseSequence())
      skipSpaces()
    }
    return alternatives.count == 1 ? alternatives[0] : .alternation(alternatives)
  }

  private mutating func parseSequence() throws(PatternError) -> PatternNode {
    var items: [PatternNode] = []
    while true {
      skipSpaces()
      guard let scalar = current, scalar != "|", scalar != ")" else { break }
      items.append(try parseElement())
    }
    return items.count == 1 ? items[0] : .sequence(items)
  }

  private static func isNameScalar(_ s: Unicode.Scalar) -> Bool {
    s.isASCIILetter || s.isASCIIDigit || s == "-" || s == "_" || s == "."
  }

  private mutating func parseElement() throws(PatternError) -> PatternNode {
    // A capture name: ascii name followed by ':'.
    var captureName: String?
    let start = position
    var cursor = position
    while cursor < text.count, Self.isNameScalar(text[cursor]) { cursor += 1 }
    if cursor > start, cursor < text.count, text[cursor] == ":", text[start].isASCIILetter {
      captureName = String(String.UnicodeScalarView(text[start..<cursor]))
      position = cursor + 1
    }
    var node = try parseAtom()
    node = try parseQuantifier(node)
    if let captureName { node = .capture(captureName, node) }
    return node
  }

  private mutating func parseAtom() throws(PatternError) -> PatternNode {
    guard let scalar = current else { throw PatternError(offset: position, message: PatternMessages.expectedElement) }
    switch scalar {
    case "(":
      let open = position
      position += 1
      let inner = try parseAlternation()
      skipSpaces()
      guard current == ")" else { throw PatternError(offset: open, message: PatternMessages.unclosed("(")) }
      position += 1
      return inner
    case "\"":
      let open = position
      position += 1
      var literal: [Unicode.Scalar] = []
      while let next = current, next != "\"" {
        literal.append(next)
        position += 1
      }
      guard current == "\"" else { throw PatternError(offset: open, message: PatternMessages.unclosed("\"")) }
      position += 1
      if literal.isEmpty { throw PatternError(offset: open, message: PatternMessages.emptyLiteral) }
      return .literal(literal)
    case "@":
      position += 1
      let name = readName()
      if name.isEmpty { throw PatternError(offset: position, message: PatternMessages.expectedName("a lexicon name after @")) }
      return .lexicon(name)
    case "%":
      position += 1
      let name = readName()
      if name.isEmpty { throw PatternError(offset: position, message: PatternMessages.expectedName("a macro name after %")) }
      return .macro(name)
    case "<": return try parseAnnotation()
    case "[": return try parseClass()
    case "?", "{", "*", "+":
      throw PatternError(offset: position, message: PatternMessages.quantifierWithoutElement(scalar))
    case "]", ">", "}", ":", "|", ")":
      throw PatternError(offset: position, message: PatternMessages.unexpected(scalar))
    default:
      // A bare literal: a run of characters up to a space or a special character.
      var literal: [Unicode.Scalar] = []
      while let next = current, !" \t\n()[]<>{}|?*+@%\"".unicodeScalars.contains(next) {
        literal.append(next)
        position += 1
      }
      return .literal(literal)
    }
  }

  private mutating func readName() -> String {
    let start = position
    while let scalar = current, Self.isNameScalar(scalar) || scalar.value > 0x7F { position += 1 }
    return String(String.UnicodeScalarView(text[start..<position]))
  }

  private mutating func parseAnnotation() throws(PatternError) -> PatternNode {
    let open = position
    position += 1
    skipSpaces()
    let label = readName()
    if label.isEmpty { throw PatternError(offset: position, message: PatternMessages.expectedName("a label after <")) }
    var tests: [AttributeTest] = []
    while true {
      skipSpaces()
      guard let scalar = current else { throw PatternError(offset: open, message: PatternMessages.unclosed("<")) }
      if scalar == ">" {
        position += 1
        return .annotation(label: label, tests: tests)
      }
      let nameStart = position
      // `!name`: the attribute must be absent.
      let absent = scalar == "!"
      if absent { position += 1 }
      let name = readName()
      if name.isEmpty { throw PatternError(offset: position, message: PatternMessages.unexpected(scalar)) }
      if absent || current == ">" || current == " " || current == "\t" {
        // `name` alone: the attribute must be present.
        tests.append(AttributeTest(name: name, value: "", negated: absent, presence: true))
        continue
      }
      var negated = false
      if current == "!" {
        negated = true
        position += 1
      }
      guard current == "=" else { throw PatternError(offset: nameStart, message: PatternMessages.attributeTest(name)) }
      position += 1
      let valueStart = position
      while let next = current, next != " ", next != ">" { position += 1 }
      let value = String(String.UnicodeScalarView(text[valueStart..<position]))
      tests.append(AttributeTest(name: name, value: value, negated: negated))
    }
  }

  private mutating func parseClass() throws(PatternError) -> PatternNode {
    let open = position
    position += 1
    var negated = false
    if current == "^" {
      negated = true
      position += 1
    }
    var names: [String] = []
    while true {
      skipSpaces()
      guard let scalar = current else { throw PatternError(offset: open, message: PatternMessages.unclosed("[")) }
      if scalar == "]" {
        position += 1
        break
      }
      let name = readName()
      if name.isEmpty { throw PatternError(offset: position, message: PatternMessages.unexpected(scalar)) }
      names.append(name)
    }
    if names.isEmpty { throw PatternError(offset: open, message: PatternMessages.emptyClass) }
    return .characterClass(names: names, negated: negated)
  }

  private mutating func parseQuantifier(_ node: PatternNode) throws(PatternError) -> PatternNode {
    guard let scalar = current else { return node }
    switch scalar {
    case "?":
      position += 1
      return .repetition(node, min: 0, max: 1)
    case "*", "+":
      throw PatternError(offset: position, message: PatternMessages.unbounded(scalar))
    case "{":
      let open = position
      position += 1
      guard let low = readNumber() else { throw PatternError(offset: position, message: PatternMessages.badRepeat) }
      var high = low
      if current == "," {
        position += 1
        guard let value = readNumber() else { throw PatternError(offset: position, message: PatternMessages.unboundedBrace) }
        high = value
      }
      guard current == "}" else { throw PatternError(offset: open, message: PatternMessages.unclosed("{")) }
      position += 1
      if high < low || high == 0 { throw PatternError(offset: open, message: PatternMessages.badRepeat) }
      if high > Self.maxRepeat { throw PatternError(offset: open, message: PatternMessages.repeatTooLarge(high)) }
      return .repetition(node, min: low, max: high)
    default: return node
    }
  }

  private mutating func readNumber() -> Int? {
    let start = position
    while let scalar = current, scalar.isASCIIDigit { position += 1 }
    guard position > start else { return nil }
    return Int(String(String.UnicodeScalarView(text[start..<position])))
  }
}

/// Messages of the pattern parser, in one place.
enum PatternMessages {
  static let empty = "the pattern is empty"
  static let expectedElement = "expected a pattern element here"
  static let emptyLiteral = "an empty quoted text matches nothing"
  static let emptyClass = "a character class needs at least one class name, e.g. [han]"
  static let badRepeat = "a repeat is {n} or {m,n} with 0 ≤ m ≤ n and n ≥ 1"
  static let unboundedBrace = "a repeat needs an upper bound: write {m,n}"
  static func unexpected(_ s: Unicode.Scalar) -> String { "unexpected '\(s)' in the pattern" }
  static func unclosed(_ s: String) -> String { "'\(s)' is not closed" }
  static func expectedName(_ what: String) -> String { "expected \(what)" }
  static func attributeTest(_ name: String) -> String {
    "attribute test '\(name)' needs '=' or '!=' and a value, e.g. <ZONE kind=etdz>, or nothing to test that it is there (<NUMBER value>)"
  }
  static func quantifierWithoutElement(_ s: Unicode.Scalar) -> String { "'\(s)' must follow an element" }
  static func unbounded(_ s: Unicode.Scalar) -> String {
    "'\(s)' is unbounded; patterns must be bounded: write {1,N} (N ≤ \(PatternParser.maxRepeat))"
  }
  static func repeatTooLarge(_ n: Int) -> String {
    "repeat bound \(n) is larger than \(PatternParser.maxRepeat)"
  }
}
