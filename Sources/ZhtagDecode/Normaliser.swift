// One left-to-right pass that repairs crawl damage and normalises width, spaces and
// punctuation, recording each change.
import ZhtagCore

/// How a punctuation mark is rewritten: always, or only beside Chinese text.
public struct PunctuationRule: Sendable, Hashable {
  public enum Context: String, Sendable { case always, besideHan = "beside-han" }
  public var replacement: [Unicode.Scalar]
  public var context: Context
}

/// The punctuation convention, read from `rules/decode/punctuation.tsv`.
public struct PunctuationTable: Sendable {
  var rules: [Unicode.Scalar: PunctuationRule] = [:]

  public init() {}

  /// Builds the table from a lexicon with columns `to` and `when`.
  public init(_ lexicon: Lexicon) throws(Diagnostic) {
    let to = lexicon.column("to") ?? 0
    let when = lexicon.column("when") ?? 1
    for entry in lexicon.entries {
      let key = Array(entry.key.unicodeScalars)
      let location = SourceLocation(file: lexicon.file, line: entry.line, column: 1)
      guard key.count == 1, let target = entry.field(to) else {
        throw Diagnostic(.error, "decode.punctuation-entry",
                         "a punctuation entry is one character, a tab and its replacement",
                         at: location)
      }
      guard let context = PunctuationRule.Context(rawValue: entry.field(when) ?? "always") else {
        throw Diagnostic(.error, "decode.punctuation-context",
                         "unknown context '\(entry.field(when) ?? "")' (expected always or beside-han)",
                         at: location)
      }
      rules[key[0]] = PunctuationRule(replacement: Array(target.unicodeScalars), context: context)
    }
  }
}

/// The kinds of change this pass makes, as written in `repairs`.
enum RepairKind {
  static let pinyin = "pinyin"
  static let newline = "newline"
  static let control = "control"
  static let width = "width"
  static let space = "space"
  static let punctuation = "punctuation"
  static let t2s = "t2s"
}

/// Repairs and normalises text in one pass.
public struct Normaliser: Sendable {
  public var punctuation: PunctuationTable

  public init(punctuation: PunctuationTable) { self.punctuation = punctuation }

  /// Returns the new text, its map onto `text`, and one repair kind per edit of the map.
  public func normalise(_ text: [Unicode.Scalar]) -> (
    text: [Unicode.Scalar], map: SourceMap, kinds: [(TextRange, String)]
  ) {
    var rewriter = TextRewriter(text)
    var kinds: [(TextRange, String)] = []
    var index = 0
    let count = text.count
    // Brackets convert as a pair: the decision for "(" is remembered for its ")".
    var closingDecision: [Int: Bool] = [:]
    @inline(__always) func record(_ range: TextRange, _ replacement: [Unicode.Scalar], _ kind: String) {
      rewriter.replace(range, with: replacement)
      kinds.append((range, kind))
    }
    while index < count {
      let scalar = text[index]
      let value = scalar.value
      if value < 0x80 {
        if value == 0x0D {  // CR LF and lone CR become LF
          let end = index + 1 < count && text[index + 1] == "\n" ? index + 2 : index + 1
          record(TextRange(index, end), ["\n"], RepairKind.newline)
          index = end
          continue
        }
        if (value < 0x20 && value != 0x09 && value != 0x0A) || value == 0x7F {
          record(TextRange(index, index + 1), [], RepairKind.control)
          index += 1
          continue
        }
        if let rule = punctuation.rules[scalar] {
          var convert: Bool
          if let decided = closingDecision.removeValue(forKey: index) {
            convert = decided
          } else {
            convert = applies(rule, at: index, in: text)
            if scalar == "(", let close = matchingClose(from: index, in: text) {
              if let closeRule = punctuation.rules[text[close]] {
                convert = convert || applies(closeRule, at: close, in: text)
              }
              closingDecision[close] = convert
            }
          }
          if convert { record(TextRange(index, index + 1), rule.replacement, RepairKind.punctuation) }
        }
        index += 1
        continue
      }
      if scalar.isHan, index + 3 < count, let end = PinyinRepair.insertionEnd(after: index, in: text) {
        // Keep the character, drop the bracketed syllable.
        record(TextRange(index + 1, end), [], RepairKind.pinyin)
        index = end
        continue
      }
      if (value >= 0xFF10 && value <= 0xFF19) || (value >= 0xFF21 && value <= 0xFF3A)
        || (value >= 0xFF41 && value <= 0xFF5A)
      {
        record(TextRange(index, index + 1), [Unicode.Scalar(value - 0xFEE0)!], RepairKind.width)
      } else if scalar.isHorizontalSpace {
        record(TextRange(index, index + 1), [" "], RepairKind.space)
      } else if (value >= 0x80 && value <= 0x9F) || value == 0xFEFF || value == 0xFFFE
        || value == 0xFFFF || value == 0x200B
      {
        record(TextRange(index, index + 1), [], RepairKind.control)
      } else if let rule = punctuation.rules[scalar], applies(rule, at: index, in: text) {
        record(TextRange(index, index + 1), rule.replacement, RepairKind.punctuation)
      }
      index += 1
    }
    let (output, map) = rewriter.finish()
    return (output, map, kinds)
  }

  /// The ")" closing the "(" at `open` on the same line, within 64 characters.
  private func matchingClose(from open: Int, in text: [Unicode.Scalar]) -> Int? {
    var index = open + 1
    let limit = min(text.count, open + 64)
    while index < limit {
      switch text[index] {
      case ")": return index
      case "(", "\n": return nil
      default: index += 1
      }
    }
    return nil
  }

  /// `beside-han`: the nearest non-space neighbour on either side is Han or CJK punctuation.
  private func applies(_ rule: PunctuationRule, at index: Int, in text: [Unicode.Scalar]) -> Bool {
    if rule.context == .always { return true }
    func isChinese(_ s: Unicode.Scalar) -> Bool {
      s.isHan || (s.value >= 0x3000 && s.value <= 0x303F) || (s.value >= 0xFF01 && s.value <= 0xFF0F)
        || s == "“" || s == "”"
    }
    var before = index - 1
    while before >= 0, text[before] == " " { before -= 1 }
    var after = index + 1
    while after < text.count, text[after] == " " { after += 1 }
    let previous = before >= 0 ? text[before] : nil
    let next = after < text.count ? text[after] : nil
    // Never inside a number: 1,100 or 2:30 stay.
    if let previous, let next, previous.isASCIIDigit, next.isASCIIDigit { return false }
    return (previous.map(isChinese) ?? false) || (next.map(isChinese) ?? false)
  }
}
