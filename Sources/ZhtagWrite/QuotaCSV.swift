// quotas.csv: one row per quota of a batch, for spreadsheets (RFC 4180: comma-separated, CRLF
// line ends, fields with commas, quotes or line breaks quoted, quotes doubled; UTF-8). Rows are
// made from each article's JSONL line, so that the articles a resumed run skips (whose lines it
// copies) get exactly the rows they had. Columns: Documentation/Quotas.md.

public enum QuotaCSV {
  /// The record fields written as columns, in order, after the article and quota columns.
  public static let fieldColumns = [
    "indicator", "kind", "target", "value", "low", "low_inclusive", "high", "high_inclusive", "comparator",
    "approximate", "unit", "scale", "value_base", "low_base", "high_base", "base_unit", "base_exact", "dimension",
    "rate", "direction", "time", "time_value", "time_relation", "subject", "subject_label", "scope", "reference",
    "base", "verb", "amount",
  ]
  public static let columns = ["article", "quota", "sentence", "rule", "rule_file", "rule_line", "start", "end", "text"]
    + fieldColumns

  /// The header row.
  public static var header: [UInt8] { row(columns) }

  /// The rows of the quotas in one JSONL record (an article's line); none for a failed article
  /// or a line that does not parse.
  public static func rows(jsonLine line: [UInt8]) -> [UInt8] {
    // Only the id and the quotas are read: `"quotas":[` cannot occur inside a JSON string (its
    // quotes would be escaped) nor as an attribute (their values are strings).
    guard let idStart = find(Array("{\"id\":".utf8), in: line), let quotasStart = find(Array("\"quotas\":[".utf8), in: line)
    else { return [] }
    var idParser = JSONScanner(line, at: idStart)
    var quotaParser = JSONScanner(line, at: quotasStart - 1)
    guard case .string(let article)? = idParser.parseValue(), case .array(let quotas)? = quotaParser.parseValue()
    else { return [] }
    var bytes: [UInt8] = []
    for case .object(let quota) in quotas {
      guard case .object(let fields)? = quota["fields"] else { continue }
      var cells = [article]
      for name in ["id", "sentence", "rule", "rule_file", "rule_line", "start", "end", "text"] {
        let source = name == "sentence" ? fields[name] : quota[name]
        cells.append(source?.text ?? "")
      }
      for name in fieldColumns { cells.append(fields[name]?.text ?? "") }
      bytes += row(cells)
    }
    return bytes
  }

  /// The offset just after the first occurrence of `needle`.
  static func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
    guard let first = needle.first, bytes.count >= needle.count else { return nil }
    var index = 0
    while index + needle.count <= bytes.count {
      if bytes[index] == first, bytes[index..<(index + needle.count)].elementsEqual(needle) { return index + needle.count }
      index += 1
    }
    return nil
  }

  static func row(_ cells: [String]) -> [UInt8] {
    var bytes: [UInt8] = []
    for (index, cell) in cells.enumerated() {
      if index > 0 { bytes.append(UInt8(ascii: ",")) }
      let utf8 = Array(cell.utf8)
      if utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) {
        bytes.append(UInt8(ascii: "\""))
        for byte in utf8 {
          if byte == UInt8(ascii: "\"") { bytes.append(byte) }
          bytes.append(byte)
        }
        bytes.append(UInt8(ascii: "\""))
      } else {
        bytes += utf8
      }
    }
    bytes += [0x0D, 0x0A]
    return bytes
  }
}

/// A JSON value as read back from a JSONL line (numbers kept as their text).
enum JSONValue {
  case object([String: JSONValue])
  case array([JSONValue])
  case string(String)
  case number(String)
  case bool(Bool)
  case null

  /// The value as a cell: a string, a number's text, true/false; empty for null and containers.
  var text: String? {
    switch self {
    case .string(let text), .number(let text): return text
    case .bool(let value): return value ? "true" : "false"
    default: return nil
    }
  }
}

/// A small JSON reader for the lines zhtag itself writes (no Foundation).
struct JSONScanner {
  private let bytes: [UInt8]
  private var position = 0

  init(_ bytes: [UInt8], at position: Int = 0) {
    self.bytes = bytes
    self.position = position
  }

  private mutating func skipSpaces() {
    while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
  }

  mutating func parseValue() -> JSONValue? {
    skipSpaces()
    guard position < bytes.count else { return nil }
    switch bytes[position] {
    case UInt8(ascii: "{"):
      position += 1
      var object: [String: JSONValue] = [:]
      skipSpaces()
      if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
        position += 1
        return .object(object)
      }
      while true {
        skipSpaces()
        guard case .string(let key)? = parseValue() else { return nil }
        skipSpaces()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return nil }
        position += 1
        guard let value = parseValue() else { return nil }
        object[key] = value
        skipSpaces()
        guard position < bytes.count else { return nil }
        if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
        if bytes[position] == UInt8(ascii: "}") { position += 1; return .object(object) }
        return nil
      }
    case UInt8(ascii: "["):
      position += 1
      var array: [JSONValue] = []
      skipSpaces()
      if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
        position += 1
        return .array(array)
      }
      while true {
        guard let value = parseValue() else { return nil }
        array.append(value)
        skipSpaces()
        guard position < bytes.count else { return nil }
        if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
        if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(array) }
        return nil
      }
    case UInt8(ascii: "\""):
      return parseString().map { .string($0) }
    case UInt8(ascii: "t"):
      return literal("true", .bool(true))
    case UInt8(ascii: "f"):
      return literal("false", .bool(false))
    case UInt8(ascii: "n"):
      return literal("null", .null)
    default:
      let start = position
      while position < bytes.count, "+-0123456789.eE".utf8.contains(bytes[position]) { position += 1 }
      guard position > start else { return nil }
      return .number(String(decoding: bytes[start..<position], as: UTF8.self))
    }
  }

  private mutating func literal(_ word: String, _ value: JSONValue) -> JSONValue? {
    let utf8 = Array(word.utf8)
    guard position + utf8.count <= bytes.count, Array(bytes[position..<(position + utf8.count)]) == utf8 else {
      return nil
    }
    position += utf8.count
    return value
  }

  private mutating func parseString() -> String? {
    position += 1  // opening quote
    var scalars = String.UnicodeScalarView()
    var run = position
    var pendingHigh: UInt32?
    func flush(_ end: Int) {
      if end > run { scalars.append(contentsOf: String(decoding: bytes[run..<end], as: UTF8.self).unicodeScalars) }
    }
    while position < bytes.count {
      let byte = bytes[position]
      if byte == UInt8(ascii: "\"") {
        flush(position)
        position += 1
        return String(scalars)
      }
      if byte == UInt8(ascii: "\\") {
        flush(position)
        guard position + 1 < bytes.count else { return nil }
        let escape = bytes[position + 1]
        position += 2
        switch escape {
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "b"): scalars.append("\u{08}")
        case UInt8(ascii: "f"): scalars.append("\u{0C}")
        case UInt8(ascii: "u"):
          guard position + 4 <= bytes.count,
            let code = UInt32(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16)
          else { return nil }
          position += 4
          if (0xD800...0xDBFF).contains(code) {
            pendingHigh = code
          } else if (0xDC00...0xDFFF).contains(code), let high = pendingHigh {
            pendingHigh = nil
            if let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)) { scalars.append(scalar) }
          } else if let scalar = Unicode.Scalar(code) {
            scalars.append(scalar)
          }
        default: scalars.append(Unicode.Scalar(escape))
        }
        run = position
        continue
      }
      position += 1
    }
    return nil
  }
}
