// Patterns compiled to a small instruction set, run by a Pike VM anchored at a start: every
// thread advances in step, at most one thread per instruction and position, so a match
// costs O(pattern size × match length) whatever the pattern — no backtracking.
import Synchronization
import ZhtagCore
import ZhtagRules

/// A character class, resolved once: built-in properties plus data-defined characters.
/// One array and plain bits, so that copying it out of a program costs a single retain.
struct ClassMatcher: Sendable {
  /// The data-defined characters beyond ASCII, sorted (binary search after the filter).
  private var scalars: [UInt32]
  var negated: Bool
  /// The built-in names as bits (order of `bitNames`), so that matching compares no strings.
  private var bits: UInt16 = 0
  private static let bitNames = ["any", "han", "digit", "latin", "upper", "lower", "space", "newline", "punct"]

  /// The answer for each ASCII character, and a one-word filter of the data-defined characters
  /// (by value mod 64), so that most tests need no search.
  private var asciiLow: UInt64 = 0
  private var asciiHigh: UInt64 = 0
  private var filter: UInt64 = 0

  init(builtIns: Set<String>, scalars: Set<Unicode.Scalar>, negated: Bool) {
    self.scalars = scalars.map(\.value).filter { $0 >= 128 }.sorted()
    self.negated = negated
    for (bit, name) in Self.bitNames.enumerated() where builtIns.contains(name) { bits |= 1 << UInt16(bit) }
    for scalar in scalars { filter |= 1 << UInt64(scalar.value & 63) }
    for value in 0..<128 {
      let scalar = Unicode.Scalar(UInt8(value))
      guard scalars.contains(scalar) || (bits != 0 && builtInMatch(scalar)) else { continue }
      if value < 64 { asciiLow |= 1 << UInt64(value) } else { asciiHigh |= 1 << UInt64(value - 64) }
    }
  }

  func matches(_ s: Unicode.Scalar) -> Bool {
    let value = s.value
    if value < 128 {
      let bit = value < 64 ? asciiLow >> UInt64(value) : asciiHigh >> UInt64(value - 64)
      return (bit & 1 != 0) != negated
    }
    var found = filter & (1 << UInt64(value & 63)) != 0 && contains(value)
    if !found, bits != 0 {
      found = builtInMatch(s)
    }
    return found != negated
  }

  private func contains(_ value: UInt32) -> Bool {
    var low = 0
    var high = scalars.count
    while low < high {
      let middle = (low + high) >> 1
      if scalars[middle] < value { low = middle + 1 } else { high = middle }
    }
    return low < scalars.count && scalars[low] == value
  }

  private func builtInMatch(_ s: Unicode.Scalar) -> Bool {
    let v = s.value
    if bits & 1 != 0 { return true }  // any
    if bits & 2 != 0, s.isHan { return true }
    if bits & 4 != 0, s.isASCIIDigit { return true }
    if bits & 8 != 0, s.isASCIILetter { return true }
    if bits & 16 != 0, v >= 0x41 && v <= 0x5A { return true }
    if bits & 32 != 0, v >= 0x61 && v <= 0x7A { return true }
    if bits & 64 != 0, s.isHorizontalSpace { return true }
    if bits & 128 != 0, v == 0x0A || v == 0x0D || v == 0x2028 || v == 0x2029 { return true }
    if bits & 256 != 0,
      (v >= 0x21 && v <= 0x2F) || (v >= 0x3A && v <= 0x40) || (v >= 0x5B && v <= 0x60)
        || (v >= 0x7B && v <= 0x7E) || (v >= 0x3000 && v <= 0x303F) || (v >= 0xFF01 && v <= 0xFF0F)
        || (v >= 0xFF1A && v <= 0xFF20) || (v >= 0x2010 && v <= 0x2027)
    {
      return true
    }
    return false
  }
}

/// A trie over the entries of one lexicon, for `@name` in patterns. A class, so that reading
/// one out of the tagger's list retains one reference, not each of its arrays.
final class LexiconTrie: Sendable {
  private let transitions: TransitionTable
  private let terminal: [Int32]  // entry index per node, or -1
  let lexicon: Lexicon

  init(_ lexicon: Lexicon) {
    self.lexicon = lexicon
    var transitions = TransitionTable()
    var terminal: [Int32] = [-1]
    for (index, entry) in lexicon.entries.enumerated() {
      var node: Int32 = 0
      for scalar in entry.key.unicodeScalars {
        let edge = UInt64(node) << 21 | UInt64(scalar.value)
        if let next = transitions[edge] {
          node = next
        } else {
          let next = Int32(terminal.count)
          terminal.append(-1)
          transitions.insert(edge, next)
          node = next
        }
      }
      terminal[Int(node)] = Int32(index)
    }
    self.transitions = transitions
    self.terminal = terminal
  }

  /// The node after `node` on `scalar`, or nil (the root is node 0).
  @inline(__always) func child(_ node: Int32, _ scalar: Unicode.Scalar) -> Int32? {
    transitions[UInt64(node) << 21 | UInt64(scalar.value)]
  }

  /// Whether an entry ends at `node`.
  @inline(__always) func isTerminal(_ node: Int32) -> Bool { terminal[Int(node)] >= 0 }

  /// Every entry that starts at `start`: (end, entry index).
  func matches(in text: [Unicode.Scalar], at start: Int, _ found: (Int, Int) -> Void) {
    var node: Int32 = 0
    var position = start
    while position < text.count, let next = transitions[UInt64(node) << 21 | UInt64(text[position].value)] {
      node = next
      position += 1
      if terminal[Int(node)] >= 0 { found(position, Int(terminal[Int(node)])) }
    }
  }
}

/// What a capture matched besides its span: a lexicon entry or an earlier annotation.
enum CapturePayload: Sendable {
  case entry(trie: Int, entry: Int)
  case annotation(Int)

  /// As one integer, for the VM's slots and PatternMatch (-1 stands for none).
  var encoded: Int {
    switch self {
    case .entry(let trie, let entry): return trie << 32 | entry
    case .annotation(let index): return -2 - index
    }
  }

  init?(encoded value: Int) {
    if value == -1 { return nil }
    if value < -1 {
      self = .annotation(-2 - value)
    } else {
      self = .entry(trie: value >> 32, entry: value & 0xFFFF_FFFF)
    }
  }
}

/// Labels as small integers, so that the VM compares numbers, not strings. One table per
/// tagger: every label a rule produces or a pattern names has an id.
struct LabelTable: Sendable {
  private(set) var names: [String] = []
  private(set) var ids: [String: Int32] = [:]

  mutating func id(_ label: String) -> Int32 {
    if let id = ids[label] { return id }
    ids[label] = Int32(names.count)
    names.append(label)
    return Int32(names.count - 1)
  }

  func existingID(_ label: String) -> Int32? { ids[label] }
}

/// An instruction. Operands are plain integers (no strings or arrays) so that reading one in
/// the VM's loop retains nothing; -1 means "none" for `capture` and `tests`.
enum Instruction: Sendable {
  case scalar(Unicode.Scalar)
  case characterClass(Int32)
  case lexicon(trie: Int32, capture: Int32)
  /// `label` is a `LabelTable` id; `tests` indexes `PatternProgram.tests`.
  case annotation(label: Int32, tests: Int32, capture: Int32)
  case split(Int32, Int32)
  case jump(Int32)
  case save(Int32)
  case match
}

/// A compiled pattern. A class with constant fields: the tagger hands programs to the VM for
/// every attempt, and a struct of ten arrays was copied (ten retains and releases) each time.
final class PatternProgram: Sendable {
  let instructions: [Instruction]
  let captureNames: [String]
  let classes: [ClassMatcher]
  /// The attribute tests of annotation instructions (`<GPE zone=new-area>`).
  let tests: [[AttributeTest]]
  /// The program's number in its tagger, which indexes each VM's DFAs (-1: none, no DFA).
  let id: Int
  /// No annotation instruction: the capture-free pass runs as a lazy DFA (LazyDFA.swift).
  let readsOnlyText: Bool

  /// The instructions a match can begin with (after jumps, splits and saves).
  let initial: [Int]
  /// For a pattern that opens with one annotation (`zone:<ZONE> body:@org-bodies`): the
  /// instructions that can read right after it, or nil (another opening, or the pattern may
  /// end after the annotation). Most annotations of a frequent label are not followed by what
  /// the pattern needs, and this finds it without an attempt (`canContinue`).
  let afterOpeningAnnotation: [Int]?
  /// The only capture spans the whole match (`n:(…)`) and carries no payload: a match needs
  /// no capture bookkeeping (FastPass.swift).
  let wholeCapture: Bool
  /// For each instruction, the instructions that read a character (or match) reachable from
  /// it through jumps, splits and saves: `closures[closureStarts[pc]..<closureStarts[pc + 1]]`.
  /// Computed once, so the capture-free pass adds a thread without walking the program.
  let closureStarts: [Int32]
  let closures: [Int32]
  /// For each entry of `closures`, the capture slots saved on the way to it, in order:
  /// `closureSaves[closureSaveStarts[k]..<closureSaveStarts[k + 1]]`.
  let closureSaveStarts: [Int32]
  let closureSaves: [Int32]

  /// Compiles `node`; `trieIndex` gives the trie of each lexicon name, `labels` the id of each
  /// annotation label (new labels are added); `id` is the program's number in its tagger.
  init(_ node: PatternNode, classes definitions: [String: CharacterClassDefinition],
       trieIndex: [String: Int], labels: inout LabelTable, id: Int = -1) {
    var code = ProgramCode()
    code.compile(node, definitions, trieIndex, &labels)
    code.instructions.append(.match)
    let instructions = code.instructions
    var closureStarts: [Int32] = []
    var closures: [Int32] = []
    var closureSaveStarts: [Int32] = []
    var closureSaves: [Int32] = []
    var marks = [Bool](repeating: false, count: instructions.count)
    for pc in instructions.indices {
      closureStarts.append(Int32(closures.count))
      for index in marks.indices { marks[index] = false }
      // Depth first, first branch first, each instruction once: the order and the paths the
      // capture pass's threads take, with the saves met on the way.
      var stack: [(pc: Int, saves: [Int32])] = [(pc, [])]
      while let (current, saves) = stack.popLast() {
        guard !marks[current] else { continue }
        marks[current] = true
        switch instructions[current] {
        case .jump(let target): stack.append((Int(target), saves))
        case .split(let first, let second):
          stack.append((Int(second), saves))
          stack.append((Int(first), saves))
        case .save(let slot): stack.append((current + 1, saves + [slot]))
        default:
          closures.append(Int32(current))
          closureSaveStarts.append(Int32(closureSaves.count))
          closureSaves += saves
        }
      }
    }
    closureStarts.append(Int32(closures.count))
    closureSaveStarts.append(Int32(closureSaves.count))
    self.instructions = instructions
    self.captureNames = code.captureNames
    self.classes = code.classes
    self.tests = code.tests
    self.id = id
    self.closureStarts = closureStarts
    self.closures = closures
    self.closureSaveStarts = closureSaveStarts
    self.closureSaves = closureSaves
    initial = closures[Int(closureStarts[0])..<Int(closureStarts[1])].map { Int($0) }
    if initial.count == 1, case .annotation = instructions[initial[0]] {
      let after = closures[Int(closureStarts[initial[0] + 1])..<Int(closureStarts[initial[0] + 2])].map { Int($0) }
      let mayEnd = after.contains { if case .match = instructions[$0] { return true } else { return false } }
      afterOpeningAnnotation = mayEnd ? nil : after
    } else {
      afterOpeningAnnotation = nil
    }
    wholeCapture = Self.capturesWholeMatch(instructions, code.captureNames)
    readsOnlyText = LazyDFA.applies(to: instructions)
  }

  /// The class, when the whole program is one character class (a lookbehind such as [^punct]).
  var singleClass: ClassMatcher? {
    guard instructions.count == 2, case .characterClass(let index) = instructions[0], case .match = instructions[1]
    else { return nil }
    return classes[Int(index)]
  }

  /// Whether a match whose opening annotation ends at `position` can go on: some instruction
  /// of `afterOpeningAnnotation` may read what is there (the character, a lexicon entry's first
  /// character, the start of an annotation of the label). True when the program has no such list.
  func canContinue(at position: Int, in text: [Unicode.Scalar], tries: [LexiconTrie],
                   annotations: AnnotationIndex) -> Bool {
    guard let after = afterOpeningAnnotation else { return true }
    for pc in after {
      if let accepts = readsCharacter(pc, at: position, in: text) {
        if accepts { return true }
        continue
      }
      switch instructions[pc] {
      case .lexicon(let trie, _):
        if position < text.count && tries[Int(trie)].child(0, text[position]) != nil { return true }
      case .annotation(let label, _, _):
        if annotations.hasAnnotation(at: position, label: label) { return true }
      default: return true
      }
    }
    return false
  }

  /// For an instruction that reads one character: whether it accepts the one at `position`;
  /// nil for the others.
  @inline(__always) private func readsCharacter(_ pc: Int, at position: Int, in text: [Unicode.Scalar]) -> Bool? {
    switch instructions[pc] {
    case .scalar(let scalar): return position < text.count && text[position] == scalar
    case .characterClass(let index): return position < text.count && classes[Int(index)].matches(text[position])
    default: return nil
    }
  }

  /// Whether the program's first instruction saves `slot` (a capture that opens the pattern).
  func opensWithSave(_ slot: Int) -> Bool {
    if case .save(let first) = instructions.first, first == slot { return true }
    return false
  }

  /// False when no first instruction can accept the character at `start`: the cheap test that
  /// rejects most attempts. An opening lexicon or annotation is left to the attempt: the
  /// starts of such patterns mostly come from its keys or its annotations, and testing them
  /// again cost more than it saved.
  func canStart(at start: Int, in text: [Unicode.Scalar]) -> Bool {
    for pc in initial where readsCharacter(pc, at: start, in: text) ?? true { return true }
    return false
  }
}

/// What `PatternProgram.init` compiles into before the program's fixed fields are set.
private struct ProgramCode {
  var instructions: [Instruction] = []
  var captureNames: [String] = []
  var classes: [ClassMatcher] = []
  var tests: [[AttributeTest]] = []

  mutating func compile(_ node: PatternNode, _ definitions: [String: CharacterClassDefinition],
                        _ tries: [String: Int], _ labels: inout LabelTable, capture: Int? = nil) {
    let captureOperand = Int32(capture ?? -1)
    switch node {
    case .literal(let scalars):
      for scalar in scalars { instructions.append(.scalar(scalar)) }
    case .lexicon(let name):
      instructions.append(.lexicon(trie: Int32(tries[name] ?? 0), capture: captureOperand))
    case .annotation(let label, let annotationTests):
      var testIndex: Int32 = -1
      if !annotationTests.isEmpty {
        tests.append(annotationTests)
        testIndex = Int32(tests.count - 1)
      }
      instructions.append(.annotation(label: labels.id(label), tests: testIndex, capture: captureOperand))
    case .characterClass(let names, let negated):
      var scalars: Set<Unicode.Scalar> = []
      var builtIns: Set<String> = []
      for name in names {
        if let definition = definitions[name] { scalars.formUnion(definition.scalars) } else { builtIns.insert(name) }
      }
      classes.append(ClassMatcher(builtIns: builtIns, scalars: scalars, negated: negated))
      instructions.append(.characterClass(Int32(classes.count - 1)))
    case .sequence(let items):
      for item in items { compile(item, definitions, tries, &labels) }
    case .alternation(let items):
      // split L1, next; L1: a; jump end; next: split L2, … ; last: z; end:
      var jumps: [Int] = []
      for (index, item) in items.enumerated() {
        if index < items.count - 1 {
          let split = instructions.count
          instructions.append(.split(Int32(split + 1), -1))
          compile(item, definitions, tries, &labels, capture: capture)
          jumps.append(instructions.count)
          instructions.append(.jump(-1))
          instructions[split] = .split(Int32(split + 1), Int32(instructions.count))
        } else {
          compile(item, definitions, tries, &labels, capture: capture)
        }
      }
      for jump in jumps { instructions[jump] = .jump(Int32(instructions.count)) }
    case .repetition(let inner, let min, let max):
      for _ in 0..<min { compile(inner, definitions, tries, &labels) }
      // Optional copies, nested so that each later copy needs the one before (greedy).
      var splits: [Int] = []
      for _ in min..<max {
        splits.append(instructions.count)
        instructions.append(.split(Int32(instructions.count + 1), -1))
        compile(inner, definitions, tries, &labels)
      }
      for split in splits { instructions[split] = .split(Int32(split + 1), Int32(instructions.count)) }
    case .capture(let name, let inner):
      let index = captureNames.firstIndex(of: name) ?? {
        captureNames.append(name)
        return captureNames.count - 1
      }()
      instructions.append(.save(Int32(2 * index)))
      var direct: Int?
      switch inner {
      case .lexicon, .annotation: direct = index
      default: break
      }
      compile(inner, definitions, tries, &labels, capture: direct)
      instructions.append(.save(Int32(2 * index + 1)))
    case .macro:
      break  // expanded by the loader
    }
  }
}

/// A match of a pattern: its end and, per capture, its offsets and what it matched, in one list
/// (one allocation per match): `2n` offsets (start, end; -1 when the capture took no part), then
/// `n` payloads encoded as integers (`CapturePayload.encoded`, -1 for none).
struct PatternMatch {
  var end: Int
  private var cells: [Int]

  init(end: Int, cells: [Int] = []) {
    self.end = end
    self.cells = cells
  }

  /// The span of capture `slot` when it matched a non-empty piece of the text.
  func span(of slot: Int) -> TextRange? {
    guard 2 * slot + 1 < cells.count else { return nil }
    let start = cells[2 * slot]
    let end = cells[2 * slot + 1]
    return start >= 0 && end > start ? TextRange(start, end) : nil
  }

  /// What capture `slot` matched: a lexicon entry or an annotation, if either.
  func payload(of slot: Int) -> CapturePayload? {
    let index = cells.count / 3 * 2 + slot
    return index < cells.count ? CapturePayload(encoded: cells[index]) : nil
  }
}

/// The annotations of earlier phases, grown as each phase settles: for each start offset a
/// list in the order the annotations were added, their labels as ids, and per label the
/// annotations that carry it — so no phase sorts, hashes or compares label strings.
struct AnnotationIndex {
  private(set) var annotations: [Annotation] = []
  private(set) var labels: [Int32] = []
  private(set) var ends: [Int] = []
  /// Per label id: the indices of the annotations with that label, in the order added.
  private(set) var byLabel: [[Int32]]
  private var firstAt: [Int32]
  private var lastAt: [Int32]
  private var nextSameStart: [Int32] = []

  init(textLength: Int = 0, labelCount: Int = 0) {
    byLabel = []
    firstAt = []
    lastAt = []
    reset(textLength: textLength, labelCount: labelCount)
  }

  /// Empty, for a new text, keeping the capacity of every list (the tagger reuses one index).
  mutating func reset(textLength: Int, labelCount: Int) {
    annotations.removeAll(keepingCapacity: true)
    labels.removeAll(keepingCapacity: true)
    ends.removeAll(keepingCapacity: true)
    nextSameStart.removeAll(keepingCapacity: true)
    if byLabel.count != labelCount { byLabel = Array(repeating: [], count: labelCount) }
    for label in byLabel.indices { byLabel[label].removeAll(keepingCapacity: true) }
    firstAt.removeAll(keepingCapacity: true)
    firstAt.append(contentsOf: repeatElement(-1, count: textLength + 1))
    lastAt.removeAll(keepingCapacity: true)
    lastAt.append(contentsOf: repeatElement(-1, count: textLength + 1))
  }

  mutating func append(_ annotation: Annotation, label: Int32) {
    let index = Int32(annotations.count)
    let start = annotation.range.start
    annotations.append(annotation)
    labels.append(label)
    ends.append(annotation.range.end)
    nextSameStart.append(-1)
    byLabel[Int(label)].append(index)
    if lastAt[start] >= 0 { nextSameStart[Int(lastAt[start])] = index } else { firstAt[start] = index }
    lastAt[start] = index
  }

  /// Calls `body` with each annotation that an `.annotation` instruction of `program` accepts
  /// at `position`: the label, an end after `position` and at most `limit`, the attribute tests
  /// (`tests` indexes `program.tests`, -1 for none). Both VM passes read annotations this way.
  func forEach(at position: Int, label: Int32, endingBy limit: Int, tests: Int32, of program: PatternProgram,
               _ body: (Int) -> Void) {
    var index = position < firstAt.count ? firstAt[position] : -1
    while index >= 0 {
      let current = Int(index)
      index = nextSameStart[current]
      guard labels[current] == label, ends[current] > position, ends[current] <= limit,
        tests < 0 || passes(current, program.tests[Int(tests)])
      else { continue }
      body(current)
    }
  }

  /// Whether an annotation with the label starts at `position`.
  func hasAnnotation(at position: Int, label: Int32) -> Bool {
    var index = position < firstAt.count ? firstAt[position] : -1
    while index >= 0 {
      if labels[Int(index)] == label { return true }
      index = nextSameStart[Int(index)]
    }
    return false
  }

  /// Whether annotation `index` passes attribute tests (`<GPE zone=new-area>`, `<NUMBER value>`).
  func passes(_ index: Int, _ tests: [AttributeTest]) -> Bool {
    // By position, not `for … in` (each element read would copy, and retain, its strings),
    // and through `annotations[index]` rather than a local copy of the annotation.
    var found: Int?  // the attribute of the previous test's name
    for testIndex in tests.indices {
      // Tests of one attribute in a row (class!=rank class!=count) look it up once.
      if testIndex == 0 || tests[testIndex - 1].name != tests[testIndex].name {
        found = annotations[index].attributeIndex(tests[testIndex].name)
      }
      let ok = tests[testIndex].presence
        ? (found != nil) != tests[testIndex].negated
        : (found.map { annotations[index].attributes[$0].1 == tests[testIndex].value } ?? false)
          != tests[testIndex].negated
      if !ok { return false }
    }
    return true
  }
}

/// Runs programs. Holds scratch buffers reused from call to call, so one thread at a time
/// uses it (the tagger's `WorkspacePool` hands them out); hence @unchecked Sendable.
struct PatternVM: @unchecked Sendable {
  /// Instructions executed, for the linear-time tests.
  var steps = 0
  /// Scratch of the capture-free first pass (FastPass.swift).
  var fast = FastPass()
  private let scratch = CaptureScratch()
  private var attempt = AttemptStamp()
  private var ends: [(Int, Int)] = []
  /// The lazy DFAs of programs that read only the text, by program id, built as needed, and
  /// the transitions they have added since they were last dropped (LazyDFA.swift).
  private var dfas: [LazyDFA?] = []
  private var dfaTransitions = 0
  /// How many times the DFAs were dropped (for the test of the budget).
  private(set) var dfaDrops = 0
  /// A few MB of states and transitions at most. The shipped rules stay far below it: over the
  /// 50 MB benchmark corpus a budget of 16,384 was never reached (2026-11-22), so on such text
  /// the DFAs are built once per run.
  static let dfaBudget = 1 << 16
  /// The budget this VM applies (smaller in a test).
  var dfaBudget = Self.dfaBudget
  /// Set by the tagger for each call; off only in the test that compares the two first passes.
  var usesDFA = true

  /// The longest match of `program` starting exactly at `start` (or, with `endingAt`, any
  /// match that ends exactly there), or nil.
  /// With `withCaptures` false, a match that needs the capture pass comes back without its
  /// captures (`captures` empty): `captures(of:…)` makes them later, for the matches kept.
  mutating func match(_ program: PatternProgram, tries: [LexiconTrie], text: [Unicode.Scalar],
                      annotations: AnnotationIndex, at start: Int, endingAt target: Int? = nil,
                      withCaptures: Bool = true) -> PatternMatch?
  {
    // Most attempts fail on the first character: check it before setting anything up.
    if !program.canStart(at: start, in: text) { return nil }
    // A first pass without captures finds the longest end (or that there is none, the usual
    // outcome): a lazy DFA for patterns that read only the text (LazyDFA.swift), else threads
    // that are just instruction numbers (FastPass.swift); captures are then tracked only for an
    // attempt that matches, ending where that pass found.
    let found: Int?
    if usesDFA, program.readsOnlyText, program.id >= 0 {
      found = dfa(program).longestEnd(program, tries: tries, text: text, at: start, endingAt: target, steps: &steps,
                                      added: &dfaTransitions)
      if dfaTransitions > dfaBudget {
        dfas.removeAll()
        dfaTransitions = 0
        dfaDrops += 1
      }
    } else {
      found = fast.longestEnd(program, tries: tries, text: text, annotations: annotations, at: start,
                              endingAt: target, steps: &steps)
    }
    guard let end = found else { return nil }
    if program.captureNames.isEmpty { return PatternMatch(end: end) }
    if program.wholeCapture { return PatternMatch(end: end, cells: [start, end, -1]) }
    if !withCaptures { return PatternMatch(end: end) }
    return capture(program, tries: tries, text: text, annotations: annotations, at: start, endingAt: end)
  }

  /// The captures of a match found earlier without them (the same annotations must be given).
  mutating func captures(of program: PatternProgram, tries: [LexiconTrie], text: [Unicode.Scalar],
                         annotations: AnnotationIndex, from start: Int, to end: Int) -> PatternMatch? {
    capture(program, tries: tries, text: text, annotations: annotations, at: start, endingAt: end)
  }

  private mutating func dfa(_ program: PatternProgram) -> LazyDFA {
    if program.id >= dfas.count { dfas += repeatElement(nil, count: program.id + 1 - dfas.count) }
    if let built = dfas[program.id] { return built }
    let built = LazyDFA(program)
    dfas[program.id] = built
    return built
  }

  /// The captures of the match from `start` to `target` that the pattern's priorities choose:
  /// a Pike VM whose threads record only how they were reached (the thread before, the path
  /// through the program, the payload taken). The first thread to reach an instruction at an
  /// offset keeps it, as in a VM whose threads carry their captures; the captures of the
  /// thread that matches are then read back along its chain, so no thread copies them.
  private mutating func capture(_ program: PatternProgram, tries: [LexiconTrie], text: [Unicode.Scalar],
                                annotations: AnnotationIndex, at start: Int, endingAt target: Int) -> PatternMatch?
  {
    let scratch = self.scratch
    attempt.next { scratch.clearSeen() }
    let size = program.instructions.count
    let span = target - start
    scratch.begin(span: span, size: size)
    defer { scratch.end(span: span) }
    add(0, from: -1, payload: -1, offset: 0, program: program, size: size)
    for offset in 0...span {
      let position = start + offset
      var item = scratch.firstAt[offset]
      while item >= 0 {
        let current = item
        let pc = scratch.threadPC[Int(item)]
        item = scratch.nextThread[Int(item)]
        steps += 1
        switch program.instructions[Int(pc)] {
        case .match:
          if position == target { return scratch.result(current, start: start, end: position, program: program) }
        case .scalar(let scalar):
          if position < target, text[position] == scalar {
            add(pc + 1, from: current, payload: -1, offset: offset + 1, program: program, size: size)
          }
        case .characterClass(let index):
          if position < target, program.classes[Int(index)].matches(text[position]) {
            add(pc + 1, from: current, payload: -1, offset: offset + 1, program: program, size: size)
          }
        case .lexicon(let trie, let capture):
          ends.removeAll(keepingCapacity: true)
          tries[Int(trie)].matches(in: text, at: position) { end, entry in
            if end <= target { ends.append((end, entry)) }
          }
          for (end, entry) in ends {
            let payload = capture >= 0 ? CapturePayload.entry(trie: Int(trie), entry: entry).encoded : -1
            add(pc + 1, from: current, payload: payload, offset: end - start, program: program, size: size)
          }
        case .annotation(let label, let tests, let capture):
          annotations.forEach(at: position, label: label, endingBy: target, tests: tests, of: program) { found in
            let payload = capture >= 0 ? CapturePayload.annotation(found).encoded : -1
            add(pc + 1, from: current, payload: payload, offset: annotations.ends[found] - start, program: program,
                size: size)
          }
        case .split, .jump, .save:
          break  // resolved in add
        }
      }
    }
    return nil
  }

  /// Adds a thread at an offset as the instructions that read a character reachable from `pc`
  /// (in priority order, precomputed with the saves on the way: PatternProgram.closures); each
  /// instruction at most once per offset. `from` is the thread that moved here (-1 for the
  /// first), `payload` what its move matched (encoded, -1 for none).
  private func add(_ pc: Int32, from: Int32, payload: Int, offset: Int, program: PatternProgram, size: Int) {
    let scratch = self.scratch
    let base = offset * size
    var index = Int(program.closureStarts[Int(pc)])
    let end = Int(program.closureStarts[Int(pc) + 1])
    while index < end {
      let reached = program.closures[index]
      if scratch.seen[base + Int(reached)] != attempt.value {
        scratch.seen[base + Int(reached)] = attempt.value
        scratch.append(reached, from: from, path: Int32(index), payload: payload, at: offset)
      }
      index += 1
    }
  }
}

/// The idle workspaces of a tagger (a VM and its lists): each call takes one (or makes one) and
/// gives it back, so a workspace is used by one thread at a time and its buffers are reused
/// across documents.
final class WorkspacePool<Workspace: Sendable>: Sendable {
  private let idle = Mutex<[Workspace]>([])
  private let make: @Sendable () -> Workspace

  init(_ make: @escaping @Sendable () -> Workspace) { self.make = make }

  func take() -> Workspace {
    idle.withLock { $0.popLast() } ?? make()
  }

  func give(_ workspace: Workspace) {
    idle.withLock { $0.append(workspace) }
  }
}

/// Raw scratch memory of the capture pass (see FastPassBuffers for why not arrays): waiting
/// threads per offset in the order added (the order is their priority), the `seen` marks, and
/// per thread how it was reached. Only its VM touches it, so the runtime exclusivity checks of
/// class properties (a third of the pass's time) are turned off.
final class CaptureScratch {
  @exclusivity(unchecked) fileprivate var firstAt = RawInts<Int32>(filling: -1)
  @exclusivity(unchecked) fileprivate var lastAt = RawInts<Int32>(filling: -1)
  @exclusivity(unchecked) fileprivate var threadPC = RawInts<Int32>(filling: 0)
  @exclusivity(unchecked) fileprivate var nextThread = RawInts<Int32>(filling: -1)
  /// Per thread: the thread it came from (-1: the first), the entry of `closures` it was added
  /// by (which gives the saves on its way), its offset, and the payload its move matched.
  @exclusivity(unchecked) private var threadFrom = RawInts<Int32>(filling: -1)
  @exclusivity(unchecked) private var threadPath = RawInts<Int32>(filling: 0)
  @exclusivity(unchecked) private var threadOffset = RawInts<Int32>(filling: 0)
  @exclusivity(unchecked) private var threadPayload = RawInts<Int>(filling: -1)
  @exclusivity(unchecked) fileprivate var threadCount = 0
  @exclusivity(unchecked) fileprivate var seen = RawInts<Int32>(filling: 0)

  deinit {
    for buffer in [firstAt, lastAt, threadPC, nextThread, threadFrom, threadPath, threadOffset, seen] { buffer.free() }
    threadPayload.free()
  }

  fileprivate func clearSeen() { seen.fill(0) }

  fileprivate func begin(span: Int, size: Int) {
    firstAt.reserve(span + 1)
    lastAt.reserve(span + 1)
    seen.reserve((span + 1) * size)
    threadCount = 0
  }

  fileprivate func end(span: Int) {
    for offset in 0...span {
      firstAt[offset] = -1
      lastAt[offset] = -1
    }
  }

  fileprivate func append(_ pc: Int32, from: Int32, path: Int32, payload: Int, at offset: Int) {
    let index = threadCount
    if index == threadPC.capacity { growThreads() }
    threadPC[index] = pc
    nextThread[index] = -1
    threadFrom[index] = from
    threadPath[index] = path
    threadOffset[index] = Int32(offset)
    threadPayload[index] = payload
    threadCount += 1
    if lastAt[offset] >= 0 { nextThread[Int(lastAt[offset])] = Int32(index) } else { firstAt[offset] = Int32(index) }
    lastAt[offset] = Int32(index)
  }

  /// The per-thread lists grow together (one check per thread added).
  @inline(never) private func growThreads() {
    let count = threadPC.capacity + 1
    threadPC.reserve(count)
    nextThread.reserve(count)
    threadFrom.reserve(count)
    threadPath.reserve(count)
    threadOffset.reserve(count)
    threadPayload.reserve(count)
  }

  /// The match of thread `item`: its captures as a thread carrying them would have set them
  /// (a move's payload, then the saves on the way to the next instruction; a later write of a
  /// cell replaces an earlier one). Read back from the last thread to the first, so the first
  /// write met for a cell is the one that stands (written values are never -1).
  fileprivate func result(_ item: Int32, start: Int, end: Int, program: PatternProgram) -> PatternMatch {
    let captureWidth = program.captureNames.count * 2
    var cells = [Int](repeating: -1, count: captureWidth + program.captureNames.count)
    var thread = Int(item)
    while thread >= 0 {
      let path = Int(threadPath[thread])
      let position = start + Int(threadOffset[thread])
      var save = Int(program.closureSaveStarts[path + 1]) - 1
      while save >= Int(program.closureSaveStarts[path]) {
        let slot = Int(program.closureSaves[save])
        if cells[slot] == -1 { cells[slot] = position }
        save -= 1
      }
      let from = Int(threadFrom[thread])
      if threadPayload[thread] != -1 {
        // The move from the thread before read a lexicon or an annotation with a capture.
        switch program.instructions[Int(threadPC[from])] {
        case .lexicon(_, let capture), .annotation(_, _, let capture):
          if cells[captureWidth + Int(capture)] == -1 { cells[captureWidth + Int(capture)] = threadPayload[thread] }
        default: break
        }
      }
      thread = from
    }
    return PatternMatch(end: end, cells: cells)
  }
}

/// A growable buffer of plain integers without Array's per-write checks; owned by one scratch
/// object, freed by it. New cells hold `filling`.
struct RawInts<Element: FixedWidthInteger> {
  private(set) var base: UnsafeMutablePointer<Element>
  private(set) var capacity = 64
  private let filling: Element

  init(filling: Element) {
    self.filling = filling
    base = .allocate(capacity: capacity)
    base.initialize(repeating: filling, count: capacity)
  }

  subscript(index: Int) -> Element {
    get { base[index] }
    nonmutating set { base[index] = newValue }
  }

  /// Called for every thread added: the check is inlined, the growth is not.
  @inline(__always) mutating func reserve(_ count: Int) {
    if count > capacity { grow(to: count) }
  }

  @inline(never) private mutating func grow(to count: Int) {
    let grown = max(count, capacity * 2)
    let new = UnsafeMutablePointer<Element>.allocate(capacity: grown)
    new.initialize(from: base, count: capacity)
    (new + capacity).initialize(repeating: filling, count: grown - capacity)
    base.deallocate()
    base = new
    capacity = grown
  }

  func fill(_ value: Element) { base.update(repeating: value, count: capacity) }
  func free() { base.deallocate() }
}
