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

/// HTML left in plain text by a crawl: character references and stray tags, read from
/// `rules/decode/html-entities.tsv` and `rules/decode/html-tags.tsv`.
public struct MarkupTable: Sendable {
  public enum TagAction: String, Sendable { case remove, newline }
  var entities: [String: [Unicode.Scalar]] = [:]
  var tags: [String: TagAction] = [:]

  public init() {}

  /// - Parameters:
  ///   - entities: entity name (without `&` and `;`), a tab, the character(s) it stands for
  ///     written as `U+XXXX` code points separated by spaces.
  ///   - tags: element name (lower case), a tab, `remove` or `newline`.
  public init(entities: Lexicon, tags tagLexicon: Lexicon) throws(Diagnostic) {
    for entry in entities.entries {
      let location = SourceLocation(file: entities.file, line: entry.line, column: 1)
      var scalars: [Unicode.Scalar] = []
      for code in (entry.fields.first ?? "").split(separator: " ") {
        guard code.hasPrefix("U+"), let value = UInt32(code.dropFirst(2), radix: 16),
          let scalar = Unicode.Scalar(value)
        else {
          throw Diagnostic(.error, "decode.entity-entry",
                           "an entity entry is a name, a tab and code points like U+00A0", at: location)
        }
        scalars.append(scalar)
      }
      if scalars.isEmpty {
        throw Diagnostic(.error, "decode.entity-entry",
                         "an entity entry is a name, a tab and code points like U+00A0", at: location)
      }
      self.entities[entry.key] = scalars
    }
    for entry in tagLexicon.entries {
      guard let action = TagAction(rawValue: entry.field(0) ?? "remove") else {
        throw Diagnostic(.error, "decode.tag-entry",
                         "unknown tag action '\(entry.field(0) ?? "")' (expected remove or newline)",
                         at: SourceLocation(file: tagLexicon.file, line: entry.line, column: 1))
      }
      tags[entry.key.lowercased()] = action
    }
  }

  var isEmpty: Bool { entities.isEmpty && tags.isEmpty }
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
  static let entity = "entity"
  static let tag = "tag"
}

/// Repairs and normalises text in one pass.
public struct Normaliser: Sendable {
  public var punctuation: PunctuationTable
  public var readings: PinyinReadings
  public var markup: MarkupTable
  /// Per basic-plane scalar: `attention` when this pass may change something there, `markup`
  /// for `&` and `<` (only looked at in plain text). Most text has no flagged scalar at all.
  private var flags: [UInt8]
  /// The punctuation rules of ASCII marks, by value (no hashing in the loop).
  private var asciiRules: [PunctuationRule?]
  /// Whether the table has marks outside ASCII (a dictionary lookup then).
  private var hasOtherRules: Bool
  static let attention: UInt8 = 1
  static let markupStart: UInt8 = 2

  public init(punctuation: PunctuationTable, readings: PinyinReadings = PinyinReadings(),
              markup: MarkupTable = MarkupTable())
  {
    self.punctuation = punctuation
    self.readings = readings
    self.markup = markup
    var flags = [UInt8](repeating: 0, count: 0x10000)
    for value in 0..<0x20 where value != 0x09 && value != 0x0A { flags[value] = Self.attention }
    for value in [0x7F, 0xA0, 0x1680, 0x202F, 0x205F, 0x3000, 0xFEFF, 0xFFFE, 0xFFFF, 0x200B] {
      flags[value] = Self.attention
    }
    for value in 0x80...0x9F { flags[value] = Self.attention }
    for value in 0x2000...0x200A { flags[value] = Self.attention }
    for value in 0xFF10...0xFF19 { flags[value] = Self.attention }
    for value in 0xFF21...0xFF3A { flags[value] = Self.attention }
    for value in 0xFF41...0xFF5A { flags[value] = Self.attention }
    flags[0x28] = Self.attention  // ( : pinyin after a Han character
    flags[0xFF08] = Self.attention  // （
    for scalar in punctuation.rules.keys where scalar.value < 0x10000 {
      flags[Int(scalar.value)] = Self.attention
    }
    if !markup.isEmpty {
      flags[Int(UInt8(ascii: "&"))] |= Self.markupStart
      flags[Int(UInt8(ascii: "<"))] |= Self.markupStart
    }
    self.flags = flags
    var asciiRules = [PunctuationRule?](repeating: nil, count: 128)
    for (scalar, rule) in punctuation.rules where scalar.value < 128 { asciiRules[Int(scalar.value)] = rule }
    self.asciiRules = asciiRules
    hasOtherRules = punctuation.rules.keys.contains { $0.value >= 128 }
  }

  /// Returns the new text, its map onto `text`, and one repair kind per edit of the map.
  /// `plainText`: the input is not HTML, so character references and stray tags are repaired
  /// too (in HTML they are the markup, read by clean).
  /// `html`: the input is HTML, whose ASCII punctuation is markup (`&amp;`, `a:b;`): the
  /// punctuation table is left for the text clean extracts.
  public func normalise(_ text: [Unicode.Scalar], plainText: Bool = false, html: Bool = false) -> (
    text: [Unicode.Scalar], map: SourceMap, kinds: [(TextRange, String)]
  ) {
    guard let result = run(text, plainText: plainText, html: html) else { return (text, SourceMap(), []) }
    return (result.text, result.map, result.repairs.map { ($0.sourceRange, $0.kind) })
  }

  /// The pass itself: nil when nothing changes; else the new text, its map onto `text`, and
  /// one repair per edit (text ranges in the new text, source ranges in `text`).
  func run(_ text: [Unicode.Scalar], plainText: Bool, html: Bool) -> (
    text: [Unicode.Scalar], map: SourceMap, repairs: [Repair]
  )? {
    let mask = plainText ? Self.attention | Self.markupStart : Self.attention
    let count = text.count
    guard count > 0 else { return nil }
    return flags.withUnsafeBufferPointer { flagTable in
      text.withUnsafeBufferPointer { buffer in
        let values = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: UInt32.self)
        /// The first scalar at or after `start` this pass may change, or `count`.
        @inline(__always) func nextFlagged(_ start: Int) -> Int {
          var index = start
          while index < count {
            let value = values[index]
            if value < 0x10000, flagTable[Int(value)] & mask != 0 { return index }
            index += 1
          }
          return count
        }
        var index = nextFlagged(0)
        // Fast path: no scalar this pass could change.
        if index == count { return nil }
        var rewriter = ScalarRewriter(text)
        // Brackets convert as a pair: the decision for "(" is remembered for its ")".
        var closingDecision: [Int: Bool] = [:]
        while index < count {
          let value = values[index]
          let scalar = buffer[index]
          if plainText, value == 0x26 || value == 0x3C {  // & <
            if let (end, replacement, kind) = markupRepair(at: index, in: text) {
              rewriter.replace(index, end, with: replacement, kind: kind)
              index = nextFlagged(end)
              continue
            }
            if flagTable[Int(value)] & Self.attention == 0 {
              index = nextFlagged(index + 1)
              continue
            }
          }
          if value == 0x28 || value == 0xFF08, index > 0, buffer[index - 1].isHan,
            let end = PinyinRepair.insertionEnd(after: index - 1, in: text, readings: readings)
          {
            // Keep the character, drop the bracketed syllable.
            rewriter.replace(index, end, with: [], kind: RepairKind.pinyin)
            index = nextFlagged(end)
            continue
          }
          if value < 0x80 {
            if value == 0x0D {  // CR LF and lone CR become LF
              let end = index + 1 < count && values[index + 1] == 0x0A ? index + 2 : index + 1
              rewriter.replace(index, end, with: "\n", kind: RepairKind.newline)
              index = nextFlagged(end)
              continue
            }
            if (value < 0x20 && value != 0x09 && value != 0x0A) || value == 0x7F {
              rewriter.replace(index, index + 1, with: [], kind: RepairKind.control)
              index = nextFlagged(index + 1)
              continue
            }
            if !html, let rule = asciiRules[Int(value)] {
              var convert: Bool
              if !closingDecision.isEmpty, let decided = closingDecision.removeValue(forKey: index) {
                convert = decided
              } else {
                convert = applies(rule, at: index, in: text)
                if value == 0x28, let close = matchingClose(from: index, in: text) {
                  if let closeRule = asciiRules[Int(values[close])] {
                    convert = convert || applies(closeRule, at: close, in: text)
                  }
                  closingDecision[close] = convert
                }
              }
              if convert {
                if rule.replacement.count == 1 {
                  rewriter.replace(index, index + 1, with: rule.replacement[0], kind: RepairKind.punctuation)
                } else {
                  rewriter.replace(index, index + 1, with: rule.replacement, kind: RepairKind.punctuation)
                }
              }
            }
            index = nextFlagged(index + 1)
            continue
          }
          if let (replacement, kind) = Self.singleScalarRepair(value) {
            if let replacement {
              rewriter.replace(index, index + 1, with: replacement, kind: kind)
            } else {
              rewriter.replace(index, index + 1, with: [], kind: kind)
            }
          } else if hasOtherRules, let rule = punctuation.rules[scalar], applies(rule, at: index, in: text) {
            rewriter.replace(index, index + 1, with: rule.replacement, kind: RepairKind.punctuation)
          }
          index = nextFlagged(index + 1)
        }
        if rewriter.isUnchanged { return nil }
        let (output, map) = rewriter.finish()
        return (output, map, rewriter.repairs)
      }
    }
  }

  /// Width, spaces and invisible characters: the scalar one non-ASCII scalar becomes (nil to
  /// delete it) and the kind of repair; nil when it stays.
  @inline(__always)
  static func singleScalarRepair(_ value: UInt32) -> (Unicode.Scalar?, String)? {
    if (value >= 0xFF10 && value <= 0xFF19) || (value >= 0xFF21 && value <= 0xFF3A)
      || (value >= 0xFF41 && value <= 0xFF5A)
    {
      return (Unicode.Scalar(value - 0xFEE0), RepairKind.width)
    }
    switch value {
    case 0xA0, 0x3000, 0x1680, 0x2000...0x200A, 0x202F, 0x205F: return (" ", RepairKind.space)
    case 0x80...0x9F, 0xFEFF, 0xFFFE, 0xFFFF, 0x200B: return (nil, RepairKind.control)
    default: return nil
    }
  }

  /// A character reference (`&amp;`, `&#26032;`, `&#x65B0;`) or a stray tag (`<br>`,
  /// `</p>`, `<span class="x">`, `<!-- … -->`) at `start`: where it ends, what replaces it.
  private func markupRepair(at start: Int, in text: [Unicode.Scalar]) -> (Int, [Unicode.Scalar], String)?
  {
    let count = text.count
    if text[start] == "&" {
      var cursor = start + 1
      var name = ""
      let limit = min(count, start + 34)
      while cursor < limit, text[cursor] != ";" {
        let s = text[cursor]
        guard s.isASCIILetter || s.isASCIIDigit || s == "#" else { return nil }
        name.unicodeScalars.append(s)
        cursor += 1
      }
      guard cursor < limit, !name.isEmpty else { return nil }
      var decoded: [Unicode.Scalar]?
      if name.hasPrefix("#x") || name.hasPrefix("#X") {
        decoded = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { [$0] }
      } else if name.hasPrefix("#") {
        decoded = UInt32(name.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init).map { [$0] }
      } else {
        decoded = markup.entities[name]
      }
      guard var result = decoded else { return nil }
      // What the reference stands for is normalised like the text around it.
      result = result.flatMap { scalar -> [Unicode.Scalar] in
        if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" { return [] }
        guard let (replacement, _) = Self.singleScalarRepair(scalar.value) else { return [scalar] }
        return replacement.map { [$0] } ?? []
      }
      return (cursor + 1, result, RepairKind.entity)
    }
    // "<": a tag of the table, or a comment.
    var cursor = start + 1
    let limit = min(count, start + 1024)
    if cursor + 2 < limit, text[cursor] == "!", text[cursor + 1] == "-", text[cursor + 2] == "-" {
      cursor += 3
      while cursor + 2 < min(count, start + 4096) {
        if text[cursor] == "-", text[cursor + 1] == "-", text[cursor + 2] == ">" {
          return (cursor + 3, [], RepairKind.tag)
        }
        cursor += 1
      }
      return nil
    }
    if cursor < limit, text[cursor] == "/" { cursor += 1 }
    var name = ""
    while cursor < limit, text[cursor].isASCIILetter || (text[cursor].isASCIIDigit && !name.isEmpty) {
      name.unicodeScalars.append(Unicode.Scalar(UInt8(text[cursor].value) | 0x20))
      cursor += 1
    }
    guard let action = markup.tags[name], cursor < limit else { return nil }
    let next = text[cursor]
    guard next == ">" || next == "/" || next == " " || next == "\t" || next == "\n" else { return nil }
    // Attributes, up to the closing ">", never across another "<".
    while cursor < limit, text[cursor] != ">" {
      if text[cursor] == "<" { return nil }
      cursor += 1
    }
    guard cursor < limit else { return nil }
    let end = cursor + 1
    if action == .newline {
      let before = start > 0 ? text[start - 1] : nil
      let after = end < count ? text[end] : nil
      if before != nil && before != "\n" && after != "\n" && after != "\r" {
        return (end, ["\n"], RepairKind.tag)
      }
    }
    return (end, [], RepairKind.tag)
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
