// The segment stage: blocks (title, headings, list items, paragraphs) and sentences.
import ZhtagCore

/// Which marks end sentences, close or open quotations, from `rules/segment/marks.tsv`.
public struct SentenceMarks: Sendable {
  public var ends: Set<Unicode.Scalar> = []
  public var closers: [Unicode.Scalar: Unicode.Scalar] = [:]  // closer → its opener
  public var openers: Set<Unicode.Scalar> = []

  public init(_ lexicon: Lexicon) {
    let role = lexicon.column("role") ?? 0
    let pair = lexicon.column("pairs-with") ?? 1
    for entry in lexicon.entries {
      guard let scalar = entry.key.unicodeScalars.first else { continue }
      switch entry.field(role) {
      case "end": ends.insert(scalar)
      case "close":
        if let opener = entry.field(pair)?.unicodeScalars.first {
          closers[scalar] = opener
          openers.insert(opener)
        }
      default: break
      }
    }
  }
}

/// Splits cleaned text into blocks and sentences.
public struct Segmenter: Sendable {
  public var marks: SentenceMarks
  /// Lines up to this length without end punctuation are headings.
  public var headingMaxLength = 30

  public init(marks: SentenceMarks) { self.marks = marks }

  public func segment(_ document: inout Document) {
    let text = document.text
    let titleRange = document.meta["title"]?.range
    var blocks: [Block] = []
    var sentences: [Sentence] = []
    var start = 0
    for index in 0...text.count where index == text.count || text[index] == "\n" {
      var range = TextRange(start, index)
      start = index + 1
      while range.start < range.end, text[range.start].isHorizontalSpace { range.start += 1 }
      while range.end > range.start, text[range.end - 1].isHorizontalSpace { range.end -= 1 }
      if range.isEmpty { continue }
      let kind = blockKind(range, in: text, title: titleRange)
      blocks.append(Block(kind: kind, range: range))
      for sentence in sentenceRanges(range, in: text) {
        sentences.append(Sentence(range: sentence, block: blocks.count - 1))
      }
    }
    document.blocks = blocks
    document.sentences = sentences
  }

  func blockKind(_ range: TextRange, in text: [Unicode.Scalar], title: TextRange?) -> Block.Kind {
    if let title, title == range { return .title }
    if ListMarker.starts(text, at: range.start, end: range.end) { return .listItem }
    let last = text[range.end - 1]
    if range.count <= headingMaxLength && !marks.ends.contains(last)
      && !marks.closers.keys.contains(last) && last != "：" && last != ":" && last != "，"
    {
      return .heading
    }
    return .paragraph
  }

  /// Sentence ranges inside a block: a run of end marks plus the closing marks after it ends
  /// a sentence, unless it sits inside an open quotation or 《title》.
  func sentenceRanges(_ block: TextRange, in text: [Unicode.Scalar]) -> [TextRange] {
    var result: [TextRange] = []
    var sentenceStart = block.start
    var depth = 0
    var index = block.start
    while index < block.end {
      let scalar = text[index]
      if marks.openers.contains(scalar) && marks.closers[scalar] == nil {
        depth += 1
      } else if marks.closers[scalar] != nil {
        depth = max(0, depth - 1)
      } else if marks.ends.contains(scalar) {
        var end = index + 1
        while end < block.end, marks.ends.contains(text[end]) { end += 1 }
        // Closing marks after the end stay with this sentence, even when their opening
        // mark was in an earlier block.
        var closed = depth
        while end < block.end, marks.closers[text[end]] != nil {
          closed = max(0, closed - 1)
          end += 1
        }
        if closed == 0 {
          result.append(TextRange(sentenceStart, end))
          depth = 0
          index = end
          while index < block.end, text[index].isHorizontalSpace { index += 1 }
          sentenceStart = index
          continue
        }
        index = end
        continue
      }
      index += 1
    }
    if sentenceStart < block.end {
      var end = block.end
      while end > sentenceStart, text[end - 1].isHorizontalSpace { end -= 1 }
      result.append(TextRange(sentenceStart, end))
    }
    return result
  }
}

/// List item openings: 一、 （一） (1) 1. 1、 ①.
enum ListMarker {
  static let chineseDigits: Set<Unicode.Scalar> = Set("一二三四五六七八九十".unicodeScalars)

  static func starts(_ text: [Unicode.Scalar], at start: Int, end: Int) -> Bool {
    var index = start
    let first = text[index]
    if first.value >= 0x2460 && first.value <= 0x2473 { return true }  // ①–⑳
    let bracketed = first == "（" || first == "("
    if bracketed { index += 1 }
    let digitsStart = index
    while index < end, chineseDigits.contains(text[index]) || text[index].isASCIIDigit { index += 1 }
    let count = index - digitsStart
    guard count >= 1, count <= 3, index < end else { return false }
    let mark = text[index]
    if bracketed { return mark == "）" || mark == ")" }
    if mark == "、" { return true }
    // "1." but not "2.5"
    return (mark == "." || mark == "．") && index + 1 < end && !text[index + 1].isASCIIDigit
      && text[digitsStart].isASCIIDigit
  }
}
