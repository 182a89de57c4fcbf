// The capture-free first pass of pattern matching. The Pike VM (PatternProgram.swift) copies
// each thread's capture offsets and payloads, which costs allocations on every attempt; most
// attempts fail after a few characters. This pass runs the same program with threads that are
// only instruction numbers, finds the longest end (or an end at a given offset), and leaves
// the captures to the full VM, run once with that end for the attempts that match. Both explore
// the same paths, so the end is the same.
import ZhtagCore
import ZhtagRules

/// Raw scratch memory of the capture-free pass, grown when an attempt needs more. Adding a
/// thread is then a few stores: arrays would check uniqueness and capacity on every write,
/// which cost more than the matching itself (callgrind: ~250 instructions per VM step).
final class FastPassBuffers {
  /// Per offset from the start: the first item of its list, or -1.
  @exclusivity(unchecked) fileprivate var firstAt: UnsafeMutablePointer<Int32>
  @exclusivity(unchecked) fileprivate var offsetCapacity = 64
  /// Items: an instruction number and the next item of the same offset (-1 ends a list).
  @exclusivity(unchecked) fileprivate var items: UnsafeMutablePointer<Int32>
  @exclusivity(unchecked) fileprivate var nextItem: UnsafeMutablePointer<Int32>
  @exclusivity(unchecked) fileprivate var itemCount = 0
  @exclusivity(unchecked) fileprivate var itemCapacity = 256
  /// (offset × program size + pc) → the attempt that last added that instruction there.
  @exclusivity(unchecked) fileprivate var seen: UnsafeMutablePointer<Int32>
  @exclusivity(unchecked) fileprivate var seenCapacity = 4096

  init() {
    firstAt = .allocate(capacity: offsetCapacity)
    firstAt.initialize(repeating: -1, count: offsetCapacity)
    items = .allocate(capacity: itemCapacity)
    nextItem = .allocate(capacity: itemCapacity)
    seen = .allocate(capacity: seenCapacity)
    seen.initialize(repeating: 0, count: seenCapacity)
  }

  deinit {
    firstAt.deallocate()
    items.deallocate()
    nextItem.deallocate()
    seen.deallocate()
  }

  fileprivate func reserve(offset: Int, size: Int) {
    if offset >= offsetCapacity {
      let capacity = max(offset + 1, offsetCapacity * 2)
      let grown = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
      grown.initialize(from: firstAt, count: offsetCapacity)
      (grown + offsetCapacity).initialize(repeating: -1, count: capacity - offsetCapacity)
      firstAt.deallocate()
      firstAt = grown
      offsetCapacity = capacity
    }
    if (offset + 1) * size > seenCapacity {
      let capacity = max((offset + 1) * size, seenCapacity * 2)
      let grown = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
      grown.initialize(from: seen, count: seenCapacity)
      (grown + seenCapacity).initialize(repeating: 0, count: capacity - seenCapacity)
      seen.deallocate()
      seen = grown
      seenCapacity = capacity
    }
  }

  fileprivate func growItems() {
    let capacity = itemCapacity * 2
    let grownItems = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
    let grownNext = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
    grownItems.initialize(from: items, count: itemCount)
    grownNext.initialize(from: nextItem, count: itemCount)
    items.deallocate()
    nextItem.deallocate()
    items = grownItems
    nextItem = grownNext
    itemCapacity = capacity
  }

  fileprivate func clearSeen() { seen.update(repeating: 0, count: seenCapacity) }
}

/// The number of a VM pass's current attempt, stamped into its `seen` marks instead of clearing
/// them for every attempt; before it would overflow, the marks are cleared and it starts over.
struct AttemptStamp {
  private(set) var value: Int32 = 0

  mutating func next(clearing clear: () -> Void) {
    value &+= 1
    if value == Int32.max {
      value = 1
      clear()
    }
  }
}

/// The capture-free pass; one per PatternVM.
struct FastPass {
  private let buffers = FastPassBuffers()
  private var attempt = AttemptStamp()
  private var ends: [Int] = []

  /// The longest match of `program` from `start`, or with `target`, whether one ends there.
  mutating func longestEnd(_ program: PatternProgram, tries: [LexiconTrie], text: [Unicode.Scalar],
                           annotations: AnnotationIndex, at start: Int, endingAt target: Int?,
                           steps: inout Int) -> Int?
  {
    let buffers = self.buffers
    attempt.next { buffers.clearSeen() }
    let size = program.instructions.count
    // No thread goes past the end of the text (or the target).
    let limit = min(target ?? text.count, text.count) - start
    guard limit >= 0 else { return nil }
    var best: Int?
    var lastOffset = 0
    buffers.itemCount = 0
    add(0, offset: 0, program: program, size: size, lastOffset: &lastOffset)
    defer {
      // Leave no thread behind for the next attempt.
      for offset in 0...lastOffset { buffers.firstAt[offset] = -1 }
    }
    var offset = 0
    while offset <= lastOffset {
      var item = buffers.firstAt[offset]
      let position = start + offset
      while item >= 0 {
        let pc = Int(buffers.items[Int(item)])
        item = buffers.nextItem[Int(item)]
        steps += 1
        switch program.instructions[pc] {
        case .match:
          if let target {
            if position == target { return position }
          } else if position > start {
            best = max(best ?? position, position)
          }
        case .scalar(let scalar):
          if offset < limit, text[position] == scalar {
            add(Int32(pc + 1), offset: offset + 1, program: program, size: size, lastOffset: &lastOffset)
          }
        case .characterClass(let index):
          if offset < limit, program.classes[Int(index)].matches(text[position]) {
            add(Int32(pc + 1), offset: offset + 1, program: program, size: size, lastOffset: &lastOffset)
          }
        case .lexicon(let trie, _):
          ends.removeAll(keepingCapacity: true)
          tries[Int(trie)].matches(in: text, at: position) { end, _ in
            if end - start <= limit { ends.append(end) }
          }
          for end in ends {
            add(Int32(pc + 1), offset: end - start, program: program, size: size, lastOffset: &lastOffset)
          }
        case .annotation(let label, let tests, _):
          annotations.forEach(at: position, label: label, endingBy: start + limit, tests: tests, of: program) { current in
            add(Int32(pc + 1), offset: annotations.ends[current] - start, program: program, size: size,
                lastOffset: &lastOffset)
          }
        case .split, .jump, .save:
          break  // never in a list: add follows them
        }
      }
      offset += 1
    }
    return best
  }

  /// Adds an instruction at an offset as the instructions that read a character reachable
  /// from it (precomputed: PatternProgram.closures); each at most once per offset.
  private func add(_ pc: Int32, offset: Int, program: PatternProgram, size: Int, lastOffset: inout Int) {
    let buffers = self.buffers
    buffers.reserve(offset: offset, size: size)
    if offset > lastOffset { lastOffset = offset }
    let base = offset * size
    var index = Int(program.closureStarts[Int(pc)])
    let end = Int(program.closureStarts[Int(pc) + 1])
    while index < end {
      let reached = Int(program.closures[index])
      index += 1
      if buffers.seen[base + reached] == attempt.value { continue }
      buffers.seen[base + reached] = attempt.value
      if buffers.itemCount == buffers.itemCapacity { buffers.growItems() }
      buffers.items[buffers.itemCount] = Int32(reached)
      buffers.nextItem[buffers.itemCount] = buffers.firstAt[offset]
      buffers.firstAt[offset] = Int32(buffers.itemCount)
      buffers.itemCount += 1
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
      case .lexicon(_, let capture), .annotation(_, _, let capture): if capture >= 0 { return false }
      default: continue
      }
    }
    return true
  }
}
