// An open-addressing hash table from (state, scalar) keys to states: the automaton's and the
// tries' transitions. Swift's Dictionary hashes with SipHash, which costs more than the rest of
// a lookup; a multiplicative hash and linear probing make a lookup a few instructions.

/// A map from `UInt64` keys to `Int32` values, built once and then only read.
struct TransitionTable: Sendable {
  private var keys: [UInt64]
  private var values: [Int32]
  private var mask: Int
  private var shift: UInt64
  private(set) var count = 0

  /// An empty key slot: no real key is all ones (states and scalars are far smaller).
  private static let empty = UInt64.max

  init(capacity: Int = 16) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    keys = [UInt64](repeating: Self.empty, count: size)
    values = [Int32](repeating: 0, count: size)
    mask = size - 1
    shift = UInt64(64 - size.trailingZeroBitCount)
  }

  @inline(__always) private func slot(_ key: UInt64) -> Int {
    Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
  }

  @inline(__always) subscript(key: UInt64) -> Int32? {
    var index = slot(key)
    while true {
      let found = keys[index]
      if found == key { return values[index] }
      if found == Self.empty { return nil }
      index = (index + 1) & mask
    }
  }

  mutating func insert(_ key: UInt64, _ value: Int32) {
    if (count + 1) * 2 > keys.count { grow() }
    var index = slot(key)
    while keys[index] != Self.empty && keys[index] != key { index = (index + 1) & mask }
    if keys[index] == Self.empty { count += 1 }
    keys[index] = key
    values[index] = value
  }

  private mutating func grow() {
    let oldKeys = keys
    let oldValues = values
    let size = keys.count * 2
    keys = [UInt64](repeating: Self.empty, count: size)
    values = [Int32](repeating: 0, count: size)
    mask = size - 1
    shift = UInt64(64 - size.trailingZeroBitCount)
    count = 0
    for (key, value) in zip(oldKeys, oldValues) where key != Self.empty { insert(key, value) }
  }

  /// Every (key, value) pair, in no particular order.
  var pairs: [(UInt64, Int32)] {
    zip(keys, values).filter { $0.0 != Self.empty }
  }
}
