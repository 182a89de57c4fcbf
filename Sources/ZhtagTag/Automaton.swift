// Aho-Corasick over Unicode scalars: every key found in one left-to-right pass.

/// A compiled set of keys. The cost per character does not depend on the number of keys: the
/// root's transitions are a flat table over the basic plane, every other state's children sit
/// side by side in sorted arrays (most states have one or two), and outputs are flat, so a step
/// touches a few neighbouring cache lines however large the automaton is.
struct Automaton: Sendable {
  private var failure: [Int32] = []
  /// Nearest state on the failure chain with an output, or -1.
  private var outputLink: [Int32] = []
  /// Keys ending at state s: `outputKeys[outputStart[s]..<outputStart[s + 1]]`.
  private var outputStart: [Int32] = []
  private var outputKeys: [Int32] = []
  /// Children of state s: `childScalars/childTargets[childStart[s]..<childStart[s + 1]]`,
  /// sorted by scalar.
  private var childStart: [Int32] = []
  private var childScalars: [UInt32] = []
  private var childTargets: [Int32] = []
  /// Per state, in one word read at every step: bits 0–62, one for each child's scalar mod 64
  /// (63 shares bit 62): most steps from a state find no child, and the bit says so without
  /// searching the children (with a large lexicon almost every character starts some key);
  /// bit 63, whether any key ends at the state or on its failure chain (most states emit
  /// nothing, and their output lists are not read).
  private var stateBits: [UInt64] = []
  private static let emitsBit: UInt64 = 1 << 63
  /// Root transitions for the basic plane (0 = none).
  private var rootTable = [Int32](repeating: 0, count: 0x10000)
  private(set) var keyLengths: [Int] = []

  init(keys: [[Unicode.Scalar]]) {
    // Build as a hashed trie, then lay it out flat.
    var transitions = TransitionTable(capacity: keys.reduce(0) { $0 + $1.count })
    var outputs: [[Int32]] = [[]]
    var children: [[(UInt32, Int32)]] = [[]]
    for key in keys {
      var state: Int32 = 0
      for scalar in key {
        let edge = UInt64(state) << 21 | UInt64(scalar.value)
        if let next = transitions[edge] {
          state = next
        } else {
          let next = Int32(outputs.count)
          outputs.append([])
          children.append([])
          children[Int(state)].append((scalar.value, next))
          transitions.insert(edge, next)
          state = next
        }
      }
      outputs[Int(state)].append(Int32(keyLengths.count))
      keyLengths.append(key.count)
    }
    let count = outputs.count
    childStart.reserveCapacity(count + 1)
    stateBits = [UInt64](repeating: 0, count: count)
    for state in 0..<count {
      childStart.append(Int32(childScalars.count))
      for (scalar, target) in children[state].sorted(by: { $0.0 < $1.0 }) {
        stateBits[state] |= 1 << UInt64(min(scalar & 63, 62))
        childScalars.append(scalar)
        childTargets.append(target)
        if state == 0 && scalar < 0x10000 { rootTable[Int(scalar)] = target }
      }
    }
    childStart.append(Int32(childScalars.count))
    outputStart.reserveCapacity(count + 1)
    for state in 0..<count {
      outputStart.append(Int32(outputKeys.count))
      outputKeys += outputs[state]
    }
    outputStart.append(Int32(outputKeys.count))

    // Failure links, breadth first.
    failure = [Int32](repeating: 0, count: count)
    outputLink = [Int32](repeating: -1, count: count)
    var queue: [Int32] = []
    queue.reserveCapacity(count)
    for index in Int(childStart[0])..<Int(childStart[1]) { queue.append(childTargets[index]) }
    var head = 0
    while head < queue.count {
      let state = queue[head]
      head += 1
      for index in Int(childStart[Int(state)])..<Int(childStart[Int(state) + 1]) {
        let scalar = childScalars[index]
        let child = childTargets[index]
        var fallback = failure[Int(state)]
        while true {
          let next = self.child(of: fallback, scalar)
          if next > 0 && next != child {
            failure[Int(child)] = next
            break
          }
          if fallback == 0 { break }
          fallback = failure[Int(fallback)]
        }
        let target = failure[Int(child)]
        outputLink[Int(child)] = hasOutput(target) ? target : outputLink[Int(target)]
        queue.append(child)
      }
    }
    for state in 1..<count where hasOutput(Int32(state)) || outputLink[state] > 0 {
      stateBits[state] |= Self.emitsBit
    }
  }

  @inline(__always) private func hasOutput(_ state: Int32) -> Bool {
    outputStart[Int(state)] != outputStart[Int(state) + 1]
  }

  /// The child of `state` on `scalar`, or 0 when there is none.
  @inline(__always) private func child(of state: Int32, _ scalar: UInt32) -> Int32 {
    if state == 0 && scalar < 0x10000 { return rootTable[Int(scalar)] }
    if stateBits[Int(state)] & (1 << UInt64(min(scalar & 63, 62))) == 0 { return 0 }
    var low = Int(childStart[Int(state)])
    var high = Int(childStart[Int(state) + 1])
    if high - low <= 8 {
      while low < high {
        if childScalars[low] == scalar { return childTargets[low] }
        low += 1
      }
      return 0
    }
    while low < high {
      let mid = (low + high) / 2
      let found = childScalars[mid]
      if found == scalar { return childTargets[mid] }
      if found < scalar { low = mid + 1 } else { high = mid }
    }
    return 0
  }

  /// Calls `found(key, start, end)` for every occurrence of every key in `text`.
  func scan(_ text: [Unicode.Scalar], _ found: (Int, Int, Int) -> Void) {
    var state: Int32 = 0
    for index in text.indices {
      let scalar = text[index].value
      while true {
        let next = child(of: state, scalar)
        if next > 0 {
          state = next
          break
        }
        if state == 0 { break }
        state = failure[Int(state)]
      }
      if state == 0 || stateBits[Int(state)] & Self.emitsBit == 0 { continue }
      var emit = hasOutput(state) ? state : outputLink[Int(state)]
      while emit > 0 {
        for key in outputKeys[Int(outputStart[Int(emit)])..<Int(outputStart[Int(emit) + 1])] {
          found(Int(key), index + 1 - keyLengths[Int(key)], index + 1)
        }
        emit = outputLink[Int(emit)]
      }
    }
  }
}
