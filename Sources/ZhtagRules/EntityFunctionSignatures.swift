// Signatures of the attribute functions the entity rules use (dates, lists); implemented in
// Sources/ZhtagTag/EntityFunctions.swift.

extension AttributeFunctionSignature {
  /// Functions for entity rules: dates normalised against the publication date, lists.
  public static let entity: [AttributeFunctionSignature] = [
    AttributeFunctionSignature(
      name: "date", minArguments: 1, maxArguments: 3,
      doc: "date(year, month, day): ISO 8601 (2022-02-10, 2022-02, 2022); numerals may be Chinese (二月十日); "
        + "a missing year is the publication year, or XXXX when the article has no date"),
    AttributeFunctionSignature(
      name: "year", minArguments: 1, maxArguments: 1,
      doc: "year(word): a year written 2022, 二〇二二 or relative to the publication year (今年, 去年, 明年, "
        + "前年, 后年, 上年, 次年, 本年); nothing when relative and the article has no date"),
    AttributeFunctionSignature(
      name: "period", minArguments: 2, maxArguments: 2,
      doc: "period(year, part): a part of a year as 2022-H1, 2022-Q3 (part: 上半年, 下半年, 一季度, 第三季度, Q3…); "
        + "a missing year as in date()"),
    AttributeFunctionSignature(
      name: "clock", minArguments: 1, maxArguments: 3,
      doc: "clock(hour, minute, part): a time of day as 15:30 (part: 上午, 下午, 晚上… moves 1–11 o'clock to the afternoon)"),
    AttributeFunctionSignature(
      name: "when", minArguments: 2, maxArguments: 2,
      doc: "when(test, value): the value, only when the test has one (an end date only when a range was written)"),
    AttributeFunctionSignature(
      name: "join", minArguments: 2, maxArguments: 9,
      doc: "join(separator, a, b, …): the texts that have a value, joined by the separator"),
  ]
}

/// The arguments of a call, split at the commas outside parentheses and quotes, so that calls
/// nest: `period(first($year, $rel), $part)`.
func splitArguments(_ inner: Substring) -> [Substring] {
  var pieces: [Substring] = []
  var depth = 0
  var quote: Character?
  var start = inner.startIndex
  var index = inner.startIndex
  while index < inner.endIndex {
    let character = inner[index]
    if let open = quote {
      if character == open { quote = nil }
    } else if character == "'" || character == "\"" {
      quote = character
    } else if character == "(" {
      depth += 1
    } else if character == ")" {
      depth -= 1
    } else if character == ",", depth == 0 {
      pieces.append(inner[start..<index])
      start = inner.index(after: index)
    }
    index = inner.index(after: index)
  }
  pieces.append(inner[start..<inner.endIndex])
  return pieces
}
