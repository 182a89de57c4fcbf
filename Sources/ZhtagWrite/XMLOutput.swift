// A thin Swift face on libxml2's xmlTextWriter, writing into memory.
import CLibXML2

/// Writes one XML document through libxml2 (which escapes text and attributes).
final class XMLOutput {
  private let buffer: xmlBufferPtr
  private let writer: xmlTextWriterPtr

  init() {
    buffer = xmlBufferCreate()
    writer = xmlNewTextWriterMemory(buffer, 0)
    xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil)
  }

  deinit {
    xmlFreeTextWriter(writer)
    xmlBufferFree(buffer)
  }

  func start(_ name: String) { xmlTextWriterStartElement(writer, name) }
  func end() { xmlTextWriterEndElement(writer) }

  func attribute(_ name: String, _ value: String) {
    xmlTextWriterWriteAttribute(writer, name, Self.xmlSafe(value))
  }
  func attribute(_ name: String, _ value: Int) { attribute(name, String(value)) }
  func attribute(_ name: String, _ value: String?) { if let value { attribute(name, value) } }

  func text(_ value: String) { xmlTextWriterWriteString(writer, Self.xmlSafe(value)) }

  /// Layout whitespace outside mixed content.
  func newline(indent: Int) { xmlTextWriterWriteRaw(writer, "\n" + String(repeating: "  ", count: indent)) }

  /// Ends the document and returns its bytes.
  func finish() -> [UInt8] {
    xmlTextWriterEndDocument(writer)
    xmlTextWriterFlush(writer)
    let length = Int(xmlBufferLength(buffer))
    guard let content = xmlBufferContent(buffer) else { return [] }
    return Array(UnsafeBufferPointer(start: content, count: length))
  }

  /// XML 1.0 cannot hold most C0 controls or U+FFFE/FFFF; decode removes them from the text,
  /// so only source-text excerpts can carry them. They are shown as U+FFFD.
  static func xmlSafe(_ value: String) -> String {
    if !value.unicodeScalars.contains(where: isForbidden) { return value }
    var scalars = String.UnicodeScalarView()
    for scalar in value.unicodeScalars { scalars.append(isForbidden(scalar) ? "\u{FFFD}" : scalar) }
    return String(scalars)
  }

  private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
    let v = scalar.value
    return (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || v == 0xFFFE || v == 0xFFFF
  }
}
