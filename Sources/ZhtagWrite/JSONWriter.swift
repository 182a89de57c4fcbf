// A small byte-level JSON writer: fast, deterministic key order, no Foundation.

/// Appends JSON to a byte buffer. Keys are written in the order the caller writes them.
public struct JSONWriter {
  public var bytes: [UInt8] = []
  private var needsComma: [Bool] = [false]

  public init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

  private mutating func separator() {
    if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
    needsComma[needsComma.count - 1] = true
  }

  public mutating func beginObject() { separator(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
  public mutating func endObject() { needsComma.removeLast(); bytes.append(UInt8(ascii: "}")) }
  public mutating func beginArray() { separator(); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
  public mutating func endArray() { needsComma.removeLast(); bytes.append(UInt8(ascii: "]")) }

  /// Writes `"key":` for a key made at run time (escaped) — the next value call writes the
  /// value without a comma.
  public mutating func key(dynamic key: String) {
    separator()
    appendString(key.utf8)
    bytes.append(UInt8(ascii: ":"))
    needsComma[needsComma.count - 1] = false
  }

  /// The same for a literal key (plain ASCII, no escapes): copied as bytes.
  public mutating func key(_ key: StaticString) {
    separator()
    bytes.append(UInt8(ascii: "\""))
    bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    needsComma[needsComma.count - 1] = false
  }

  public mutating func field(_ name: StaticString, _ text: String?) {
    key(name)
    if let text { value(text) } else { null() }
  }

  public mutating func field(_ name: StaticString, _ number: Int?) {
    key(name)
    if let number { value(number) } else { null() }
  }

  public mutating func value(_ text: String) { separator(); appendString(text.utf8) }
  /// A string value straight from scalars, escaped as it is encoded.
  public mutating func value(_ scalars: ArraySlice<Unicode.Scalar>) {
    separator()
    bytes.reserveCapacity(bytes.count + scalars.count * 3 + 2)
    bytes.append(UInt8(ascii: "\""))
    for scalar in scalars {
      let v = scalar.value
      if v < 0x80 {
        if v < 0x20 || v == 0x22 || v == 0x5C {
          escape(UInt8(v))
        } else {
          bytes.append(UInt8(v))
        }
      } else if v < 0x800 {
        bytes.append(UInt8(0xC0 | (v >> 6)))
        bytes.append(UInt8(0x80 | (v & 0x3F)))
      } else if v < 0x10000 {
        bytes.append(UInt8(0xE0 | (v >> 12)))
        bytes.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
        bytes.append(UInt8(0x80 | (v & 0x3F)))
      } else {
        bytes.append(UInt8(0xF0 | (v >> 18)))
        bytes.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
        bytes.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
        bytes.append(UInt8(0x80 | (v & 0x3F)))
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }
  public mutating func value(_ number: Int) {
    separator()
    if number >= 0 && number < 10 {
      bytes.append(UInt8(48 + number))
      return
    }
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
      (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var value = number.magnitude
    var count = 0
    withUnsafeMutableBytes(of: &digits) { buffer in
      repeat {
        buffer[19 - count] = UInt8(48 + value % 10)
        value /= 10
        count += 1
      } while value > 0
      if number < 0 { bytes.append(UInt8(ascii: "-")) }
      bytes.append(contentsOf: buffer[(20 - count)...])
    }
  }
  public mutating func value(_ number: Double) {
    separator()
    // Two decimals are enough for confidences; fixed format keeps output stable.
    let scaled = Int((number * 100).rounded())
    let text = "\(scaled / 100).\(scaled % 100 < 10 ? "0" : "")\(scaled % 100)"
    bytes.append(contentsOf: text.utf8)
  }
  public mutating func value(_ flag: Bool) { separator(); bytes.append(contentsOf: (flag ? "true" : "false").utf8) }
  public mutating func null() { separator(); bytes.append(contentsOf: "null".utf8) }

  public mutating func field(dynamic name: String, _ text: String?) {
    key(dynamic: name)
    if let text { value(text) } else { null() }
  }
  public mutating func field(dynamic name: String, _ number: Int?) {
    key(dynamic: name)
    if let number { value(number) } else { null() }
  }

  private mutating func appendString(_ utf8: some Sequence<UInt8>) {
    bytes.append(UInt8(ascii: "\""))
    for byte in utf8 {
      if byte < 0x20 || byte == 0x22 || byte == 0x5C { escape(byte) } else { bytes.append(byte) }
    }
    bytes.append(UInt8(ascii: "\""))
  }

  private mutating func escape(_ byte: UInt8) {
    switch byte {
    case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
    case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
    case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
    case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
    case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
    default:
      let hex: [UInt8] = Array("0123456789abcdef".utf8)
      bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
    }
  }
}
