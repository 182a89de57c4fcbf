// Character classes shared by the stages (Han, digits, Chinese punctuation).

extension Unicode.Scalar {
  /// CJK unified ideographs (basic block, extensions A–H, compatibility ideographs) and 〇.
  @inlinable public var isHan: Bool {
    let v = value
    if v >= 0x4E00 && v <= 0x9FFF { return true }
    if v < 0x3400 { return v == 0x3007 }
    return (v >= 0x3400 && v <= 0x4DBF) || (v >= 0xF900 && v <= 0xFAFF)
      || (v >= 0x20000 && v <= 0x323AF)
  }

  @inlinable public var isASCIIDigit: Bool { value >= 0x30 && value <= 0x39 }

  @inlinable public var isASCIILetter: Bool {
    (value >= 0x41 && value <= 0x5A) || (value >= 0x61 && value <= 0x7A)
  }

  /// Space, tab, ideographic space, no-break space and the other Unicode spaces (not newlines).
  @inlinable public var isHorizontalSpace: Bool {
    switch value {
    case 0x20, 0x09, 0xA0, 0x3000, 0x1680, 0x2000...0x200A, 0x202F, 0x205F: return true
    default: return false
    }
  }
}

extension Array where Element == Unicode.Scalar {
  /// The text of a range, as a String, encoded to UTF-8 straight into the string's storage
  /// (one allocation, none for short texts; appending scalars to a String.UnicodeScalarView or
  /// going through a byte array costs several times more).
  public func string(_ range: TextRange) -> String {
    String(unsafeUninitializedCapacity: range.count * 4) { buffer in
      var count = 0
      for index in range.start..<range.end {
        let v = self[index].value
        if v < 0x80 {
          buffer[count] = UInt8(v)
          count += 1
        } else if v < 0x800 {
          buffer[count] = UInt8(0xC0 | (v >> 6))
          buffer[count + 1] = UInt8(0x80 | (v & 0x3F))
          count += 2
        } else if v < 0x10000 {
          buffer[count] = UInt8(0xE0 | (v >> 12))
          buffer[count + 1] = UInt8(0x80 | ((v >> 6) & 0x3F))
          buffer[count + 2] = UInt8(0x80 | (v & 0x3F))
          count += 3
        } else {
          buffer[count] = UInt8(0xF0 | (v >> 18))
          buffer[count + 1] = UInt8(0x80 | ((v >> 12) & 0x3F))
          buffer[count + 2] = UInt8(0x80 | ((v >> 6) & 0x3F))
          buffer[count + 3] = UInt8(0x80 | (v & 0x3F))
          count += 4
        }
      }
      return count
    }
  }

  public var string: String { string(TextRange(0, count)) }
}

extension String {
  /// The scalars of a string, as the array every stage works on.
  public var scalars: [Unicode.Scalar] { Array(unicodeScalars) }

  /// Without the horizontal spaces (`isHorizontalSpace`) at either end: how rule files' cells
  /// and expressions are read.
  public func trimmingSpaces() -> String {
    var scalars = Substring(self).unicodeScalars[...]
    while let first = scalars.first, first.isHorizontalSpace { scalars = scalars.dropFirst() }
    while let last = scalars.last, last.isHorizontalSpace { scalars = scalars.dropLast() }
    return String(String.UnicodeScalarView(scalars))
  }
}
