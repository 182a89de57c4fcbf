// Strict UTF-8 to scalars in one pass: validation and decoding are the same loop.
//
// `Array(String(validating:).unicodeScalars)` validates, copies into a String, then walks it
// scalar by scalar through the generic iterator; on Chinese text that is the slowest step of
// decode. This loop writes scalars straight into a preallocated array, with a word-at-a-time
// path for ASCII and a direct path for three-byte sequences (all of CJK).

enum UTF8Scalars {
  /// The scalars of `bytes`, or nil when they are not strict UTF-8 (overlong forms,
  /// surrogates, values past U+10FFFF and truncated sequences are all rejected).
  static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> [Unicode.Scalar]? {
    var counts = ByteDecoder.ControlBytes()
    return decode(bytes, counting: &counts)
  }

  /// Also counts the control bytes `ByteDecoder.refuseBinary` looks at (over all the bytes),
  /// so that valid UTF-8 text needs no second pass.
  static func decode(_ bytes: UnsafeBufferPointer<UInt8>, counting counts: inout ByteDecoder.ControlBytes)
    -> [Unicode.Scalar]?
  {
    let count = bytes.count
    counts.sampled = count
    guard count > 0, let base = bytes.baseAddress else { return [] }
    var local = ByteDecoder.ControlBytes()
    var valid = true
    // Exactly as many scalars as lead bytes (for valid input): Chinese text takes a third of
    // what one scalar per byte would, and the documents keep these arrays.
    var continuations = 0
    var index = 0
    while index + 8 <= count {
      // Bytes 10xxxxxx: top bit set, next bit clear.
      let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
      continuations += (word & ~(word << 1) & 0x8080_8080_8080_8080).nonzeroBitCount
      index += 8
    }
    while index < count {
      if base[index] & 0xC0 == 0x80 { continuations += 1 }
      index += 1
    }
    let leads = count - continuations
    let capacity = max(leads, 1)
    let scalars = [Unicode.Scalar](unsafeUninitializedCapacity: capacity) { buffer, initialized in
      // Unicode.Scalar is a UInt32 underneath; write the values directly.
      let out = UnsafeMutableRawPointer(buffer.baseAddress!).bindMemory(to: UInt32.self, capacity: capacity)
      let written = decode(base, count, out, capacity, &local)
      _ = UnsafeMutableRawPointer(out).bindMemory(to: Unicode.Scalar.self, capacity: capacity)
      valid = written >= 0
      initialized = max(written, 0)
    }
    local.sampled = count
    counts = local
    return valid ? scalars : nil
  }

  /// The loop: returns how many scalars were written to `out`, or -1 for invalid UTF-8.
  @inline(__always)
  private static func decode(_ base: UnsafePointer<UInt8>, _ count: Int, _ out: UnsafeMutablePointer<UInt32>,
                             _ capacity: Int, _ counts: inout ByteDecoder.ControlBytes) -> Int
  {
    // Every scalar written starts at a lead byte, and `capacity` counts them: the loop cannot
    // write past it (a stray continuation byte is rejected before anything is written for it).
    var i = 0
    var o = 0
    while i < count {
      let b0 = UInt32(base[i])
      if b0 >= 0xE0 && b0 < 0xF0 {  // three bytes: all of CJK
        guard i + 2 < count else { return -1 }
        let b1 = UInt32(base[i + 1])
        let b2 = UInt32(base[i + 2])
        guard b1 & 0xC0 == 0x80, b2 & 0xC0 == 0x80 else { return -1 }
        let value = (b0 & 0x0F) << 12 | (b1 & 0x3F) << 6 | (b2 & 0x3F)
        guard value >= 0x800, value & 0xF800 != 0xD800 else { return -1 }
        out[o] = value
        i += 3
        o += 1
        continue
      }
      if b0 < 0x80 {
        // ASCII, eight bytes at a time while there is neither a high bit nor a byte < 0x20.
        while i + 8 <= count {
          let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
          if (word | ((word &- 0x2020_2020_2020_2020) & ~word)) & 0x8080_8080_8080_8080 != 0 { break }
          for k in 0..<8 { out[o + k] = UInt32(truncatingIfNeeded: word >> (8 * UInt64(k))) & 0xFF }
          i += 8
          o += 8
        }
        if i >= count { break }
        let byte = UInt32(base[i])
        if byte >= 0x80 { continue }
        if byte < 0x20 {
          switch byte {
          case 0x09, 0x0A, 0x0C, 0x0D: break
          case 0x1B: counts.escapes += 1
          case 0x0E, 0x0F: counts.shifts += 1
          case 0x00:
            if counts.firstNul == nil { counts.firstNul = i }
            if i & 1 == 0 { counts.nulEven += 1 } else { counts.nulOdd += 1 }
          default: counts.controls += 1
          }
        }
        out[o] = byte
        i += 1
        o += 1
        continue
      }
      if b0 >= 0xC2 && b0 < 0xE0 {
        guard i + 1 < count else { return -1 }
        let b1 = UInt32(base[i + 1])
        guard b1 & 0xC0 == 0x80 else { return -1 }
        out[o] = (b0 & 0x1F) << 6 | (b1 & 0x3F)
        i += 2
        o += 1
        continue
      }
      if b0 >= 0xF0 && b0 <= 0xF4 {
        guard i + 3 < count else { return -1 }
        let b1 = UInt32(base[i + 1])
        let b2 = UInt32(base[i + 2])
        let b3 = UInt32(base[i + 3])
        guard b1 & 0xC0 == 0x80, b2 & 0xC0 == 0x80, b3 & 0xC0 == 0x80 else { return -1 }
        let value = (b0 & 0x07) << 18 | (b1 & 0x3F) << 12 | (b2 & 0x3F) << 6 | (b3 & 0x3F)
        guard value >= 0x10000, value <= 0x10FFFF else { return -1 }
        out[o] = value
        i += 4
        o += 1
        continue
      }
      return -1  // continuation byte, C0/C1 or F5…FF as a lead byte
    }
    return o
  }

  static func decode(_ bytes: [UInt8]) -> [Unicode.Scalar]? {
    bytes.withUnsafeBufferPointer { decode($0) }
  }

  /// Decodes bytes known to be valid UTF-8 (ICU's output), replacing anything invalid.
  static func decodeTrusted(_ bytes: UnsafeBufferPointer<UInt8>) -> [Unicode.Scalar] {
    if let scalars = decode(bytes) { return scalars }
    return Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
  }
}
