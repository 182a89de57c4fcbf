// What the segment stage reads from `rules/segment/marks.tsv`, compiled into flat tables.
import ZhtagCore

/// The roles of marks, list-marker shapes and heading limits, from `rules/segment/marks.tsv`
/// (Documentation/Segment.md describes every role). Built once; lookups are a flat table.
public struct SentenceMarks: Sendable {
  /// What a character does for the segmenter. Characters without a role are `none`.
  public enum Role: UInt8, Sendable, CaseIterable {
    case none = 0
    /// ，；：: does not end a sentence; an opening quote right after it starts an utterance.
    case clause
    /// 、: between the items of an enumeration.
    case enumeration
    // The roles from here on are the segmenter's events (Segmenter.scanLine).
    case newline
    /// 。！？: ends a sentence (with the run of end marks and the closing marks after it).
    case end
    /// …: ends a sentence, except right after an enumeration that the sentence goes on from.
    case ellipsis
    /// . ! ? (ASCII): ends a sentence only before a space or the end of the line.
    case latinEnd
    case open
    case close
    /// 》: closes like `close`, but a sentence never ends at it.
    case titleClose
    /// ASCII ": opens when no straight quote is open, closes otherwise.
    case toggleQuote
  }

  /// What a line opening with a list marker becomes.
  public enum MarkerKind: String, Sendable {
    /// A short one-sentence line is a heading; a longer one is a list item.
    case heading = "heading-marker"
    /// Always a list item.
    case item = "item-marker"
  }

  /// Role of every BMP scalar, indexed by scalar value (scalars above the BMP have none).
  let roles: [UInt8]
  /// Closing mark → its opening mark (few entries; searched linearly, and only at closers).
  let pairs: [(close: UInt32, open: UInt32)]
  /// Characters that show a sentence goes on after an end mark and its closing marks.
  let continuing: [UInt32]
  let listMarkers: [ListMarker]
  /// 1 for every BMP scalar a list marker can open with (most lines open with none).
  let markerStarts: [UInt8]

  /// Lines up to this length without end punctuation are headings.
  public var headingMaxLength = 30
  /// Numbered lines (`一、` `（一）` `1.`) up to this length holding one sentence are headings.
  public var numberedHeadingMaxLength = 40
  /// Entries of the lexicon that could not be understood (`file:line: message`); empty when all is well.
  public private(set) var problems: [String] = []

  public init(_ lexicon: Lexicon) {
    var roles = [UInt8](repeating: 0, count: 0x10000)
    roles[0x0A] = Role.newline.rawValue
    var pairs: [(close: UInt32, open: UInt32)] = []
    var continuing: [UInt32] = []
    var markers: [ListMarker] = []
    var problems: [String] = []
    var headingMaxLength = 30, numberedHeadingMaxLength = 40
    let roleColumn = lexicon.column("role") ?? 0
    let valueColumn = lexicon.column("value") ?? 1
    for entry in lexicon.entries {
      let scalars = Array(entry.key.unicodeScalars)
      let place = "\(lexicon.file):\(entry.line)"
      let role = entry.field(roleColumn) ?? ""
      let value = entry.field(valueColumn) ?? ""
      func single() -> UInt32? {
        guard scalars.count == 1, scalars[0].value < 0x10000, scalars[0].value != 0x0A else {
          problems.append("\(place): '\(entry.key)' must be one character of the BMP for role \(role)")
          return nil
        }
        // The scan skips the CJK block without looking (Segmenter.scanLine); `continues` is apart.
        if (0x4E00...0x9FFF).contains(scalars[0].value) && role != "continues" {
          problems.append("\(place): '\(entry.key)' is a Han character; only role continues may name one")
          return nil
        }
        return scalars[0].value
      }
      switch role {
      case "end", "ellipsis", "latin-end", "clause", "enumeration", "open", "toggle-quote":
        let mapped: Role = switch role {
        case "end": .end
        case "ellipsis": .ellipsis
        case "latin-end": .latinEnd
        case "clause": .clause
        case "enumeration": .enumeration
        case "open": .open
        default: .toggleQuote
        }
        if let scalar = single() { roles[Int(scalar)] = mapped.rawValue }
      case "close", "title-close":
        guard let scalar = single() else { continue }
        guard let opener = value.unicodeScalars.first, value.unicodeScalars.count == 1 else {
          problems.append("\(place): '\(entry.key)' (\(role)) needs its opening mark in the value column")
          continue
        }
        roles[Int(scalar)] = (role == "close" ? Role.close : Role.titleClose).rawValue
        pairs.append((scalar, opener.value))
      case "continues":
        if let scalar = single() { continuing.append(scalar) }
      case "heading-marker", "item-marker":
        if let marker = ListMarker(example: scalars, kind: MarkerKind(rawValue: role)!) {
          markers.append(marker)
        } else {
          problems.append("\(place): '\(entry.key)' is not a list-marker shape")
        }
      case "setting":
        guard let number = Int(value), number >= 0 else {
          problems.append("\(place): setting \(entry.key) needs a whole number, not '\(value)'")
          continue
        }
        switch entry.key {
        case "heading-max-length": headingMaxLength = number
        case "numbered-heading-max-length": numberedHeadingMaxLength = number
        default: problems.append("\(place): unknown setting \(entry.key)")
        }
      default:
        problems.append("\(place): unknown role '\(role)' for '\(entry.key)'")
      }
    }
    for pair in pairs where roles[Int(pair.open)] != Role.open.rawValue {
      problems.append("\(lexicon.file): the opening mark U+\(String(pair.open, radix: 16, uppercase: true)) of a closing mark has no open role")
    }
    self.roles = roles
    self.pairs = pairs
    self.continuing = continuing
    self.listMarkers = markers
    var starts = [UInt8](repeating: 0, count: 0x10000)
    for marker in markers {
      switch marker.tokens[0] {
      case .literal(let value): if value < 0x10000 { starts[Int(value)] = 1 }
      case .digits: for value in 0x30...0x39 { starts[value] = 1 }
      case .chineseNumber: for value in ListMarker.chineseNumerals { starts[Int(value)] = 1 }
      case .family(let family): for value in family where value < 0x10000 { starts[Int(value)] = 1 }
      }
    }
    self.markerStarts = starts
    self.problems = problems
    self.headingMaxLength = headingMaxLength
    self.numberedHeadingMaxLength = numberedHeadingMaxLength
  }

  /// The role of a character.
  public func role(of scalar: Unicode.Scalar) -> Role {
    scalar.value < 0x10000 ? Role(rawValue: roles[Int(scalar.value)]) ?? .none : .none
  }

  /// The opening mark a closing mark pairs with.
  @inline(__always) func opener(of close: UInt32) -> UInt32? {
    for pair in pairs where pair.close == close { return pair.open }
    return nil
  }

  @inline(__always) func continues(_ scalar: UInt32) -> Bool {
    if scalar < 0x10000 {
      let role = roles[Int(scalar)]
      if role == Role.clause.rawValue || role == Role.enumeration.rawValue { return true }
    }
    for candidate in continuing where candidate == scalar { return true }
    return false
  }

  /// The list marker a line opens with, if any.
  func listMarker(_ text: UnsafeBufferPointer<Unicode.Scalar>, _ range: TextRange) -> MarkerKind? {
    let first = text[range.start].value
    guard first < 0x10000, markerStarts[Int(first)] != 0 else { return nil }
    for marker in listMarkers where marker.matches(text, range) { return marker.kind }
    return nil
  }
}

/// A numbering or bullet shape, written in marks.tsv as an example (`（一）`, `1.`, `①`, `•`):
/// a run of Chinese numerals stands for any run of one to three of them, a run of ASCII digits
/// for one to three digits, a circled number for any of its family; other characters are literal.
struct ListMarker: Sendable {
  enum Token: Sendable, Equatable {
    case literal(UInt32)
    case chineseNumber
    case digits
    case family(ClosedRange<UInt32>)
  }

  static let chineseNumerals: Set<UInt32> = Set("一二三四五六七八九十百零〇".unicodeScalars.map(\.value))
  /// ①–⑳, ⑴–⒇, ⒈–⒛, ❶–❿, ➀–➉, ➊–➓.
  static let families: [ClosedRange<UInt32>] = [
    0x2460...0x2473, 0x2474...0x2487, 0x2488...0x249B, 0x2776...0x277F, 0x2780...0x2789,
    0x278A...0x2793,
  ]

  var tokens: [Token]
  var kind: SentenceMarks.MarkerKind

  init?(example: [Unicode.Scalar], kind: SentenceMarks.MarkerKind) {
    var tokens: [Token] = []
    for scalar in example {
      let value = scalar.value
      if Self.chineseNumerals.contains(value) {
        if tokens.last != .chineseNumber { tokens.append(.chineseNumber) }
      } else if scalar.isASCIIDigit {
        if tokens.last != .digits { tokens.append(.digits) }
      } else if let family = Self.families.first(where: { $0.contains(value) }) {
        tokens.append(.family(family))
      } else {
        tokens.append(.literal(value))
      }
    }
    if tokens.isEmpty { return nil }
    self.tokens = tokens
    self.kind = kind
  }

  func matches(_ text: UnsafeBufferPointer<Unicode.Scalar>, _ range: TextRange) -> Bool {
    var index = range.start
    for token in tokens {
      guard index < range.end else { return false }
      switch token {
      case .literal(let value):
        guard text[index].value == value else { return false }
        index += 1
      case .chineseNumber, .digits:
        let start = index
        while index < range.end, index - start < 4,
          token == .digits ? text[index].isASCIIDigit : Self.chineseNumerals.contains(text[index].value)
        {
          index += 1
        }
        guard index > start, index - start <= 3 else { return false }
      case .family(let family):
        guard family.contains(text[index].value) else { return false }
        index += 1
      }
    }
    // `1.` is a marker, `2.5` is a number.
    if case .literal(let last) = tokens.last, last == 0x2E || last == 0xFF0E,
      index < range.end, text[index].isASCIIDigit
    {
      return false
    }
    return true
  }
}
