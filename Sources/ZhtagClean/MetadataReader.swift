// Reads `label：value` metadata (发布时间, 来源, 作者 …) and normalises dates.
import ZhtagCore

/// A metadata value found on a line: the field, the value and where it is in the line.
struct MetaMatch {
  var field: String
  var value: String
  /// Code point range of the value inside the line.
  var range: TextRange
}

/// Finds labelled metadata using the labels of `rules/clean/meta-labels.tsv`.
struct MetadataReader {
  /// Labels, longest first so that 责任编辑 is tried before 编辑.
  let labels: [(label: [Unicode.Scalar], field: String)]

  init(_ lexicon: Lexicon) {
    let fieldColumn = lexicon.column("field") ?? 0
    labels = lexicon.entries.map { (Array($0.key.unicodeScalars), $0.field(fieldColumn) ?? $0.key) }
      .sorted { $0.0.count > $1.0.count }
  }

  /// Every `label：value` on the line. A value ends at two spaces, a closing bracket, or the
  /// next label.
  func read(_ line: [Unicode.Scalar]) -> [MetaMatch] {
    var found: [(start: Int, labelEnd: Int, field: String)] = []
    var index = 0
    while index < line.count {
      var matched = false
      for (label, field) in labels where index + label.count < line.count {
        if line[index..<index + label.count].elementsEqual(label) {
          var cursor = index + label.count
          while cursor < line.count, line[cursor] == " " { cursor += 1 }
          guard cursor < line.count, line[cursor] == "：" || line[cursor] == ":" else { continue }
          found.append((index, cursor + 1, field))
          index = cursor + 1
          matched = true
          break
        }
      }
      if !matched { index += 1 }
    }
    var matches: [MetaMatch] = []
    for (position, item) in found.enumerated() {
      let limit = position + 1 < found.count ? found[position + 1].start : line.count
      var start = item.labelEnd
      while start < limit, line[start] == " " { start += 1 }
      var end = start
      while end < limit {
        let scalar = line[end]
        if scalar == "）" || scalar == ")" || scalar == "]" || scalar == "】" { break }
        if scalar == " ", end + 1 < limit, line[end + 1] == " " { break }
        end += 1
      }
      while end > start, line[end - 1] == " " { end -= 1 }
      guard end > start else { continue }
      var value = line.string(TextRange(start, end))
      if item.field == "date" {
        guard let date = DateNormaliser.iso(value) else { continue }
        value = date
      }
      matches.append(MetaMatch(field: item.field, value: value, range: TextRange(start, end)))
    }
    return matches
  }
}

/// Chinese and numeric dates to ISO 8601 (`2022年2月11日`, `2022-02-11 10:27`, `2022/2/11`).
enum DateNormaliser {
  static func iso(_ text: String) -> String? {
    var numbers: [Int] = []
    var current: Int?
    for scalar in text.unicodeScalars {
      if scalar.isASCIIDigit {
        current = (current ?? 0) * 10 + Int(scalar.value - 0x30)
      } else {
        if let value = current { numbers.append(value) }
        current = nil
        if numbers.count == 3 { break }
        if scalar != "-" && scalar != "/" && scalar != "." && scalar != "年" && scalar != "月" {
          break
        }
      }
    }
    if let value = current, numbers.count < 3 { numbers.append(value) }
    guard numbers.count >= 2, numbers[0] >= 1900, numbers[0] <= 2100, (1...12).contains(numbers[1])
    else { return nil }
    let year = String(numbers[0])
    let month = numbers[1] < 10 ? "0\(numbers[1])" : "\(numbers[1])"
    guard numbers.count == 3, (1...31).contains(numbers[2]) else { return "\(year)-\(month)" }
    let day = numbers[2] < 10 ? "0\(numbers[2])" : "\(numbers[2])"
    return "\(year)-\(month)-\(day)"
  }
}
