// The growable byte buffer under the JSON and XML writers.
//
// A plain pointer, count and capacity rather than [UInt8]: an array append checks uniqueness
// and capacity per byte, and a class would add an exclusivity check per access. Writers reserve
// once for a token and then store bytes unchecked. The owner calls `free()` (JSONWriter's deinit,
// the encoders' defer).

struct ByteBuffer {
  private(set) var base: UnsafeMutablePointer<UInt8>
  private(set) var count = 0
  private var capacity: Int

  init(capacity: Int) {
    self.capacity = max(capacity, 64)
    base = .allocate(capacity: self.capacity)
  }

  func free() { base.deallocate() }

  /// The bytes written, as an array.
  var array: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

  /// Appends again `length` bytes written earlier, from offset `start`.
  mutating func repeatBytes(from start: Int, count length: Int) {
    reserve(length)
    (base + count).update(from: base + start, count: length)
    count &+= length
  }

  /// Forgets the bytes after the first `length`.
  mutating func truncate(to length: Int) { count = length }

  /// Makes room for `extra` more bytes; the unchecked appends below rely on it.
  @inline(__always) mutating func reserve(_ extra: Int) {
    if count &+ extra > capacity { grow(extra) }
  }

  @inline(never) private mutating func grow(_ extra: Int) {
    var newCapacity = capacity * 2
    while newCapacity < count + extra { newCapacity *= 2 }
    let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    newBase.update(from: base, count: count)
    base.deallocate()
    base = newBase
    capacity = newCapacity
  }

  // MARK: Unchecked: after `reserve`

  @inline(__always) mutating func put(_ byte: UInt8) {
    base[count] = byte
    count &+= 1
  }

  @inline(__always) mutating func put(_ a: UInt8, _ b: UInt8) {
    base[count] = a
    base[count &+ 1] = b
    count &+= 2
  }

  /// Most copies are short (names, labels, rule ids): two overlapping word moves instead of a
  /// call to memcpy.
  @inline(__always) mutating func put(_ bytes: UnsafePointer<UInt8>, _ length: Int) {
    let target = UnsafeMutableRawPointer(base + count)
    let source = UnsafeRawPointer(bytes)
    if length >= 8 && length <= 16 {
      target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
      target.storeBytes(of: source.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self), toByteOffset: length - 8, as: UInt64.self)
    } else if length >= 4 && length < 8 {
      target.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
      target.storeBytes(of: source.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self), toByteOffset: length - 4, as: UInt32.self)
    } else if length < 4 {
      for index in 0..<length { (base + count)[index] = bytes[index] }
    } else {
      (base + count).update(from: bytes, count: length)
    }
    count &+= length
  }

  /// A scalar as UTF-8 (1–4 bytes).
  @inline(__always) mutating func putUTF8(_ v: UInt32) {
    if v < 0x80 {
      put(UInt8(truncatingIfNeeded: v))
    } else if v < 0x800 {
      put(UInt8(truncatingIfNeeded: 0xC0 | (v >> 6)), UInt8(truncatingIfNeeded: 0x80 | (v & 0x3F)))
    } else if v < 0x10000 {
      base[count] = UInt8(truncatingIfNeeded: 0xE0 | (v >> 12))
      base[count &+ 1] = UInt8(truncatingIfNeeded: 0x80 | ((v >> 6) & 0x3F))
      base[count &+ 2] = UInt8(truncatingIfNeeded: 0x80 | (v & 0x3F))
      count &+= 3
    } else {
      base[count] = UInt8(truncatingIfNeeded: 0xF0 | (v >> 18))
      base[count &+ 1] = UInt8(truncatingIfNeeded: 0x80 | ((v >> 12) & 0x3F))
      base[count &+ 2] = UInt8(truncatingIfNeeded: 0x80 | ((v >> 6) & 0x3F))
      base[count &+ 3] = UInt8(truncatingIfNeeded: 0x80 | (v & 0x3F))
      count &+= 4
    }
  }

  // MARK: Checked

  @inline(__always) mutating func append(_ byte: UInt8) {
    reserve(1)
    put(byte)
  }

  @inline(__always) mutating func append(_ text: StaticString) {
    reserve(text.utf8CodeUnitCount)
    put(text.utf8Start, text.utf8CodeUnitCount)
  }

  mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let start = bytes.baseAddress else { return }
    reserve(bytes.count)
    put(start, bytes.count)
  }

  /// Runs `body` on the UTF-8 bytes of `text` without copying a native string.
  @inline(__always) static func withUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
    return Array(text.utf8).withUnsafeBufferPointer(body)
  }

  /// A decimal integer, digits written in place two at a time (no String).
  @inline(__always) mutating func appendDecimal(_ number: Int) {
    reserve(20)
    putDecimal(number)
  }

  /// The same, unchecked: 20 bytes must be reserved (a sign and 19 digits).
  mutating func putDecimal(_ number: Int) {
    if number < 0 { put(UInt8(ascii: "-")) }
    var value = number.magnitude
    if value < 10 {
      put(UInt8(truncatingIfNeeded: 48 &+ value))
      return
    }
    var digits: Int
    if value < 100 {
      digits = 2
    } else if value < 1000 {
      digits = 3
    } else if value < 10000 {
      digits = 4
    } else {
      digits = 5
      var limit: UInt = 100_000
      // At most 19 digits (Int.min's magnitude), so `limit` never overflows.
      while digits < 19 && value >= limit {
        digits &+= 1
        limit &*= 10
      }
    }
    let pairs: StaticString = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
    var index = count &+ digits
    count = index
    while value >= 100 {
      let pair = Int(truncatingIfNeeded: value % 100) &* 2
      value /= 100
      index &-= 2
      base[index] = pairs.utf8Start[pair]
      base[index &+ 1] = pairs.utf8Start[pair &+ 1]
    }
    if value >= 10 {
      let pair = Int(truncatingIfNeeded: value) &* 2
      base[index &- 2] = pairs.utf8Start[pair]
      base[index &- 1] = pairs.utf8Start[pair &+ 1]
    } else {
      base[index &- 1] = UInt8(truncatingIfNeeded: 48 &+ value)
    }
  }
}

// Word-at-a-time byte tests ("Bit Twiddling Hacks": haszero, hasless): exact as yes/no answers
// for the whole word, so a word that tests false holds no byte of interest and is copied as it
// is; one that tests true is looked at byte by byte.

/// The 8 bytes at `pointer`, in memory order.
@inline(__always) func loadWord(_ pointer: UnsafePointer<UInt8>) -> UInt64 {
  UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self)
}

/// High bit set in a byte's lane when the word has some byte below `n` (n ≤ 128).
@inline(__always) func bytesBelow(_ word: UInt64, _ n: UInt8) -> UInt64 {
  (word &- 0x0101_0101_0101_0101 &* UInt64(n)) & ~word & 0x8080_8080_8080_8080
}

/// High bit set in a byte's lane when the word has some byte equal to `byte`.
@inline(__always) func bytesEqual(_ word: UInt64, _ byte: UInt8) -> UInt64 {
  let x = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
  return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
}
