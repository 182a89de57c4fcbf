// The tag engine: compiles a rule book once, then finds and settles candidates per phase.
import ZhtagCore
import ZhtagRules

/// A match before conflicts are settled, and what became of it.
public struct Candidate: Sendable {
  public enum Outcome: Sendable, Equatable {
    case won
    /// Lost to the candidate at this index, for the reason given.
    case lost(to: Int, reason: String)
  }
  public var annotation: Annotation
  public var priority: Int
  /// Position of the rule in the rule book (earlier rules win ties).
  public var ruleOrder: Int
  /// The lexicon entry that matched, as `file:line`, when a lexicon did.
  public var entry: String?
  public var outcome: Outcome = .won
}

/// What tagging found: the winners, and every candidate when asked for.
public struct TagResult: Sendable {
  public var annotations: [Annotation]
  public var candidates: [Candidate]
}

/// Applies a compiled rule book to texts. Build one per run; it is immutable and thread-safe.
public struct Tagger: Sendable {
  struct Payload: Sendable {
    var rule: Int
    var entry: LexiconEntry?
    var lexicon: Lexicon?
  }

  struct CompiledPhase: Sendable {
    var name: String
    var automaton: Automaton
    var payloads: [[Payload]]  // per automaton key
  }

  public let ruleBook: RuleBook
  private let rules: [TagRule]
  private let phases: [CompiledPhase]

  public init(ruleBook: RuleBook) {
    self.ruleBook = ruleBook
    var rules: [TagRule] = []
    var phases: [CompiledPhase] = []
    for phase in ruleBook.phases {
      var keyIndex: [[Unicode.Scalar]: Int] = [:]
      var keys: [[Unicode.Scalar]] = []
      var payloads: [[Payload]] = []
      func add(_ key: String, _ payload: Payload) {
        let scalars = Array(key.unicodeScalars)
        guard !scalars.isEmpty else { return }
        if let index = keyIndex[scalars] {
          payloads[index].append(payload)
        } else {
          keyIndex[scalars] = keys.count
          keys.append(scalars)
          payloads.append([payload])
        }
      }
      for rule in phase.rules {
        let ruleIndex = rules.count
        rules.append(rule)
        switch rule.matcher {
        case .lexicon(let name):
          guard let lexicon = ruleBook.lexicons[name] else { continue }
          for entry in lexicon.entries {
            add(entry.key, Payload(rule: ruleIndex, entry: entry, lexicon: lexicon))
          }
        case .words(let words):
          for word in words { add(word, Payload(rule: ruleIndex, entry: nil, lexicon: nil)) }
        }
      }
      phases.append(CompiledPhase(name: phase.name, automaton: Automaton(keys: keys), payloads: payloads))
    }
    self.rules = rules
    self.phases = phases
  }

  /// Tags `text`; with `keepCandidates`, also returns every candidate and its outcome.
  public func tag(_ text: [Unicode.Scalar], keepCandidates: Bool = false) -> TagResult {
    var annotations: [Annotation] = []
    var allCandidates: [Candidate] = []
    for phase in phases {
      var candidates: [Candidate] = []
      phase.automaton.scan(text) { key, start, end in
        for payload in phase.payloads[key] {
          let rule = rules[payload.rule]
          candidates.append(
            Candidate(
              annotation: Annotation(
                label: rule.label, range: TextRange(start, end), rule: rule.reference,
                attributes: attributes(rule, payload), phase: phase.name),
              priority: rule.priority, ruleOrder: payload.rule,
              entry: payload.entry.map { "\(payload.lexicon!.file):\($0.line)" }))
        }
      }
      settle(&candidates)
      for candidate in candidates where candidate.outcome == .won {
        annotations.append(candidate.annotation)
      }
      if keepCandidates { allCandidates += candidates }
    }
    annotations.sort { a, b in
      a.range != b.range ? a.range < b.range : a.rule.id < b.rule.id
    }
    return TagResult(annotations: annotations, candidates: allCandidates)
  }

  private func attributes(_ rule: TagRule, _ payload: Payload) -> [(String, String)] {
    rule.attributeOrder.compactMap { name in
      switch rule.attributes[name] {
      case .literal(let value): return (name, value)
      case .column(let column):
        guard let lexicon = payload.lexicon, let index = lexicon.column(column),
          let value = payload.entry?.field(index), !value.isEmpty
        else { return nil }
        return (name, value)
      case nil: return nil
      }
    }
  }

  /// The conflict policy: higher priority, then longer span, then earlier rule, then earlier
  /// offset wins; a candidate overlapping a winner loses. In keep-all mode all win.
  private func settle(_ candidates: inout [Candidate]) {
    if ruleBook.conflicts == .keepAll { return }
    let order = candidates.indices.sorted { a, b in
      let x = candidates[a]
      let y = candidates[b]
      if x.priority != y.priority { return x.priority > y.priority }
      if x.annotation.range.count != y.annotation.range.count {
        return x.annotation.range.count > y.annotation.range.count
      }
      if x.ruleOrder != y.ruleOrder { return x.ruleOrder < y.ruleOrder }
      return x.annotation.range.start < y.annotation.range.start
    }
    var winners: [Int] = []
    for index in order {
      let range = candidates[index].annotation.range
      if let winner = winners.first(where: { candidates[$0].annotation.range.overlaps(range) }) {
        candidates[index].outcome = .lost(to: winner, reason: reason(candidates[index], candidates[winner]))
      } else {
        winners.append(index)
      }
    }
  }

  private func reason(_ loser: Candidate, _ winner: Candidate) -> String {
    let w = "\(winner.annotation.rule.id) \(winner.annotation.range)"
    if winner.priority != loser.priority {
      return "overlaps \(w), which has higher priority (\(winner.priority) > \(loser.priority))"
    }
    if winner.annotation.range.count != loser.annotation.range.count {
      return "overlaps \(w), which is longer"
    }
    if winner.ruleOrder != loser.ruleOrder { return "overlaps \(w), whose rule comes first" }
    return "overlaps \(w), which starts earlier"
  }
}
