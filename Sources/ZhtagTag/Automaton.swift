// Aho-Corasick over Unicode scalars: every key found in one left-to-right pass.

/// A compiled set of keys. Matching costs one hash lookup per character (plus failure
/// steps, amortised constant) whatever the number of keys.
struct Automaton: Sendable {
  /// (state << 21 | scalar) → next state.
  private var transitions: [UInt64: Int32] = [:]
  private var failure: [Int32] = [0]
  /// Keys ending at each state: indices into `keyLengths` / caller payloads.
  private var outputs: [[Int32]] = [[]]
  /// Nearest state on the failure chain with a non-empty output, or -1.
  private var outputLink: [Int32] = [-1]
  private(set) var keyLengths: [Int] = []
  /// Transitions out of the root for the basic plane, as a flat table (0 = none): most
  /// characters of a text start no key, and this makes skipping them one array read.
  private var rootTable = [Int32](repeating: 0, count: 0x10000)

  init(keys: [[Unicode.Scalar]]) {
    for key in keys { insert(key) }
    buildFailureLinks()
    for (edge, next) in transitions where edge >> 21 == 0 && edge & 0x1FFFFF < 0x10000 {
      rootTable[Int(edge & 0x1FFFFF)] = next
    }
  }

  private mutating func insert(_ key: [Unicode.Scalar]) {
    var state: Int32 = 0
    for scalar in key {
      let edge = UInt64(state) << 21 | UInt64(scalar.value)
      if let next = transitions[edge] {
        state = next
      } else {
        let next = Int32(failure.count)
        failure.append(0)
        outputs.append([])
        outputLink.append(-1)
        transitions[edge] = next
        state = next
      }
    }
    outputs[Int(state)].append(Int32(keyLengths.count))
    keyLengths.append(key.count)
  }

  private mutating func buildFailureLinks() {
    // Children per state, for the breadth-first walk.
    var children = [[(Unicode.Scalar, Int32)]](repeating: [], count: failure.count)
    for (edge, next) in transitions {
      children[Int(edge >> 21)].append((Unicode.Scalar(UInt32(edge & 0x1FFFFF))!, next))
    }
    var queue: [Int32] = []
    for (_, child) in children[0] {
      failure[Int(child)] = 0
      queue.append(child)
    }
    var head = 0
    while head < queue.count {
      let state = queue[head]
      head += 1
      for (scalar, child) in children[Int(state)] {
        var fallback = failure[Int(state)]
        while true {
          if let next = transitions[UInt64(fallback) << 21 | UInt64(scalar.value)], next != child {
            failure[Int(child)] = next
            break
          }
          if fallback == 0 {
            failure[Int(child)] = 0
            break
          }
          fallback = failure[Int(fallback)]
        }
        let target = failure[Int(child)]
        outputLink[Int(child)] = outputs[Int(target)].isEmpty ? outputLink[Int(target)] : target
        queue.append(child)
      }
    }
  }

  /// Calls `found(key, start, end)` for every occurrence of every key in `text`.
  func scan(_ text: [Unicode.Scalar], _ found: (Int, Int, Int) -> Void) {
    var state: Int32 = 0
    for index in text.indices {
      let scalar = text[index]
      if state == 0 {
        if scalar.value < 0x10000 {
          state = rootTable[Int(scalar.value)]
          if state == 0 { continue }
        } else if let next = transitions[UInt64(scalar.value)] {
          state = next
        } else {
          continue
        }
      } else {
        // Follow failure links until a transition exists; at the root, none means state 0.
        while true {
          if let next = transitions[UInt64(state) << 21 | UInt64(scalar.value)] {
            state = next
            break
          }
          if state == 0 { break }
          state = failure[Int(state)]
        }
      }
      var emit = state
      if outputs[Int(emit)].isEmpty { emit = outputLink[Int(emit)] }
      while emit > 0 {
        for key in outputs[Int(emit)] {
          found(Int(key), index + 1 - keyLengths[Int(key)], index + 1)
        }
        emit = outputLink[Int(emit)]
      }
    }
  }
}
