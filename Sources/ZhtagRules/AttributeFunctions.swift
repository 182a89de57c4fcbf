// The functions rule authors may call in attribute values, with their arity, so that the
// loader can check every call; the engine (ZhtagTag) implements them.

import ZhtagCore

/// The name and the number of arguments of an attribute function.
public struct AttributeFunctionSignature: Hashable, Sendable {
  public var name: String
  public var minArguments: Int
  public var maxArguments: Int
  /// One line for rules/README.md and error messages.
  public var doc: String

  public init(name: String, minArguments: Int, maxArguments: Int, doc: String) {
    self.name = name
    self.minArguments = minArguments
    self.maxArguments = maxArguments
    self.doc = doc
  }

  /// Every function the engine provides. Later issues add theirs here and in
  /// `Sources/ZhtagTag/AttributeFunctions.swift`.
  public static var known: [String: AttributeFunctionSignature] {
    var table: [String: AttributeFunctionSignature] = [:]
    for signature in [
      AttributeFunctionSignature(
        name: "lookup", minArguments: 3, maxArguments: 3,
        doc: "lookup(lexicon, key, column): the column of the lexicon entry whose key is the text"),
      AttributeFunctionSignature(
        name: "concat", minArguments: 1, maxArguments: 8,
        doc: "concat(a, b, …): the texts joined; nothing when all are missing"),
      AttributeFunctionSignature(
        name: "first", minArguments: 1, maxArguments: 8,
        doc: "first(a, b, …): the first argument that has a value"),
    ] {
      table[signature.name] = signature
    }
    for signature in entity { table[signature.name] = signature }  // EntityFunctionSignatures.swift
    for signature in numbers { table[signature.name] = signature }  // NumberFunctionSignatures.swift
    return table
  }
}

/// Why an attribute value does not parse.
struct AttributeSyntaxError: Error {
  var message: String
}

/// Parses attribute values: `$cap`, `$cap.attr`, `name(arg, …)` or a plain text.
enum AttributeValueParser {
  /// A failure when the text is a function call that does not parse (the message says why).
  static func parse(_ text: String) -> Result<AttributeValue, AttributeSyntaxError> {
    let trimmed = text.trimmingSpaces()
    if trimmed.hasPrefix("$") {
      let reference = String(trimmed.dropFirst())
      let parts = reference.split(separator: ".", maxSplits: 1).map(String.init)
      if parts.count == 2 { return .success(.captureAttribute(capture: parts[0], attribute: parts[1])) }
      return .success(.column(reference))
    }
    guard let open = trimmed.firstIndex(of: "("), trimmed.hasSuffix(")"),
      trimmed[..<open].allSatisfy({ $0.isLetter || $0 == "-" || $0 == "_" }), open != trimmed.startIndex
    else { return .success(.literal(text)) }
    let name = String(trimmed[..<open])
    let inner = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
    var arguments: [AttributeValue] = []
    for piece in splitArguments(inner) {  // top-level commas only, so calls nest (EntityFunctionSignatures.swift)
      var argument = String(piece).trimmingSpaces()
      if argument.isEmpty { return .failure(AttributeSyntaxError(message: RuleMessages.emptyArgument(name))) }
      if argument.count >= 2, argument.hasPrefix("'") || argument.hasPrefix("\""), argument.last == argument.first {
        argument = String(argument.dropFirst().dropLast())
        arguments.append(.literal(argument))
        continue
      }
      switch parse(argument) {
      case .success(let value): arguments.append(value)
      case .failure(let message): return .failure(message)
      }
    }
    return .success(.function(name: name, arguments: arguments))
  }
}
