// Runs the examples written under the rules: tag rules' examples/rejects and clean rules'
// drop/keep lines. Used by `zhtag rules test` and by `swift test`, one case per example.
import ZhtagClean
import ZhtagCore
import ZhtagRules
import ZhtagTag

/// One example to run, named by its place in the rule files.
public struct RuleExampleCase: Sendable, CustomStringConvertible {
  public enum Kind: Sendable { case tagMatch, tagReject, lineDrop, lineKeep }
  public var kind: Kind
  public var ruleID: String
  public var file: String
  public var line: Int
  public var text: String
  /// Marked spans and attributes, for tag examples.
  public var spans: [TextRange]
  public var attributes: [String: String]

  public var description: String {
    let verb: String
    switch kind {
    case .tagMatch: verb = "matches"
    case .tagReject: verb = "rejects"
    case .lineDrop: verb = "drops"
    case .lineKeep: verb = "keeps"
    }
    return "\(file):\(line) \(ruleID) \(verb) \(text)"
  }
}

/// The verdict on one example; `message` says what went wrong, Duckling-style.
public struct RuleExampleResult: Sendable {
  public var example: RuleExampleCase
  public var passed: Bool
  public var message: String
}

extension Pipeline {
  /// Every example under the rules, in file order.
  public var ruleExamples: [RuleExampleCase] {
    var cases: [RuleExampleCase] = []
    for rule in ruleSet.ruleBook.allRules {
      for example in rule.examples + rule.rejects {
        cases.append(RuleExampleCase(
          kind: example.isReject ? .tagReject : .tagMatch, ruleID: rule.reference.id,
          file: example.file, line: example.line, text: example.text, spans: example.spans,
          attributes: example.attributes))
      }
    }
    for rule in ruleSet.lineRules {
      for text in rule.dropExamples {
        cases.append(RuleExampleCase(kind: .lineDrop, ruleID: rule.reference.id, file: rule.reference.file,
                                     line: rule.reference.line, text: text, spans: [], attributes: [:]))
      }
      for text in rule.keepExamples {
        cases.append(RuleExampleCase(kind: .lineKeep, ruleID: rule.reference.id, file: rule.reference.file,
                                     line: rule.reference.line, text: text, spans: [], attributes: [:]))
      }
    }
    return cases
  }

  /// Runs one example.
  public func run(_ example: RuleExampleCase) -> RuleExampleResult {
    func result(_ passed: Bool, _ message: String) -> RuleExampleResult {
      RuleExampleResult(example: example, passed: passed,
                        message: passed ? "ok" : "\(example.file):\(example.line): \(message)")
    }
    switch example.kind {
    case .lineDrop, .lineKeep:
      guard let rule = ruleSet.lineRules.first(where: { $0.reference.id == example.ruleID }) else {
        return result(false, "rule \(example.ruleID) not found")
      }
      let line = decoder.normalised(example.text)
      let trimmed = Substring(line.trimmingSpaces())
      let matched = rule.matches(trimmed)
      if example.kind == .lineDrop {
        return result(matched, "\(example.ruleID) should drop this line but does not match it")
      }
      return result(!matched, "\(example.ruleID) should keep this line but matches it")
    case .tagMatch, .tagReject:
      let text = Array(example.text.unicodeScalars)
      let found = tagger.tag(text).annotations.filter { $0.rule.id == example.ruleID }
      if example.kind == .tagReject {
        if let hit = found.first {
          return result(false, "reject matched: \(example.ruleID) found ⟦\(text.string(hit.range))⟧ at \(hit.range); try zhtag explain '\(example.text)'")
        }
        return result(true, "")
      }
      let expected = example.spans.isEmpty ? [TextRange(0, text.count)] : example.spans
      for span in expected {
        guard let hit = found.first(where: { $0.range == span }) else {
          if found.isEmpty {
            return result(false, "no match: \(example.ruleID) found nothing in '\(example.text)'; try zhtag explain '\(example.text)'")
          }
          let got = found.map { "⟦\(text.string($0.range))⟧" }.joined(separator: " ")
          return result(false, "matched, but not the marked span ⟦\(text.string(span))⟧ (got \(got))")
        }
        for (name, value) in example.attributes.sorted(by: { $0.key < $1.key }) {
          let actual = hit.attributes.first(where: { $0.0 == name })?.1
          if actual != value {
            return result(false, "attribute '\(name)' differs: expected \(value), got \(actual ?? "nothing")")
          }
        }
      }
      return result(true, "")
    }
  }
}
