// The crawl artifact 字(pinyin): a bracketed syllable inserted after each Han character.

enum PinyinRepair {
  /// Letters that can appear in a pinyin syllable, tone-marked or not.
  static let toneMarked: Set<Unicode.Scalar> = Set(
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ".unicodeScalars)

  static func isPinyinLetter(_ s: Unicode.Scalar) -> Bool {
    (s.value >= 0x61 && s.value <= 0x7A) || s == "ü" || toneMarked.contains(s)
  }

  /// When `text[han]` is followed by `(syllable)` or `（syllable）`, the offset just past the
  /// closing bracket; else nil. The syllable must carry a tone mark, so `(km)`, `(pdf)` and
  /// `(a)` are never taken.
  static func insertionEnd(after han: Int, in text: [Unicode.Scalar]) -> Int? {
    let open = text[han + 1]
    let close: Unicode.Scalar
    switch open {
    case "(": close = ")"
    case "（": close = "）"
    default: return nil
    }
    var cursor = han + 2
    var tone = false
    let limit = min(text.count, cursor + 7)
    while cursor < limit, isPinyinLetter(text[cursor]) {
      if toneMarked.contains(text[cursor]) { tone = true }
      cursor += 1
    }
    let length = cursor - (han + 2)
    guard tone, length >= 1, length <= 6, cursor < text.count else { return nil }
    // Accept either bracket style as the closer: crawls mix them.
    guard text[cursor] == close || text[cursor] == ")" || text[cursor] == "）" else { return nil }
    return cursor + 1
  }
}
