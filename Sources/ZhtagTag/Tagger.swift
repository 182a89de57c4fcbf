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
    /// `label` is a `LabelTable` id.
    case label(Int32, minOffset: Int, maxOffset: Int)
    case everywhere
  }

  /// A rule's `not-followed-by` / `not-preceded-by`, compiled: the match is dropped when either
  /// matches next to it.
  final class Lookaround: Sendable {
    let notFollowedBy: PatternProgram?
    let notPrecededBy: (program: PatternProgram, maxLength: Int)?

    init(notFollowedBy: PatternProgram?, notPrecededBy: (program: PatternProgram, maxLength: Int)?) {
      self.notFollowedBy = notFollowedBy
      self.notPrecededBy = notPrecededBy
    }
  }

  /// A class: the tagger reads its patterns in every document, and a struct would be copied
  /// (its programs' arrays retained and released) at each read.
  final class CompiledPattern: Sendable {
    let rule: Int
    let program: PatternProgram
    let anchor: Anchor
    let lookaround: Lookaround
    /// The capture named `span`, which sets the annotation's span, if the pattern has one.
    let spanSlot: Int?
    /// A not-preceded-by that applies at the match start (no span capture, or one that opens
    /// the pattern) is tested before matching: most starts of a name-before-suffix pattern
    /// (…大会, …项目) fail it, and it costs one lookbehind instead of a match.
    let lookbehindFirst: Bool
    /// Without a `span` capture a match's span is known from its end alone: its captures (if
    /// the first pass does not give them) are made after the conflicts are settled, for the
    /// winners only.
    let defersCaptures: Bool

    init(rule: Int, program: PatternProgram, anchor: Anchor, lookaround: Lookaround) {
      self.rule = rule
      self.program = program
      self.anchor = anchor
      self.lookaround = lookaround
      spanSlot = program.captureNames.firstIndex(of: "span")
      lookbehindFirst = lookaround.notPrecededBy != nil && (spanSlot.map { program.opensWithSave(2 * $0) } ?? true)
      defersCaptures = spanSlot == nil && !program.captureNames.isEmpty && !program.wholeCapture
    }
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
  /// The lookarounds of lexicon and words rules, by rule index (pattern rules keep theirs).
  private let constraints: [Lookaround?]
  /// Every label as a small integer (PatternProgram.swift); `ruleLabels[rule]` is a rule's.
  private let labels: LabelTable
  private let ruleLabels: [Int32]
  /// Per rule: its priority, and its attributes in the order declared (read per winner).
  private let priorities: [Int]
  private let attributePlans: [[(name: String, value: CompiledValue)]]
  /// Per lexicon or words rule whose attributes are all literals and lexicon columns: the
  /// attributes of each entry (a words rule: one list), made once and shared by every match —
  /// an annotation then costs no allocation, which also keeps it cheap when a large lexicon's
  /// construction has left the heap fragmented.
  private let fixedAttributes: [[[(String, String)]]?]
  /// The lexicon of each lexicon rule, by rule index.
  private let ruleLexicons: [Lexicon?]
  /// Links mentions after the last phase (refers_to, propagated names, posts to persons).
  private let linker: MentionLinker
  /// What number() and the other number functions read (rules/lexicons/numerals.tsv).
  private let numerals: NumeralEvaluator?
  /// What the date and time functions read (rules/lexicons/time-words.tsv).
  private let timeWords: TimeWords
  /// What `lookup` reads.
  private let lexiconKeys: LexiconKeys
  /// Whether patterns that read only the text run their first pass as a lazy DFA
  /// (LazyDFA.swift); off only in the test that compares both ways.
  var usesLazyDFA = true
  /// Workspaces kept between calls, so that the VMs' scratch buffers and the per-document
  /// lists, grown by the first documents, are not allocated again for every document.
  private let workspaces = WorkspacePool { Workspace() }

  /// Texts longer than this (in characters) do not return their workspace to the pool
  /// (smaller in a test).
  var longText = 1 << 20

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
    var constraints: [Lookaround?] = []
    var labels = LabelTable()
    for phase in ruleBook.phases {
      for rule in phase.rules { _ = labels.id(rule.label) }
    }
    var ruleLexicons: [Lexicon?] = []
    var programCount = 0
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
        func program(_ node: PatternNode) -> PatternProgram {
          let compiled = PatternProgram(node, classes: ruleBook.classes, trieIndex: trieIndex, labels: &labels,
                                        id: programCount)
          programCount += 1
          return compiled
        }
        let lookaround = Lookaround(
          notFollowedBy: rule.notFollowedBy.map(program),
          notPrecededBy: rule.notPrecededBy.map { (program($0), $0.lengthBounds().max ?? 0) })
        var hasLookaround = rule.notFollowedBy != nil || rule.notPrecededBy != nil
        if case .pattern = rule.matcher { hasLookaround = false }
        constraints.append(hasLookaround ? lookaround : nil)
        switch rule.matcher {
        case .lexicon(let name):
          guard let lexicon = ruleBook.lexicons[name] else { continue }
          for (entryIndex, entry) in lexicon.entries.enumerated() {
            add(Array(entry.key.unicodeScalars), .rule(rule: ruleIndex, entry: Int32(entryIndex)))
          }
        case .words(let words):
          for word in words { add(Array(word.unicodeScalars), .rule(rule: ruleIndex, entry: -1)) }
        case .pattern(let node):
          let compiled = program(node)
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
              anchor = .label(labels.id(label), minOffset: found.minOffset, maxOffset: found.maxOffset)
              tests = Self.anchorTests(node)
            }
          } else if let leading = Self.leadingKeys(node, classes: ruleBook.classes) {
            // No fixed part further on: anchor on the characters a match must begin with
            // (a small class such as [digit] or a data-defined one; see LeadingKeys.swift).
            anchor = .keys
            for key in leading { add(key, .anchor(pattern: patterns.count, minOffset: 0, maxOffset: 0)) }
          }
          runs.append(run)
          labelTests.append(tests)
          patterns.append(CompiledPattern(
            rule: ruleIndex, program: compiled, anchor: anchor, lookaround: lookaround))
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
    self.labels = labels
    self.ruleLabels = rules.map { labels.existingID($0.label)! }
    self.priorities = rules.map(\.priority)
    var plans: [[(name: String, value: CompiledValue)]] = []
    var programs = [PatternProgram?](repeating: nil, count: rules.count)
    for pattern in phases.flatMap(\.patterns) { programs[pattern.rule] = pattern.program }
    for (ruleIndex, rule) in rules.enumerated() {
      plans.append(rule.attributeOrder.compactMap { name in
        rule.attributes[name].map {
          (name, CompiledValue($0, lexicon: ruleLexicons[ruleIndex], program: programs[ruleIndex], tries: tries))
        }
      })
    }
    self.attributePlans = plans
    self.ruleLexicons = ruleLexicons
    self.fixedAttributes = rules.indices.map { rule in
      if case .pattern = rules[rule].matcher { return nil }
      guard plans[rule].allSatisfy({ $0.value.isFixed }) else { return nil }
      let entries = ruleLexicons[rule]?.entries.map { Optional($0) } ?? [nil]
      return entries.map { entry in
        plans[rule].compactMap { plan in plan.value.fixedValue(entry: entry).map { (plan.name, $0) } }
      }
    }
    self.linker = MentionLinker(ruleBook: ruleBook, labelIDs: labels.ids)
    self.numerals = ruleBook.lexicons["numerals"] == nil ? nil : NumeralEvaluator(lexicons: ruleBook.lexicons)
    self.timeWords = TimeWords(ruleBook.lexicons["time-words"])
    self.lexiconKeys = LexiconKeys(ruleBook.lexicons)
  }

  /// What one call of `tag` works in: the pattern VM and the lists filled per document (emptied,
  /// not freed, between documents).
  struct Workspace: @unchecked Sendable {
    var vm = PatternVM()
    /// Automaton hits per phase, in text order.
    var hits: [[(payload: Payload, start: Int, end: Int)]] = []
    /// Per pattern of the phase being tagged: the offsets where it may start.
    var starts: [[Int]] = []
    var positions: [Int] = []
    var found: [Found] = []
    var matches: [PatternMatch] = []
    /// Scratch of the conflict policy (`settle`).
    var keyed: [(UInt64, UInt64, Int)] = []
    var owner: [Int32] = []
    /// The annotations of the phases settled so far (what later patterns see).
    var index = AnnotationIndex()
  }

  /// A candidate before conflicts are settled: plain numbers, so that the many candidates that
  /// lose cost no allocation. Winners become annotations, with their attributes, afterwards.
  struct Found {
    var rule: Int
    var range: TextRange
    /// The lexicon entry (lexicon rules), or -1.
    var entry: Int32
    /// The pattern within its phase, and its match in `matches` (pattern rules), or -1.
    var pattern: Int32
    var match: Int32
  }

  /// Tags `text`; with `keepCandidates`, also returns every candidate and its outcome.
  public func tag(_ text: [Unicode.Scalar], keepCandidates: Bool = false, context: TagContext = TagContext())
    -> TagResult
  {
    let functions = FunctionContext(ruleBook: ruleBook, tag: context, numerals: numerals, timeWords: timeWords,
                                    lexiconKeys: lexiconKeys)
    var allCandidates: [Candidate] = []
    var work = workspaces.take()
    // A workspace keeps the capacity its largest text needed; after a very long one (a 5 MB
    // page) it is let go rather than kept for the rest of the run.
    defer { if text.count <= longText { workspaces.give(work) } }
    // The annotations of the phases settled so far (what later patterns see): moved out of
    // the workspace (not copied, which would copy its lists at the first append), and back.
    var index = AnnotationIndex()
    swap(&index, &work.index)
    defer { work.index = index }
    index.reset(textLength: text.count, labelCount: labels.names.count)
    work.vm.usesDFA = usesLazyDFA
    let stepsBefore = work.vm.steps
    // One scan for all phases; hits are handed to their phase in text order.
    if work.hits.count != phases.count { work.hits = Array(repeating: [], count: phases.count) }
    for phase in work.hits.indices { work.hits[phase].removeAll(keepingCapacity: true) }
    automaton.scan(text) { key, start, end in
      for (phase, payload) in payloads[key] { work.hits[phase].append((payload, start, end)) }
    }
    for (phaseIndex, phase) in phases.enumerated() {
      work.found.removeAll(keepingCapacity: true)
      work.matches.removeAll(keepingCapacity: true)
      if work.starts.count < phase.patterns.count {
        work.starts += Array(repeating: [], count: phase.patterns.count - work.starts.count)
      }
      for pattern in phase.patterns.indices { work.starts[pattern].removeAll(keepingCapacity: true) }
      for (payload, start, end) in work.hits[phaseIndex] {
        switch payload {
        case .rule(let ruleIndex, let entryIndex):
          let range = TextRange(start, end)
          if let lookaround = constraints[ruleIndex], !allowed(lookaround, range, text, index, &work.vm) { continue }
          work.found.append(Found(rule: ruleIndex, range: range, entry: entryIndex, pattern: -1, match: -1))
        case .anchor(let pattern, let minOffset, let maxOffset):
          if let run = phase.runs[pattern] {
            // Only starts inside the run of the class right before the hit can match.
            var length = 0
            while length < maxOffset, start - length > 0, run.matches(text[start - length - 1]) { length += 1 }
            if length >= minOffset {
              for offset in minOffset...length { work.starts[pattern].append(start - offset) }
            }
            continue
          }
          for offset in minOffset...maxOffset where start - offset >= 0 {
            work.starts[pattern].append(start - offset)
          }
        }
      }
      for patternIndex in phase.patterns.indices {
        work.positions.removeAll(keepingCapacity: true)
        switch phase.patterns[patternIndex].anchor {
        case .keys:
          // Most patterns have no start in a given text.
          if work.starts[patternIndex].isEmpty { continue }
          work.positions += work.starts[patternIndex]
        case .label(let label, let minOffset, let maxOffset):
          // Only annotations that pass the anchor's tests (<GPE zone=new-area>) can start a match.
          let tests = phase.labelTests[patternIndex]
          let program = phase.patterns[patternIndex].program
          let opens = minOffset == 0 && maxOffset == 0  // the annotation opens every match
          for annotation in index.byLabel[Int(label)] where tests.isEmpty || index.passes(Int(annotation), tests) {
            if opens, !program.canContinue(at: index.ends[Int(annotation)], in: text, tries: tries, annotations: index) {
              continue
            }
            let start = index.annotations[Int(annotation)].range.start
            for offset in minOffset...maxOffset where start - offset >= 0 { work.positions.append(start - offset) }
          }
          if work.positions.isEmpty { continue }
        case .everywhere: work.positions += 0..<text.count
        }
        let pattern = phase.patterns[patternIndex]
        work.positions.sort()  // sorted and unique, without hashing (a suffix anchor proposes dozens of starts)
        var unique = 0
        for i in work.positions.indices where unique == 0 || work.positions[unique - 1] != work.positions[i] {
          work.positions[unique] = work.positions[i]
          unique += 1
        }
        work.positions.removeLast(work.positions.count - unique)
        var covered = 0
        // Every candidate keeps its captures when all are asked for (explain).
        let deferCaptures = pattern.defersCaptures && !keepCandidates
        for start in work.positions where start >= covered {
          if pattern.lookbehindFirst, precededBy(pattern.lookaround, start, text, index, &work.vm) { continue }
          guard let match = work.vm.match(pattern.program, tries: tries, text: text, annotations: index, at: start,
                                     withCaptures: !deferCaptures)
          else { continue }
          var range = TextRange(start, match.end)
          if let slot = pattern.spanSlot, let span = match.span(of: slot) { range = span }
          if !allowed(pattern.lookaround, range, text, index, &work.vm) { continue }
          covered = match.end
          work.found.append(Found(rule: pattern.rule, range: range, entry: -1, pattern: Int32(patternIndex),
                             match: Int32(work.matches.count)))
          work.matches.append(match)
        }
      }
      let winners = settle(work.found, keyed: &work.keyed, owner: &work.owner)
      for (position, candidate) in work.found.enumerated()
      where !keepCandidates && winners[position] == position && candidate.pattern >= 0
        && phase.patterns[Int(candidate.pattern)].defersCaptures
      {
        guard let full = work.vm.captures(of: phase.patterns[Int(candidate.pattern)].program, tries: tries, text: text,
                                     annotations: index, from: candidate.range.start,
                                     to: work.matches[Int(candidate.match)].end)
        else { continue }
        work.matches[Int(candidate.match)] = full
      }
      if keepCandidates {
        var candidates = work.found.map { candidate in
          Candidate(annotation: annotation(candidate, phase, work.matches, text, index, functions), priority: priorities[candidate.rule],
                    ruleOrder: candidate.rule,
                    entry: candidate.entry >= 0
                      ? ruleLexicons[candidate.rule].map { "\($0.file):\($0.entries[Int(candidate.entry)].line)" } : nil)
        }
        for (loser, winner) in winners.enumerated() where winner >= 0 && winner != loser {
          candidates[loser].outcome = .lost(to: winner, reason: reason(candidates[loser], candidates[winner]))
        }
        allCandidates += candidates
      }
      // Winners are built only after every candidate of the phase is known: they join the
      // index for the next phases, in candidate order.
      for (position, candidate) in work.found.enumerated() where winners[position] == position {
        let winner = annotation(candidate, phase, work.matches, text, index, functions)
        index.append(winner, label: ruleLabels[candidate.rule])
      }
    }
    // In text order (then rule id, then the order found): positions are sorted, not the
    // annotations, which would be moved with their strings at every step.
    let kept = index.annotations
    let ranges = kept.map { $0.range }
    let order = kept.indices.sorted { a, b in
      if ranges[a] != ranges[b] { return ranges[a] < ranges[b] }
      if kept[a].rule.id != kept[b].rule.id { return kept[a].rule.id < kept[b].rule.id }
      return a < b
    }
    var annotations = order.map { kept[$0] }
    var annotationLabels = order.map { index.labels[$0] }
    linker.link(&annotations, labels: &annotationLabels, text: text)  // MentionLinker.swift: rules/lexicons/mention-links.tsv
    return TagResult(annotations: annotations, candidates: allCandidates, patternSteps: work.vm.steps - stepsBefore)
  }

  /// The annotation of a candidate, with its attributes (computed only for those that are kept).
  private func annotation(_ candidate: Found, _ phase: CompiledPhase, _ matches: [PatternMatch],
                          _ text: [Unicode.Scalar], _ index: AnnotationIndex,
                          _ functions: FunctionContext) -> Annotation {
    let attributes: [(String, String)]
    if candidate.pattern >= 0 {
      attributes = self.attributes(candidate.rule, entry: nil, match: matches[Int(candidate.match)], text, index,
                                   functions)
    } else if let fixed = fixedAttributes[candidate.rule] {
      attributes = fixed[max(Int(candidate.entry), 0)]
    } else {
      let entry = candidate.entry >= 0 ? ruleLexicons[candidate.rule]?.entries[Int(candidate.entry)] : nil
      attributes = self.attributes(candidate.rule, entry: entry, match: nil, text, index, functions)
    }
    return Annotation(label: rules[candidate.rule].label, range: candidate.range,
                      rule: rules[candidate.rule].reference, attributes: attributes, phase: phase.name)
  }

  // MARK: - Constraints and attributes

  /// `not-followed-by` / `not-preceded-by`: the match is dropped when either matches.
  private func allowed(_ lookaround: Lookaround, _ range: TextRange, _ text: [Unicode.Scalar],
                       _ index: AnnotationIndex, _ vm: inout PatternVM) -> Bool {
    if let after = lookaround.notFollowedBy {
      if let single = after.singleClass {  // one class after the end ([any], [han]): one test
        if range.end < text.count, single.matches(text[range.end]) { return false }
      } else if vm.match(after, tries: tries, text: text, annotations: index, at: range.end) != nil {
        return false
      }
    }
    return !precededBy(lookaround, range.start, text, index, &vm)
  }

  /// Whether the `not-preceded-by` matches right before `start`.
  private func precededBy(_ lookaround: Lookaround, _ start: Int, _ text: [Unicode.Scalar],
                          _ index: AnnotationIndex, _ vm: inout PatternVM) -> Bool {
    guard let (before, maxLength) = lookaround.notPrecededBy else { return false }
    if let single = before.singleClass {  // [^…] before the start: one character test
      return start > 0 && single.matches(text[start - 1])
    }
    for from in max(0, start - maxLength)..<start
    where vm.match(before, tries: tries, text: text, annotations: index, at: from, endingAt: start) != nil {
      return true
    }
    return false
  }

  /// The attributes of a lexicon rule's match (`entry`) or a pattern rule's (`match`).
  private func attributes(_ rule: Int, entry: LexiconEntry?, match: PatternMatch?, _ text: [Unicode.Scalar],
                          _ index: AnnotationIndex, _ functions: FunctionContext) -> [(String, String)] {
    func resolve(_ value: CompiledValue) -> String? {
      switch value {
      case .literal, .nothing, .lexiconColumn: return value.fixedValue(entry: entry)
      case .capture(let slot):
        guard let span = match?.span(of: slot) else { return nil }
        return text.string(span)
      case .captureAttribute(let slot, let attribute, let columns):
        guard let payload = match?.payload(of: slot) else { return nil }
        switch payload {
        case .entry(let trie, let entryIndex):
          let column = Int(columns[trie])
          guard column >= 0, let value = tries[trie].lexicon.entries[entryIndex].field(column), !value.isEmpty
          else { return nil }
          return value
        case .annotation(let annotationIndex):
          return index.annotations[annotationIndex].value(attribute)
        }
      case .function(let function, let arguments):
        return function(arguments.map(resolve), functions)
      case .first(let options): return AttributeFunctions.first(options.count) { resolve(options[$0]) }
      case .when(let test, let then): return AttributeFunctions.when(resolve(test)) { resolve(then) }
      case .unless(let test, let then): return AttributeFunctions.unless(resolve(test)) { resolve(then) }
      case .number(let slot):
        guard let span = match?.span(of: slot) else { return nil }
        return number(span, in: text)
      }
    }
    let plan = attributePlans[rule]
    if plan.isEmpty { return [] }
    var attributes: [(String, String)] = []
    attributes.reserveCapacity(plan.count)
    for index in plan.indices {  // by position: a for-in would copy each value, arrays and all
      if let resolved = resolve(plan[index].value) { attributes.append((plan[index].name, resolved)) }
    }
    return attributes
  }

  /// NumberFunctions' `number()` of a piece of the text, read from its scalars: a string is made
  /// only for a run of ASCII digits (short: no allocation), none for the evaluator.
  private func number(_ range: TextRange, in text: [Unicode.Scalar]) -> String? {
    let scalars = text[range.start..<range.end]
    if scalars.allSatisfy(\.isASCIIDigit), let plain = plainDigits(text.string(range)) { return plain }
    return numerals?.valueText(scalars)
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
  /// Returns, per candidate, itself when it wins, else the winner it lost to.
  /// `keyed` and `owner` are scratch lists (of the workspace), reused from call to call.
  private func settle(_ candidates: [Found], keyed: inout [(UInt64, UInt64, Int)], owner: inout [Int32]) -> [Int] {
    if ruleBook.conflicts == .keepAll || candidates.count < 2 { return Array(candidates.indices) }
    var outcome = [Int](repeating: -1, count: candidates.count)
    // The policy as integers per candidate, so that sorting compares numbers only: priority
    // (higher first) and length (longer first); then rule and start (earlier first); ties keep
    // candidate order.
    keyed.removeAll(keepingCapacity: true)
    for (index, candidate) in candidates.enumerated() {
      let priority = UInt64(Int64(Int32.max) - Int64(Int32(clamping: priorities[candidate.rule])))  // < 2^32
      let length = UInt64(UInt32.max - UInt32(clamping: candidate.range.count))
      keyed.append((priority << 32 | length,
                    UInt64(candidate.rule) << 32 | UInt64(UInt32(clamping: candidate.range.start)), index))
    }
    keyed.sort { $0 < $1 }
    let order = keyed.lazy.map { $0.2 }
    // Winners by position, so each check looks only at the offsets the candidate covers; the
    // table spans just the candidates' extent.
    guard let low = candidates.lazy.map(\.range.start).min(), let high = candidates.lazy.map(\.range.end).max()
    else { return outcome }
    owner.removeAll(keepingCapacity: true)
    owner.append(contentsOf: repeatElement(-1, count: high - low))
    for index in order {
      let range = candidates[index].range
      var winner: Int32 = -1
      for offset in range.start..<range.end where owner[offset - low] >= 0 {
        winner = owner[offset - low]
        break
      }
      if winner >= 0 {
        outcome[index] = Int(winner)
      } else {
        outcome[index] = index
        for offset in range.start..<range.end { owner[offset - low] = Int32(index) }
      }
    }
    return outcome
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

/// An attribute value with its names resolved once per rule (lexicon columns, capture slots,
/// functions), so that computing a winner's attributes looks nothing up by name.
indirect enum CompiledValue: Sendable {
  case literal(String)
  /// What cannot have a value for this rule (a column its lexicon lacks, an unknown function).
  case nothing
  case lexiconColumn(Int)
  case capture(Int)
  /// `$capture.attribute`: of the annotation the capture matched, or of its lexicon entry
  /// (`columns`: the attribute's column in each lexicon, by trie index, -1 where it has none).
  case captureAttribute(slot: Int, attribute: String, columns: [Int32])
  case function(AttributeFunction, [CompiledValue])
  /// `first(…)`, `when(test, value)`, `unless(test, value)` (AttributeFunctions.swift), with
  /// their arguments computed only as needed.
  case first([CompiledValue])
  case when(CompiledValue, then: CompiledValue)
  case unless(CompiledValue, then: CompiledValue)
  /// `number($capture)`, the most frequent call: read from the text's scalars directly, with
  /// no string made for the argument (same result as NumberFunctions' `number`).
  case number(slot: Int)

  /// Whether the value is the same for every match of a lexicon entry (a literal, a column).
  var isFixed: Bool {
    switch self {
    case .literal, .lexiconColumn, .nothing: return true
    default: return false
    }
  }

  /// The value of a literal or of a column of `entry`; nil for the others.
  func fixedValue(entry: LexiconEntry?) -> String? {
    switch self {
    case .literal(let text): return text
    case .lexiconColumn(let column):
      guard let text = entry?.field(column), !text.isEmpty else { return nil }
      return text
    default: return nil
    }
  }

  /// `lexicon` for lexicon rules, `program` for pattern rules (words rules have neither);
  /// `tries` are the lexicons a capture's entry may come from.
  init(_ value: AttributeValue, lexicon: Lexicon?, program: PatternProgram?, tries: [LexiconTrie]) {
    switch value {
    case .literal(let text): self = .literal(text)
    case .column(let name):
      if let program {
        self = program.captureNames.firstIndex(of: name).map { .capture($0) } ?? .nothing
      } else {
        self = lexicon?.column(name).map { .lexiconColumn($0) } ?? .nothing
      }
    case .captureAttribute(let capture, let attribute):
      let columns = tries.map { Int32($0.lexicon.column(attribute) ?? -1) }
      self = program?.captureNames.firstIndex(of: capture).map {
        .captureAttribute(slot: $0, attribute: attribute, columns: columns)
      } ?? .nothing
    case .function(let name, let arguments):
      if name == "number", arguments.count == 1, case .column(let capture) = arguments[0],
        let slot = program?.captureNames.firstIndex(of: capture)
      {
        self = .number(slot: slot)
      } else if let function = AttributeFunctions.all[name] {
        let compiled = arguments.map { CompiledValue($0, lexicon: lexicon, program: program, tries: tries) }
        switch (name, compiled.count) {
        case ("first", _): self = .first(compiled)
        case ("when", 2): self = .when(compiled[0], then: compiled[1])
        case ("unless", 2): self = .unless(compiled[0], then: compiled[1])
        default: self = .function(function, compiled)
        }
      } else {
        self = .nothing
      }
    }
  }
}
