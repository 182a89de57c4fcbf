// Reads `label：value` metadata (发布时间, 来源, 作者 …) and finds dates.
import ZhtagCore

/// A metadata value found in the text: the field, the normalised value and where it is.
struct MetaMatch {
  var field: String
  var value: String
  /// Code point range of the value in the text.
  var range: TextRange
}

/// A label found in a line: where it starts, where its value starts, the field.
struct LabelHit {
  var start: Int
  var valueStart: Int
  var field: String
  /// The label ends an article when it stands below the body (责任编辑).
  var closes: Bool
  /// Line of the label in meta-labels.tsv.
  var line: Int
  /// The label stood in a bracket: `【责任编辑 张晓飞】`, `（来源：留坝发布）`.
  var bracketed: Bool
}

/// Finds labelled metadata using the labels of `rules/clean/meta-labels.tsv`.
final class MetadataReader: Sendable {
  let labels: WordSet
  let fields: [[Unicode.Scalar]: (field: String, closes: Bool, line: Int)]
  let file: String

  init(_ lexicon: Lexicon) {
    let fieldColumn = lexicon.column("field") ?? 0
    let closesColumn = lexicon.column("closes") ?? 1
    var fields: [[Unicode.Scalar]: (field: String, closes: Bool, line: Int)] = [:]
    for entry in lexicon.entries {
      fields[Array(entry.key.unicodeScalars)] =
        (entry.field(fieldColumn) ?? entry.key, entry.field(closesColumn) == "closes", entry.line)
    }
    self.fields = fields
    file = lexicon.file
    labels = WordSet(lexicon.entries.map(\.key))
  }

  /// The rule reference written for a value read after the label of `hit`.
  func reference(_ hit: LabelHit) -> RuleReference {
    RuleReference(id: "meta-label", file: file, line: hit.line)
  }

  static let openers = ScalarFilter("【[（(〔［")
  static let closers = ScalarFilter("】]）)〕］")

  /// Every label in `range` followed by `：`/`:` (or, inside a bracket, by a space).
  /// `anywhere: false` keeps only labels at the start of the range or in a bracket (for body
  /// text, where `资金来源：` is prose).
  func labels(in text: [Unicode.Scalar], _ range: TextRange, anywhere: Bool = true) -> [LabelHit] {
    var hits: [LabelHit] = []
    var index = range.start
    while index < range.end {
      if !anywhere && index > range.start {
        // Body text: only the start of the line and the inside of brackets hold labels.
        guard let opener = text[(index - 1)..<range.end].firstIndex(where: { Self.openers.contains($0) }) else {
          break
        }
        var next = opener + 1
        while next < range.end, text[next].isHorizontalSpace { next += 1 }
        index = max(next, index)
        if index >= range.end { break }
      }
      guard let length = labels.match(text, at: index, limit: range.end) else {
        index += 1
        continue
      }
      var back = index - 1
      while back >= range.start, text[back] == " " { back -= 1 }
      let bracketed = back >= range.start && Self.openers.contains(text[back])
      let atStart = back < range.start || text[back] == "•"
      var cursor = index + length
      while cursor < range.end, text[cursor].isHorizontalSpace { cursor += 1 }
      let colon = cursor < range.end && (text[cursor] == "：" || text[cursor] == ":")
      let spaced = cursor > index + length && cursor < range.end && text[cursor].isHan
      if (colon || (bracketed && spaced)) && (anywhere || bracketed || atStart) {
        let entry = fields[Array(text[index..<index + length])] ?? ("-", false, 0)
        hits.append(LabelHit(start: index, valueStart: colon ? cursor + 1 : cursor, field: entry.field,
                             closes: entry.closes, line: entry.line, bracketed: bracketed))
        index = colon ? cursor + 1 : cursor
      } else {
        index += 1
      }
    }
    return hits
  }

  /// Where the value of `hits[position]` ends: the next label, a closing bracket, two spaces,
  /// a `|`, or (for one-word fields) a space.
  func valueEnd(_ hits: [LabelHit], _ position: Int, in text: [Unicode.Scalar], limit: Int) -> Int {
    let hit = hits[position]
    let next = position + 1 < hits.count ? hits[position + 1].start : limit
    var end = hit.valueStart
    while end < next, text[end].isHorizontalSpace { end += 1 }
    let oneWord = hit.field == "source" || hit.field == "zone" || hit.field == "date"
      || hit.field == "-"
    var seenText = false
    while end < next {
      let scalar = text[end]
      if Self.closers.contains(scalar) || scalar == "|" || scalar == "｜" { break }
      if scalar.isHorizontalSpace {
        if end + 1 < next, text[end + 1].isHorizontalSpace { break }
        if oneWord && seenText && hit.field != "date" { break }
      } else {
        seenText = true
      }
      end += 1
    }
    // A value glued to the next label's opening bracket ends before it.
    while end > hit.valueStart, text[end - 1].isHorizontalSpace || Self.openers.contains(text[end - 1]) {
      end -= 1
    }
    return end
  }
}

/// Dates in the text: `2022-02-11`, `2022年2月11日`, `2012-06-29 10:27:55`, `2016-3-22`,
/// `2022/2/11`, `2022.2.11`, normalised to ISO 8601.
enum DateFinder {
  struct Found {
    var range: TextRange
    var iso: String
  }

  /// Every full date (year, month, day) in `range`.
  static func find(_ text: [Unicode.Scalar], _ range: TextRange) -> [Found] {
    var found: [Found] = []
    var index = range.start
    while index + 8 <= range.end {
      if let date = date(text, at: index, limit: range.end) {
        found.append(date)
        index = date.range.end
      } else {
        index += 1
      }
    }
    return found
  }

  /// A date starting exactly at `index`.
  static func date(_ text: [Unicode.Scalar], at index: Int, limit: Int) -> Found? {
    guard index + 8 <= limit, text[index].isASCIIDigit,
          index == 0 || !text[index - 1].isASCIIDigit else { return nil }
    func number(_ start: Int, _ maxDigits: Int) -> (Int, Int)? {
      var value = 0
      var cursor = start
      while cursor < limit, cursor - start < maxDigits, text[cursor].isASCIIDigit {
        value = value * 10 + Int(text[cursor].value - 0x30)
        cursor += 1
      }
      if cursor == start || (cursor < limit && text[cursor].isASCIIDigit) { return nil }
      return (value, cursor)
    }
    guard let (year, afterYear) = number(index, 4), afterYear - index == 4, (1900...2100).contains(year),
          afterYear < limit else { return nil }
    let separator = text[afterYear]
    let chinese = separator == "年"
    guard chinese || separator == "-" || separator == "/" || separator == "." else { return nil }
    guard let (month, afterMonth) = number(afterYear + 1, 2), (1...12).contains(month),
          afterMonth < limit else { return nil }
    let second = text[afterMonth]
    guard chinese ? second == "月" : second == separator else { return nil }
    guard let (day, afterDay) = number(afterMonth + 1, 2), (1...31).contains(day) else { return nil }
    var end = afterDay
    if chinese {
      guard end < limit, text[end] == "日" || text[end] == "号" else { return nil }
      end += 1
    }
    func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return Found(range: TextRange(index, end), iso: "\(year)-\(two(month))-\(two(day))")
  }

  /// The date that a whole value starts with (for labelled dates), tolerating a missing day.
  static func iso(_ value: String) -> String? {
    let scalars = Array(value.unicodeScalars)
    if let found = date(scalars, at: 0, limit: scalars.count) { return found.iso }
    return nil
  }

  /// The end of a time (`10:27`, `10:27:55`, `15时19分`) starting at `index` after spaces.
  static func timeEnd(_ text: [Unicode.Scalar], at index: Int, limit: Int) -> Int? {
    var cursor = index
    while cursor < limit, text[cursor].isHorizontalSpace { cursor += 1 }
    var digits = 0
    var parts = 0
    var end: Int?
    while cursor < limit {
      let scalar = text[cursor]
      if scalar.isASCIIDigit {
        digits += 1
        if digits > 2 { return end }
      } else if (scalar == ":" || scalar == "：" || scalar == "时" || scalar == "分" || scalar == "秒")
        && digits > 0
      {
        parts += 1
        digits = 0
        if scalar == "分" || scalar == "秒" { end = cursor + 1 }
      } else {
        break
      }
      cursor += 1
      if digits > 0 && parts >= 1 { end = cursor }
    }
    return end
  }
}

/// Compatibility name: normalises one date value.
enum DateNormaliser {
  static func iso(_ text: String) -> String? { DateFinder.iso(text) }
}
