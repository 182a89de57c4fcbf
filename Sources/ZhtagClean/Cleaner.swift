// The clean stage for line-structured page dumps: drops furniture lines, lifts metadata.
import ZhtagCore

/// The data clean needs, all from `rules/clean/`.
public struct CleanRules: Sendable {
  public var lineRules: [LineRule]
  public var metaLabels: Lexicon
  /// Exact lines known to be site banners and slogans.
  public var siteFurniture: Lexicon

  public init(lineRules: [LineRule], metaLabels: Lexicon, siteFurniture: Lexicon) {
    self.lineRules = lineRules
    self.metaLabels = metaLabels
    self.siteFurniture = siteFurniture
  }
}

/// What clean decided about one line.
public struct LineDecision: Sendable, Equatable {
  public enum Verdict: String, Sendable { case keep, drop, meta, footer, title, empty }
  public var verdict: Verdict
  public var rule: RuleReference?
  public var reason: String?
}

/// Removes boilerplate from plain-text page dumps and lifts title, date, source, author, zone.
public struct Cleaner: Sendable {
  public var rules: CleanRules
  /// Keep boilerplate in the text (still listed under `removed`, with `kept: true`) for people
  /// who want to check the decisions in context.
  public var keepBoilerplate: Bool
  private let metadata: MetadataReader
  private let furniture: Set<[Unicode.Scalar]>
  private let compiled: [CompiledLineRule]

  /// Lines longer than this are never a title.
  static let titleMaxLength = 60

  public init(rules: CleanRules, keepBoilerplate: Bool = false) {
    self.rules = rules
    self.keepBoilerplate = keepBoilerplate
    self.metadata = MetadataReader(rules.metaLabels)
    self.furniture = Set(rules.siteFurniture.entries.map { Array($0.key.unicodeScalars) })
    self.compiled = rules.lineRules.map(CompiledLineRule.init)
  }

  /// The decision for one trimmed line, ignoring its position in the page.
  public func classify(_ line: Substring) -> LineDecision {
    classify(Array(line.unicodeScalars)[...])
  }

  func classify(_ line: ArraySlice<Unicode.Scalar>) -> LineDecision {
    if line.isEmpty { return LineDecision(verdict: .empty) }
    for compiledRule in compiled where compiledRule.matches(line) {
      let rule = compiledRule.rule
      let verdict: LineDecision.Verdict
      switch rule.action {
      case .drop: verdict = .drop
      case .meta: verdict = .meta
      case .footer: verdict = .footer
      }
      return LineDecision(verdict: verdict, rule: rule.reference, reason: rule.reason)
    }
    if furniture.contains(Array(line)) {
      return LineDecision(verdict: .drop, rule: nil, reason: "site-furniture")
    }
    return LineDecision(verdict: .keep)
  }

  /// Cleans `document.text` in place.
  public func clean(_ document: inout Document) {
    let text = document.text
    let lines = Self.lines(text)
    var decisions = lines.map { line -> LineDecision in
      let trimmed = Self.trim(line, in: text)
      return classify(text[trimmed.start..<trimmed.end])
    }
    // A footer marker in the last two thirds of the page takes every later line with it,
    // except metadata lines, which are still lifted.
    if let footer = decisions.indices.first(where: {
      $0 * 3 >= lines.count && decisions[$0].verdict == .footer
    }) {
      for index in footer..<lines.count where decisions[index].verdict != .meta {
        decisions[index] = LineDecision(verdict: .drop, rule: decisions[footer].rule, reason: "footer")
      }
    }
    for index in decisions.indices where decisions[index].verdict == .footer {
      decisions[index].verdict = .drop
    }
    let titleLine = findTitle(lines, decisions, in: text)
    if let titleLine { decisions[titleLine].verdict = .title }

    // Metadata from meta lines (and from kept lines that are only labels and values).
    var meta = document.meta
    for (index, line) in lines.enumerated() where decisions[index].verdict == .meta {
      let scalars = Array(text[line.start..<line.end])
      for match in metadata.read(scalars) where meta[match.field] == nil {
        let range = TextRange(line.start + match.range.start, line.start + match.range.end)
        meta[match.field] = MetaField(
          value: match.value, range: nil, sourceRange: document.sourceMap.sourceRange(range),
          rule: decisions[index].rule)
      }
    }

    var rewriter = TextRewriter(text)
    var removed: [(TextRange, String, RuleReference?)] = []
    for (index, line) in lines.enumerated() {
      let decision = decisions[index]
      guard decision.verdict == .drop || decision.verdict == .meta else { continue }
      // The line and its newline go; the last line takes the newline before it.
      var range = TextRange(line.start, min(line.end + 1, text.count))
      if line.end == text.count, line.start > 0, range.start > rewriter.position {
        range = TextRange(line.start - 1, line.end)
      }
      let reason = decision.verdict == .meta ? "meta" : (decision.reason ?? "boilerplate")
      removed.append((TextRange(line.start, line.end), reason, decision.rule))
      if !keepBoilerplate { rewriter.replace(range, with: []) }
    }
    let (newText, map) = rewriter.finish()
    let forward = map.inverted
    let before = document.sourceMap
    document.applyRewrite(text: newText, map: map)
    for (range, reason, rule) in removed {
      document.removed.append(
        RemovedRegion(sourceRange: before.sourceRange(range),
                      textOffset: forward.sourceRange(range).start, reason: reason, rule: rule))
    }
    if let titleLine {
      let range = Self.trim(lines[titleLine], in: text)
      let value = text.string(range)
      if meta["title"] == nil {
        meta["title"] = MetaField(
          value: value, range: forward.sourceRange(range), sourceRange: before.sourceRange(range),
          rule: RuleReference(id: "title-position", file: "Sources/ZhtagClean/Cleaner.swift", line: 0))
      }
    }
    document.meta = meta
  }

  /// The title: the last short line without sentence punctuation before the first meta line
  /// near the top; without meta lines, a short first kept line.
  func findTitle(_ lines: [TextRange], _ decisions: [LineDecision], in text: [Unicode.Scalar]) -> Int? {
    let top = min(lines.count, 12)
    let firstMeta = (0..<top).first { decisions[$0].verdict == .meta }
    let candidates = firstMeta.map { Array((0..<$0).reversed()) } ?? Array(0..<top)
    for index in candidates where decisions[index].verdict == .keep {
      let range = Self.trim(lines[index], in: text)
      if range.count <= Self.titleMaxLength && range.count >= 2,
        !text[range.start..<range.end].contains(where: { "。！？!?；".unicodeScalars.contains($0) })
      {
        return index
      }
      if firstMeta == nil { return nil }  // the first kept line is body: no title
    }
    return nil
  }

  // MARK: - Lines

  /// Line ranges without their newline.
  static func lines(_ text: [Unicode.Scalar]) -> [TextRange] {
    var result: [TextRange] = []
    var start = 0
    for (index, scalar) in text.enumerated() where scalar == "\n" {
      result.append(TextRange(start, index))
      start = index + 1
    }
    result.append(TextRange(start, text.count))
    return result
  }

  /// The line without leading and trailing spaces.
  static func trim(_ line: TextRange, in text: [Unicode.Scalar]) -> TextRange {
    var start = line.start
    var end = line.end
    while start < end, text[start].isHorizontalSpace { start += 1 }
    while end > start, text[end - 1].isHorizontalSpace { end -= 1 }
    return TextRange(start, end)
  }
}
