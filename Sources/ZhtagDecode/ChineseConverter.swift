// Traditional → simplified by longest match over OpenCC's dictionaries, with protected terms.
import ZhtagCore

/// Converts traditional Chinese to simplified, phrase first, character second.
///
/// The dictionaries are OpenCC's (exported to `rules/decode/` by
/// `scripts/export-opencc-dictionaries.sh`); protected terms and local overrides come first.
/// Longest match wins; on equal length the more specific table wins (protected, override,
/// phrase). Text that is already simplified meets no key and is left as it is. Every
/// replacement is a separate edit, so offsets map back exactly.
public struct ChineseConverter: Sendable {
  struct Phrase: Sendable {
    var key: [Unicode.Scalar]
    var value: [Unicode.Scalar]
    var rank: Int  // 0 protected, 1 override, 2 phrase
  }

  /// Single characters of the basic plane: 0 means "no entry".
  private var bmpCharacters: [UInt32]
  private var otherCharacters: [UInt32: Unicode.Scalar] = [:]
  /// Phrases by their first scalar, longest first.
  private var phrases: [UInt32: [Phrase]] = [:]
  /// True for every BMP scalar that starts a phrase or has a character entry.
  private var interesting: [Bool]

  /// - Parameters:
  ///   - characters: OpenCC `TSCharacters` (key, then space-separated candidates; first wins).
  ///   - phrases: OpenCC `TSPhrases` in the same format.
  ///   - overrides: local phrase corrections (key, replacement).
  ///   - protected: terms kept as they are, or turned into the given simplified form.
  public init(characters: Lexicon, phrases phraseLexicon: Lexicon, overrides: Lexicon,
              protected: Lexicon) {
    bmpCharacters = [UInt32](repeating: 0, count: 0x10000)
    interesting = [Bool](repeating: false, count: 0x10000)
    for entry in characters.entries {
      let key = Array(entry.key.unicodeScalars)
      guard key.count == 1, let value = Self.firstCandidate(entry)?.first else { continue }
      if key[0].value < 0x10000 {
        bmpCharacters[Int(key[0].value)] = value.value
        interesting[Int(key[0].value)] = true
      } else {
        otherCharacters[key[0].value] = value
      }
    }
    func add(_ lexicon: Lexicon, rank: Int) {
      for entry in lexicon.entries {
        let key = Array(entry.key.unicodeScalars)
        let value = rank == 0 && entry.fields.isEmpty
          ? key : (Self.firstCandidate(entry) ?? key)
        guard !key.isEmpty else { continue }
        phrases[key[0].value, default: []].append(Phrase(key: key, value: value, rank: rank))
        if key[0].value < 0x10000 { interesting[Int(key[0].value)] = true }
      }
    }
    add(protected, rank: 0)
    add(overrides, rank: 1)
    add(phraseLexicon, rank: 2)
    for (first, list) in phrases {
      phrases[first] = list.sorted {
        $0.key.count != $1.key.count ? $0.key.count > $1.key.count : $0.rank < $1.rank
      }
    }
  }

  private static func firstCandidate(_ entry: LexiconEntry) -> [Unicode.Scalar]? {
    guard let field = entry.fields.first else { return nil }
    let first = field.split(separator: " ").first.map(String.init) ?? field
    return first.isEmpty ? nil : Array(first.unicodeScalars)
  }

  /// The converted text and its map onto `text`; nil when nothing changed.
  public func convert(_ text: [Unicode.Scalar]) -> (text: [Unicode.Scalar], map: SourceMap)? {
    var rewriter = TextRewriter(text)
    var index = 0
    let count = text.count
    while index < count {
      let value = text[index].value
      if value < 0x10000 && !interesting[Int(value)] {
        index += 1
        continue
      }
      if let candidates = phrases[value], let match = longest(candidates, at: index, in: text) {
        if !match.key.elementsEqual(match.value) {
          rewriter.replace(TextRange(index, index + match.key.count), with: match.value)
        }
        index += match.key.count
        continue
      }
      let replacement: Unicode.Scalar? =
        value < 0x10000
        ? (bmpCharacters[Int(value)] == 0 ? nil : Unicode.Scalar(bmpCharacters[Int(value)]))
        : otherCharacters[value]
      if let replacement, replacement != text[index] {
        rewriter.replace(TextRange(index, index + 1), with: CollectionOfOne(replacement))
      }
      index += 1
    }
    if rewriter.isUnchanged { return nil }
    return rewriter.finish()
  }

  private func longest(_ candidates: [Phrase], at index: Int, in text: [Unicode.Scalar]) -> Phrase? {
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
