// Reading YAML nodes with their line and column, reporting problems as diagnostics.
import Yams
import ZhtagCore

/// One rule file being read: its text for caret lines, and the problems found so far.
final class RuleFileReader {
  let path: String
  let lines: [String]
  var diagnostics: [Diagnostic] = []

  init(path: String, text: String) {
    self.path = path
    self.lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }

  func error(_ message: String, line: Int, column: Int) {
    let sourceLine = line >= 1 && line <= lines.count ? lines[line - 1] : nil
    diagnostics.append(
      Diagnostic(.error, "rules.invalid", message,
                 at: SourceLocation(file: path, line: line, column: column), sourceLine: sourceLine))
  }

  func error(_ message: String, at node: Node?) {
    let mark = node?.mark
    error(message, line: mark?.line ?? 1, column: mark?.column ?? 1)
  }

  /// Parses the text; reports a syntax error and returns nil on failure.
  func compose(_ text: String) -> Node? {
    do {
      return try Yams.compose(yaml: text)
    } catch let error as YamlError {
      switch error {
      case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
        .composer(_, let problem, let mark, _):
        self.error(RuleMessages.yamlSyntax(problem), line: mark.line, column: mark.column)
      default:
        self.error(RuleMessages.yamlSyntax("\(error)"), line: 1, column: 1)
      }
    } catch {
      self.error(RuleMessages.yamlSyntax("\(error)"), line: 1, column: 1)
    }
    return nil
  }

  /// The pairs of a mapping node, checking that every key is known.
  func mapping(_ node: Node, _ what: String, known: [String]) -> [(key: String, keyNode: Node, value: Node)]? {
    guard case .mapping(let mapping) = node else {
      error(RuleMessages.expectedMapping(what), at: node)
      return nil
    }
    var pairs: [(String, Node, Node)] = []
    for (keyNode, value) in mapping {
      let key = keyNode.string ?? ""
      if !known.contains(key) {
        error(RuleMessages.unknownKey(key, in: what, known: known), at: keyNode)
        continue
      }
      pairs.append((key, keyNode, value))
    }
    return pairs
  }

  func text(_ node: Node, _ what: String) -> String? {
    guard case .scalar(let scalar) = node else {
      if case .mapping = node {
        error(RuleMessages.textReadAsMapping(what), at: node)
      } else {
        error(RuleMessages.expectedText(what), at: node)
      }
      return nil
    }
    return scalar.string
  }

  func integer(_ node: Node, _ what: String) -> Int? {
    guard case .scalar(let scalar) = node, let value = Int(scalar.string) else {
      error(RuleMessages.expectedInteger(what), at: node)
      return nil
    }
    return value
  }

  func list(_ node: Node, _ what: String) -> [Node]? {
    if case .sequence(let sequence) = node { return Array(sequence) }
    error(RuleMessages.expectedList(what), at: node)
    return nil
  }

  /// A list of texts; a single text is accepted as a list of one.
  func texts(_ node: Node, _ what: String) -> [String] {
    if case .scalar(let scalar) = node { return [scalar.string] }
    guard let items = list(node, what) else { return [] }
    return items.compactMap { text($0, what + " item") }
  }
}
