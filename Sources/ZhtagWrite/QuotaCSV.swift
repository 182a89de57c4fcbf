// quotas.csv: one row per quota of a batch, for spreadsheets (RFC 4180: comma-separated, CRLF
// line ends, fields with commas, quotes or line breaks quoted, quotes doubled; UTF-8). Rows are
// made from each article's JSONL line, so that the articles a resumed run skips (whose lines it
// copies) get exactly the rows they had. Columns: Documentation/Quotas.md.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    guard let idStart = find(idKey, in: line), let quotasStart = find(quotasKey, in: line) else { return [] }
    var idParser = JSONScanner(line, at: idStart)
    guard case .string(let article)? = idParser.parseValue() else { return [] }
    // The quotas are read as they come (no tree of values, no dictionaries): each wanted key
    // fills a cell, the last occurrence of a key wins, as it did in a dictionary.
    var reader = JSONScanner(line, at: quotasStart - 1)
    return reader.quotaRows(article: article) ?? []
  }

  private static let idKey = Array("{\"id\":".utf8)
  private static let quotasKey = Array("\"quotas\":[".utf8)

  /// The offset just after the first occurrence of `needle`. memchr finds the candidates by the
  /// needle's second byte (`q` of `"quotas":[`, much rarer than `"`): the quotas come after the
  /// whole text, and a byte-by-byte search was most of the time spent here.
  static func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
    guard !needle.isEmpty, bytes.count >= needle.count else { return nil }
    let anchor = needle.count > 1 ? 1 : 0
    return bytes.withUnsafeBufferPointer { haystack in
      needle.withUnsafeBufferPointer { needle in
        let base = haystack.baseAddress!
        var from = anchor
        // A match starts at most at count - needle.count, so its anchor byte lies before `last`.
        let last = haystack.count - needle.count + anchor + 1
        while from < last {
          guard let found = memchr(base + from, Int32(needle[anchor]), last - from) else { return nil }
          let at = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) - anchor
          if memcmp(base + at, needle.baseAddress!, needle.count) == 0 { return at + needle.count }
          from = at + anchor + 1
        }
        return nil
      }
    }
  }

  /// Cells after the article: the record keys, then the field columns.
  static let recordCells = ["id", "sentence", "rule", "rule_file", "rule_line", "start", "end", "text"]

  /// Where a key of a quota record (`fields` = -2) or of its fields goes among the cells after
  /// the article; -1 for a key no column reads. Indexed by key length.
  fileprivate static let recordSlots = slotTable(recordCells.enumerated().filter { $0.element != "sentence" }.map { ($0.element, $0.offset) } + [("fields", -2)])
  fileprivate static let fieldSlots = slotTable([("sentence", 1)] + fieldColumns.enumerated().map { ($0.element, recordCells.count + $0.offset) })

  private static func slotTable(_ names: [(String, Int)]) -> [[([UInt8], Int)]] {
    var table = [[([UInt8], Int)]](repeating: [], count: 32)
    for (name, slot) in names { table[name.utf8.count].append((Array(name.utf8), slot)) }
    return table
  }

  /// Appends one CSV cell (quoted when it holds a comma, a quote or a line break).
  fileprivate static func appendCell(_ cell: String, to bytes: inout [UInt8]) {
    ByteBuffer.withUTF8(cell) { utf8 in
      if utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) {
        bytes.append(UInt8(ascii: "\""))
        for byte in utf8 {
          if byte == UInt8(ascii: "\"") { bytes.append(byte) }
          bytes.append(byte)
        }
        bytes.append(UInt8(ascii: "\""))
      } else {
        bytes.append(contentsOf: utf8)
      }
    }
  }

  static func row(_ cells: [String]) -> [UInt8] {
    var bytes: [UInt8] = []
    for (index, cell) in cells.enumerated() {
      if index > 0 { bytes.append(UInt8(ascii: ",")) }
      appendCell(cell, to: &bytes)
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
  fileprivate let bytes: [UInt8]
  fileprivate var position = 0

  init(_ bytes: [UInt8], at position: Int = 0) {
    self.bytes = bytes
    self.position = position
  }

  fileprivate mutating func skipSpaces() {
    while position < bytes.count {
      switch bytes[position] {
      case 0x20, 0x09, 0x0A, 0x0D: position += 1
      default: return
      }
    }
  }

  /// The bytes a number is read as (any run of them, as before).
  fileprivate static func isNumberByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): return true
    default: return false
    }
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
      while position < bytes.count, Self.isNumberByte(bytes[position]) { position += 1 }
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

  fileprivate mutating func parseString() -> String? {
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

// MARK: - Reading the quotas of a line in one pass

extension JSONScanner {
  /// The CSV rows of the quota array at the scanner's position (its `[`), or nil when it does
  /// not parse. Accepts and rejects what `parseValue()` does, and gives the cells that
  /// `parseValue()` then dictionary lookups gave.
  fileprivate mutating func quotaRows(article: String) -> [UInt8]? {
    var rows: [UInt8] = []
    var cells = [String?](repeating: nil, count: QuotaCSV.recordCells.count + QuotaCSV.fieldColumns.count)
    position += 1  // [
    skipSpaces()
    if position < bytes.count, bytes[position] == UInt8(ascii: "]") { return rows }
    while true {
      skipSpaces()
      guard position < bytes.count else { return nil }
      if bytes[position] == UInt8(ascii: "{") {
        guard let hasFields = quotaCells(&cells) else { return nil }
        if hasFields {
          QuotaCSV.appendCell(article, to: &rows)
          for cell in cells {
            rows.append(UInt8(ascii: ","))
            if let cell { QuotaCSV.appendCell(cell, to: &rows) }
          }
          rows.append(0x0D)
          rows.append(0x0A)
        }
      } else {
        // Not an object: read and ignored, as before.
        guard parseValue() != nil else { return nil }
      }
      skipSpaces()
      guard position < bytes.count else { return nil }
      if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
      if bytes[position] == UInt8(ascii: "]") { position += 1; return rows }
      return nil
    }
  }

  /// Reads one quota object (at its `{`) into `cells`. Returns whether its last `fields` is an
  /// object (only then does it make a row), or nil when it does not parse.
  private mutating func quotaCells(_ cells: inout [String?]) -> Bool? {
    for index in cells.indices { cells[index] = nil }
    var hasFields = false
    let parsed = members(QuotaCSV.recordSlots) { scanner, slot in
      guard slot == -2 else { return scanner.readCell(&cells, slot) }
      scanner.skipSpaces()
      guard scanner.position < scanner.bytes.count, scanner.bytes[scanner.position] == UInt8(ascii: "{") else {
        hasFields = false
        return scanner.parseValue() != nil
      }
      // A later `fields` replaces an earlier one whole.
      cells[1] = nil
      for index in QuotaCSV.recordCells.count..<cells.count { cells[index] = nil }
      hasFields = true
      return scanner.members(QuotaCSV.fieldSlots) { scanner, slot in scanner.readCell(&cells, slot) }
    }
    return parsed ? hasFields : nil
  }

  /// Walks the members of the object at `position` (its `{`), handing each key's slot in
  /// `table` to `value`, which reads the value; false when the object does not parse.
  private mutating func members(_ table: [[([UInt8], Int)]], _ value: (inout JSONScanner, Int) -> Bool) -> Bool {
    position += 1  // {
    skipSpaces()
    if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
      position += 1
      return true
    }
    while true {
      guard let slot = readKey(table) else { return false }
      skipSpaces()
      guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return false }
      position += 1
      guard value(&self, slot) else { return false }
      skipSpaces()
      guard position < bytes.count else { return false }
      if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
      if bytes[position] == UInt8(ascii: "}") { position += 1; return true }
      return false
    }
  }

  /// The closing quote of the string at `position` when no backslash comes before it.
  private func plainStringEnd() -> Int? {
    var index = position + 1
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") { return index }
      if byte == UInt8(ascii: "\\") { return nil }
      index += 1
    }
    return nil
  }

  /// Reads an object key: its cell slot in `table` (-1: not a column), or nil when the key is
  /// not a string that parses.
  private mutating func readKey(_ table: [[([UInt8], Int)]]) -> Int? {
    skipSpaces()
    guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
    if let end = plainStringEnd() {
      defer { position = end + 1 }
      return QuotaCSV.slot(of: bytes[(position + 1)..<end], in: table)
    }
    guard let key = parseString() else { return nil }
    return QuotaCSV.slot(of: Array(key.utf8)[...], in: table)
  }

  /// Reads a value; its text goes to `cells[slot]` (nil for null, objects and arrays).
  private mutating func readCell(_ cells: inout [String?], _ slot: Int) -> Bool {
    skipSpaces()
    guard position < bytes.count else { return false }
    switch bytes[position] {
    case UInt8(ascii: "\""):
      if let end = plainStringEnd() {
        if slot >= 0 { cells[slot] = String(decoding: bytes[(position + 1)..<end], as: UTF8.self) }
        position = end + 1
        return true
      }
      guard let text = parseString() else { return false }
      if slot >= 0 { cells[slot] = text }
      return true
    case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
      guard let value = parseValue() else { return false }
      if slot >= 0 { cells[slot] = value.text }
      return true
    default:
      let start = position
      while position < bytes.count, Self.isNumberByte(bytes[position]) { position += 1 }
      guard position > start else { return false }
      if slot >= 0 { cells[slot] = String(decoding: bytes[start..<position], as: UTF8.self) }
      return true
    }
  }
}

extension QuotaCSV {
  /// The slot of a key given as UTF-8 bytes. The column names are ASCII, so comparing bytes
  /// is comparing strings.
  fileprivate static func slot(of key: ArraySlice<UInt8>, in table: [[([UInt8], Int)]]) -> Int {
    guard key.count < table.count else { return -1 }
    for (name, slot) in table[key.count] where name.elementsEqual(key) { return slot }
    return -1
  }
}
