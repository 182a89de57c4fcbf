// A small byte-level JSON writer: fast, deterministic key order, no Foundation.

/// Appends JSON to a byte buffer. Keys are written in the order the caller writes them.
///
/// Noncopyable: it owns its buffer (freed when it goes away). Strings are escaped from their
/// UTF-8 bytes, scalars are encoded and escaped in one pass, integers are written digit by digit:
/// no String is built on the way.
public struct JSONWriter: ~Copyable {
  var out: ByteBuffer
  /// Whether the next key or value needs a comma before it. One flag is enough: a container
  /// begins with none, and after it ends its parent always needs one (the container was a value).
  private var needsComma = false

  public init(capacity: Int = 4096) { out = ByteBuffer(capacity: capacity) }

  deinit { out.free() }

  /// What has been written so far.
  public var bytes: [UInt8] { out.array }

  /// How many bytes have been written so far.
  var bytesWritten: Int { out.count }

  /// Writes again the `count` bytes written from `start` on: a run of fields (with the comma
  /// before them) that repeats from item to item.
  mutating func repeatFields(from start: Int, count: Int) {
    out.repeatBytes(from: start, count: count)
    needsComma = true
  }

  @inline(__always) private mutating func separator() {
    if needsComma { out.append(UInt8(ascii: ",")) }
    needsComma = true
  }

  public mutating func beginObject() { separator(); out.append(UInt8(ascii: "{")); needsComma = false }
  public mutating func endObject() { out.append(UInt8(ascii: "}")); needsComma = true }
  public mutating func beginArray() { separator(); out.append(UInt8(ascii: "[")); needsComma = false }
  public mutating func endArray() { out.append(UInt8(ascii: "]")); needsComma = true }

  /// Writes `"key":` for a key made at run time (escaped) — the next value call writes the
  /// value without a comma.
  public mutating func key(dynamic key: String) {
    separator()
    appendString(key)
    out.append(UInt8(ascii: ":"))
    needsComma = false
  }

  /// The same for a literal key (plain ASCII, no escapes): copied as bytes.
  @inline(__always) public mutating func key(_ key: StaticString) {
    separator()
    out.reserve(key.utf8CodeUnitCount + 3)
    out.put(UInt8(ascii: "\""))
    out.put(key.utf8Start, key.utf8CodeUnitCount)
    out.put(UInt8(ascii: "\""), UInt8(ascii: ":"))
    needsComma = false
  }

  public mutating func field(_ name: StaticString, _ text: String?) {
    key(name)
    if let text { value(text) } else { null() }
  }

  public mutating func field(_ name: StaticString, _ text: String) {
    key(name)
    value(text)
  }

  public mutating func field(_ name: StaticString, _ number: Int?) {
    key(name)
    if let number { value(number) } else { null() }
  }

  /// `"name":number` under one capacity check (spans write four of them per item).
  public mutating func field(_ name: StaticString, _ number: Int) {
    out.reserve(name.utf8CodeUnitCount + 24)
    if needsComma { out.put(UInt8(ascii: ",")) }
    out.put(UInt8(ascii: "\""))
    out.put(name.utf8Start, name.utf8CodeUnitCount)
    out.put(UInt8(ascii: "\""), UInt8(ascii: ":"))
    out.putDecimal(number)
    needsComma = true
  }

  public mutating func value(_ text: String) { separator(); appendString(text) }

  /// A string value straight from scalars, escaped as it is encoded.
  public mutating func value(_ scalars: ArraySlice<Unicode.Scalar>) {
    scalars.withUnsafeBufferPointer { value($0) }
  }

  mutating func value(_ scalars: UnsafeBufferPointer<Unicode.Scalar>) {
    separator()
    // Worst case 6 bytes a scalar (`\u001f`); the capacity is only reserved, not written.
    out.reserve(scalars.count * 6 + 2)
    out.put(UInt8(ascii: "\""))
    for scalar in scalars {
      let v = scalar.value
      if v < 0x80 {
        if v < 0x20 || v == 0x22 || v == 0x5C {
          putEscape(UInt8(truncatingIfNeeded: v))
        } else {
          out.put(UInt8(truncatingIfNeeded: v))
        }
      } else {
        out.putUTF8(v)
      }
    }
    out.put(UInt8(ascii: "\""))
  }

  /// A string value `prefix` + number, such as the id `e12` (no escapes needed).
  public mutating func value(_ prefix: StaticString, _ number: Int) {
    separator()
    out.reserve(prefix.utf8CodeUnitCount + 1)
    out.put(UInt8(ascii: "\""))
    out.put(prefix.utf8Start, prefix.utf8CodeUnitCount)
    out.appendDecimal(number)
    out.append(UInt8(ascii: "\""))
  }

  public mutating func value(_ number: Int) {
    separator()
    out.appendDecimal(number)
  }

  public mutating func value(_ number: Double) {
    separator()
    // Two decimals are enough for confidences; fixed format keeps output stable.
    let scaled = Int((number * 100).rounded())
    let text = "\(scaled / 100).\(scaled % 100 < 10 ? "0" : "")\(scaled % 100)"
    appendRaw(text)
  }
  public mutating func value(_ flag: Bool) { separator(); out.append(flag ? "true" : "false") }
  public mutating func null() { separator(); out.append("null") }

  public mutating func field(dynamic name: String, _ text: String?) {
    key(dynamic: name)
    if let text { value(text) } else { null() }
  }
  public mutating func field(dynamic name: String, _ number: Int?) {
    key(dynamic: name)
    if let number { value(number) } else { null() }
  }

  private mutating func appendRaw(_ text: String) {
    ByteBuffer.withUTF8(text) { out.append($0) }
  }

  /// A quoted, escaped string from its UTF-8 bytes: words of 8 bytes without `"`, `\` or a
  /// control character are passed over at once, runs without escapes are copied whole.
  private mutating func appendString(_ text: String) {
    ByteBuffer.withUTF8(text) { utf8 in
      let count = utf8.count
      out.reserve(count + 2)
      out.put(UInt8(ascii: "\""))
      guard let start = utf8.baseAddress else {
        out.put(UInt8(ascii: "\""))
        return
      }
      var run = 0  // first byte not copied yet
      var index = 0
      while index + 8 <= count {
        let word = loadWord(start + index)
        if bytesBelow(word, 0x20) | bytesEqual(word, 0x22) | bytesEqual(word, 0x5C) != 0 {
          for at in index..<(index + 8) { escapeIfNeeded(start, at, count, &run) }
        }
        index += 8
      }
      for at in index..<count { escapeIfNeeded(start, at, count, &run) }
      out.put(start + run, count - run)
      out.put(UInt8(ascii: "\""))
    }
  }

  /// If the byte at `at` needs an escape: copies the plain bytes before it, then the escape.
  @inline(__always) private mutating func escapeIfNeeded(_ start: UnsafePointer<UInt8>, _ at: Int, _ count: Int, _ run: inout Int) {
    let byte = start[at]
    guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { return }
    out.put(start + run, at - run)
    out.reserve(6 + count - at)
    putEscape(byte)
    run = at + 1
  }

  /// The escape of `"`, `\` or a control byte; 6 bytes must be reserved.
  @inline(__always) private mutating func putEscape(_ byte: UInt8) {
    switch byte {
    case 0x22: out.put(0x5C, 0x22)
    case 0x5C: out.put(0x5C, 0x5C)
    case 0x0A: out.put(0x5C, UInt8(ascii: "n"))
    case 0x0D: out.put(0x5C, UInt8(ascii: "r"))
    case 0x09: out.put(0x5C, UInt8(ascii: "t"))
    default:
      let hex: StaticString = "0123456789abcdef"
      out.put(0x5C, UInt8(ascii: "u"))
      out.put(0x30, 0x30)
      out.put(hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 15)])
    }
  }
}
