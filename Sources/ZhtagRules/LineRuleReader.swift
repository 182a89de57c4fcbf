// Reads one clean rule (a line pattern with drop/keep examples).
import Yams
import ZhtagCore

enum LineRuleReader {
  static let keys = ["id", "doc", "reason", "action", "starts", "ends", "contains", "equals",
                     "only", "max-length", "excludes", "drop", "keep"]

  static func read(_ node: Node, reader: RuleFileReader, normalise: (String) -> String,
                   ids: inout [String: String]) -> LineRule?
  {
    guard let pairs = reader.mapping(node, "a clean rule", known: keys) else { return nil }
    var id: String?
    var reason: String?
    var action = LineRuleAction.drop
    var tests: [LineTest] = []
    var drops: [String] = []
    var keeps: [String] = []
    for pair in pairs {
      switch pair.key {
      case "id":
        id = reader.text(pair.value, "'id'")
        if let value = id {
          if !RuleIdentifier.isValid(value) { reader.error(RuleMessages.badID(value), at: pair.value) }
          if let first = ids[value] {
            reader.error(RuleMessages.duplicateID(value, first: first), at: pair.value)
          } else {
            ids[value] = "\(reader.path):\(pair.value.mark?.line ?? 0)"
          }
        }
      case "reason": reason = reader.text(pair.value, "'reason'")
      case "action":
        if let text = reader.text(pair.value, "'action'") {
          if let value = LineRuleAction(rawValue: text) { action = value } else {
            reader.error(RuleMessages.badAction(text), at: pair.value)
          }
        }
      case "starts": tests.append(.startsWith(reader.texts(pair.value, "'starts'").map(normalise)))
      case "ends": tests.append(.endsWith(reader.texts(pair.value, "'ends'").map(normalise)))
      case "contains": tests.append(.contains(reader.texts(pair.value, "'contains'").map(normalise)))
      case "equals": tests.append(.equals(reader.texts(pair.value, "'equals'").map(normalise)))
      case "only":
        if let text = reader.text(pair.value, "'only'") {
          tests.append(.onlyCharacters(Set(normalise(text).unicodeScalars)))
        }
      case "max-length":
        if let value = reader.integer(pair.value, "'max-length'") { tests.append(.maxLength(value)) }
      case "excludes": tests.append(.excludes(reader.texts(pair.value, "'excludes'").map(normalise)))
      case "drop": drops = reader.texts(pair.value, "'drop'")
      case "keep": keeps = reader.texts(pair.value, "'keep'")
      default: break
      }
    }
    if id == nil { reader.error(RuleMessages.missingKey("id", in: "a clean rule"), at: node) }
    // max-length and excludes only narrow a rule; alone they would match almost any line.
    if tests.allSatisfy({
      switch $0 {
      case .maxLength, .excludes: return true
      default: return false
      }
    }) {
      reader.error(RuleMessages.noTests(), at: node)
    }
    if drops.isEmpty { reader.error(RuleMessages.missingKey("drop", in: "a clean rule"), at: node) }
    guard let id else { return nil }
    return LineRule(
      reference: RuleReference(id: id, file: reader.path, line: node.mark?.line ?? 0),
      reason: reason ?? id, action: action, tests: tests, dropExamples: drops, keepExamples: keeps)
  }
}
