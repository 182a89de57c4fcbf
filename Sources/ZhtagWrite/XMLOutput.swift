// Where XMLArticle writes: a byte writer (XMLBytes) and libxml2's xmlTextWriter (LibXMLOutput).
import CLibXML2

/// The calls XMLArticle makes. Both writers give the same bytes: the layout, the escapes and
/// the empty-element rule are xmlTextWriter's (tests compare the two on every fixture).
protocol XMLSink: ~Copyable {
  mutating func start(_ name: StaticString)
  /// An element whose name is only known at run time (metadata field names).
  mutating func start(name: String)
  mutating func end()
  mutating func attribute(_ name: StaticString, _ value: String)
  mutating func attribute(_ name: StaticString, _ value: Int)
  /// `prefix` + number, such as `id="e12"` (no escapes needed).
  mutating func attribute(_ name: StaticString, _ prefix: StaticString, _ number: Int)
  /// An attribute named `prefix` + `name`, such as `a-kind`.
  mutating func attribute(_ prefix: StaticString, name: String, _ value: String)
  /// Character content: scalars `[start, end)` of a text.
  mutating func text(_ scalars: UnsafeBufferPointer<Unicode.Scalar>, _ start: Int, _ end: Int)
  mutating func text(_ value: String)
  /// Layout whitespace outside mixed content: a newline and two spaces a level.
  mutating func newline(indent: Int)
  /// Ends the document and returns its bytes; the sink is spent.
  mutating func finish() -> [UInt8]
  /// How many bytes have been written, for `repeatAttributes`; nil for a sink that cannot
  /// write its own bytes again (libxml2's writer).
  var bytesWritten: Int? { get }
  /// Writes again, into the open start tag, the attributes written earlier as the `count`
  /// bytes from `start` (only for a sink with `bytesWritten`).
  mutating func repeatAttributes(from start: Int, count: Int)
}

extension XMLSink where Self: ~Copyable {
  mutating func attribute(_ name: StaticString, _ value: String?) { if let value { attribute(name, value) } }
  mutating func text(_ scalars: [Unicode.Scalar], _ start: Int, _ end: Int) {
    scalars.withUnsafeBufferPointer { text($0, start, end) }
  }
}

/// XML 1.0 cannot hold most C0 controls or U+FFFE/FFFF; decode removes them from the text, so
/// only source-text excerpts can carry them. They are written as U+FFFD.
@inline(__always) func isForbiddenInXML(_ v: UInt32) -> Bool {
  (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || v == 0xFFFE || v == 0xFFFF
}

// MARK: - The byte writer

/// Writes XML straight into a byte buffer, as xmlTextWriter (libxml2 2.9) does for the calls
/// above:
/// - a start tag stays open for attributes until content, a child or the end comes; an element
///   ended with nothing written in it (not even empty text) is `<name …/>`;
/// - text escapes `& < > "` and CR (`&#13;`); attribute values also escape TAB, LF and CR
///   (`&#9;` `&#10;` `&#13;`); other characters are written as UTF-8.
///
/// Why not libxml2 itself: each attribute costs it about six buffered writes through its UTF-8
/// "encoder", each element a malloc'd stack entry and name copy, each text run a malloc'd escaped
/// copy; with the Swift side already free of conversions, libxml2 held the write stage to about
/// a third of this writer's speed (README "Write").
struct XMLBytes: XMLSink, ~Copyable {
  private var out: ByteBuffer
  /// Names of the open elements, back to back; `nameEnds` marks where each one ends.
  private var names = ByteBuffer(capacity: 256)
  private var nameEnds: [Int] = []
  /// The last start tag still takes attributes (its `>` is not written yet).
  private var tagOpen = false

  init(capacity: Int) {
    out = ByteBuffer(capacity: capacity)
    nameEnds.reserveCapacity(16)
    out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
  }

  deinit {
    out.free()
    names.free()
  }

  @inline(__always) private mutating func closeTag() {
    if tagOpen {
      out.append(UInt8(ascii: ">"))
      tagOpen = false
    }
  }

  private mutating func start(_ name: UnsafePointer<UInt8>, _ length: Int) {
    closeTag()
    out.reserve(length + 1)
    out.put(UInt8(ascii: "<"))
    out.put(name, length)
    names.reserve(length)
    names.put(name, length)
    nameEnds.append(names.count)
    tagOpen = true
  }

  mutating func start(_ name: StaticString) { start(name.utf8Start, name.utf8CodeUnitCount) }

  mutating func start(name: String) {
    ByteBuffer.withUTF8(name) { if let base = $0.baseAddress { start(base, $0.count) } }
  }

  mutating func end() {
    let nameEnd = nameEnds.removeLast()
    let nameStart = nameEnds.last ?? 0
    if tagOpen {
      out.append(UInt8(ascii: "/"))
      out.append(UInt8(ascii: ">"))
      tagOpen = false
    } else {
      out.reserve(nameEnd - nameStart + 3)
      out.put(UInt8(ascii: "<"), UInt8(ascii: "/"))
      out.put(names.base + nameStart, nameEnd - nameStart)
      out.put(UInt8(ascii: ">"))
    }
    names.truncate(to: nameStart)
  }

  /// ` name="`
  @inline(__always) private mutating func attributeStart(_ name: StaticString) {
    out.reserve(name.utf8CodeUnitCount + 3)
    out.put(UInt8(ascii: " "))
    out.put(name.utf8Start, name.utf8CodeUnitCount)
    out.put(UInt8(ascii: "="), UInt8(ascii: "\""))
  }

  mutating func attribute(_ name: StaticString, _ value: String) {
    attributeStart(name)
    putEscaped(value, attribute: true)
    out.append(UInt8(ascii: "\""))
  }

  mutating func attribute(_ name: StaticString, _ value: Int) {
    // One check for the whole attribute: name, `="`, 20 digits, `"`.
    out.reserve(name.utf8CodeUnitCount + 24)
    out.put(UInt8(ascii: " "))
    out.put(name.utf8Start, name.utf8CodeUnitCount)
    out.put(UInt8(ascii: "="), UInt8(ascii: "\""))
    out.putDecimal(value)
    out.put(UInt8(ascii: "\""))
  }

  mutating func attribute(_ name: StaticString, _ prefix: StaticString, _ number: Int) {
    out.reserve(name.utf8CodeUnitCount + prefix.utf8CodeUnitCount + 24)
    out.put(UInt8(ascii: " "))
    out.put(name.utf8Start, name.utf8CodeUnitCount)
    out.put(UInt8(ascii: "="), UInt8(ascii: "\""))
    out.put(prefix.utf8Start, prefix.utf8CodeUnitCount)
    out.putDecimal(number)
    out.put(UInt8(ascii: "\""))
  }

  mutating func attribute(_ prefix: StaticString, name: String, _ value: String) {
    out.append(UInt8(ascii: " "))
    out.append(prefix)
    ByteBuffer.withUTF8(name) { out.append($0) }
    out.append(UInt8(ascii: "="))
    out.append(UInt8(ascii: "\""))
    putEscaped(value, attribute: true)
    out.append(UInt8(ascii: "\""))
  }

  mutating func text(_ scalars: UnsafeBufferPointer<Unicode.Scalar>, _ start: Int, _ end: Int) {
    precondition(0 <= start && start <= end && end <= scalars.count, "text range out of bounds")
    closeTag()
    // Worst case 6 bytes a scalar (`&quot;`); only reserved.
    out.reserve((end - start) * 6)
    for index in start..<end {
      let v = scalars[index].value
      if v > 0x3E {
        if v < 0x80 { out.put(UInt8(truncatingIfNeeded: v)) } else if v == 0xFFFE || v == 0xFFFF { out.putUTF8(0xFFFD) } else { out.putUTF8(v) }
      } else {
        putEscapedASCII(UInt8(truncatingIfNeeded: v), attribute: false)
      }
    }
  }

  mutating func text(_ value: String) {
    closeTag()
    putEscaped(value, attribute: false)
  }

  mutating func newline(indent: Int) {
    closeTag()
    out.reserve(1 + 2 * indent)
    out.put(0x0A)
    for _ in 0..<indent { out.put(0x20, 0x20) }
  }

  var bytesWritten: Int? { out.count }

  mutating func repeatAttributes(from start: Int, count: Int) { out.repeatBytes(from: start, count: count) }

  mutating func finish() -> [UInt8] {
    out.append(0x0A)
    return out.array
  }

  /// UTF-8 of a String, escaped; forbidden characters become U+FFFD. Words of 8 bytes with no
  /// control character, `"`, `&`, `<`, `>` or 0xEF (the lead byte of U+FFFE/FFFF) are passed
  /// over at once; runs of plain bytes are copied whole.
  private mutating func putEscaped(_ value: String, attribute: Bool) {
    ByteBuffer.withUTF8(value) { utf8 in
      guard let start = utf8.baseAddress else { return }
      let count = utf8.count
      out.reserve(count)
      var run = 0  // first byte not copied yet
      var index = 0
      while index + 8 <= count {
        let word = loadWord(start + index)
        // `|0x04` folds `"` (0x22) onto `&` (0x26), `|0x02` folds `<` (0x3C) onto `>` (0x3E).
        let special = bytesBelow(word, 0x20) | bytesEqual(word | 0x0404_0404_0404_0404, 0x26)
          | bytesEqual(word | 0x0202_0202_0202_0202, 0x3E) | bytesEqual(word, 0xEF)
        if special == 0 {
          index += 8
        } else {
          // Byte by byte to the end of the word (a U+FFFE/FFFF may run past it).
          let end = index + 8
          while index < end { index = escapeIfNeeded(start, index, count, &run, attribute) }
        }
      }
      while index < count { index = escapeIfNeeded(start, index, count, &run, attribute) }
      out.put(start + run, count - run)
    }
  }

  /// Looks at the byte at `at`; when it needs an escape or a replacement, copies the plain
  /// bytes before it and writes that. Returns where the next character starts.
  @inline(__always) private mutating func escapeIfNeeded(
    _ start: UnsafePointer<UInt8>, _ at: Int, _ count: Int, _ run: inout Int, _ attribute: Bool
  ) -> Int {
    let byte = start[at]
    if byte > 0x3E && byte != 0xEF { return at + 1 }
    if byte == 0xEF {
      // U+FFFE and U+FFFF are EF BF BE and EF BF BF.
      guard at + 2 < count, start[at + 1] == 0xBF, start[at + 2] >= 0xBE else { return at + 1 }
      out.put(start + run, at - run)
      out.reserve(3 + count - at)
      out.putUTF8(0xFFFD)
      run = at + 3
      return at + 3
    }
    if needsEscape(byte, attribute: attribute) {
      out.put(start + run, at - run)
      out.reserve(6 + count - at)
      putEscapedASCII(byte, attribute: attribute)
      run = at + 1
    }
    return at + 1
  }

  @inline(__always) private func needsEscape(_ byte: UInt8, attribute: Bool) -> Bool {
    switch byte {
    case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), 0x0D: return true
    case 0x09, 0x0A: return attribute
    default: return byte < 0x20
    }
  }

  /// An ASCII character, escaped when it needs it; 6 bytes must be reserved.
  @inline(__always) private mutating func putEscapedASCII(_ byte: UInt8, attribute: Bool) {
    switch byte {
    case UInt8(ascii: "&"): out.put(Self.amp.utf8Start, 5)
    case UInt8(ascii: "<"): out.put(Self.lt.utf8Start, 4)
    case UInt8(ascii: ">"): out.put(Self.gt.utf8Start, 4)
    case UInt8(ascii: "\""): out.put(Self.quot.utf8Start, 6)
    case 0x0D: out.put(Self.cr.utf8Start, 5)
    case 0x09: if attribute { out.put(Self.tab.utf8Start, 4) } else { out.put(byte) }
    case 0x0A: if attribute { out.put(Self.lf.utf8Start, 5) } else { out.put(byte) }
    default: if byte < 0x20 { out.putUTF8(0xFFFD) } else { out.put(byte) }
    }
  }

  private static let amp: StaticString = "&amp;"
  private static let lt: StaticString = "&lt;"
  private static let gt: StaticString = "&gt;"
  private static let quot: StaticString = "&quot;"
  private static let cr: StaticString = "&#13;"
  private static let tab: StaticString = "&#9;"
  private static let lf: StaticString = "&#10;"
}

// MARK: - libxml2

/// The same calls through libxml2's xmlTextWriter: the reference the byte writer is tested
/// against. Strings reach libxml2 as NUL-terminated UTF-8 from one scratch buffer, with
/// forbidden characters already replaced.
struct LibXMLOutput: XMLSink, ~Copyable {
  private let buffer: xmlBufferPtr
  private let writer: xmlTextWriterPtr
  private var scratch = ByteBuffer(capacity: 4096)

  init() {
    buffer = xmlBufferCreate()
    writer = xmlNewTextWriterMemory(buffer, 0)
    xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil)
  }

  deinit {
    xmlFreeTextWriter(writer)
    xmlBufferFree(buffer)
    scratch.free()
  }

  /// `value` as a C string in `scratch`, forbidden characters replaced.
  private mutating func cString(_ value: String) -> UnsafePointer<UInt8> {
    scratch.truncate(to: 0)
    for scalar in value.unicodeScalars {
      scratch.reserve(4)
      scratch.putUTF8(isForbiddenInXML(scalar.value) ? 0xFFFD : scalar.value)
    }
    scratch.append(0)
    return UnsafePointer(scratch.base)
  }

  mutating func start(_ name: StaticString) { xmlTextWriterStartElement(writer, name.utf8Start) }
  mutating func start(name: String) { xmlTextWriterStartElement(writer, cString(name)) }
  mutating func end() { xmlTextWriterEndElement(writer) }

  mutating func attribute(_ name: StaticString, _ value: String) {
    xmlTextWriterWriteAttribute(writer, name.utf8Start, cString(value))
  }
  mutating func attribute(_ name: StaticString, _ value: Int) {
    scratch.truncate(to: 0)
    scratch.appendDecimal(value)
    scratch.append(0)
    xmlTextWriterWriteAttribute(writer, name.utf8Start, scratch.base)
  }
  mutating func attribute(_ name: StaticString, _ prefix: StaticString, _ number: Int) {
    scratch.truncate(to: 0)
    scratch.append(prefix)
    scratch.appendDecimal(number)
    scratch.append(0)
    xmlTextWriterWriteAttribute(writer, name.utf8Start, scratch.base)
  }
  mutating func attribute(_ prefix: StaticString, name: String, _ value: String) {
    var fullName = Array(UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
    fullName.append(contentsOf: name.utf8)
    fullName.append(0)
    let valuePointer = cString(value)
    _ = fullName.withUnsafeBufferPointer { xmlTextWriterWriteAttribute(writer, $0.baseAddress, valuePointer) }
  }

  mutating func text(_ scalars: UnsafeBufferPointer<Unicode.Scalar>, _ start: Int, _ end: Int) {
    precondition(0 <= start && start <= end && end <= scalars.count, "text range out of bounds")
    scratch.truncate(to: 0)
    scratch.reserve((end - start) * 4 + 1)
    for index in start..<end {
      let v = scalars[index].value
      scratch.putUTF8(isForbiddenInXML(v) ? 0xFFFD : v)
    }
    scratch.put(0)
    xmlTextWriterWriteString(writer, scratch.base)
  }
  mutating func text(_ value: String) { xmlTextWriterWriteString(writer, cString(value)) }

  mutating func newline(indent: Int) {
    scratch.truncate(to: 0)
    scratch.append(0x0A)
    for _ in 0..<indent { scratch.append(0x20); scratch.append(0x20) }
    scratch.append(0)
    xmlTextWriterWriteRaw(writer, scratch.base)
  }

  var bytesWritten: Int? { nil }

  mutating func repeatAttributes(from start: Int, count: Int) {
    preconditionFailure("libxml2's writer cannot repeat bytes; `bytesWritten` is nil")
  }

  mutating func finish() -> [UInt8] {
    xmlTextWriterEndDocument(writer)
    xmlTextWriterFlush(writer)
    let length = Int(xmlBufferLength(buffer))
    guard let content = xmlBufferContent(buffer) else { return [] }
    return Array(UnsafeBufferPointer(start: content, count: length))
  }
}
