// Reads one tag rule (a YAML mapping) with its examples.
import Yams
import ZhtagCore

/// What a rule may refer to: lexicons, classes, macros, labels made by earlier phases.
struct TagRuleContext {
  var lexicons: [String: Lexicon]
  var classes: [String: CharacterClassDefinition]
  var macros: [String: PatternNode]
  /// Labels produced by the phases before the current one.
  var earlierLabels: Set<String>
  var normalise: (String) -> String
}

enum TagRuleReader {
  static let keys = ["id", "doc", "label", "priority", "lexicon", "words", "pattern", "attributes",
                     "not-followed-by", "not-preceded-by", "examples", "rejects"]

  static func read(_ node: Node, reader: RuleFileReader, context: TagRuleContext,
                   ids: inout [String: String]) -> TagRule?
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
    var captures: Set<String> = []
    var notFollowedBy: PatternNode?
    var notPrecededBy: PatternNode?
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
          if context.lexicons[name] == nil {
            reader.error(RuleMessages.unknownLexicon(name, known: context.lexicons.keys.sorted()), at: pair.value)
          }
          matcher = .lexicon(name)
        }
      case "words":
        matcherCount += 1
        matcher = .words(reader.texts(pair.value, "'words'").map(context.normalise))
      case "pattern":
        matcherCount += 1
        if let pattern = PatternReader.read(pair.value, reader: reader, context: context) {
          matcher = .pattern(pattern)
          captures = PatternReader.captureNames(pattern)
        }
      case "not-followed-by":
        notFollowedBy = PatternReader.read(pair.value, reader: reader, context: context)
      case "not-preceded-by":
        notPrecededBy = PatternReader.read(pair.value, reader: reader, context: context)
        if let pattern = notPrecededBy, pattern.lengthBounds().max == nil {
          reader.error(RuleMessages.unboundedLookbehind(), at: pair.value)
        }
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
        guard let key = keyNode.string, let text = reader.text(valueNode, "an attribute") else { continue }
        order.append(key)
        switch AttributeValueParser.parse(text) {
        case .failure(let error):
          reader.error(error.message, at: valueNode)
        case .success(let value):
          attributes[key] = value
          for problem in AttributeChecker.problems(
            value, matcher: matcher, captures: captures, lexicons: context.lexicons, hasLexicon: lexiconNode != nil)
          {
            reader.error(problem, at: valueNode)
          }
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
      attributeOrder: order, examples: examples, rejects: rejects,
      notFollowedBy: notFollowedBy, notPrecededBy: notPrecededBy)
  }
}

/// Checks that an attribute value refers only to what the rule has.
enum AttributeChecker {
  static func problems(_ value: AttributeValue, matcher: RuleMatcher?, captures: Set<String>,
                       lexicons: [String: Lexicon], hasLexicon: Bool) -> [String] {
    switch value {
    case .literal: return []
    case .column(let reference):
      switch matcher {
      case .pattern:
        return captures.contains(reference) ? [] : [RuleMessages.unknownCapture(reference, known: captures.sorted())]
      case .lexicon(let name):
        if let lexicon = lexicons[name], lexicon.column(reference) == nil {
          return [RuleMessages.unknownColumn(reference, lexicon: name, known: lexicon.columns)]
        }
        return []
      default:
        return hasLexicon ? [] : [RuleMessages.columnWithoutLexicon(reference)]
      }
    case .captureAttribute(let capture, _):
      if case .pattern = matcher, !captures.contains(capture) {
        return [RuleMessages.unknownCapture(capture, known: captures.sorted())]
      }
      return []
    case .function(let name, let arguments):
      let known = AttributeFunctionSignature.known
      guard let signature = known[name] else { return [RuleMessages.unknownFunction(name, known: known.keys.sorted())] }
      var problems: [String] = []
      if arguments.count < signature.minArguments || arguments.count > signature.maxArguments {
        problems.append(RuleMessages.functionArity(signature, got: arguments.count))
      }
      for argument in arguments {
        problems += self.problems(argument, matcher: matcher, captures: captures, lexicons: lexicons, hasLexicon: hasLexicon)
      }
      return problems
    }
  }
}

/// Parses a pattern text from YAML, expands macros and checks every reference.
enum PatternReader {
  /// Parses without checking references (for macros, checked where they are used).
  static func parse(_ node: Node, reader: RuleFileReader) -> PatternNode? {
    guard let text = reader.text(node, "a pattern") else { return nil }
    do {
      return try PatternParser.parse(text)
    } catch {
      report(error.message, at: error.offset, in: node, reader: reader)
      return nil
    }
  }

  static func read(_ node: Node, reader: RuleFileReader, context: TagRuleContext) -> PatternNode? {
    guard let parsed = parse(node, reader: reader) else { return nil }
    var problems: [String] = []
    let expanded = expand(parsed, context: context, visiting: [], problems: &problems)
    check(expanded, context: context, problems: &problems)
    for problem in Set(problems).sorted() { reader.error(problem, at: node) }
    return problems.isEmpty ? expanded : nil
  }

  /// Reports a parser error with the caret under the character of the pattern.
  static func report(_ message: String, at offset: Int, in node: Node, reader: RuleFileReader) {
    let mark = node.mark
    var column = (mark?.column ?? 1) + offset
    if case .scalar(let scalar) = node, scalar.style == .singleQuoted || scalar.style == .doubleQuoted {
      column += 1
    }
    reader.error(message, line: mark?.line ?? 1, column: column)
  }

  static func expand(_ node: PatternNode, context: TagRuleContext, visiting: [String],
                     problems: inout [String]) -> PatternNode
  {
    switch node {
    case .macro(let name):
      if visiting.contains(name) {
        problems.append(RuleMessages.macroCycle((visiting + [name]).joined(separator: " → ")))
        return node
      }
      guard let body = context.macros[name] else {
        problems.append(RuleMessages.unknownMacro(name, known: context.macros.keys.sorted()))
        return node
      }
      return expand(body, context: context, visiting: visiting + [name], problems: &problems)
    case .sequence(let items):
      return .sequence(items.map { expand($0, context: context, visiting: visiting, problems: &problems) })
    case .alternation(let items):
      return .alternation(items.map { expand($0, context: context, visiting: visiting, problems: &problems) })
    case .repetition(let inner, let min, let max):
      return .repetition(expand(inner, context: context, visiting: visiting, problems: &problems), min: min, max: max)
    case .capture(let name, let inner):
      return .capture(name, expand(inner, context: context, visiting: visiting, problems: &problems))
    case .literal(let scalars):
      return .literal(Array(context.normalise(String(String.UnicodeScalarView(scalars))).unicodeScalars))
    default:
      return node
    }
  }

  static func check(_ node: PatternNode, context: TagRuleContext, problems: inout [String]) {
    switch node {
    case .lexicon(let name):
      if context.lexicons[name] == nil {
        problems.append(RuleMessages.unknownLexicon(name, known: context.lexicons.keys.sorted()))
      }
    case .annotation(let label, _):
      if !context.earlierLabels.contains(label) {
        problems.append(RuleMessages.unknownLabel(label, known: context.earlierLabels.sorted()))
      }
    case .characterClass(let names, _):
      for name in names where !CharacterClassDefinition.builtIn.contains(name) && context.classes[name] == nil {
        let known = CharacterClassDefinition.builtIn.union(context.classes.keys).sorted()
        problems.append(RuleMessages.unknownClass(name, known: known))
      }
    case .sequence(let items), .alternation(let items):
      for item in items { check(item, context: context, problems: &problems) }
    case .repetition(let inner, _, _), .capture(_, let inner):
      check(inner, context: context, problems: &problems)
    case .literal, .macro:
      break
    }
  }

  static func captureNames(_ node: PatternNode) -> Set<String> {
    switch node {
    case .capture(let name, let inner): return captureNames(inner).union([name])
    case .sequence(let items), .alternation(let items):
      return items.reduce(into: Set<String>()) { $0.formUnion(captureNames($1)) }
    case .repetition(let inner, _, _): return captureNames(inner)
    default: return []
    }
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
