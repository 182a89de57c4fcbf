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

  func matches(_ s: Unicode.Scalar) -> Bool {
    var found = scalars.contains(s)
    if !found {
      for name in builtIns {
        switch name {
        case "any": found = true
        case "han": found = s.isHan
        case "digit": found = s.isASCIIDigit
        case "latin": found = s.isASCIILetter
        case "upper": found = s.value >= 0x41 && s.value <= 0x5A
        case "lower": found = s.value >= 0x61 && s.value <= 0x7A
        case "space": found = s.isHorizontalSpace
        case "punct":
          let v = s.value
          found = (v >= 0x21 && v <= 0x2F) || (v >= 0x3A && v <= 0x40) || (v >= 0x5B && v <= 0x60)
            || (v >= 0x7B && v <= 0x7E) || (v >= 0x3000 && v <= 0x303F) || (v >= 0xFF01 && v <= 0xFF0F)
            || (v >= 0xFF1A && v <= 0xFF20) || (v >= 0x2010 && v <= 0x2027)
        default: break
        }
        if found { break }
      }
    }
    return found != negated
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

/// The annotations of earlier phases, by start offset.
struct AnnotationIndex {
  let annotations: [Annotation]
  private let byStart: [Int: [Int]]

  init(_ annotations: [Annotation]) {
    self.annotations = annotations
    var byStart: [Int: [Int]] = [:]
    for (index, annotation) in annotations.enumerated() { byStart[annotation.range.start, default: []].append(index) }
    self.byStart = byStart
  }

  func starting(at position: Int) -> [Int] { byStart[position] ?? [] }
  func starts(of label: String) -> [Int] {
    annotations.filter { $0.label == label }.map(\.range.start)
  }
}

/// Runs programs. Holds scratch buffers reused from call to call, so make one per thread.
struct PatternVM {
  struct Thread {
    var pc: Int
    var captures: [Int]
    var payloads: [CapturePayload?]
  }

  /// Instructions executed, for the linear-time tests.
  var steps = 0
  /// Threads waiting at each offset from the start of the current attempt.
  private var lists: [[Thread]] = []
  /// (offset × program size + pc) → the attempt that last added that thread there.
  private var seen: [Int32] = []
  private var attempt: Int32 = 0
  private var stack: [Thread] = []

  /// The longest match of `program` starting exactly at `start` (or, with `endingAt`, any
  /// match that ends exactly there), or nil.
  mutating func match(_ program: PatternProgram, tries: [LexiconTrie], text: [Unicode.Scalar],
                      annotations: AnnotationIndex, at start: Int, endingAt target: Int? = nil) -> PatternMatch?
  {
    // Most attempts fail on the first character: check it before setting anything up.
    if !program.canStart(at: start, in: text) { return nil }
    attempt &+= 1
    if attempt == Int32.max { attempt = 1; for index in seen.indices { seen[index] = 0 } }
    let size = program.instructions.count
    let slotCount = program.captureNames.count * 2
    var best: PatternMatch?
    var lastOffset = 0

    add(Thread(pc: 0, captures: [Int](repeating: -1, count: slotCount),
               payloads: [CapturePayload?](repeating: nil, count: program.captureNames.count)),
        offset: 0, start: start, program: program, size: size, lastOffset: &lastOffset)
    var offset = 0
    while offset <= lastOffset {
      if offset >= lists.count || lists[offset].isEmpty {
        offset += 1
        continue
      }
      let threads = lists[offset]
      lists[offset].removeAll(keepingCapacity: true)
      let position = start + offset
      for thread in threads {
        steps += 1
        switch program.instructions[thread.pc] {
        case .match:
          if let target {
            if position == target { return PatternMatch(end: position, captures: thread.captures, payloads: thread.payloads) }
          } else if position > start, best == nil || position > best!.end {
            best = PatternMatch(end: position, captures: thread.captures, payloads: thread.payloads)
          }
        case .scalar(let scalar):
          if position < text.count, text[position] == scalar {
            var next = thread
            next.pc += 1
            add(next, offset: offset + 1, start: start, program: program, size: size, lastOffset: &lastOffset)
          }
        case .characterClass(let index):
          if position < text.count, program.classes[index].matches(text[position]) {
            var next = thread
            next.pc += 1
            add(next, offset: offset + 1, start: start, program: program, size: size, lastOffset: &lastOffset)
          }
        case .lexicon(let trie, let capture):
          var ends: [(Int, Int)] = []
          tries[trie].matches(in: text, at: position) { end, entry in ends.append((end, entry)) }
          for (end, entry) in ends {
            var next = thread
            next.pc += 1
            if let capture { next.payloads[capture] = .entry(trie: trie, entry: entry) }
            add(next, offset: end - start, start: start, program: program, size: size, lastOffset: &lastOffset)
          }
        case .annotation(let label, let tests, let capture):
          for index in annotations.starting(at: position) {
            let annotation = annotations.annotations[index]
            guard annotation.label == label, annotation.range.end > position,
              tests.allSatisfy({ test in
                let value = annotation.attributes.first(where: { $0.0 == test.name })?.1
                return (value == test.value) != test.negated
              })
            else { continue }
            var next = thread
            next.pc += 1
            if let capture { next.payloads[capture] = .annotation(index) }
            add(next, offset: annotation.range.end - start, start: start, program: program, size: size,
                lastOffset: &lastOffset)
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
        var other = current
        other.pc = second
        stack.append(other)
        current.pc = first
        stack.append(current)
      case .save(let slot):
        current.captures[slot] = start + offset
        current.pc += 1
        stack.append(current)
      default:
        lists[offset].append(current)
      }
    }
  }
}
