// Reads one tag rule (a YAML mapping) with its examples.
import Yams
import ZhtagCore

enum TagRuleReader {
  static let keys = ["id", "doc", "label", "priority", "lexicon", "words", "attributes",
                     "examples", "rejects"]

  static func read(_ node: Node, reader: RuleFileReader, lexicons: [String: Lexicon],
                   normalise: (String) -> String, ids: inout [String: String]) -> TagRule?
  {
    guard let pairs = reader.mapping(node, "a rule", known: keys) else { return nil }
    var id: String?
    var label: String?
    var priority = 0
    var matcher: RuleMatcher?
    var matcherCount = 0
    var attributeNode: Node?
    var exampleNodes: [Node] = []
    var rejectNodes: [Node] = []
    var lexiconNode: Node?
    for pair in pairs {
      switch pair.key {
      case "id":
        id = reader.text(pair.value, "'id'")
        if let value = id {
          if !RuleIdentifier.isValid(value) { reader.error(RuleMessages.badID(value), at: pair.value) }
          let place = "\(reader.path):\(pair.value.mark?.line ?? 0)"
          if let first = ids[value] {
            reader.error(RuleMessages.duplicateID(value, first: first), at: pair.value)
          } else {
            ids[value] = place
          }
        }
      case "label": label = reader.text(pair.value, "'label'")
      case "priority": priority = reader.integer(pair.value, "'priority'") ?? 0
      case "lexicon":
        matcherCount += 1
        lexiconNode = pair.value
        if let name = reader.text(pair.value, "'lexicon'") {
          if lexicons[name] == nil {
            reader.error(RuleMessages.unknownLexicon(name, known: lexicons.keys.sorted()), at: pair.value)
          }
          matcher = .lexicon(name)
        }
      case "words":
        matcherCount += 1
        matcher = .words(reader.texts(pair.value, "'words'").map(normalise))
      case "attributes": attributeNode = pair.value
      case "examples": exampleNodes = reader.list(pair.value, "'examples'") ?? []
      case "rejects": rejectNodes = reader.list(pair.value, "'rejects'") ?? []
      default: break
      }
    }
    if id == nil { reader.error(RuleMessages.missingKey("id", in: "a rule"), at: node) }
    if label == nil { reader.error(RuleMessages.missingKey("label", in: "a rule"), at: node) }
    if matcherCount != 1 { reader.error(RuleMessages.oneMatcher(), at: node) }
    if exampleNodes.isEmpty { reader.error(RuleMessages.noExamples(), at: node) }

    var attributes: [String: AttributeValue] = [:]
    var order: [String] = []
    if let attributeNode, case .mapping(let mapping) = attributeNode {
      for (keyNode, valueNode) in mapping {
        guard let key = keyNode.string, let value = reader.text(valueNode, "an attribute") else { continue }
        order.append(key)
        if value.hasPrefix("$") {
          let column = String(value.dropFirst())
          attributes[key] = .column(column)
          if case .lexicon(let name) = matcher, let lexicon = lexicons[name] {
            if lexicon.column(column) == nil {
              reader.error(RuleMessages.unknownColumn(column, lexicon: name, known: lexicon.columns),
                           at: valueNode)
            }
          } else if lexiconNode == nil {
            reader.error(RuleMessages.columnWithoutLexicon(column), at: valueNode)
          }
        } else {
          attributes[key] = .literal(value)
        }
      }
    } else if let attributeNode {
      reader.error(RuleMessages.expectedMapping("'attributes'"), at: attributeNode)
    }

    guard let id, let label, let matcher else { return nil }
    let examples = exampleNodes.compactMap {
      ExampleReader.read($0, reader: reader, ruleID: id, isReject: false)
    }
    let rejects = rejectNodes.compactMap {
      ExampleReader.read($0, reader: reader, ruleID: id, isReject: true)
    }
    return TagRule(
      reference: RuleReference(id: id, file: reader.path, line: node.mark?.line ?? 0),
      label: label, priority: priority, matcher: matcher, attributes: attributes,
      attributeOrder: order, examples: examples, rejects: rejects)
  }
}

enum RuleIdentifier {
  static func isValid(_ id: String) -> Bool {
    !id.isEmpty && id.unicodeScalars.allSatisfy {
      ($0.value >= 0x61 && $0.value <= 0x7A) || $0.isASCIIDigit || $0 == "-" || $0 == "."
    }
  }
}

/// Reads an example: a text with optional ⟦ ⟧ markers, or a mapping with `text` and
/// `attributes`.
enum ExampleReader {
  static func read(_ node: Node, reader: RuleFileReader, ruleID: String, isReject: Bool) -> RuleExample? {
    var raw: String?
    var attributes: [String: String] = [:]
    switch node {
    case .scalar(let scalar): raw = scalar.string
    case .mapping(let mapping) where mapping["text"] == nil:
      reader.error(RuleMessages.textReadAsMapping("an example"), at: node)
    case .mapping:
      for pair in reader.mapping(node, "an example", known: ["text", "attributes"]) ?? [] {
        if pair.key == "text" { raw = reader.text(pair.value, "'text'") }
        if pair.key == "attributes", case .mapping(let mapping) = pair.value {
          for (key, value) in mapping {
            if let key = key.string, let value = value.string { attributes[key] = value }
          }
        }
      }
    default:
      reader.error(RuleMessages.expectedText("an example"), at: node)
    }
    guard let raw else { return nil }
    guard let (text, spans) = parseMarkers(raw) else {
      reader.error(RuleMessages.unbalancedMarkers(), at: node)
      return nil
    }
    if text.isEmpty {
      reader.error(RuleMessages.emptyExample(), at: node)
      return nil
    }
    return RuleExample(text: text, spans: spans, attributes: attributes, file: reader.path,
                       line: node.mark?.line ?? 0, ruleID: ruleID, isReject: isReject)
  }

  /// Strips `⟦ ⟧` and returns the marked spans in code points; nil when unbalanced.
  public static func parseMarkers(_ raw: String) -> (String, [TextRange])? {
    var text = String.UnicodeScalarView()
    var spans: [TextRange] = []
    var open: Int?
    var count = 0
    for scalar in raw.unicodeScalars {
      if scalar == "⟦" {
        if open != nil { return nil }
        open = count
      } else if scalar == "⟧" {
        guard let start = open else { return nil }
        spans.append(TextRange(start, count))
        open = nil
      } else {
        text.append(scalar)
        count += 1
      }
    }
    if open != nil { return nil }
    return (String(text), spans)
  }
}
