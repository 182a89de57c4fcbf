// Patterns compiled to a small instruction set, run by a Pike VM anchored at a start: every
// thread advances in step, at most one thread per instruction and position, so a match
// costs O(pattern size × match length) whatever the pattern — no backtracking.
import ZhtagCore
import ZhtagRules

/// A character class, resolved once: built-in properties plus data-defined characters.
struct ClassMatcher: Sendable {
  var builtIns: Set<String>
  var scalars: Set<Unicode.Scalar>
  var negated: Bool
  /// The built-in names in `builtIns` as bits (order of `bitNames`), so that matching a
  /// character compares no strings.
  private var bits: UInt16 = 0
  private static let bitNames = ["any", "han", "digit", "latin", "upper", "lower", "space", "newline", "punct"]

  /// The answer for each ASCII character, and a one-word filter of the data-defined characters
  /// (by value mod 64), so that most tests need no hashing.
  private var asciiLow: UInt64 = 0
  private var asciiHigh: UInt64 = 0
  private var filter: UInt64 = 0

  init(builtIns: Set<String>, scalars: Set<Unicode.Scalar>, negated: Bool) {
    self.builtIns = builtIns
    self.scalars = scalars
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
    var found = filter & (1 << UInt64(value & 63)) != 0 && scalars.contains(s)
    if !found, bits != 0 {
      found = builtInMatch(s)
    }
    return found != negated
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

/// A trie over the entries of one lexicon, for `@name` in patterns.
struct LexiconTrie: Sendable {
  private var transitions = TransitionTable()
  private var terminal: [Int32] = [-1]  // entry index per node, or -1
  let lexicon: Lexicon

  init(_ lexicon: Lexicon) {
    self.lexicon = lexicon
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
  }

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
}

enum Instruction: Sendable {
  case scalar(Unicode.Scalar)
  case characterClass(Int)
  case lexicon(trie: Int, capture: Int?)
  case annotation(label: String, tests: [AttributeTest], capture: Int?)
  case split(Int, Int)
  case jump(Int)
  case save(Int)
  case match
}

/// A compiled pattern.
struct PatternProgram: Sendable {
  var instructions: [Instruction] = []
  var captureNames: [String] = []
  var classes: [ClassMatcher] = []

  /// The instructions a match can begin with (after jumps, splits and saves).
  private(set) var initial: [Int] = []
  /// The only capture spans the whole match (`n:(…)`) and carries no payload: a match needs
  /// no capture bookkeeping (FastPass.swift).
  private(set) var wholeCapture = false

  /// Compiles `node`; `trieIndex` gives the trie of each lexicon name.
  init(_ node: PatternNode, classes definitions: [String: CharacterClassDefinition],
       trieIndex: [String: Int]) {
    compile(node, definitions, trieIndex)
    instructions.append(.match)
    var seen = Set<Int>()
    var stack = [0]
    while let pc = stack.popLast() {
      guard seen.insert(pc).inserted else { continue }
      switch instructions[pc] {
      case .jump(let target): stack.append(target)
      case .split(let first, let second): stack.append(contentsOf: [first, second])
      case .save: stack.append(pc + 1)
      default: initial.append(pc)
      }
    }
    wholeCapture = Self.capturesWholeMatch(instructions, captureNames)
  }

  /// The class, when the whole program is one character class (a lookbehind such as [^punct]).
  var singleClass: ClassMatcher? {
    guard instructions.count == 2, case .characterClass(let index) = instructions[0], case .match = instructions[1]
    else { return nil }
    return classes[index]
  }

  /// Whether the program's first instruction saves `slot` (a capture that opens the pattern).
  func opensWithSave(_ slot: Int) -> Bool {
    if case .save(let first) = instructions.first, first == slot { return true }
    return false
  }

  /// False when no first instruction can accept the character at `start`: the cheap test that
  /// rejects most attempts.
  func canStart(at start: Int, in text: [Unicode.Scalar]) -> Bool {
    for pc in initial {
      switch instructions[pc] {
      case .scalar(let scalar): if start < text.count && text[start] == scalar { return true }
      case .characterClass(let index): if start < text.count && classes[index].matches(text[start]) { return true }
      default: return true
      }
    }
    return false
  }

  private mutating func compile(_ node: PatternNode, _ definitions: [String: CharacterClassDefinition],
                                _ tries: [String: Int], capture: Int? = nil) {
    switch node {
    case .literal(let scalars):
      for scalar in scalars { instructions.append(.scalar(scalar)) }
    case .lexicon(let name):
      instructions.append(.lexicon(trie: tries[name] ?? 0, capture: capture))
    case .annotation(let label, let tests):
      instructions.append(.annotation(label: label, tests: tests, capture: capture))
    case .characterClass(let names, let negated):
      var scalars: Set<Unicode.Scalar> = []
      var builtIns: Set<String> = []
      for name in names {
        if let definition = definitions[name] { scalars.formUnion(definition.scalars) } else { builtIns.insert(name) }
      }
      classes.append(ClassMatcher(builtIns: builtIns, scalars: scalars, negated: negated))
      instructions.append(.characterClass(classes.count - 1))
    case .sequence(let items):
      for item in items { compile(item, definitions, tries) }
    case .alternation(let items):
      // split L1, next; L1: a; jump end; next: split L2, … ; last: z; end:
      var jumps: [Int] = []
      for (index, item) in items.enumerated() {
        if index < items.count - 1 {
          let split = instructions.count
          instructions.append(.split(split + 1, -1))
          compile(item, definitions, tries, capture: capture)
          jumps.append(instructions.count)
          instructions.append(.jump(-1))
          instructions[split] = .split(split + 1, instructions.count)
        } else {
          compile(item, definitions, tries, capture: capture)
        }
      }
      for jump in jumps { instructions[jump] = .jump(instructions.count) }
    case .repetition(let inner, let min, let max):
      for _ in 0..<min { compile(inner, definitions, tries) }
      // Optional copies, nested so that each later copy needs the one before (greedy).
      var splits: [Int] = []
      for _ in min..<max {
        splits.append(instructions.count)
        instructions.append(.split(instructions.count + 1, -1))
        compile(inner, definitions, tries)
      }
      for split in splits { instructions[split] = .split(split + 1, instructions.count) }
    case .capture(let name, let inner):
      let index = captureNames.firstIndex(of: name) ?? {
        captureNames.append(name)
        return captureNames.count - 1
      }()
      instructions.append(.save(2 * index))
      var direct: Int?
      switch inner {
      case .lexicon, .annotation: direct = index
      default: break
      }
      compile(inner, definitions, tries, capture: direct)
      instructions.append(.save(2 * index + 1))
    case .macro:
      break  // expanded by the loader
    }
  }
}

/// A match of a pattern: its end, capture offsets and payloads.
struct PatternMatch {
  var end: Int
  var captures: [Int]
  var payloads: [CapturePayload?]
}

/// The annotations of earlier phases, by start offset: indices sorted by start (then by index),
/// searched by bisection — built once per phase, so it allocates two arrays, not one per start.
struct AnnotationIndex {
  let annotations: [Annotation]
  private let order: [Int]
  private let orderedStarts: [Int]

  init(_ annotations: [Annotation]) {
    self.annotations = annotations
    let order = annotations.indices.sorted {
      let a = annotations[$0].range.start
      let b = annotations[$1].range.start
      return a != b ? a < b : $0 < $1
    }
    self.order = order
    orderedStarts = order.map { annotations[$0].range.start }
  }

  func starting(at position: Int) -> ArraySlice<Int> {
    var low = 0
    var high = orderedStarts.count
    while low < high {
      let middle = (low + high) / 2
      if orderedStarts[middle] < position { low = middle + 1 } else { high = middle }
    }
    var end = low
    while end < orderedStarts.count, orderedStarts[end] == position { end += 1 }
    return order[low..<end]
  }
  func starts(of label: String) -> [Int] {
    annotations.filter { $0.label == label }.map(\.range.start)
  }
}

/// Runs programs. Holds scratch buffers reused from call to call, so make one per thread.
struct PatternVM {
  /// A thread: an instruction and the slot holding its capture offsets and payloads. Slots
  /// live in two flat arrays reset for each attempt and are never changed once shared: a
  /// thread that saves a capture copies its slot first (a few integers, no allocation).
  struct Thread {
    var pc: Int
    var slot: Int32
  }

  /// Instructions executed, for the linear-time tests.
  var steps = 0
  /// Scratch of the capture-free first pass (FastPass.swift).
  var fast = FastPass()
  /// Threads waiting at each offset from the start of the current attempt.
  private var lists: [[Thread]] = []
  /// (offset × program size + pc) → the attempt that last added that thread there.
  private var seen: [Int32] = []
  private var attempt: Int32 = 0
  private var stack: [Thread] = []
  /// The threads of the offset being run (swapped with its list).
  private var running: [Thread] = []
  /// Capture offsets (`captureWidth` per slot) and payloads (`payloadWidth` per slot).
  private var captureSlots: [Int] = []
  private var payloadSlots: [CapturePayload?] = []
  private var captureWidth = 0
  private var payloadWidth = 0

  /// A new slot, a copy of `slot` (or empty), with one capture offset or payload changed.
  private mutating func copySlot(_ slot: Int32, capture: Int? = nil, offset: Int = 0, payload: Int? = nil,
                                 value: CapturePayload? = nil) -> Int32 {
    let new = Int32(payloadWidth == 0 ? captureSlots.count / max(captureWidth, 1) : payloadSlots.count / payloadWidth)
    let from = Int(slot)
    for index in 0..<captureWidth { captureSlots.append(captureSlots[from * captureWidth + index]) }
    for index in 0..<payloadWidth { payloadSlots.append(payloadSlots[from * payloadWidth + index]) }
    if let capture { captureSlots[Int(new) * captureWidth + capture] = offset }
    if let payload { payloadSlots[Int(new) * payloadWidth + payload] = value }
    return new
  }

  private func result(_ thread: Thread, end: Int) -> PatternMatch {
    let slot = Int(thread.slot)
    return PatternMatch(end: end, captures: Array(captureSlots[(slot * captureWidth)..<((slot + 1) * captureWidth)]),
                        payloads: Array(payloadSlots[(slot * payloadWidth)..<((slot + 1) * payloadWidth)]))
  }

  /// The longest match of `program` starting exactly at `start` (or, with `endingAt`, any
  /// match that ends exactly there), or nil.
  mutating func match(_ program: PatternProgram, tries: [LexiconTrie], text: [Unicode.Scalar],
                      annotations: AnnotationIndex, at start: Int, endingAt target: Int? = nil) -> PatternMatch?
  {
    // Most attempts fail on the first character: check it before setting anything up.
    if !program.canStart(at: start, in: text) { return nil }
    // A first pass without captures finds the longest end (or that there is none, the usual
    // outcome) with threads that are just instruction numbers; captures are then tracked only
    // for an attempt that matches, ending where that pass found (FastPass.swift).
    guard let end = fast.longestEnd(program, tries: tries, text: text, annotations: annotations, at: start,
                                    endingAt: target, steps: &steps)
    else { return nil }
    if program.captureNames.isEmpty { return PatternMatch(end: end, captures: [], payloads: []) }
    if program.wholeCapture { return PatternMatch(end: end, captures: [start, end], payloads: [nil]) }
    let target: Int? = end
    attempt &+= 1
    if attempt == Int32.max { attempt = 1; for index in seen.indices { seen[index] = 0 } }
    let size = program.instructions.count
    captureWidth = program.captureNames.count * 2
    payloadWidth = program.captureNames.count
    captureSlots.removeAll(keepingCapacity: true)
    payloadSlots.removeAll(keepingCapacity: true)
    captureSlots.append(contentsOf: repeatElement(-1, count: captureWidth))
    payloadSlots.append(contentsOf: repeatElement(nil, count: payloadWidth))
    var best: PatternMatch?
    var lastOffset = 0

    add(Thread(pc: 0, slot: 0), offset: 0, start: start, program: program, size: size, lastOffset: &lastOffset)
    var offset = 0
    while offset <= lastOffset {
      if offset >= lists.count || lists[offset].isEmpty {
        offset += 1
        continue
      }
      // Swap the list out instead of copying it: no allocation per offset (threads are only
      // ever added at later offsets while this one runs).
      swap(&running, &lists[offset])
      defer { running.removeAll(keepingCapacity: true) }
      let position = start + offset
      var item = 0
      while item < running.count {
        let thread = running[item]
        item += 1
        steps += 1
        switch program.instructions[thread.pc] {
        case .match:
          if let target {
            if position == target {
              // Leave no thread behind for the next attempt.
              for index in offset..<min(lists.count, lastOffset + 1) { lists[index].removeAll(keepingCapacity: true) }
              return result(thread, end: position)
            }
          } else if position > start, best == nil || position > best!.end {
            best = result(thread, end: position)
          }
        case .scalar(let scalar):
          if position < text.count, text[position] == scalar {
            add(Thread(pc: thread.pc + 1, slot: thread.slot), offset: offset + 1, start: start, program: program,
                size: size, lastOffset: &lastOffset)
          }
        case .characterClass(let index):
          if position < text.count, program.classes[index].matches(text[position]) {
            add(Thread(pc: thread.pc + 1, slot: thread.slot), offset: offset + 1, start: start, program: program,
                size: size, lastOffset: &lastOffset)
          }
        case .lexicon(let trie, let capture):
          var ends: [(Int, Int)] = []
          tries[trie].matches(in: text, at: position) { end, entry in ends.append((end, entry)) }
          for (end, entry) in ends {
            var slot = thread.slot
            if let capture { slot = copySlot(slot, payload: capture, value: .entry(trie: trie, entry: entry)) }
            add(Thread(pc: thread.pc + 1, slot: slot), offset: end - start, start: start, program: program,
                size: size, lastOffset: &lastOffset)
          }
        case .annotation(let label, let tests, let capture):
          for index in annotations.starting(at: position)
          where annotations.annotations[index].label == label && annotations.annotations[index].range.end > position
            && (tests.isEmpty || FastPass.passes(tests, annotations.annotations[index].attributes))
          {
            var slot = thread.slot
            if let capture { slot = copySlot(slot, payload: capture, value: .annotation(index)) }
            add(Thread(pc: thread.pc + 1, slot: slot), offset: annotations.annotations[index].range.end - start,
                start: start, program: program, size: size, lastOffset: &lastOffset)
          }
        case .split, .jump, .save:
          break  // resolved in add
        }
      }
      offset += 1
    }
    return best
  }

  /// Adds a thread at an offset, following jumps, splits and saves (in priority order); each
  /// instruction is added at most once per offset.
  private mutating func add(_ thread: Thread, offset: Int, start: Int, program: PatternProgram, size: Int,
                            lastOffset: inout Int) {
    while lists.count <= offset { lists.append([]) }
    if seen.count < (offset + 1) * size { seen.append(contentsOf: repeatElement(0, count: (offset + 1) * size - seen.count)) }
    lastOffset = max(lastOffset, offset)
    stack.append(thread)
    while var current = stack.popLast() {
      let key = offset * size + current.pc
      if seen[key] == attempt { continue }
      seen[key] = attempt
      switch program.instructions[current.pc] {
      case .jump(let target):
        current.pc = target
        stack.append(current)
      case .split(let first, let second):
        // The second branch is pushed first, so the first is explored first (priority).
        stack.append(Thread(pc: second, slot: current.slot))
        current.pc = first
        stack.append(current)
      case .save(let slot):
        current.slot = copySlot(current.slot, capture: slot, offset: start + offset)
        current.pc += 1
        stack.append(current)
      default:
        lists[offset].append(current)
      }
    }
  }
}
