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

  /// Writes `"key":` — the next value call writes the value without a comma.
  public mutating func key(_ key: String) {
    separator()
    appendString(key.utf8)
    bytes.append(UInt8(ascii: ":"))
    needsComma[needsComma.count - 1] = false
  }

  public mutating func value(_ text: String) { separator(); appendString(text.utf8) }
  public mutating func value(_ scalars: ArraySlice<Unicode.Scalar>) {
    separator()
    var utf8: [UInt8] = []
    utf8.reserveCapacity(scalars.count * 3)
    for scalar in scalars { UTF8.encode(scalar) { utf8.append($0) } }
    appendString(utf8)
  }
  public mutating func value(_ number: Int) { separator(); bytes.append(contentsOf: String(number).utf8) }
  public mutating func value(_ number: Double) {
    separator()
    // Two decimals are enough for confidences; fixed format keeps output stable.
    let scaled = Int((number * 100).rounded())
    let text = "\(scaled / 100).\(scaled % 100 < 10 ? "0" : "")\(scaled % 100)"
    bytes.append(contentsOf: text.utf8)
  }
  public mutating func value(_ flag: Bool) { separator(); bytes.append(contentsOf: (flag ? "true" : "false").utf8) }
  public mutating func null() { separator(); bytes.append(contentsOf: "null".utf8) }

  public mutating func field(_ name: String, _ text: String?) {
    key(name)
    if let text { value(text) } else { null() }
  }
  public mutating func field(_ name: String, _ number: Int?) {
    key(name)
    if let number { value(number) } else { null() }
  }

  private mutating func appendString(_ utf8: some Sequence<UInt8>) {
    bytes.append(UInt8(ascii: "\""))
    for byte in utf8 {
      switch byte {
      case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
      case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
      case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
      case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
      case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
      default: bytes.append(byte)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }
}
