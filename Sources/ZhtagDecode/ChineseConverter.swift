// Traditional → simplified by longest match over OpenCC's dictionaries, with protected terms.
import ZhtagCore

/// Converts traditional Chinese to simplified, phrase first, character second.
///
/// The dictionaries are OpenCC's (exported to `rules/decode/` by
/// `scripts/export-opencc-dictionaries.sh`): `TSPhrases` and `TSCharacters`, and the Taiwan and
/// Hong Kong variant tables that OpenCC's `tw2s` and `hk2s` apply first (their mappings are
/// composed with `TSCharacters`, so one pass serves all three). Protected terms and local
/// overrides come first: longest match wins; on equal length the more specific table wins
/// (protected, override, variant phrase, phrase).
///
/// Text that is already simplified is left as it is: a text in which no character is
/// traditional-only (a key of the tables that is never a simplified form) is not touched at
/// all, so characters that are valid in both scripts (乾, 著, 於, 藉…) change only inside
/// traditional text. Every replacement is an edit of the returned map.
public struct ChineseConverter: Sendable {
  struct Phrase: Sendable {
    var key: [Unicode.Scalar]
    var value: [Unicode.Scalar]
    var rank: Int  // 0 protected, 1 override, 2 variant phrase, 3 phrase
  }

  /// Flags of a basic-plane scalar.
  static let phraseStart: UInt8 = 1
  static let mapped: UInt8 = 2
  static let traditionalOnly: UInt8 = 4

  /// Single characters of the basic plane: 0 means "no entry".
  private var bmpCharacters: [UInt32]
  private var flags: [UInt8]
  private var otherCharacters: [UInt32: UInt32] = [:]
  private var otherTraditional: Set<UInt32> = []
  /// Phrases of two or more scalars by their first scalar, longest first.
  private var phrases: [UInt32: [Phrase]] = [:]
  /// The same phrases flattened for the loop: keys and values in one pool, grouped by first
  /// scalar (longest first); `groups` holds, per basic-plane first scalar, start << 12 | count.
  private var pool: [UInt32] = []
  private var flat: [FlatPhrase] = []
  private var groups: [UInt32] = []

  struct FlatPhrase {
    var key: Int32  // offset in the pool
    var keyLength: Int32
    var value: Int32
    var valueLength: Int32
  }
  /// Bit set over (first, second) scalar pairs that start a phrase: most phrase-start
  /// characters are followed by something that starts no phrase, and this says so without a
  /// dictionary lookup.
  private var pairs: [UInt64]

  /// - Parameters:
  ///   - characters: OpenCC `TSCharacters` (key, then space-separated candidates; first wins).
  ///   - phrases: OpenCC `TSPhrases` in the same format.
  ///   - overrides: local corrections (key, replacement); a one-character key overrides the
  ///     character table.
  ///   - protected: terms kept as they are, or turned into the given simplified form.
  ///   - variants: OpenCC's `TWVariantsRev` and `HKVariantsRev` (regional variant → OpenCC
  ///     traditional), applied before `characters`.
  ///   - variantPhrases: OpenCC's `TWVariantsRevPhrases` and `HKVariantsRevPhrases`.
  public init(characters: Lexicon, phrases phraseLexicon: Lexicon, overrides: Lexicon,
              protected: Lexicon, variants: [Lexicon] = [], variantPhrases: [Lexicon] = [])
  {
    bmpCharacters = [UInt32](repeating: 0, count: 0x10000)
    flags = [UInt8](repeating: 0, count: 0x10000)
    pairs = [UInt64](repeating: 0, count: Self.pairBits / 64)

    // Every simplified form any table can produce: such characters are valid simplified text.
    var simplifiedForms: Set<UInt32> = []
    var table: [UInt32: UInt32] = [:]
    for entry in characters.entries {
      let key = Array(entry.key.unicodeScalars)
      guard key.count == 1 else { continue }
      let candidates = Self.candidates(entry)
      for candidate in candidates { for scalar in candidate { simplifiedForms.insert(scalar.value) } }
      if let value = candidates.first?.first { table[key[0].value] = value.value }
    }
    func simplify(_ value: UInt32) -> UInt32 { table[value] ?? value }
    // Regional variants, composed with the character table.
    var variantKeys: Set<UInt32> = []  // every key of the variant tables
    var variantAdded: Set<UInt32> = []  // those that became entries
    for lexicon in variants {
      for entry in lexicon.entries {
        let key = Array(entry.key.unicodeScalars)
        if key.count == 1 { variantKeys.insert(key[0].value) }
        guard key.count == 1, let value = Self.candidates(entry).first?.first,
          table[key[0].value] == nil
        else { continue }
        let composed = simplify(value.value)
        // A variant key that is itself a simplified form (么, 才, 群…) is left alone, and so
        // is a variant whose standard form the character table does not simplify (抬 → 擡).
        if composed == key[0].value || simplifiedForms.contains(key[0].value) { continue }
        if composed == value.value && !simplifiedForms.contains(composed) { continue }
        table[key[0].value] = composed
        variantAdded.insert(key[0].value)
      }
    }
    for (key, value) in table where key != value {
      // A traditional-only character is a key of the character table that no table ever
      // produces; regional variants (著, 汙…) convert inside traditional text but do not by
      // themselves make a text traditional.
      setCharacter(key, value, traditional: !simplifiedForms.contains(key) && !variantAdded.contains(key))
    }
    // One-character overrides and protected characters replace the table's entry.
    for (lexicon, rank) in [(overrides, 1), (protected, 0)] {
      for entry in lexicon.entries {
        let key = Array(entry.key.unicodeScalars)
        guard key.count == 1 else { continue }
        let value = rank == 0 && entry.fields.isEmpty ? key : (Self.candidates(entry).first ?? key)
        guard value.count == 1 else { continue }
        // An override of a character no table produces (幷, 擡) marks a text as traditional;
        // one of a simplified form or a regional variant (著) does not.
        let traditional = rank == 1 && !simplifiedForms.contains(key[0].value)
          && !variantKeys.contains(key[0].value) && value[0] != key[0]
        setCharacter(key[0].value, value[0].value, traditional: traditional)
      }
    }

    func add(_ lexicon: Lexicon, rank: Int, convertValue: Bool = false) {
      for entry in lexicon.entries {
        let key = Array(entry.key.unicodeScalars)
        guard key.count >= 2 else { continue }
        var value = rank == 0 && entry.fields.isEmpty ? key : (Self.candidates(entry).first ?? key)
        if convertValue { value = value.map { Unicode.Scalar(simplify($0.value)) ?? $0 } }
        phrases[key[0].value, default: []].append(Phrase(key: key, value: value, rank: rank))
        setPair(key[0].value, key[1].value)
      }
    }
    add(protected, rank: 0)
    add(overrides, rank: 1)
    for lexicon in variantPhrases { add(lexicon, rank: 2, convertValue: true) }
    add(phraseLexicon, rank: 3)
    for (first, list) in phrases {
      phrases[first] = list.sorted {
        $0.key.count != $1.key.count ? $0.key.count > $1.key.count : $0.rank < $1.rank
      }
    }
    groups = [UInt32](repeating: 0, count: 0x10000)
    for first in phrases.keys.sorted() where first < 0x10000 {
      let list = phrases[first]!
      // 20 bits of start (a million phrases), 12 of count (4,095 per first character).
      guard flat.count < 1 << 20 else { break }
      let kept = list.prefix(0xFFF)
      groups[Int(first)] = UInt32(flat.count) << 12 | UInt32(kept.count)
      for phrase in kept {
        let key = Int32(pool.count)
        pool += phrase.key.map(\.value)
        let value = Int32(pool.count)
        pool += phrase.value.map(\.value)
        flat.append(FlatPhrase(key: key, keyLength: Int32(phrase.key.count), value: value,
                               valueLength: Int32(phrase.value.count)))
      }
    }
  }

  static let pairBits = 1 << 18

  @inline(__always) static func pairIndex(_ first: UInt32, _ second: UInt32) -> Int {
    Int(truncatingIfNeeded: ((first &* 0x9E37_79B1) ^ second) & UInt32(pairBits - 1))
  }

  private mutating func setPair(_ first: UInt32, _ second: UInt32) {
    let index = Self.pairIndex(first, second)
    pairs[index >> 6] |= 1 << UInt64(index & 63)
    if first < 0x10000 { flags[Int(first)] |= Self.phraseStart }
  }

  private func flags(of value: UInt32) -> UInt8 { value < 0x10000 ? flags[Int(value)] : 0 }

  private mutating func setCharacter(_ key: UInt32, _ value: UInt32, traditional: Bool) {
    if key < 0x10000 {
      bmpCharacters[Int(key)] = key == value ? 0 : value
      flags[Int(key)] &= ~(Self.mapped | Self.traditionalOnly)
      if key != value { flags[Int(key)] |= Self.mapped }
      if traditional { flags[Int(key)] |= Self.traditionalOnly }
    } else {
      if key == value { otherCharacters[key] = nil } else { otherCharacters[key] = value }
      if traditional { otherTraditional.insert(key) } else { otherTraditional.remove(key) }
    }
  }

  private static func candidates(_ entry: LexiconEntry) -> [[Unicode.Scalar]] {
    guard let field = entry.fields.first else { return [] }
    return field.split(separator: " ").map { Array($0.unicodeScalars) }.filter { !$0.isEmpty }
  }

  /// True when `text` holds a character that only traditional text uses.
  public func isTraditional(_ text: [Unicode.Scalar]) -> Bool {
    text.withUnsafeBufferPointer { buffer in
      let scalars = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: UInt32.self)
      return flags.withUnsafeBufferPointer { table in
        for index in 0..<buffer.count {
          let value = scalars[index]
          if value < 0x10000 {
            if table[Int(value)] & Self.traditionalOnly != 0 { return true }
          } else if otherTraditional.contains(value) {
            return true
          }
        }
        return false
      }
    }
  }

  /// The converted text and its map onto `text`; nil when nothing changed (always for text
  /// that is already simplified).
  public func convert(_ text: [Unicode.Scalar]) -> (text: [Unicode.Scalar], map: SourceMap)? {
    guard !text.isEmpty, isTraditional(text) else { return nil }
    var output: [Unicode.Scalar] = []
    output.reserveCapacity(text.count + 16)
    var edits: [SourceEdit] = []
    text.withUnsafeBufferPointer { buffer in
      flags.withUnsafeBufferPointer { flagTable in
        bmpCharacters.withUnsafeBufferPointer { characterTable in
          pairs.withUnsafeBufferPointer { pairTable in
            convert(buffer, flagTable, characterTable, pairTable, &output, &edits)
          }
        }
      }
    }
    if edits.isEmpty { return nil }
    return (output, SourceMap(edits: edits))
  }

  /// The loop, on raw buffers (no captured variables: no dynamic exclusivity checks).
  private func convert(
    _ buffer: UnsafeBufferPointer<Unicode.Scalar>, _ flagTable: UnsafeBufferPointer<UInt8>,
    _ characterTable: UnsafeBufferPointer<UInt32>, _ pairTable: UnsafeBufferPointer<UInt64>,
    _ output: inout [Unicode.Scalar], _ edits: inout [SourceEdit]
  ) {
    let count = buffer.count
    let scalars = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: UInt32.self)
    var index = 0
    var copied = 0  // input copied to the output up to here
    while index < count {
      let value = scalars[index]
      let flag: UInt8 = value < 0x10000 ? flagTable[Int(value)] : (phrases[value] == nil && otherCharacters[value] == nil ? 0 : Self.phraseStart | Self.mapped)
      if flag == 0 {
        index += 1
        continue
      }
      var replacement: [Unicode.Scalar]? = nil
      var single: UInt32 = 0
      var end = index + 1
      if flag & Self.phraseStart != 0, index + 1 < count {
        let pair = Self.pairIndex(value, scalars[index + 1])
        if pairTable[pair >> 6] & (1 << UInt64(pair & 63)) != 0 {
          if value < 0x10000 {
            if let match = longestFlat(value, at: index, in: scalars, count: count) {
              end = index + Int(match.keyLength)
              let key = pool[Int(match.key)..<Int(match.key + match.keyLength)]
              let found = pool[Int(match.value)..<Int(match.value + match.valueLength)]
              if !key.elementsEqual(found) { replacement = found.map { Unicode.Scalar($0).unsafelyUnwrapped } }
            }
          } else if let candidates = phrases[value], let match = longest(candidates, at: index, in: buffer) {
            end = index + match.key.count
            if !match.key.elementsEqual(match.value) { replacement = match.value }
          }
        }
      }
      if end == index + 1 && replacement == nil {
        single = value < 0x10000 ? characterTable[Int(value)] : (otherCharacters[value] ?? 0)
      }
      if replacement == nil && single == 0 {
        index = end
        continue
      }
      if copied < index { output.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[copied..<index])) }
      let textStart = output.count
      if let replacement {
        output.append(contentsOf: replacement)
      } else {
        output.append(Unicode.Scalar(single).unsafelyUnwrapped)
      }
      if let last = edits.last, last.sourceEnd == index, last.textEnd == textStart {
        edits[edits.count - 1].sourceEnd = end
        edits[edits.count - 1].textEnd = output.count
      } else {
        edits.append(SourceEdit(textStart: textStart, textEnd: output.count, sourceStart: index, sourceEnd: end))
      }
      copied = end
      index = end
    }
    if copied < count { output.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[copied..<count])) }
  }

  /// The longest phrase starting with `first` at `index`, from the flat tables.
  @inline(__always)
  private func longestFlat(_ first: UInt32, at index: Int, in scalars: UnsafePointer<UInt32>, count: Int)
    -> FlatPhrase?
  {
    let group = groups[Int(first)]
    let start = Int(group >> 12)
    let end = start + Int(group & 0xFFF)
    return flat.withUnsafeBufferPointer { phrases in
      pool.withUnsafeBufferPointer { pool in
        for slot in start..<end {
          let phrase = phrases[slot]
          let length = Int(phrase.keyLength)
          if index + length > count { continue }
          var offset = 1
          let key = Int(phrase.key)
          while offset < length, scalars[index + offset] == pool[key + offset] { offset += 1 }
          if offset == length { return phrase }
        }
        return nil
      }
    }
  }

  private func longest(_ candidates: [Phrase], at index: Int, in text: UnsafeBufferPointer<Unicode.Scalar>) -> Phrase? {
    for phrase in candidates where index + phrase.key.count <= text.count {
      var matches = true
      for offset in 1..<phrase.key.count where text[index + offset] != phrase.key[offset] {
        matches = false
        break
      }
      if matches { return phrase }
    }
    return nil
  }
}
