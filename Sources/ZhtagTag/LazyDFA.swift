// The capture-free pass of a pattern that reads only the text (characters, classes and
// lexicons; not annotations), as a DFA built lazily. A state is the set of places the Pike
// VM's threads stand at after some characters: an instruction, or for a lexicon instruction a
// node of the lexicon's trie. Its transition on a character is worked out the first time that
// character is read there, then looked up in a hash table: the VM does the work of every thread
// at every character, here a step is one lookup whatever the number of threads. The result is
// FastPass's: the longest end, or whether a match ends at a target (that pass looks at the set
// of threads, not at their order).
//
// Each VM owns its DFAs (they grow while reading), so no lock is needed. Memory stays bounded:
// a DFA past `stateLimit` states starts over at its next match, and the VM drops all its DFAs
// when together they have added `PatternVM.dfaBudget` transitions (text full of rare characters
// would otherwise grow every DFA of every pattern).

final class LazyDFA {
  /// A thread's place: instruction << 32 | (trie node + 1), node 0 = not inside a lexicon.
  private typealias Place = UInt64

  /// state << 21 | scalar → next state (`dead` when no thread survives).
  @exclusivity(unchecked) private var transitions = TransitionTable(capacity: 64)
  /// Per state: its places (sorted) and whether one of them is `match`.
  @exclusivity(unchecked) private var sets: [[Place]] = []
  @exclusivity(unchecked) private var accepting: [Bool] = []
  @exclusivity(unchecked) private var ids: [[Place]: Int32] = [:]
  private static let dead: Int32 = -1
  private static let stateLimit = 4096

  /// Whether the pass can run as a DFA: no annotation instruction (what it reads is not text).
  static func applies(to instructions: [Instruction]) -> Bool {
    instructions.allSatisfy { instruction in
      if case .annotation = instruction { return false }
      return true
    }
  }

  init(_ program: PatternProgram) { reset(program) }

  private func reset(_ program: PatternProgram) {
    transitions = TransitionTable(capacity: 64)
    sets = []
    accepting = []
    ids = [:]
    var start: [Place] = []
    enter(0, program, into: &start)
    _ = state(start, program)  // state 0: where every match starts
  }

  /// The longest end of a match from `start`, or with `target`, whether one ends there.
  func longestEnd(_ program: PatternProgram, tries: [LexiconTrie], text: [Unicode.Scalar], at start: Int,
                  endingAt target: Int?, steps: inout Int, added: inout Int) -> Int? {
    if sets.count > Self.stateLimit || transitions.count > 16 * Self.stateLimit { reset(program) }
    let limit = min(target ?? text.count, text.count)
    guard start <= limit else { return nil }
    if target == start { return accepting[0] ? start : nil }
    var current: Int32 = 0
    var position = start
    var best: Int?
    while position < limit {
      steps += 1
      let scalar = text[position]
      let key = UInt64(current) << 21 | UInt64(scalar.value)
      var next: Int32
      if let known = transitions[key] {
        next = known
      } else {
        next = step(current, scalar, program, tries)
        transitions.insert(key, next)
        added += 1
      }
      if next == Self.dead { break }
      current = next
      position += 1
      if accepting[Int(current)] {
        if let target {
          if position == target { return position }
        } else {
          best = position
        }
      }
    }
    return best
  }

  /// The state after reading `scalar` in `state`: every thread that accepts it advances.
  private func step(_ from: Int32, _ scalar: Unicode.Scalar, _ program: PatternProgram, _ tries: [LexiconTrie])
    -> Int32
  {
    var reached: [Place] = []
    for place in sets[Int(from)] {
      let pc = Int32(truncatingIfNeeded: place >> 32)
      let node = Int32(truncatingIfNeeded: place & 0xFFFF_FFFF) - 1
      switch program.instructions[Int(pc)] {
      case .scalar(let expected): if scalar == expected { enter(pc + 1, program, into: &reached) }
      case .characterClass(let index):
        if program.classes[Int(index)].matches(scalar) { enter(pc + 1, program, into: &reached) }
      case .lexicon(let trie, _):
        guard let child = tries[Int(trie)].child(max(node, 0), scalar) else { continue }
        reached.append(Self.place(pc, node: child))
        if tries[Int(trie)].isTerminal(child) { enter(pc + 1, program, into: &reached) }
      default: break
      }
    }
    reached.sort()
    var unique: [Place] = []
    for place in reached where unique.last != place { unique.append(place) }
    return unique.isEmpty ? Self.dead : state(unique, program)
  }

  /// Adds the places reachable from `pc` without reading (PatternProgram.closures); a lexicon
  /// instruction is entered at its trie's root.
  private func enter(_ pc: Int32, _ program: PatternProgram, into places: inout [Place]) {
    let from = Int(program.closureStarts[Int(pc)])
    let to = Int(program.closureStarts[Int(pc) + 1])
    for reached in program.closures[from..<to] {
      if case .lexicon = program.instructions[Int(reached)] {
        places.append(Self.place(reached, node: 0))
      } else {
        places.append(Self.place(reached, node: -1))
      }
    }
  }

  private static func place(_ pc: Int32, node: Int32) -> Place {
    UInt64(UInt32(bitPattern: pc)) << 32 | UInt64(UInt32(bitPattern: node + 1))
  }

  private func state(_ set: [Place], _ program: PatternProgram) -> Int32 {
    if let known = ids[set] { return known }
    let id = Int32(sets.count)
    sets.append(set)
    accepting.append(set.contains { place in
      if case .match = program.instructions[Int(place >> 32)] { return true } else { return false }
    })
    ids[set] = id
    return id
  }
}
