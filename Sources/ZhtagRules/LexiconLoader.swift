// Reads plain-text lexicons: a header of `# key: value` lines, then one entry a line.
import ZhtagCore

/// Parses lexicon files. Header keys: `about` (what the list is), `source` (where it came
/// from), `used-by` (which rules read it), optional `columns` (tab-separated names of the
/// fields after the entry) and `name` (defaults to the file name).
enum LexiconLoader {
  static let requiredHeader = ["about", "source", "used-by"]

  /// Parses `text` read from `path`; `normalise` is applied to every entry key.
  static func parse(_ text: String, path: String, normalise: (String) -> String,
                    into reader: RuleFileReader) -> Lexicon
  {
    var header: [String: String] = [:]
    var entries: [LexiconEntry] = []
    var seen: [String: Int] = [:]
    var inHeader = true
    var columns: [String] = []
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    for (index, rawLine) in lines.enumerated() {
      let lineNumber = index + 1
      var line = Substring(rawLine)
      if line.hasSuffix("\r") { line = line.dropLast() }
      if line.isEmpty { continue }
      if line.hasPrefix("#") {
        if inHeader, let colon = line.firstIndex(of: ":") {
          let key = line[line.index(after: line.startIndex)..<colon]
            .trimmingCharacters(in: " ")
          let value = line[line.index(after: colon)...].trimmingCharacters(in: " ")
          header[key] = value
          if key == "columns" {
            columns = value.split(separator: "\t").flatMap { $0.split(separator: " ") }
              .map(String.init)
          }
        }
        continue
      }
      if inHeader {
        inHeader = false
        for key in requiredHeader where header[key] == nil {
          reader.error(RuleMessages.lexiconHeader(key), line: lineNumber, column: 1)
        }
      }
      let parts = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      let key = parts[0]
      if key.isEmpty {
        reader.error(RuleMessages.lexiconEmptyKey(), line: lineNumber, column: 1)
        continue
      }
      if key.first == " " || key.last == " " {
        reader.error(RuleMessages.lexiconSpaces(), line: lineNumber, column: 1)
        continue
      }
      let fields = Array(parts.dropFirst())
      if fields.count > columns.count {
        reader.error(RuleMessages.lexiconFieldCount(fields.count, columns.count),
                     line: lineNumber, column: key.unicodeScalars.count + 2)
        continue
      }
      let normalised = normalise(key)
      if let first = seen[normalised] {
        reader.error(RuleMessages.lexiconDuplicate(key, firstLine: first), line: lineNumber,
                     column: 1)
        continue
      }
      seen[normalised] = lineNumber
      entries.append(LexiconEntry(key: normalised, fields: fields, line: lineNumber))
    }
    if inHeader {
      for key in requiredHeader where header[key] == nil {
        reader.error(RuleMessages.lexiconHeader(key), line: 1, column: 1)
      }
    }
    let fileName = path.split(separator: "/").last.map(String.init) ?? path
    let stem = fileName.split(separator: ".").first.map(String.init) ?? fileName
    return Lexicon(name: header["name"] ?? stem, file: path, columns: columns, entries: entries)
  }
}

extension Substring {
  func trimmingCharacters(in character: Character) -> String {
    var slice = self[...]
    while slice.first == character { slice = slice.dropFirst() }
    while slice.last == character { slice = slice.dropLast() }
    return String(slice)
  }
}
