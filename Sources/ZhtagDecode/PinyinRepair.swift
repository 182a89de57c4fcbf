// The crawl artifact 字(pinyin): a bracketed syllable inserted after each Han character.
import CZhtagICU
import ZhtagCore

/// Readings of Han characters: ICU's Han-Latin reading (one per character) plus the extra
/// readings of `rules/decode/pinyin-readings.tsv` for characters with several.
///
/// Syllables are compared without tones, as packed codes (five bits a letter, `ü` as `v`), so
/// the repair allocates nothing per candidate.
public struct PinyinReadings: Sendable {
  /// Extra readings by character.
  var extra: [UInt32: [UInt32]] = [:]
  /// Every toneless syllable; empty means "do not check".
  var syllables: Set<UInt32> = []

  public init() {}

  /// From lexicons: a character, a tab, its readings separated by spaces (tones optional);
  /// and every valid toneless syllable, one a line.
  public init(_ lexicon: Lexicon, syllables syllableLexicon: Lexicon? = nil) {
    for entry in syllableLexicon?.entries ?? [] {
      if let code = PinyinRepair.code(Array(entry.key.unicodeScalars)[...]) { syllables.insert(code) }
    }
    for entry in lexicon.entries {
      let key = Array(entry.key.unicodeScalars)
      guard key.count == 1, let field = entry.fields.first else { continue }
      for reading in field.split(separator: " ") {
        if let code = PinyinRepair.code(Array(String(reading).unicodeScalars)[...]) {
          extra[key[0].value, default: []].append(code)
        }
      }
    }
  }

  /// True when the syllable `code` (toneless) is a reading of `han`.
  func accepts(_ code: UInt32, for han: Unicode.Scalar) -> Bool {
    // Not a syllable at all ((km), (pdf)): no need to ask ICU, whose transliterator is costly
    // to open.
    if !syllables.isEmpty && !syllables.contains(code) { return false }
    if let more = extra[han.value], more.contains(code) { return true }
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 32) { buffer in
      let length = Int(zhtag_han_reading(han.value, buffer.baseAddress, 32))
      guard length > 0 else { return false }
      return PinyinRepair.code(utf8: UnsafeRawBufferPointer(start: buffer.baseAddress, count: length)) == code
    }
  }
}

enum PinyinRepair {
  /// The base letter of a pinyin letter (tone marks removed, `ü` as `v`), 0 for a combining
  /// tone mark (skipped), nil for anything else.
  @inline(__always)
  static func base(_ value: UInt32) -> UInt8? {
    switch value {
    case 0x61...0x7A: return UInt8(value)
    case 0x41...0x5A: return UInt8(value + 32)
    case 0xFC, 0xDC: return 0x76  // ü Ü
    case 0xE0, 0xE1, 0x101, 0x1CE: return 0x61  // à á ā ǎ
    case 0xE8, 0xE9, 0x113, 0x11B: return 0x65  // è é ē ě
    case 0xEC, 0xED, 0x12B, 0x1D0: return 0x69  // ì í ī ǐ
    case 0xF2, 0xF3, 0x14D, 0x1D2: return 0x6F  // ò ó ō ǒ
    case 0xF9, 0xFA, 0x16B, 0x1D4: return 0x75  // ù ú ū ǔ
    case 0x1D6, 0x1D8, 0x1DA, 0x1DC: return 0x76  // ǖ ǘ ǚ ǜ
    case 0x144, 0x148, 0x1F9: return 0x6E  // ń ň ǹ
    case 0x1E3F: return 0x6D  // ḿ
    case 0x300, 0x301, 0x304, 0x30C, 0x308: return 0  // combining tone marks, diaeresis
    default: return nil
    }
  }

  /// A syllable's letters packed five bits each (at most six letters); nil when it holds
  /// anything that is not a pinyin letter, or is empty or too long.
  static func code(_ syllable: ArraySlice<Unicode.Scalar>) -> UInt32? {
    var packer = Packer()
    for scalar in syllable where !packer.add(scalar.value) { return nil }
    return packer.code
  }

  /// The same over UTF-8 bytes (ICU's reading).
  static func code(utf8 bytes: UnsafeRawBufferPointer) -> UInt32? {
    var packer = Packer()
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar): if !packer.add(scalar.value) { return nil }
      case .emptyInput: return packer.code
      case .error: return nil
      }
    }
  }

  /// Packs letters five bits each.
  struct Packer {
    var value: UInt32 = 0
    var letters = 0

    /// False when `scalar` cannot be part of a syllable or the syllable is too long.
    @inline(__always) mutating func add(_ scalar: UInt32) -> Bool {
      guard let letter = PinyinRepair.base(scalar) else { return false }
      if letter == 0 {
        // u + combining diaeresis is ü.
        if scalar == 0x308, letters > 0, value & 31 == 0x75 - 0x60 { value = value & ~31 | (0x76 - 0x60) }
        return true
      }
      letters += 1
      if letters > 6 { return false }
      value = value << 5 | UInt32(letter - 0x60)
      return true
    }

    var code: UInt32? { letters == 0 ? nil : value }
  }

  static func isSyllableScalar(_ s: Unicode.Scalar) -> Bool { base(s.value) != nil }

  /// When `text[han]` is followed by `(syllable)` or `（syllable）` and the syllable is a
  /// reading of that character (tone marks optional), the offset just past the closing
  /// bracket; else nil. So `經(jīng)` and `經(jing)` go, while `(km)`, `(pdf)`, `(a)`,
  /// `(1)` and `(通讯员郭海洲)` stay.
  static func insertionEnd(after han: Int, in text: [Unicode.Scalar], readings: PinyinReadings) -> Int? {
    guard han + 3 < text.count, text[han].isHan else { return nil }
    let open = text[han + 1]
    guard open == "(" || open == "（" else { return nil }
    var cursor = han + 2
    let limit = min(text.count, cursor + 10)
    while cursor < limit, isSyllableScalar(text[cursor]) { cursor += 1 }
    guard cursor > han + 2, cursor < text.count else { return nil }
    // Either bracket style closes: crawls mix them.
    guard text[cursor] == ")" || text[cursor] == "）" else { return nil }
    guard let code = code(text[(han + 2)..<cursor]), readings.accepts(code, for: text[han]) else { return nil }
    return cursor + 1
  }
}
