// The segment stage: blocks (title, headings, list items, paragraphs) and sentences.
//
// One pass over the text looks every scalar up in a flat role table (SentenceMarks) and keeps
// the few that matter (end marks, quotes, brackets, clause marks) as events; each line is then
// decided from its events alone. Documentation/Segment.md states the rules with examples.
import ZhtagCore

/// Splits cleaned text into blocks and sentences.
public struct Segmenter: Sendable {
  public var marks: SentenceMarks

  public init(marks: SentenceMarks) { self.marks = marks }

  public func segment(_ document: inout Document) {
    let text = document.text
    let title = document.meta["title"]?.range
    var blocks: [Block] = []
    var sentences: [Sentence] = []
    blocks.reserveCapacity(text.count / 64 + 4)
    sentences.reserveCapacity(text.count / 32 + 4)
    text.withUnsafeBufferPointer { text in
      marks.roles.withUnsafeBufferPointer { roles in
        var events = Events()
        let count = text.count
        var lineStart = 0
        while lineStart <= count {
          // Collect the events of one line.
          events.removeAll()
          let index = scanLine(from: lineStart, text, roles, &events)
          var range = TextRange(lineStart, index)
          lineStart = index + 1
          while range.start < range.end, text[range.start].isHorizontalSpace { range.start += 1 }
          while range.end > range.start, text[range.end - 1].isHorizontalSpace { range.end -= 1 }
          if range.isEmpty { continue }
          let first = sentences.count
          splitSentences(range, text, &events, block: blocks.count, into: &sentences)
          let kind = blockKind(range, text, roles, sentenceCount: sentences.count - first, title: title)
          blocks.append(Block(kind: kind, range: range))
        }
      }
    }
    document.blocks = blocks
    document.sentences = sentences
  }

  /// Collects the events of the line starting at `start`; returns where it ends (its newline,
  /// or the end of the text).
  @inline(__always)
  func scanLine(from start: Int, _ text: UnsafeBufferPointer<Unicode.Scalar>,
                _ roles: UnsafeBufferPointer<UInt8>, _ events: inout Events) -> Int
  {
    var index = start
    let count = text.count
    while index < count {
      let value = text[index].value
      // Han characters (most of the text) have no role.
      if value &- 0x4E00 > 0x9FFF - 0x4E00, value < 0x10000 {
        let role = roles[Int(value)]
        if role >= SentenceMarks.Role.newline.rawValue {
          if role == SentenceMarks.Role.newline.rawValue { return index }
          events.append(index, role)
        }
      }
      index &+= 1
    }
    return count
  }

  // MARK: - Blocks

  func blockKind(_ range: TextRange, _ text: UnsafeBufferPointer<Unicode.Scalar>,
                 _ roles: UnsafeBufferPointer<UInt8>, sentenceCount: Int, title: TextRange?) -> Block.Kind
  {
    if let title, title == range { return .title }
    if let marker = marks.listMarker(text, range) {
      if marker == .heading, range.count <= marks.numberedHeadingMaxLength, sentenceCount == 1 {
        return .heading
      }
      return .listItem
    }
    guard range.count <= marks.headingMaxLength, sentenceCount == 1 else { return .paragraph }
    // The last mark before any closing marks must not be sentence or clause punctuation.
    var last = range.end - 1
    while last > range.start, isCloser(role(text[last], roles)) { last -= 1 }
    switch role(text[last], roles) {
    case .end, .ellipsis, .latinEnd, .clause, .enumeration: return .paragraph
    default: break
    }
    for index in range.start..<range.end where text[index].isHan { return .heading }
    return .paragraph
  }

  @inline(__always) func role(_ scalar: Unicode.Scalar, _ roles: UnsafeBufferPointer<UInt8>) -> SentenceMarks.Role {
    scalar.value < 0x10000 ? SentenceMarks.Role(rawValue: roles[Int(scalar.value)]) ?? .none : .none
  }

  @inline(__always) func isCloser(_ role: SentenceMarks.Role) -> Bool {
    role == .close || role == .titleClose
  }

  // MARK: - Sentences

  /// Positions and roles of the marks of one line (packed in one array: position << 8 | role),
  /// and the partner of each quote or bracket.
  struct Events {
    var packed: [UInt64] = []
    /// For a quote or bracket: the index of the event it pairs with, or -1 when unmatched.
    var partners: [Int] = []
    var stack: [Int] = []
    var hasPairs = false

    init() { packed.reserveCapacity(1024) }

    var count: Int { packed.count }
    @inline(__always) func position(_ event: Int) -> Int { Int(truncatingIfNeeded: packed[event] >> 8) }
    @inline(__always) func role(_ event: Int) -> UInt8 { UInt8(truncatingIfNeeded: packed[event]) }

    @inline(never) mutating func append(_ position: Int, _ role: UInt8) {
      packed.append(UInt64(truncatingIfNeeded: position) << 8 | UInt64(role))
      if role >= SentenceMarks.Role.open.rawValue { hasPairs = true }
    }

    mutating func removeAll() {
      packed.removeAll(keepingCapacity: true)
      hasPairs = false
    }
  }

  /// Pairs quotes and brackets inside the line: a closing mark pairs with the nearest open mark
  /// of its kind (marks opened after that one stay unmatched); a closing mark with no opener
  /// here (its quotation began in an earlier paragraph) and an opener never closed here (a
  /// quotation that goes on into the next paragraph) stay unmatched and do not hide end marks.
  func pair(_ events: inout Events, _ text: UnsafeBufferPointer<Unicode.Scalar>) {
    guard events.hasPairs else { return }
    let count = events.count
    events.partners.removeAll(keepingCapacity: true)
    events.partners.append(contentsOf: repeatElement(-1, count: count))
    events.stack.removeAll(keepingCapacity: true)
    for event in 0..<count {
      switch SentenceMarks.Role(rawValue: events.role(event)) {
      case .open:
        events.stack.append(event)
      case .close, .titleClose:
        guard let opener = marks.opener(of: text[events.position(event)].value) else { continue }
        var depth = events.stack.count - 1
        while depth >= 0, text[events.position(events.stack[depth])].value != opener { depth -= 1 }
        if depth >= 0 {
          events.partners[event] = events.stack[depth]
          events.partners[events.stack[depth]] = event
          events.stack.removeLast(events.stack.count - depth)
        }
      case .toggleQuote:
        var depth = events.stack.count - 1
        while depth >= 0, events.role(events.stack[depth]) != SentenceMarks.Role.toggleQuote.rawValue { depth -= 1 }
        if depth >= 0 {
          events.partners[event] = events.stack[depth]
          events.partners[events.stack[depth]] = event
          events.stack.removeLast(events.stack.count - depth)
        } else {
          events.stack.append(event)
        }
      default: break
      }
    }
  }

  /// Cuts one block into sentences (see Documentation/Segment.md for the rules).
  func splitSentences(_ block: TextRange, _ text: UnsafeBufferPointer<Unicode.Scalar>,
                      _ events: inout Events, block blockIndex: Int, into sentences: inout [Sentence])
  {
    pair(&events, text)
    let count = events.count
    var sentenceStart = block.start
    var depth = 0
    var outerOpener = -1  // position of the mark that opened the outermost open pair
    var event = 0
    while event < count {
      let position = events.position(event)
      let role = SentenceMarks.Role(rawValue: events.role(event)) ?? .none
      // Partners exist only when the line has quotes or brackets (see `pair`).
      let partner = role.rawValue >= SentenceMarks.Role.open.rawValue ? events.partners[event] : -1
      switch role {
      case .open:
        if partner >= 0 {
          if depth == 0 { outerOpener = position }
          depth += 1
        }
      case .close, .titleClose:
        if partner >= 0 { depth -= 1 }
      case .toggleQuote:
        if partner > event {
          if depth == 0 { outerOpener = position }
          depth += 1
        } else if partner >= 0 {
          depth -= 1
        }
      case .end, .ellipsis, .latinEnd:
        // The run of end marks, then the closing marks right after it.
        var strong = false, ellipsis = false
        var runEnd = position
        var next = event
        while next < count, events.position(next) == runEnd {
          let nextRole = SentenceMarks.Role(rawValue: events.role(next)) ?? .none
          if nextRole == .end { strong = true } else if nextRole == .ellipsis { ellipsis = true } else if nextRole != .latinEnd { break }
          runEnd += 1
          next += 1
        }
        var closed = depth
        var closedOuter = false, title = false
        while next < count, events.position(next) == runEnd {
          let nextRole = SentenceMarks.Role(rawValue: events.role(next)) ?? .none
          guard nextRole.rawValue >= SentenceMarks.Role.open.rawValue else { break }
          let nextPartner = events.partners[next]
          if nextRole == .close || nextRole == .titleClose {
            if nextPartner >= 0 {
              closed -= 1
              if closed == 0 { closedOuter = true }
            }
            if nextRole == .titleClose { title = true }
          } else if nextRole == .toggleQuote, nextPartner >= 0, nextPartner < next {
            closed -= 1
            if closed == 0 { closedOuter = true }
          } else {
            break
          }
          runEnd += 1
          next += 1
        }
        var split: Bool
        if closed > 0 || title {
          split = false
        } else if !strong && !ellipsis {
          split = latinEnds(at: position, runEnd: runEnd, sentenceStart: sentenceStart, block, text)
        } else if !strong && enumerates(before: position, sentenceStart: sentenceStart, text) {
          split = false
        } else if closedOuter && isEmbedded(outerOpener, sentenceStart: sentenceStart, text) {
          split = false
        } else {
          split = runEnd == block.end || !marks.continues(text[runEnd].value)
        }
        depth = closed
        event = next
        if split {
          sentences.append(Sentence(range: TextRange(sentenceStart, runEnd), block: blockIndex))
          sentenceStart = runEnd
          while sentenceStart < block.end, text[sentenceStart].isHorizontalSpace { sentenceStart += 1 }
        }
        continue
      default: break
      }
      event += 1
    }
    if sentenceStart < block.end {
      sentences.append(Sentence(range: TextRange(sentenceStart, block.end), block: blockIndex))
    }
  }

  /// An ASCII-style end mark ends a sentence only before a space (or the end of the line), not
  /// before a lower-case word or a digit, and a `.` not after a list number opening the sentence
  /// or an abbreviation (`1. `, `U.S. `, `Inc. `).
  func latinEnds(at position: Int, runEnd: Int, sentenceStart: Int, _ block: TextRange,
                 _ text: UnsafeBufferPointer<Unicode.Scalar>) -> Bool
  {
    if runEnd == block.end { return true }
    guard text[runEnd].isHorizontalSpace else { return false }
    var after = runEnd
    while after < block.end, text[after].isHorizontalSpace { after += 1 }
    let next = text[after]
    if next.isASCIIDigit || (next.value >= 0x61 && next.value <= 0x7A) { return false }
    guard text[position] == "." || text[position] == "．" else { return true }
    // The word before the period.
    var wordStart = position
    while wordStart > sentenceStart, !text[wordStart - 1].isHorizontalSpace { wordStart -= 1 }
    let word = wordStart..<position
    guard !word.isEmpty,
      word.allSatisfy({ text[$0].isASCIILetter || text[$0].isASCIIDigit || text[$0] == "." })
    else { return true }
    // `1. ` opening a sentence is a list number; `Inc. `, `No. ` are abbreviations.
    if word.allSatisfy({ text[$0].isASCIIDigit }) { return wordStart != sentenceStart }
    let first = text[wordStart].value
    if word.count <= 3, first >= 0x41, first <= 0x5A, !word.contains(where: { text[$0] == "." }) { return false }
    // U.S, e.g, a.m: letters in parts of at most two, joined by dots.
    var part = 0
    var dotted = false
    for index in word {
      if text[index] == "." {
        dotted = true
        part = 0
      } else {
        part += 1
        if part > 2 || !text[index].isASCIILetter { return true }
      }
    }
    return !dotted
  }

  /// Whether the clause an ellipsis ends lists items with 、 (A、B、C……): looking back from
  /// the ellipsis to the clause mark or opening mark that starts its clause, outside any
  /// quotation closed in between.
  func enumerates(before position: Int, sentenceStart: Int, _ text: UnsafeBufferPointer<Unicode.Scalar>) -> Bool {
    var level = 0
    var index = position - 1
    while index >= sentenceStart {
      switch marks.role(of: text[index]) {
      case .close, .titleClose: level += 1
      case .open:
        if level == 0 { return false }
        level -= 1
      case .clause, .end, .ellipsis: if level == 0 { return false }
      case .enumeration: if level == 0 { return true }
      default: break
      }
      index -= 1
    }
    return false
  }

  /// A quotation or bracket is embedded when it is a phrase of the sentence (以“…”为, 的《…》),
  /// and an utterance when it opens the sentence or follows a clause mark (他说：“…！”).
  func isEmbedded(_ opener: Int, sentenceStart: Int, _ text: UnsafeBufferPointer<Unicode.Scalar>) -> Bool {
    var before = opener - 1
    while before >= sentenceStart, text[before].isHorizontalSpace { before -= 1 }
    if before < sentenceStart { return false }
    switch marks.role(of: text[before]) {
    case .clause, .open, .toggleQuote, .end, .ellipsis: return false
    default: return true
    }
  }
}
