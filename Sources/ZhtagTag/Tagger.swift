// The tag engine: compiles a rule book once, then finds and settles candidates per phase.
import ZhtagCore
import ZhtagRules

/// A match before conflicts are settled, and what became of it.
public struct Candidate: Sendable {
  public enum Outcome: Sendable, Equatable {
    case won
    /// Lost to the candidate at this index (within its phase), for the reason given.
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
  /// Pattern instructions executed (for tests that check linear time).
  public var patternSteps: Int
}

/// Applies a compiled rule book to texts. Build one per run; it is immutable and thread-safe.
public struct Tagger: Sendable {
  enum Payload: Sendable {
    /// A lexicon or words rule matched this key (entry index in the rule's lexicon, or -1).
    case rule(rule: Int, entry: Int32)
    /// A pattern rule may start near here: `offsets` before the key's start.
    case anchor(pattern: Int, minOffset: Int, maxOffset: Int)
  }

  /// Where a pattern can start: near occurrences of keys, at annotations of a label, or
  /// anywhere (patterns that begin with character classes only).
  enum Anchor: Sendable {
    case keys
    case label(String, minOffset: Int, maxOffset: Int)
    case everywhere
  }

  struct CompiledPattern: Sendable {
    var rule: Int
    var program: PatternProgram
    var anchor: Anchor
    var notFollowedBy: PatternProgram?
    var notPrecededBy: (program: PatternProgram, maxLength: Int)?
  }

  struct CompiledPhase: Sendable {
    var name: String
    var patterns: [CompiledPattern]
    /// Per pattern: the class of a run that is all the pattern has before its anchor, if so
    /// (ClassRunAnchor.swift).
    var runs: [ClassMatcher?] = []
    /// Per pattern anchored on an annotation: the attribute tests of that annotation, checked
    /// when starts are gathered (ClassRunAnchor.swift).
    var labelTests: [[AttributeTest]] = []
  }

  /// One automaton over the keys of every phase, scanned once per text.
  private let automaton: Automaton
  /// Per automaton key: the phase and what a hit means.
  private let payloads: [[(phase: Int, payload: Payload)]]

  public let ruleBook: RuleBook
  private let rules: [TagRule]
  private let phases: [CompiledPhase]
  private let tries: [LexiconTrie]
  /// Compiled `not-followed-by` / `not-preceded-by` of lexicon and words rules, by rule.
  private let constraints: [Int: CompiledPattern]
  /// The lexicon of each lexicon rule, by rule index.
  private let ruleLexicons: [Lexicon?]
  /// Links mentions after the last phase (refers_to, propagated names, posts to persons).
  private let linker: MentionLinker

  /// Pattern rules with no fixed part to anchor on: they are tried at every character, which
  /// is correct but slow (`zhtag rules check` warns about them).
  public var unanchoredRules: [RuleReference] {
    phases.flatMap(\.patterns).filter {
      if case .everywhere = $0.anchor { return true } else { return false }
    }.map { rules[$0.rule].reference }
  }

  public init(ruleBook: RuleBook) {
    self.ruleBook = ruleBook
    var rules: [TagRule] = []
    var phases: [CompiledPhase] = []
    var tries: [LexiconTrie] = []
    var trieIndex: [String: Int] = [:]
    for name in ruleBook.lexicons.keys.sorted() {
      trieIndex[name] = tries.count
      tries.append(LexiconTrie(ruleBook.lexicons[name]!))
    }
    var constraints: [Int: CompiledPattern] = [:]
    var ruleLexicons: [Lexicon?] = []
    var keyIndex: [[Unicode.Scalar]: Int] = [:]
    var keys: [[Unicode.Scalar]] = []
    var payloads: [[(phase: Int, payload: Payload)]] = []
    for phase in ruleBook.phases {
      var patterns: [CompiledPattern] = []
      var runs: [ClassMatcher?] = []
      var labelTests: [[AttributeTest]] = []
      let phaseIndex = phases.count
      func add(_ key: [Unicode.Scalar], _ payload: Payload) {
        guard !key.isEmpty else { return }
        if let index = keyIndex[key] {
          payloads[index].append((phaseIndex, payload))
        } else {
          keyIndex[key] = keys.count
          keys.append(key)
          payloads.append([(phaseIndex, payload)])
        }
      }
      for rule in phase.rules {
        let ruleIndex = rules.count
        rules.append(rule)
        if case .lexicon(let name) = rule.matcher { ruleLexicons.append(ruleBook.lexicons[name]) } else {
          ruleLexicons.append(nil)
        }
        if rule.notFollowedBy != nil || rule.notPrecededBy != nil {
          constraints[ruleIndex] = CompiledPattern(
            rule: ruleIndex, program: PatternProgram(.sequence([]), classes: [:], trieIndex: [:]),
            anchor: .everywhere,
            notFollowedBy: rule.notFollowedBy.map { PatternProgram($0, classes: ruleBook.classes, trieIndex: trieIndex) },
            notPrecededBy: rule.notPrecededBy.map {
              (PatternProgram($0, classes: ruleBook.classes, trieIndex: trieIndex), $0.lengthBounds().max ?? 0)
            })
        }
        switch rule.matcher {
        case .lexicon(let name):
          guard let lexicon = ruleBook.lexicons[name] else { continue }
          for (entryIndex, entry) in lexicon.entries.enumerated() {
            add(Array(entry.key.unicodeScalars), .rule(rule: ruleIndex, entry: Int32(entryIndex)))
          }
        case .words(let words):
          for word in words { add(Array(word.unicodeScalars), .rule(rule: ruleIndex, entry: -1)) }
        case .pattern(let node):
          let program = PatternProgram(node, classes: ruleBook.classes, trieIndex: trieIndex)
          var anchor = Anchor.everywhere
          var run: ClassMatcher?
          var tests: [AttributeTest] = []
          if let found = Self.findAnchor(node) {
            run = Self.leadingRun(node, classes: ruleBook.classes)
            switch found.kind {
            case .keys(let anchorKeys):
              anchor = .keys
              for key in anchorKeys {
                add(key, .anchor(pattern: patterns.count, minOffset: found.minOffset, maxOffset: found.maxOffset))
              }
            case .lexicon(let name):
              anchor = .keys
              for entry in ruleBook.lexicons[name]?.entries ?? [] {
                add(Array(entry.key.unicodeScalars),
                    .anchor(pattern: patterns.count, minOffset: found.minOffset, maxOffset: found.maxOffset))
              }
            case .label(let label):
              anchor = .label(label, minOffset: found.minOffset, maxOffset: found.maxOffset)
              tests = Self.anchorTests(node)
            }
          } else if let leading = Self.leadingKeys(node, classes: ruleBook.classes) {
            // No fixed part further on: anchor on the characters a match must begin with
            // (a small class such as [digit] or a data-defined one; see LeadingKeys.swift).
            anchor = .keys
            for key in leading { add(key, .anchor(pattern: patterns.count, minOffset: 0, maxOffset: 0)) }
          }
          let lookbehind = rule.notPrecededBy.map {
            (PatternProgram($0, classes: ruleBook.classes, trieIndex: trieIndex), $0.lengthBounds().max ?? 0)
          }
          runs.append(run)
          labelTests.append(tests)
          patterns.append(CompiledPattern(
            rule: ruleIndex, program: program, anchor: anchor,
            notFollowedBy: rule.notFollowedBy.map { PatternProgram($0, classes: ruleBook.classes, trieIndex: trieIndex) },
            notPrecededBy: lookbehind))
        }
      }
      phases.append(CompiledPhase(name: phase.name, patterns: patterns, runs: runs, labelTests: labelTests))
    }
    self.automaton = Automaton(keys: keys)
    self.payloads = payloads
    self.rules = rules
    self.phases = phases
    self.tries = tries
    self.constraints = constraints
    self.ruleLexicons = ruleLexicons
    self.linker = MentionLinker(ruleBook: ruleBook)
  }

  /// Tags `text`; with `keepCandidates`, also returns every candidate and its outcome.
  public func tag(_ text: [Unicode.Scalar], keepCandidates: Bool = false, context: TagContext = TagContext())
    -> TagResult
  {
    let functions = FunctionContext(ruleBook: ruleBook, tag: context)
    var annotations: [Annotation] = []
    var allCandidates: [Candidate] = []
    var vm = PatternVM()
    // One scan for all phases; hits are handed to their phase in text order.
    var hits = [[(payload: Payload, start: Int, end: Int)]](repeating: [], count: phases.count)
    automaton.scan(text) { key, start, end in
      for (phase, payload) in payloads[key] { hits[phase].append((payload, start, end)) }
    }
    for (phaseIndex, phase) in phases.enumerated() {
      var candidates: [Candidate] = []
      var starts = [[Int]](repeating: [], count: phase.patterns.count)
      // The annotations of earlier phases, indexed once per phase (constraints and patterns).
      let index = AnnotationIndex(annotations)
      do {
        for (payload, start, end) in hits[phaseIndex] {
          switch payload {
          case .rule(let ruleIndex, let entryIndex):
            // Fields are read in place: copying a TagRule per hit costs a retain per field.
            let lexicon = ruleLexicons[ruleIndex]
            let entry = entryIndex >= 0 ? lexicon?.entries[Int(entryIndex)] : nil
            let range = TextRange(start, end)
            if let constraint = constraints[ruleIndex],
              !allowed(constraint, range, text, index, &vm)
            {
              continue
            }
            candidates.append(
              Candidate(
                annotation: Annotation(
                  label: rules[ruleIndex].label, range: range, rule: rules[ruleIndex].reference,
                  attributes: lexiconAttributes(ruleIndex, entry, lexicon, functions), phase: phase.name),
                priority: rules[ruleIndex].priority, ruleOrder: ruleIndex,
                entry: keepCandidates ? entry.map { "\(lexicon!.file):\($0.line)" } : nil))
          case .anchor(let pattern, let minOffset, let maxOffset):
            if let run = phase.runs[pattern] {
              // Only starts inside the run of the class right before the hit can match.
              var length = 0
              while length < maxOffset, start - length > 0, run.matches(text[start - length - 1]) { length += 1 }
              if length >= minOffset {
                for offset in minOffset...length { starts[pattern].append(start - offset) }
              }
              continue
            }
            for offset in minOffset...maxOffset where start - offset >= 0 {
              starts[pattern].append(start - offset)
            }
          }
        }
      }
      // Starts of the earlier annotations by label, found once per phase.
      var labelStarts: [String: [Int]] = [:]
      for patternIndex in phase.patterns.indices {
        // Most patterns have no start in a given text: look before copying the pattern.
        if case .keys = phase.patterns[patternIndex].anchor, starts[patternIndex].isEmpty { continue }
        let pattern = phase.patterns[patternIndex]
        var positions: [Int]
        switch pattern.anchor {
        case .keys: positions = starts[patternIndex]
        case .label(let label, let minOffset, let maxOffset):
          positions = []
          let tests = phase.labelTests[patternIndex]
          if tests.isEmpty {
            if labelStarts.isEmpty {
              for annotation in annotations { labelStarts[annotation.label, default: []].append(annotation.range.start) }
            }
            for start in labelStarts[label] ?? [] {
              for offset in minOffset...maxOffset where start - offset >= 0 { positions.append(start - offset) }
            }
          } else {
            // Only annotations that pass the anchor's tests (<GPE zone=new-area>) can start a match.
            for annotation in annotations where annotation.label == label && Self.passes(annotation, tests) {
              let start = annotation.range.start
              for offset in minOffset...maxOffset where start - offset >= 0 { positions.append(start - offset) }
            }
          }
          if positions.isEmpty { continue }
        case .everywhere: positions = Array(0..<text.count)
        }
        positions.sort()  // sorted and unique, without hashing (a suffix anchor proposes dozens of starts)
        var unique = 0
        for i in positions.indices where unique == 0 || positions[unique - 1] != positions[i] {
          positions[unique] = positions[i]
          unique += 1
        }
        positions.removeLast(positions.count - unique)
        var covered = 0
        // A not-preceded-by that applies at the match start (no span capture, or one that opens
        // the pattern) is tested before matching: most starts of a name-before-suffix pattern
        // (…大会, …项目) fail it, and it costs one lookbehind instead of a match.
        let spanSlot = pattern.program.captureNames.firstIndex(of: "span")
        let lookbehindFirst = pattern.notPrecededBy != nil
          && (spanSlot == nil || pattern.program.opensWithSave(2 * spanSlot!))
        for start in positions where start >= covered {
          if lookbehindFirst, precededBy(pattern, start, text, index, &vm) { continue }
          guard let match = vm.match(pattern.program, tries: tries, text: text, annotations: index, at: start)
          else { continue }
          var range = TextRange(start, match.end)
          if let slot = spanSlot,
            match.captures[2 * slot] >= 0, match.captures[2 * slot + 1] > match.captures[2 * slot]
          {
            range = TextRange(match.captures[2 * slot], match.captures[2 * slot + 1])
          }
          if !allowed(pattern, range, text, index, &vm) { continue }
          covered = match.end
          candidates.append(
            Candidate(
              annotation: Annotation(
                label: rules[pattern.rule].label, range: range, rule: rules[pattern.rule].reference,
                attributes: patternAttributes(pattern.rule, pattern.program, match, text, index, functions),
                phase: phase.name),
              priority: rules[pattern.rule].priority, ruleOrder: pattern.rule, entry: nil))
        }
      }
      settle(&candidates, explain: keepCandidates)
      for candidate in candidates where candidate.outcome == .won {
        annotations.append(candidate.annotation)
      }
      if keepCandidates { allCandidates += candidates }
    }
    annotations.sort { a, b in
      a.range != b.range ? a.range < b.range : a.rule.id < b.rule.id
    }
    annotations = linker.link(annotations, text: text)  // MentionLinker.swift: rules/lexicons/mention-links.tsv
    return TagResult(annotations: annotations, candidates: allCandidates, patternSteps: vm.steps)
  }

  // MARK: - Constraints and attributes

  /// `not-followed-by` / `not-preceded-by`: the match is dropped when either matches.
  private func allowed(_ pattern: CompiledPattern, _ range: TextRange, _ text: [Unicode.Scalar],
                       _ index: AnnotationIndex, _ vm: inout PatternVM) -> Bool {
    if let after = pattern.notFollowedBy,
      vm.match(after, tries: tries, text: text, annotations: index, at: range.end) != nil
    {
      return false
    }
    if let (before, maxLength) = pattern.notPrecededBy {
      for start in max(0, range.start - maxLength)..<range.start
      where vm.match(before, tries: tries, text: text, annotations: index, at: start, endingAt: range.start) != nil {
        return false
      }
    }
    return true
  }

  /// Whether the pattern's not-preceded-by matches right before `start`.
  private func precededBy(_ pattern: CompiledPattern, _ start: Int, _ text: [Unicode.Scalar],
                          _ index: AnnotationIndex, _ vm: inout PatternVM) -> Bool {
    guard let (before, maxLength) = pattern.notPrecededBy else { return false }
    if let single = before.singleClass {  // [^…] before the start: one character test
      return start > 0 && single.matches(text[start - 1])
    }
    for from in max(0, start - maxLength)..<start
    where vm.match(before, tries: tries, text: text, annotations: index, at: from, endingAt: start) != nil {
      return true
    }
    return false
  }

  private func lexiconAttributes(_ rule: Int, _ entry: LexiconEntry?, _ lexicon: Lexicon?,
                                 _ functions: FunctionContext) -> [(String, String)] {
    func resolve(_ value: AttributeValue) -> String? {
      switch value {
      case .literal(let text): return text
      case .column(let column):
        guard let lexicon, let index = lexicon.column(column), let text = entry?.field(index), !text.isEmpty
        else { return nil }
        return text
      case .captureAttribute: return nil
      case .function(let name, let arguments):
        return AttributeFunctions.all[name]?(arguments.map(resolve), functions)
      }
    }
    return rules[rule].attributeOrder.compactMap { name in
      rules[rule].attributes[name].flatMap(resolve).map { (name, $0) }
    }
  }

  private func patternAttributes(_ rule: Int, _ program: PatternProgram, _ match: PatternMatch,
                                 _ text: [Unicode.Scalar], _ index: AnnotationIndex,
                                 _ functions: FunctionContext) -> [(String, String)] {
    func resolve(_ value: AttributeValue) -> String? {
      switch value {
      case .literal(let text): return text
      case .column(let capture):
        guard let slot = program.captureNames.firstIndex(of: capture) else { return nil }
        let start = match.captures[2 * slot]
        let end = match.captures[2 * slot + 1]
        guard start >= 0, end > start else { return nil }
        return text.string(TextRange(start, end))
      case .captureAttribute(let capture, let attribute):
        guard let slot = program.captureNames.firstIndex(of: capture), let payload = match.payloads[slot]
        else { return nil }
        switch payload {
        case .entry(let trie, let entryIndex):
          let lexicon = tries[trie].lexicon
          guard let column = lexicon.column(attribute), let value = lexicon.entries[entryIndex].field(column),
            !value.isEmpty
          else { return nil }
          return value
        case .annotation(let annotationIndex):
          return index.annotations[annotationIndex].attributes.first { $0.0 == attribute }?.1
        }
      case .function(let name, let arguments):
        return AttributeFunctions.all[name]?(arguments.map(resolve), functions)
      }
    }
    return rules[rule].attributeOrder.compactMap { name in
      rules[rule].attributes[name].flatMap(resolve).map { (name, $0) }
    }
  }

  // MARK: - Anchors

  struct FoundAnchor {
    enum Kind { case keys([[Unicode.Scalar]]), lexicon(String), label(String) }
    var kind: Kind
    var minOffset: Int
    var maxOffset: Int
  }

  /// The first mandatory literal, lexicon or annotation of the top-level sequence whose
  /// distance from the start is bounded (at most 64 positions to try per occurrence).
  static func findAnchor(_ node: PatternNode) -> FoundAnchor? {
    let flat = node.topLevelElements
    func unwrap(_ node: PatternNode) -> PatternNode { node.withoutCaptures }
    var minOffset = 0
    var maxOffset = 0
    for item in flat {
      let element = unwrap(item)
      switch element {
      case .literal(let scalars):
        return FoundAnchor(kind: .keys([scalars]), minOffset: minOffset, maxOffset: maxOffset)
      case .lexicon(let name):
        return FoundAnchor(kind: .lexicon(name), minOffset: minOffset, maxOffset: maxOffset)
      case .annotation(let label, _):
        return FoundAnchor(kind: .label(label), minOffset: minOffset, maxOffset: maxOffset)
      case .alternation(let options):
        var keys: [[Unicode.Scalar]] = []
        for option in options {
          guard case .literal(let scalars) = unwrap(option) else { keys = []; break }
          keys.append(scalars)
        }
        if !keys.isEmpty && keys.count == options.count {
          return FoundAnchor(kind: .keys(keys), minOffset: minOffset, maxOffset: maxOffset)
        }
      default: break
      }
      let bounds = element.lengthBounds()
      guard let high = bounds.max, maxOffset + high <= 64 else { return nil }
      minOffset += bounds.min
      maxOffset += high
    }
    return nil
  }

  // MARK: - Conflicts

  /// The conflict policy: higher priority, then longer span, then earlier rule, then earlier
  /// offset wins; a candidate overlapping a winner loses. In keep-all mode all win.
  private func settle(_ candidates: inout [Candidate], explain: Bool) {
    if ruleBook.conflicts == .keepAll { return }
    // The keys in a plain array, so that comparing copies no candidate (and its strings).
    let keys = candidates.map { ($0.priority, $0.annotation.range.count, $0.ruleOrder, $0.annotation.range.start) }
    let order = candidates.indices.sorted { a, b in
      let x = keys[a]
      let y = keys[b]
      if x.0 != y.0 { return x.0 > y.0 }
      if x.1 != y.1 { return x.1 > y.1 }
      if x.2 != y.2 { return x.2 < y.2 }
      return x.3 < y.3
    }
    // Winners by position, so each check looks only at the offsets the candidate covers; the
    // table spans just the candidates' extent.
    guard let low = candidates.lazy.map(\.annotation.range.start).min(),
      let high = candidates.lazy.map(\.annotation.range.end).max()
    else { return }
    var owner = [Int32](repeating: -1, count: high - low)
    for index in order {
      let range = candidates[index].annotation.range
      var winner: Int32 = -1
      for offset in range.start..<range.end where owner[offset - low] >= 0 {
        winner = owner[offset - low]
        break
      }
      if winner >= 0 {
        // The reason is written only when someone will read it (explain).
        candidates[index].outcome = .lost(
          to: Int(winner), reason: explain ? reason(candidates[index], candidates[Int(winner)]) : "")
      } else {
        for offset in range.start..<range.end { owner[offset - low] = Int32(index) }
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
