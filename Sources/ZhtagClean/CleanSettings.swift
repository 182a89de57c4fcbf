// The data clean reads from rules/clean/, turned once into the shapes the hot loops want.
import ZhtagCore

/// The data clean needs, all from `rules/clean/`.
public struct CleanRules: Sendable {
  public var lineRules: [LineRule]
  public var metaLabels: Lexicon
  /// Exact lines known to be site banners and slogans.
  public var siteFurniture: Lexicon
  /// The other tables by their key in pipeline.yaml: `features` (thresholds), `surnames`,
  /// `bylines` (byline and dateline words), `html-tags`. A missing table falls back to
  /// built-in defaults for thresholds and to nothing for word lists.
  public var tables: [String: Lexicon]

  public init(lineRules: [LineRule], metaLabels: Lexicon, siteFurniture: Lexicon,
              tables: [String: Lexicon] = [:])
  {
    self.lineRules = lineRules
    self.metaLabels = metaLabels
    self.siteFurniture = siteFurniture
    self.tables = tables
  }
}

/// Thresholds of the block features (`rules/clean/features.tsv`); the defaults are the values
/// of that file, used when a test builds clean rules without it.
struct FeatureSettings: Sendable {
  var goodMinLength = 30
  var goodMinLengthUnmarked = 70
  var nearGoodMinLength = 10
  var sentenceMarks = ScalarFilter("，。；！？、")
  var endMarks = ScalarFilter("。！？")
  var noHanMaxLength = 60
  var headingMaxLength = 40
  var headingMaxDistance = 200
  var maxLinkDensity = 0.5
  var listMinRun = 3
  var footerMinPosition = 0.34
  var titleMinLength = 4
  var titleMaxLength = 60
  var metaMaxLength = 120
  var metaMaxRest = 12
  var teaserPrefix = 20
  var bylineWindow = 40
  var nameLineMinNames = 2
  var transparentReasons: Set<String> = ["image", "stray"]
  var menuMinItems = 4
  var menuMaxItemLength = 6
  var titleSearchLines = 4
  var datelineBlocks = 8
  /// Where each threshold was read, for the reasons written into removed regions.
  var places: [String: RuleReference] = [:]
  /// Per Basic Multilingual Plane scalar: the classes `measure` counts, in one lookup.
  private(set) var flags: [UInt8] = []
  static let mark: UInt8 = 1, endMark: UInt8 = 2, fullStop: UInt8 = 4, colon: UInt8 = 8
  static let opener: UInt8 = 16, space: UInt8 = 32, digit: UInt8 = 64, asciiMark: UInt8 = 128

  private mutating func makeFlags() {
    var flags = [UInt8](repeating: 0, count: 0x10000)
    for value in 0..<0x10000 {
      guard let scalar = Unicode.Scalar(UInt32(value)) else { continue }
      var flag: UInt8 = 0
      if sentenceMarks.contains(scalar) { flag |= Self.mark }
      if endMarks.contains(scalar) { flag |= Self.endMark }
      if scalar == "。" { flag |= Self.fullStop }
      if scalar == "：" || scalar == ":" { flag |= Self.colon }
      if MetadataReader.openers.contains(scalar) { flag |= Self.opener }
      if scalar.isHorizontalSpace { flag |= Self.space }
      if scalar.isASCIIDigit { flag |= Self.digit }
      if scalar == "," || scalar == "." || scalar == ";" || scalar == "!" || scalar == "?" { flag |= Self.asciiMark }
      flags[value] = flag
    }
    self.flags = flags
  }

  init(_ lexicon: Lexicon?) {
    defer { makeFlags() }
    guard let lexicon else { return }
    for entry in lexicon.entries {
      places[entry.key] = RuleReference(id: "feature-" + entry.key, file: lexicon.file, line: entry.line)
      guard let value = entry.field(0) else { continue }
      let number = Double(value)
      let integer = number.map { Int($0) }
      switch entry.key {
      case "good-min-length": goodMinLength = integer ?? goodMinLength
      case "good-min-length-unmarked": goodMinLengthUnmarked = integer ?? goodMinLengthUnmarked
      case "neargood-min-length": nearGoodMinLength = integer ?? nearGoodMinLength
      case "sentence-marks": sentenceMarks = ScalarFilter(value)
      case "end-marks": endMarks = ScalarFilter(value)
      case "nohan-max-length": noHanMaxLength = integer ?? noHanMaxLength
      case "heading-max-length": headingMaxLength = integer ?? headingMaxLength
      case "heading-max-distance": headingMaxDistance = integer ?? headingMaxDistance
      case "max-link-density": maxLinkDensity = number ?? maxLinkDensity
      case "list-min-run": listMinRun = integer ?? listMinRun
      case "footer-min-position": footerMinPosition = number ?? footerMinPosition
      case "title-min-length": titleMinLength = integer ?? titleMinLength
      case "title-max-length": titleMaxLength = integer ?? titleMaxLength
      case "meta-max-length": metaMaxLength = integer ?? metaMaxLength
      case "meta-max-rest": metaMaxRest = integer ?? metaMaxRest
      case "teaser-prefix": teaserPrefix = integer ?? teaserPrefix
      case "byline-window": bylineWindow = integer ?? bylineWindow
      case "name-line-min-names": nameLineMinNames = integer ?? nameLineMinNames
      case "menu-min-items": menuMinItems = integer ?? menuMinItems
      case "menu-max-item-length": menuMaxItemLength = integer ?? menuMaxItemLength
      case "title-search-lines": titleSearchLines = integer ?? titleSearchLines
      case "dateline-blocks": datelineBlocks = integer ?? datelineBlocks
      case "transparent-reasons":
        transparentReasons = Set(value.split(separator: ",").map { String($0).trimmingCharacters(in: " ") })
      default: break
      }
    }
  }

  /// The reference written for a decision made by the feature `name`.
  func reference(_ name: String) -> RuleReference {
    places[name] ?? RuleReference(id: "feature-" + name, file: "rules/clean/features.tsv", line: 0)
  }
}

/// A set of words, compiled for "which of these starts here" on scalar arrays.
struct WordSet: Sendable {
  /// Words by first scalar, longest first.
  private var byFirst: [Unicode.Scalar: [[Unicode.Scalar]]] = [:]
  /// First scalars of the words, as a filter that rejects most positions without hashing.
  private var firsts = ScalarFilter()
  /// The words, as given.
  private(set) var allWords: [String] = []

  init(_ words: some Sequence<String>) {
    for word in words where !word.isEmpty {
      let scalars = Array(word.unicodeScalars)
      byFirst[scalars[0], default: []].append(scalars)
      firsts.insert(scalars[0])
      allWords.append(word)
    }
    for key in byFirst.keys { byFirst[key]!.sort { $0.count > $1.count } }
  }

  /// The length of the longest word starting at `index` and ending by `limit`, if any.
  func match(_ text: [Unicode.Scalar], at index: Int, limit: Int) -> Int? {
    guard index < limit, firsts.mayContain(text[index]), let candidates = byFirst[text[index]] else { return nil }
    for word in candidates where index + word.count <= limit {
      var offset = 1
      while offset < word.count && text[index + offset] == word[offset] { offset += 1 }
      if offset == word.count { return word.count }
    }
    return nil
  }

  func contains(_ text: [Unicode.Scalar], _ range: Range<Int>) -> Bool {
    match(text, at: range.lowerBound, limit: range.upperBound) == range.count
  }

  /// True when some word ends exactly at `end` (scanning back at most `maxLength`).
  func endsWord(_ text: [Unicode.Scalar], at end: Int, from start: Int) -> Int? {
    var best: Int?
    var index = end - 1
    while index >= start && end - index <= 8 {
      if match(text, at: index, limit: end) == end - index { best = end - index }
      index -= 1
    }
    return best
  }
}

/// A set of scalars tested in a few instructions: one bit per Basic Multilingual Plane
/// scalar; scalars beyond it always pass (the caller checks them properly).
struct ScalarFilter: Sendable {
  private var bits = [UInt64](repeating: 0, count: 1024)

  init() {}

  init(_ scalars: String) {
    for scalar in scalars.unicodeScalars { insert(scalar) }
  }

  mutating func insert(_ scalar: Unicode.Scalar) {
    guard scalar.value < 0x10000 else { return }
    bits[Int(scalar.value >> 6)] |= 1 << UInt64(scalar.value & 63)
  }

  @inline(__always) func mayContain(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    guard value < 0x10000 else { return true }
    return bits.withUnsafeBufferPointer { $0[Int(value >> 6)] & (1 << UInt64(value & 63)) != 0 }
  }

  @inline(__always) func contains(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    guard value < 0x10000 else { return false }
    return bits.withUnsafeBufferPointer { $0[Int(value >> 6)] & (1 << UInt64(value & 63)) != 0 }
  }
}

/// Words of bylines and datelines (`rules/clean/byline-words.tsv`) and surnames.
struct BylineWords: Sendable {
  var authorRoles = WordSet([String]())
  var otherRoles = WordSet([String]())
  var outletEnds = WordSet([String]())
  var datelineEnds = WordSet([String]())
  var noOutlet = WordSet([String]())
  var nameStops = WordSet([String]())
  var citeVerbs = WordSet([String]())
  var notInName: Set<Unicode.Scalar> = []
  var surnames: Set<Unicode.Scalar> = []
  var doubleSurnames = WordSet([String]())
  var place = RuleReference(id: "byline", file: "rules/clean/byline-words.tsv", line: 0)

  init(words: Lexicon?, surnames surnameList: Lexicon?) {
    if let words {
      place = RuleReference(id: "byline", file: words.file, line: 0)
      var groups: [String: [String]] = [:]
      for entry in words.entries {
        for kind in (entry.field(0) ?? "").split(separator: ",") {
          groups[String(kind).trimmingCharacters(in: " "), default: []].append(entry.key)
        }
      }
      authorRoles = WordSet(groups["author-role"] ?? [])
      otherRoles = WordSet(groups["other-role"] ?? [])
      outletEnds = WordSet(groups["outlet-end"] ?? [])
      datelineEnds = WordSet(groups["dateline-end"] ?? [])
      noOutlet = WordSet(groups["no-outlet"] ?? [])
      nameStops = WordSet(groups["name-stop"] ?? [])
      citeVerbs = WordSet(groups["cite-verb"] ?? [])
      notInName = Set((groups["not-in-name"] ?? []).flatMap(\.unicodeScalars))
    }
    if let surnameList {
      for entry in surnameList.entries {
        let scalars = Array(entry.key.unicodeScalars)
        if scalars.count == 1 { surnames.insert(scalars[0]) }
      }
      doubleSurnames = WordSet(surnameList.entries.map(\.key).filter { $0.unicodeScalars.count == 2 })
    }
  }
}

extension String {
  func trimmingCharacters(in set: String) -> String {
    var scalars = Substring(self).unicodeScalars[...]
    let drop = Set(set.unicodeScalars)
    while let first = scalars.first, drop.contains(first) { scalars = scalars.dropFirst() }
    while let last = scalars.last, drop.contains(last) { scalars = scalars.dropLast() }
    return String(String.UnicodeScalarView(scalars))
  }
}
