// The capture-free first pass of pattern matching. The Pike VM (PatternProgram.swift) copies
// each thread's capture offsets and payloads, which costs allocations on every attempt; most
// attempts fail after a few characters. This pass runs the same program with threads that are
// only instruction numbers, finds the longest end (or an end at a given offset), and leaves
// the captures to the full VM, run once with that end for the attempts that match. Both explore
// the same paths, so the end is the same.
import ZhtagCore
import ZhtagRules

/// Reusable scratch buffers; one per PatternVM.
struct FastPass {
  private var lists: [[Int32]] = []
  private var seen: [Int32] = []
  private var attempt: Int32 = 0
  private var stack: [Int32] = []
  private var ends: [Int] = []

  /// The longest match of `program` from `start`, or with `target`, whether one ends there.
  mutating func longestEnd(_ program: PatternProgram, tries: [LexiconTrie], text: [Unicode.Scalar],
                           annotations: AnnotationIndex, at start: Int, endingAt target: Int?,
                           steps: inout Int) -> Int?
  {
    attempt &+= 1
    if attempt == Int32.max {
      attempt = 1
      for index in seen.indices { seen[index] = 0 }
    }
    let size = program.instructions.count
    var best: Int?
    var lastOffset = 0
    add(0, offset: 0, program: program, size: size, lastOffset: &lastOffset)
    var offset = 0
    defer {
      // Leave no thread behind for the next attempt.
      for index in 0...min(lastOffset, lists.count - 1) where !lists[index].isEmpty {
        lists[index].removeAll(keepingCapacity: true)
      }
    }
    while offset <= lastOffset {
      if offset >= lists.count || lists[offset].isEmpty {
        offset += 1
        continue
      }
      let position = start + offset
      if let target, position > target { break }
      var item = 0
      while item < lists[offset].count {
        let pc = Int(lists[offset][item])
        item += 1
        steps += 1
        switch program.instructions[pc] {
        case .match:
          if let target {
            if position == target { return position }
          } else if position > start {
            best = position
          }
        case .scalar(let scalar):
          if position < text.count, text[position] == scalar {
            add(Int32(pc + 1), offset: offset + 1, program: program, size: size, lastOffset: &lastOffset)
          }
        case .characterClass(let index):
          if position < text.count, program.classes[index].matches(text[position]) {
            add(Int32(pc + 1), offset: offset + 1, program: program, size: size, lastOffset: &lastOffset)
          }
        case .lexicon(let trie, _):
          ends.removeAll(keepingCapacity: true)
          tries[trie].matches(in: text, at: position) { end, _ in ends.append(end) }
          for end in ends {
            add(Int32(pc + 1), offset: end - start, program: program, size: size, lastOffset: &lastOffset)
          }
        case .annotation(let label, let tests, _):
          // Fields are read in place: copying an Annotation would retain its five references.
          for index in annotations.starting(at: position)
          where annotations.annotations[index].label == label && annotations.annotations[index].range.end > position
            && (tests.isEmpty || Self.passes(tests, annotations.annotations[index].attributes))
          {
            add(Int32(pc + 1), offset: annotations.annotations[index].range.end - start, program: program, size: size,
                lastOffset: &lastOffset)
          }
        case .split, .jump, .save:
          break  // followed in add
        }
      }
      offset += 1
    }
    return best
  }

  static func passes(_ tests: [AttributeTest], _ attributes: [(String, String)]) -> Bool {
    for test in tests {
      var value: String?
      for attribute in attributes where attribute.0 == test.name {
        value = attribute.1
        break
      }
      let ok = test.presence ? (value != nil) != test.negated : (value == test.value) != test.negated
      if !ok { return false }
    }
    return true
  }

  /// Adds an instruction at an offset with everything reachable from it without reading a
  /// character; each instruction at most once per offset.
  private mutating func add(_ pc: Int32, offset: Int, program: PatternProgram, size: Int, lastOffset: inout Int) {
    while lists.count <= offset { lists.append([]) }
    if seen.count < (offset + 1) * size {
      seen.append(contentsOf: repeatElement(0, count: (offset + 1) * size - seen.count))
    }
    lastOffset = max(lastOffset, offset)
    stack.append(pc)
    while let current = stack.popLast() {
      let key = offset * size + Int(current)
      if seen[key] == attempt { continue }
      seen[key] = attempt
      switch program.instructions[Int(current)] {
      case .jump(let target): stack.append(Int32(target))
      case .split(let first, let second):
        stack.append(Int32(second))
        stack.append(Int32(first))
      case .save: stack.append(current + 1)
      default: lists[offset].append(current)
      }
    }
  }
}

extension PatternProgram {
  /// True when the program is `save 0, …, save 1, match` with one capture and no lexicon or
  /// annotation carrying it: the capture is the whole match.
  static func capturesWholeMatch(_ instructions: [Instruction], _ captureNames: [String]) -> Bool {
    guard captureNames.count == 1, instructions.count >= 3,
      case .save(0) = instructions[0], case .save(1) = instructions[instructions.count - 2]
    else { return false }
    for instruction in instructions.dropFirst().dropLast(2) {
      switch instruction {
      case .save: return false
      case .lexicon(_, let capture?), .annotation(_, _, let capture?): if capture >= 0 { return false }
      default: continue
      }
    }
    return true
  }
}
