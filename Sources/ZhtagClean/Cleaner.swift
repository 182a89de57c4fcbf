// The clean stage: page furniture out, metadata lifted, from plain-text page dumps and HTML.
//
// Every line of a dump (every text block of an HTML page) is a block. Declarative rules
// (rules/clean/boilerplate.yaml, site-furniture.txt) decide first; blocks no rule decides get a
// class from their features (length, sentence marks, Han characters, link density, numbered
// lists), and short or borderline blocks then take their class from their neighbours, as in
// jusText. Documentation/Clean.md describes the whole procedure.
import ZhtagCore

/// Removes boilerplate from page dumps and HTML and lifts title, date, source, author, zone.
public struct Cleaner: Sendable {
  public var rules: CleanRules { data.rules }
  /// Keep boilerplate in the text (still listed under `removed`, with the text offset where it
  /// still stands) for people who want to check the decisions in context.
  public var keepBoilerplate: Bool
  /// Everything compiled from the rules, shared (a class: pages hold it without copying).
  let data: CleanData

  public init(rules: CleanRules, keepBoilerplate: Bool = false) {
    self.keepBoilerplate = keepBoilerplate
    data = CleanData(rules)
  }

  /// The rule that decides `line` on its own (trimmed), if any: for `zhtag rules test` and
  /// checks. Position-dependent decisions (footers, neighbours) are not made here.
  public func rule(for line: Substring) -> LineRule? {
    let scalars = Array(line.unicodeScalars)[...]
    return data.compiled.first { $0.matches(scalars) }?.rule
  }

  /// Cleans `document.text` in place.
  public func clean(_ document: inout Document) {
    var extraction: HTMLExtraction?
    if document.source.kind == .html {
      extraction = HTMLExtractor(settings: data.html).extract(&document)
    }
    var page = Page(text: document.text, cleaner: data, hints: extraction?.blocks)
    page.classify()
    page.findTitle(htmlTitle: extraction?.title)
    page.resolveContext()
    page.findTeasers()
    var found = page.readMetadata(extraction: extraction)
    rewrite(&document, page: page, found: &found)
  }

  // MARK: - Rewrite

  private func rewrite(_ document: inout Document, page: Page, found: inout MetaCandidates) {
    let text = document.text
    let before = document.sourceMap
    var rewriter = TextRewriter(text)
    // Removed lines: where they were, where the text now stands, why.
    var removed: [(TextRange, Int, Why, Block.Kind)] = []
    var cuts: [TextRange] = []
    for block in page.blocks where block.kind == .bad || block.kind == .meta {
      let line = block.line
      if keepBoilerplate {
        removed.append((line, line.start, block.why, block.kind))
        continue
      }
      // The line and its newline go; the last line takes the newline before it.
      var range = TextRange(line.start, min(line.end + 1, text.count))
      if line.end == text.count, line.start > 0, line.start - 1 >= rewriter.position {
        range = TextRange(line.start - 1, line.end)
      }
      rewriter.replace(range, with: [])
      cuts.append(range)
      removed.append((line, rewriter.output.count, block.why, block.kind))
    }
    if !cuts.isEmpty {
      let (newText, map) = rewriter.finish()
      document.applyRewrite(text: newText, map: map)
    }
    let hadRegions = !document.removed.isEmpty
    // Regions HTML extraction removed were placed in the text before these cuts.
    for index in document.removed.indices where !cuts.isEmpty {
      document.removed[index].textOffset = shiftedOffset(document.removed[index].textOffset, cuts)
    }
    for (range, offset, why, kind) in removed {
      let (reason, rule) = data.describe(why, kind: kind)
      document.removed.append(RemovedRegion(sourceRange: before.sourceRange(range), textOffset: offset,
                                            reason: reason, rule: rule))
    }
    if hadRegions { document.removed.sort { $0.sourceRange.start < $1.sourceRange.start } }
    func shifted(_ offset: Int) -> Int { shiftedOffset(offset, cuts) }
    var meta = document.meta
    for (name, candidate) in found.fields where meta[name] == nil {
      var candidate = candidate
      candidate.range = page.tidied(candidate.range)
      var kept = keepBoilerplate || page.isKept(candidate.range)
      var value = candidate.value
      if name == "title" || name == "source" || name == "zone", !candidate.range.isEmpty,
         document.source.kind == .text
      {
        value = MetaCandidates.tidy(Self.asWritten(candidate.range, in: text, map: before,
                                                   source: document.sourceText))
        // Written otherwise than the text has it (临沂:… for 临沂：…): no text span claims it;
        // the source span still locates it.
        if value != candidate.value { kept = false }
      }
      let range = kept ? TextRange(shifted(candidate.range.start), shifted(candidate.range.end)) : nil
      meta[name] = MetaField(
        value: value, range: range,
        sourceRange: candidate.sourceRange ?? before.sourceRange(candidate.range), rule: candidate.rule)
    }
    document.meta = meta
  }
}

/// Where an offset of the text stands after `cuts` (sorted, disjoint) are taken out; an offset
/// inside a cut goes to where the cut was.
func shiftedOffset(_ offset: Int, _ cuts: [TextRange]) -> Int {
  var removedBefore = 0
  for cut in cuts {
    if cut.end <= offset {
      removedBefore += cut.count
    } else {
      if cut.start < offset { removedBefore += offset - cut.start }
      break
    }
  }
  return offset - removedBefore
}

extension Cleaner {
  /// Full-width marks that decode may have made of ASCII ones.
  static let asciiForms: [Unicode.Scalar: Unicode.Scalar] = [
    "：": ":", "，": ",", "；": ";", "！": "!", "？": "?", "（": "(", "）": ")",
  ]

  /// A span of the text with decode's punctuation changes undone: metadata values are given
  /// as written (gold/GUIDE.md §2: the headline as written, in simplified characters). A mark
  /// maps to one source character, or into a larger rewritten region (traditional phrases,
  /// pinyin) where the n-th mark of the text is the n-th of the source.
  static func asWritten(_ range: TextRange, in text: [Unicode.Scalar], map: SourceMap,
                        source: [Unicode.Scalar]) -> String
  {
    if !text[range.start..<range.end].contains(where: { asciiForms[$0] != nil }) {
      return text[range.start..<range.end].utf8String
    }
    var output: [Unicode.Scalar] = []
    var used: [TextRange: Int] = [:]
    for index in range.start..<range.end {
      let scalar = text[index]
      guard let ascii = asciiForms[scalar] else {
        output.append(scalar)
        continue
      }
      let origin = map.sourceRange(TextRange(index, index + 1))
      if origin.count == 1 {
        let written = source[origin.start]
        output.append(written == ascii ? ascii : scalar)
        continue
      }
      let nth = used[origin, default: 0]
      used[origin] = nth + 1
      var seen = 0
      var written = scalar
      for offset in origin.start..<origin.end where source[offset] == scalar || source[offset] == ascii {
        if seen == nth {
          written = source[offset]
          break
        }
        seen += 1
      }
      output.append(written)
    }
    return output[...].utf8String
  }
}

extension ArraySlice where Element == Unicode.Scalar {
  /// The scalars as a String, encoded in one pass (appending scalars to a String one by one
  /// is several times slower).
  var utf8String: String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count * 3)
    for scalar in self {
      let value = scalar.value
      if value < 0x80 {
        bytes.append(UInt8(value))
      } else if value < 0x800 {
        bytes.append(UInt8(0xC0 | (value >> 6)))
        bytes.append(UInt8(0x80 | (value & 0x3F)))
      } else if value < 0x10000 {
        bytes.append(UInt8(0xE0 | (value >> 12)))
        bytes.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
        bytes.append(UInt8(0x80 | (value & 0x3F)))
      } else {
        bytes.append(UInt8(0xF0 | (value >> 18)))
        bytes.append(UInt8(0x80 | ((value >> 12) & 0x3F)))
        bytes.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
        bytes.append(UInt8(0x80 | (value & 0x3F)))
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}

// MARK: - Blocks

/// One line of the text (one block of an HTML page) and what clean decided about it.
struct Block {
  enum Kind: String { case empty, good, nearGood, short, bad, meta, title }

  /// The line without its newline.
  var line: TextRange
  /// The line without leading and trailing spaces.
  var range: TextRange
  /// Characters other than spaces.
  var length = 0
  var han = 0
  /// Sentence marks (，。；！？、).
  var marks = 0
  /// Contains a sentence end (。！？).
  var endMark = false
  var hasFullStop = false
  /// Cheap flags that say whether a block can be a metadata line at all.
  var colon = false
  var opener = false
  var digitRun = 0
  /// The number a list item starts with (1. 第2名 3、).
  var number: Int?
  /// In a run of numbered lines (features.tsv list-min-run).
  var inList = false
  var kind = Kind.short
  /// Decided by a rule: neighbours never change it.
  var strong = false
  /// Why it was decided so (a compact code: blocks copy without reference counting).
  var why = Why.none
  /// The line holds a footer rule that fires here.
  var footerStart = false
  /// From HTML: share of link characters, heading and furniture-class hints.
  var linkDensity = 0.0
  var heading = false
  var furnitureHint = false
  /// The line in meta-labels.tsv of a label on this metadata line that closes the article
  /// (责任编辑), or 0.
  var closes = 0
  /// Dropped, but neighbours look through it (images, stray marks): features.tsv
  /// `transparent-reasons`.
  var transparent = false
}

/// Why a block was decided as it was.
enum Why: Equatable {
  case none
  /// A line rule, by its index among the compiled rules.
  case rule(Int)
  /// Below a footer rule (its index).
  case footer(Int)
  /// Below an editor's line (the closing label's line in meta-labels.tsv).
  case afterArticle(Int)
  case feature(Feature)

  enum Feature: Hashable, CaseIterable {
    case siteFurniture, menu, noHan, linkDensity, contextShort, contextNearGood, teaser
    case metaLine, dateLine, bylineLine
  }
}

/// The compiled rules and tables of a run.
final class CleanData: Sendable {
  let rules: CleanRules
  let metadata: MetadataReader
  let furniture: Set<[Unicode.Scalar]>
  let furnitureMaxLength: Int
  /// Per compiled rule: its reason is one of features.tsv transparent-reasons.
  let transparentRules: [Bool]
  let matcher: RuleMatcher
  var compiled: [CompiledLineRule] { matcher.rules }
  let features: FeatureSettings
  let bylines: BylineReader
  let html: HTMLSettings

  init(_ rules: CleanRules) {
    self.rules = rules
    metadata = MetadataReader(rules.metaLabels)
    furniture = Set(rules.siteFurniture.entries.map { Array($0.key.unicodeScalars) })
    furnitureMaxLength = furniture.map(\.count).max() ?? 0
    matcher = RuleMatcher(rules.lineRules)
    let features = FeatureSettings(rules.tables["features"])
    self.features = features
    bylines = BylineReader(BylineWords(words: rules.tables["bylines"], surnames: rules.tables["surnames"]))
    html = HTMLSettings(rules.tables["html-tags"])
    transparentRules = matcher.rules.map { features.transparentReasons.contains($0.rule.reason) }
    var reasons: [Why.Feature: (String, RuleReference?)] = [:]
    for feature in Why.Feature.allCases {
      reasons[feature] = Self.describe(feature, features: features, furnitureFile: rules.siteFurniture.file)
    }
    featureReasons = reasons
  }

  /// The reason and reference of each feature decision, made once.
  let featureReasons: [Why.Feature: (String, RuleReference?)]

  static func describe(_ feature: Why.Feature, features: FeatureSettings, furnitureFile: String)
    -> (String, RuleReference?)
  {
    switch feature {
    case .siteFurniture: return ("site-furniture", RuleReference(id: "site-furniture", file: furnitureFile, line: 0))
    case .menu: return ("menu", features.reference("menu-min-items"))
    case .noHan: return ("no-han", features.reference("nohan-max-length"))
    case .linkDensity: return ("link-density", features.reference("max-link-density"))
    case .contextShort: return ("context", features.reference("heading-max-distance"))
    case .contextNearGood: return ("context", features.reference("neargood-min-length"))
    case .teaser: return ("teaser", features.reference("teaser-prefix"))
    case .metaLine: return ("meta", features.reference("meta-max-rest"))
    case .dateLine: return ("meta", features.reference("meta-max-length"))
    case .bylineLine: return ("meta", features.reference("name-line-min-names"))
    }
  }
}

extension CleanData {
  /// The reason and rule reference written for a decision.
  func describe(_ why: Why, kind: Block.Kind) -> (String, RuleReference?) {
    if case .feature(let feature) = why, let known = featureReasons[feature] {
      return (kind == .meta ? "meta" : known.0, known.1)
    }
    return describeSlowly(why, kind: kind)
  }

  func describeSlowly(_ why: Why, kind: Block.Kind) -> (String, RuleReference?) {
    let reason: String
    let rule: RuleReference?
    switch why {
    case .none:
      reason = "boilerplate"
      rule = nil
    case .rule(let index):
      reason = compiled[index].rule.reason
      rule = compiled[index].rule.reference
    case .footer(let index):
      reason = "footer"
      rule = compiled[index].rule.reference
    case .afterArticle(let line):
      reason = "after-article"
      rule = RuleReference(id: "meta-label", file: metadata.file, line: line)
    case .feature(let feature):
      (reason, rule) = Self.describe(feature, features: features, furnitureFile: rules.siteFurniture.file)
    }
    return (kind == .meta ? "meta" : reason, rule)
  }
}

/// The blocks of one text with their decisions.
struct Page {
  let text: [Unicode.Scalar]
  let cleaner: CleanData
  var blocks: [Block] = []
  var titleIndex: Int?
  /// Labels found on each metadata line, kept for reading values.
  var labelHits: [Int: [LabelHit]] = [:]
  /// Scratch space of `metaLine`.
  private var scratch: [Bool] = []

  var features: FeatureSettings { cleaner.features }

  init(text: [Unicode.Scalar], cleaner: CleanData, hints: [HTMLBlockHint]?) {
    self.text = text
    self.cleaner = cleaner
    var start = 0
    var index = 0
    let count = text.count
    blocks.reserveCapacity(count / 40 + 1)
    while index <= count {
      if index == count || text[index] == "\n" {
        var block = Block(line: TextRange(start, index), range: TextRange(start, index))
        measure(&block)
        if let hints, blocks.count < hints.count {
          let hint = hints[blocks.count]
          block.linkDensity = hint.linkDensity
          block.heading = hint.heading
          block.furnitureHint = hint.furniture
        }
        blocks.append(block)
        start = index + 1
      }
      index += 1
    }
  }

  /// Trims a block and counts its characters.
  private func measure(_ block: inout Block) {
    var start = block.line.start
    var end = block.line.end
    while start < end, text[start].isHorizontalSpace { start += 1 }
    while end > start, text[end - 1].isHorizontalSpace { end -= 1 }
    block.range = TextRange(start, end)
    if start == end {
      block.kind = .empty
      return
    }
    let counts = cleaner.features.flags.withUnsafeBufferPointer { flags in
      text.withUnsafeBufferPointer { text in Self.count(text, flags, start, end) }
    }
    block.han = counts.han
    block.length = counts.length
    block.marks = counts.marks
    block.digitRun = counts.digitRun
    block.endMark = counts.endMark
    block.hasFullStop = counts.fullStop
    block.colon = counts.colon
    block.opener = counts.opener
    block.number = Self.listNumber(text, block.range)
  }

  struct Counts {
    var han = 0, length = 0, marks = 0, digitRun = 0
    var endMark = false, fullStop = false, colon = false, opener = false
  }

  /// The character counts of `text[start..<end]` in one pass (no captured state: the loop
  /// stays in registers).
  static func count(_ text: UnsafeBufferPointer<Unicode.Scalar>, _ flags: UnsafeBufferPointer<UInt8>,
                    _ start: Int, _ end: Int) -> Counts
  {
    var counts = Counts()
    var han = 0, length = 0, marks = 0, digits = 0, digitRun = 0
    var index = start
    while index < end {
      let scalar = text[index]
      let value = scalar.value
      index &+= 1
      if value >= 0x4E00 && value <= 0x9FFF {
        han &+= 1
        length &+= 1
        digits = 0
        continue
      }
      let flag = value < 0x10000 ? flags[Int(value)] : 0
      if flag & FeatureSettings.space != 0 { continue }
      if scalar.isHan { han &+= 1 }
      length &+= 1
      if flag & FeatureSettings.digit != 0 {
        digits &+= 1
        if digits > digitRun { digitRun = digits }
        continue
      }
      digits = 0
      guard flag != 0 else { continue }
      if flag & FeatureSettings.colon != 0 { counts.colon = true }
      if flag & FeatureSettings.opener != 0 { counts.opener = true }
      if flag & FeatureSettings.mark != 0 {
        marks &+= 1
        if flag & FeatureSettings.endMark != 0 { counts.endMark = true }
        if flag & FeatureSettings.fullStop != 0 { counts.fullStop = true }
      } else if flag & FeatureSettings.asciiMark != 0, index < end, text[index] == " " || text[index].isHan {
        // Prose in Latin script, and ASCII marks that decode left beside Chinese (HTML).
        marks &+= 1
        if scalar != "," && scalar != ";" { counts.endMark = true }
        if scalar == "." && text[index].isHan { counts.fullStop = true }
      }
    }
    counts.han = han
    counts.length = length
    counts.marks = marks
    counts.digitRun = digitRun
    return counts
  }

  /// `1.江苏昆山市` → 1, `第3名，…` → 3, `2、…` → 2; not dates or amounts (`2008年`, `1.5亿`).
  static func listNumber(_ text: [Unicode.Scalar], _ range: TextRange) -> Int? {
    var index = range.start
    if index < range.end, text[index] == "第" || text[index] == "并" {
      if text[index] == "并" {
        guard index + 2 < range.end, text[index + 1] == "列", text[index + 2] == "第" else { return nil }
        index += 2
      }
      index += 1
    }
    var value = 0
    let digitsStart = index
    while index < range.end, text[index].isASCIIDigit, index - digitsStart < 3 {
      value = value * 10 + Int(text[index].value - 0x30)
      index += 1
    }
    guard index > digitsStart, index < range.end else { return nil }
    let next = text[index]
    if "年月日时点%％.．:：-/万亿元个家项".unicodeScalars.contains(next) {
      // `1.` followed by text is a list number; `1.5` is not.
      if next == "." || next == "．" {
        guard index + 1 < range.end, !text[index + 1].isASCIIDigit else { return nil }
        return value
      }
      return nil
    }
    if next.isASCIIDigit { return nil }
    return value
  }

  /// A value's range without surrounding spaces and `|`, and without book-title marks around
  /// it (as `MetaCandidates.tidy` does to the value).
  func tidied(_ range: TextRange) -> TextRange {
    func loose(_ scalar: Unicode.Scalar) -> Bool { scalar.isHorizontalSpace || scalar == "|" || scalar == "｜" }
    var start = range.start
    var end = range.end
    while start < end, loose(text[start]) { start += 1 }
    while end > start, loose(text[end - 1]) { end -= 1 }
    if end - start > 2, text[start] == "《", text[end - 1] == "》",
       !text[(start + 1)..<(end - 1)].contains("《")
    {
      start += 1
      end -= 1
    }
    return TextRange(start, end)
  }

  func isKept(_ range: TextRange) -> Bool {
    guard let block = blocks.first(where: { $0.line.contains(range) }) else { return true }
    return block.kind != .bad && block.kind != .meta
  }

  func string(_ range: TextRange) -> String { text[range.start..<range.end].utf8String }

  // MARK: - Rules and features

  mutating func classify() {
    let count = blocks.count
    let firstGoodGuess = blocks.firstIndex { $0.length >= features.goodMinLength && $0.marks > 0 } ?? count
    for index in blocks.indices where blocks[index].kind != .empty {
      var block = blocks[index]
      let slice = text[block.range.start..<block.range.end]
      let matchedIndex = cleaner.matcher.firstMatch(slice)
      let matched = matchedIndex.map { cleaner.compiled[$0].rule }
      // A metadata line that also carries furniture (… 说两句 分享到：) is metadata: it goes
      // either way, but its values are read and neighbours look through it.
      if matched?.action == .drop, let meta = metaLine(index, belowBody: index > firstGoodGuess) {
        block.kind = .meta
        block.why = .feature(meta)
        block.closes = blocks[index].closes
      } else if let rule = matched, let ruleIndex = matchedIndex {
        block.strong = true
        block.why = .rule(ruleIndex)
        switch rule.action {
        case .drop:
          block.kind = .bad
          block.transparent = cleaner.transparentRules[ruleIndex]
        case .meta:
          block.kind = .meta
          let hits = cleaner.metadata.labels(in: text, block.range, anywhere: true)
          labelHits[index] = hits
          block.closes = hits.first(where: { $0.closes })?.line ?? 0
        case .footer:
          block.kind = .bad
          block.footerStart = Double(index) >= features.footerMinPosition * Double(count)
        }
      } else if slice.count <= cleaner.furnitureMaxLength, cleaner.furniture.contains(Array(slice)) {
        block.kind = .bad
        block.strong = true
        block.why = .feature(.siteFurniture)
      } else if isMenu(block) {
        block.kind = .bad
        block.strong = true
        block.why = .feature(.menu)
      } else if let meta = metaLine(index, belowBody: index > firstGoodGuess) {
        block.kind = .meta
        block.why = .feature(meta)
        block.closes = blocks[index].closes
      } else {
        block.kind = featureClass(block)
        if block.kind == .bad { block.why = .feature(block.han == 0 ? .noHan : .linkDensity) }
      }
      blocks[index] = block
    }
    markLists()
    applyFooters()
  }

  /// A menu: several short items side by side, no sentence marks (首页 江苏要闻 融媒产品 图片 …).
  func isMenu(_ block: Block) -> Bool {
    guard block.marks == 0, block.length <= features.menuMinItems * features.menuMaxItemLength else {
      return false
    }
    var items = 0
    var itemLength = 0
    for index in block.range.start...block.range.end {
      if index == block.range.end || Self.isSpace(text[index]) || text[index] == "｜" {
        if itemLength > features.menuMaxItemLength { return false }
        if itemLength > 0 { items += 1 }
        itemLength = 0
      } else {
        itemLength += 1
      }
    }
    return items >= features.menuMinItems
  }

  /// The class a block's own features give (jusText's first pass).
  func featureClass(_ block: Block) -> Block.Kind {
    if block.linkDensity > features.maxLinkDensity && block.length < features.goodMinLengthUnmarked * 2 {
      return .bad
    }
    if block.length >= features.goodMinLength && block.marks > 0 { return block.furnitureHint ? .nearGood : .good }
    if block.length >= features.goodMinLengthUnmarked && block.han * 2 >= block.length {
      return block.furnitureHint ? .nearGood : .good
    }
    if block.han == 0 && block.marks == 0 && block.length <= features.noHanMaxLength { return .bad }
    if block.furnitureHint { return .bad }
    if block.marks > 0 && block.length >= features.nearGoodMinLength { return .nearGood }
    return .short
  }

  /// Runs of numbered lines (1, 2, 3 …) are lists: their short items are near-good.
  private mutating func markLists() {
    var run: [Int] = []
    func close(_ page: inout Page) {
      if run.count >= page.features.listMinRun {
        for index in run {
          page.blocks[index].inList = true
          if page.blocks[index].kind == .short {
            page.blocks[index].kind = .nearGood
          }
        }
      }
      run = []
    }
    for index in blocks.indices {
      let block = blocks[index]
      if block.kind == .empty { continue }
      if let number = block.number, !block.strong, block.kind != .meta {
        if let last = run.last, let previous = blocks[last].number, number == previous + 1 {
          run.append(index)
          continue
        }
        close(&self)
        run = [index]
      } else {
        close(&self)
      }
    }
    close(&self)
  }

  /// A footer rule (in the lower part of the page) and an editor's line below the body end
  /// the article: later blocks go, metadata lines excepted.
  private mutating func applyFooters() {
    var seenGood = false
    for index in blocks.indices {
      let block = blocks[index]
      if block.kind == .good { seenGood = true }
      var why: Why?
      if block.footerStart, case .rule(let rule) = block.why {
        why = .footer(rule)
      } else if block.kind == .meta && block.closes > 0 && seenGood {
        why = .afterArticle(block.closes)
      }
      guard let why else { continue }
      // Below a footer only labelled metadata lines count (dated headlines of a list do not).
      for later in (index + 1)..<blocks.count where blocks[later].kind != .empty {
        if blocks[later].kind == .meta && (blocks[later].strong || blocks[later].why == .feature(.metaLine)) { continue }
        blocks[later].kind = .bad
        blocks[later].strong = true
        blocks[later].transparent = false
        blocks[later].why = why
      }
      return
    }
  }

  // MARK: - Metadata lines

  /// Why the block is a metadata line (labels, a date, a byline), if it is.
  mutating func metaLine(_ index: Int, belowBody: Bool) -> Why.Feature? {
    let block = blocks[index]
    let range = block.range
    guard block.length <= features.metaMaxLength else { return nil }
    let canLabel = block.colon || block.opener
    let canDate = block.digitRun >= 4
    let canByline = block.length <= 30 && !block.endMark
    guard canLabel || canDate || canByline else { return nil }
    // Longer lines qualify only with a label or a date at their start.
    if block.length > 30 {
      var lead = range.start
      while lead < range.end, MetadataReader.openers.contains(text[lead]) || text[lead].isHorizontalSpace
        || text[lead] == "•" || text[lead] == "《"
      {
        lead += 1
      }
      let labelFirst = canLabel && cleaner.metadata.labels.match(text, at: lead, limit: range.end) != nil
      var dateFirst = false
      if canDate {
        // After an outlet in book-title marks: 《光明日报》（2025年11月08日 03版）.
        var probe = lead
        if text[range.start] == "《", let close = text[lead..<range.end].firstIndex(of: "》") {
          probe = close + 1
          while probe < range.end, MetadataReader.openers.contains(text[probe]) { probe += 1 }
        }
        dateFirst = DateFinder.date(text, at: probe, limit: range.end) != nil
          || DateFinder.date(text, at: lead, limit: range.end) != nil
      }
      guard labelFirst || dateFirst else { return nil }
    }
    // One buffer per page, not one per line.
    var covered: [Bool] = []
    swap(&covered, &scratch)
    defer { swap(&covered, &scratch) }
    if covered.count < range.count { covered = [Bool](repeating: false, count: max(range.count, 128)) }
    for offset in 0..<range.count { covered[offset] = false }
    func cover(_ start: Int, _ end: Int) {
      for offset in max(start, range.start)..<min(end, range.end) { covered[offset - range.start] = true }
    }
    let hits = canLabel ? cleaner.metadata.labels(in: text, range, anywhere: true) : []
    var labelAtStart = false
    if let first = hits.first {
      var lead = range.start
      while lead < first.start, MetadataReader.openers.contains(text[lead]) || text[lead].isHorizontalSpace
        || text[lead] == "•"
      {
        lead += 1
      }
      labelAtStart = lead == first.start
    }
    for (position, hit) in hits.enumerated() {
      cover(hit.start, cleaner.metadata.valueEnd(hits, position, in: text, limit: range.end))
    }
    let dates = canDate ? DateFinder.find(text, range) : []
    for date in dates {
      cover(date.range.start, DateFinder.timeEnd(text, at: date.range.end, limit: range.end) ?? date.range.end)
    }
    var dateAtStart = false
    if let first = dates.first {
      var lead = range.start
      while lead < first.range.start,
            MetadataReader.openers.contains(text[lead]) || text[lead].isHorizontalSpace
      {
        lead += 1
      }
      dateAtStart = lead == first.range.start
    }
    // The rest: letters, digits and Han characters that are neither labels, values nor dates.
    func rest() -> (count: Int, fullStop: Bool) {
      var count = 0
      var fullStop = false
      for offset in 0..<range.count where !covered[offset] {
        let scalar = text[range.start + offset]
        if scalar.isHan || scalar.isASCIIDigit || scalar.isASCIILetter { count += 1 }
        if scalar == "。" { fullStop = true }
      }
      return (count, fullStop)
    }
    if (labelAtStart || (dateAtStart && !hits.isEmpty)) {
      let (count, fullStop) = rest()
      if count <= features.metaMaxRest && !fullStop {
        labelHits[index] = hits
        blocks[index].closes = hits.first(where: { $0.closes })?.line ?? 0
        return .metaLine
      }
    }
    if !dates.isEmpty && (dateAtStart || block.length <= 30) && block.marks == 0 || (dateAtStart && !block.hasFullStop && block.marks <= 2) {
      if !dates.isEmpty {
        // Names and outlets beside the date count as metadata too (福建日报 2020-10-14).
        var (count, fullStop) = rest()
        if count > features.metaMaxRest {
          var cursor = range.start
          var kept = 0
          while cursor < range.end {
            if !covered[cursor - range.start] && !Self.isSpace(text[cursor]) {
              var end = cursor
              while end < range.end && !covered[end - range.start] && !Self.isSpace(text[end]) { end += 1 }
              if cleaner.bylines.byline(text, TextRange(cursor, end), allowOutlet: true, whole: true) == nil {
                kept += text[cursor..<end].filter { $0.isHan || $0.isASCIIDigit || $0.isASCIILetter }.count
              }
              cursor = end
            } else {
              cursor += 1
            }
          }
          count = kept
        }
        if count <= features.metaMaxRest && !fullStop {
          labelHits[index] = hits
          return .dateLine
        }
      }
    }
    if hits.isEmpty && dates.isEmpty && block.length <= 30 && !block.endMark && mayBeByline(range, belowBody: belowBody) {
      if let dateline = cleaner.bylines.dateline(text, range, window: range.count),
         dateline.end == range.end
      {
        return .bylineLine
      }
      var inner = range
      if inner.count > 2, MetadataReader.openers.contains(text[inner.start]),
         MetadataReader.closers.contains(text[inner.end - 1])
      {
        inner = TextRange(inner.start + 1, inner.end - 1)
      }
      if let byline = cleaner.bylines.byline(text, inner, allowOutlet: true, whole: true) {
        let names = byline.names.count
        let outletOnly = names == 0 && byline.outlet == inner
          && cleaner.bylines.outletRun(text, from: inner.start, limit: inner.end) != nil
        if names >= features.nameLineMinNames || (byline.outlet != nil && names >= 1)
          || (byline.hasRole && names >= 1) || outletOnly || (names == 1 && belowBody)
        {
          return .bylineLine
        }
      }
    }
    return nil
  }

  static func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar.isHorizontalSpace || scalar == "|" }

  /// A cheap test before parsing a line as a byline: names are separated (孙步东 刘亚琼), roles
  /// or datelines are written (记者, 本报讯), or the line ends like an outlet (香港电台); a lone
  /// short name counts below the body.
  func mayBeByline(_ range: TextRange, belowBody: Bool) -> Bool {
    if belowBody && range.count <= 4 { return true }
    let words = cleaner.bylines.words
    for index in range.start..<range.end {
      let scalar = text[index]
      if BylineReader.separators.contains(scalar) || MetadataReader.openers.contains(scalar) { return true }
      if words.authorRoles.match(text, at: index, limit: range.end) != nil
        || words.datelineEnds.match(text, at: index, limit: range.end) != nil
      {
        return true
      }
    }
    return words.outletEnds.endsWord(text, at: range.end, from: range.start) != nil
  }

  // MARK: - Neighbours

  /// jusText's second pass: headings above good text become near-good; short blocks take the
  /// class of their neighbours, near-good blocks are good unless both neighbours are bad.
  /// Empty, metadata and title lines are transparent; page edges count as bad.
  mutating func resolveContext() {
    var good = blocks.contains { $0.kind == .good }
    if !good {
      // No prose at all (a list, a short notice): near-good blocks carry the page.
      for index in blocks.indices where blocks[index].kind == .nearGood { blocks[index].kind = .good }
      good = blocks.contains { $0.kind == .good }
    }
    if !good {
      for index in blocks.indices where blocks[index].kind == .short { blocks[index].kind = .good }
      return
    }
    // Headings.
    for index in blocks.indices where blocks[index].kind == .short && isHeading(blocks[index]) {
      var distance = 0
      var next = index + 1
      while next < blocks.count && distance <= features.headingMaxDistance {
        let block = blocks[next]
        if block.kind == .good {
          blocks[index].kind = .nearGood
          break
        }
        if block.kind == .bad && block.strong && !block.transparent { break }
        distance += block.length
        next += 1
      }
    }
    // Short blocks.
    var decided: [(Int, Block.Kind)] = []
    for index in blocks.indices where blocks[index].kind == .short {
      let previous = neighbour(index, step: -1, ignoreNearGood: true)
      let next = neighbour(index, step: 1, ignoreNearGood: true)
      let kind: Block.Kind
      if previous == .good && next == .good {
        kind = .good
      } else if previous == .bad && next == .bad {
        kind = .bad
      } else if (previous == .bad && neighbour(index, step: -1, ignoreNearGood: false) == .nearGood)
        || (next == .bad && neighbour(index, step: 1, ignoreNearGood: false) == .nearGood)
      {
        kind = .good
      } else {
        kind = .bad
      }
      decided.append((index, kind))
    }
    for (index, kind) in decided {
      blocks[index].kind = kind
      if kind == .bad { blocks[index].why = .feature(.contextShort) }
    }
    // Near-good blocks.
    for index in blocks.indices where blocks[index].kind == .nearGood {
      let previous = neighbour(index, step: -1, ignoreNearGood: true)
      let next = neighbour(index, step: 1, ignoreNearGood: true)
      if previous == .bad && next == .bad {
        blocks[index].kind = .bad
        blocks[index].why = .feature(.contextNearGood)
      } else {
        blocks[index].kind = .good
      }
    }
  }

  func isHeading(_ block: Block) -> Bool {
    block.heading || (!block.endMark && block.length <= features.headingMaxLength)
  }

  /// The class of the nearest block before (step -1) or after (step 1) that is good or bad
  /// (or near-good, unless ignored); short, empty, metadata and title blocks are skipped.
  func neighbour(_ index: Int, step: Int, ignoreNearGood: Bool) -> Block.Kind {
    var cursor = index + step
    while cursor >= 0 && cursor < blocks.count {
      switch blocks[cursor].kind {
      case .bad: if !blocks[cursor].transparent { return .bad }
      case .good: return .good
      case .nearGood: if !ignoreNearGood { return .nearGood }
      default: break
      }
      cursor += step
    }
    return .bad
  }

  /// A summary cut with … or ... whose beginning starts a later block: the page shows the
  /// teaser and then the full text.
  mutating func findTeasers() {
    let prefix = features.teaserPrefix
    for index in blocks.indices where blocks[index].kind == .good {
      let range = blocks[index].range
      guard range.count > prefix else { continue }
      let last = text[range.end - 1]
      let ellipsis = last == "…" || (last == "." && range.count >= 3 && text[range.end - 2] == "." && text[range.end - 3] == ".")
      guard ellipsis else { continue }
      let head = Array(text[range.start..<range.start + prefix])
      for later in (index + 1)..<blocks.count where blocks[later].kind == .good {
        let other = blocks[later].range
        if other.count >= prefix && text[other.start..<other.start + prefix].elementsEqual(head) {
          blocks[index].kind = .bad
          blocks[index].strong = true
          blocks[index].why = .feature(.teaser)
          break
        }
      }
    }
  }

  // MARK: - Title

  /// A line that could be a headline: not too short or long, no full stop, not a lead-in.
  func isTitleLike(_ block: Block) -> Bool {
    guard block.length >= features.titleMinLength && block.length <= features.titleMaxLength,
          !block.hasFullStop, !block.inList || block.heading else { return false }
    // Not a lead-in (…：) and not cut short (… or ...).
    let last = text[block.range.end - 1]
    return last != "：" && last != ":" && last != "，" && last != "," && last != "…" && last != "."
  }

  /// The headline: the longest title-like line above the first body paragraph, looking up
  /// from the body through metadata and short lines until page furniture that a rule dropped
  /// (site names, section tags and subtitles are shorter; headline lists of other articles
  /// sit beyond the furniture). On an HTML page, the block the page's <title> starts with.
  mutating func findTitle(htmlTitle: (text: String, range: TextRange)?) {
    let firstBody = blocks.firstIndex { $0.kind == .good && !isTitleLike($0) } ?? blocks.count
    var best: Int?
    var cursor = firstBody - 1
    while cursor >= 0 {
      let block = blocks[cursor]
      if block.kind == .bad && block.strong && !block.transparent {
        if best != nil { break }
      } else if block.kind == .good || block.kind == .short || block.kind == .nearGood,
                block.han > 0, isTitleLike(block)
      {
        if best == nil || block.length >= blocks[best!].length { best = cursor }
      }
      cursor -= 1
    }
    if best == nil {
      // A headline below a first paragraph or a date (a notice and its plan, a bilingual page):
      // a title-like line among the first lines with body text right below it.
      var seen = 0
      for index in blocks.indices where blocks[index].kind != .empty {
        seen += 1
        if seen > features.titleSearchLines { break }
        let block = blocks[index]
        guard seen > 1, block.kind == .short || block.kind == .nearGood, block.han > 0, isTitleLike(block) else {
          continue
        }
        if let next = blocks[(index + 1)...].firstIndex(where: { $0.kind != .empty && $0.kind != .meta }),
           blocks[next].kind == .good, !isTitleLike(blocks[next])
        {
          best = index
          break
        }
      }
    }
    if let htmlTitle {
      let page = Array(htmlTitle.text.unicodeScalars)
      var bestMatch = 0
      for index in 0..<min(blocks.count, max(firstBody + 1, blocks.count / 2 + 1)) {
        let block = blocks[index]
        guard block.kind != .empty, block.kind != .meta, block.han > 0,
              isTitleLike(block) || block.heading else { continue }
        let line = text[block.range.start..<block.range.end]
        if line.count >= features.titleMinLength && page.starts(with: line) && line.count > bestMatch {
          bestMatch = line.count
          best = index
        }
      }
    }
    if let best {
      blocks[best].kind = .title
      blocks[best].why = .none
      blocks[best].strong = false
      titleIndex = best
    }
  }
}
