// Metadata from the classified page: labels, dates, datelines, bylines, the title.
import ZhtagCore

/// The best value found so far for each field; lower priority numbers win, then the earlier.
struct MetaCandidates {
  struct Candidate {
    var value: String
    var range: TextRange
    /// Set when the value is not in the text at all (an HTML <title> or <meta>).
    var sourceRange: TextRange?
    var rule: RuleReference?
    var priority: Int
  }

  var fields: [String: Candidate] = [:]
  var authors: [(value: String, range: TextRange, rule: RuleReference?)] = []

  mutating func offer(_ field: String, _ value: @autoclosure () -> String, _ range: TextRange, priority: Int,
                      rule: @autoclosure () -> RuleReference?, sourceRange: TextRange? = nil)
  {
    if let current = fields[field], current.priority <= priority { return }
    let value = Self.tidy(value())
    guard !value.isEmpty else { return }
    let rule = rule()
    fields[field] = Candidate(value: value, range: range, sourceRange: sourceRange, rule: rule, priority: priority)
  }

  mutating func author(_ value: String, _ range: TextRange, rule: RuleReference?) {
    let value = Self.tidy(value)
    guard !value.isEmpty, !authors.contains(where: { $0.value == value }) else { return }
    authors.append((value, range, rule))
  }

  /// Every author in order of appearance, joined with 、 (gold/GUIDE.md §2).
  mutating func settleAuthors() {
    guard let first = authors.first else { return }
    let value = authors.map(\.value).joined(separator: "、")
    var range = first.range
    if let last = authors.last, authors.count > 1, last.range.start >= first.range.end,
       last.range.start - first.range.end <= 40
    {
      range = TextRange(first.range.start, last.range.end)
    }
    fields["author"] = Candidate(value: value, range: range, rule: first.rule, priority: 0)
  }

  /// Without surrounding spaces and `|`, and without book-title marks around the whole value
  /// (《光明日报》 → 光明日报).
  static func tidy(_ value: String) -> String {
    func loose(_ scalar: Unicode.Scalar) -> Bool { scalar.isHorizontalSpace || scalar == "|" || scalar == "｜" }
    let scalars = value.unicodeScalars
    guard let first = scalars.first, let last = scalars.last else { return value }
    if !loose(first) && !loose(last) && first != "《" { return value }
    var view = Substring(value).unicodeScalars[...]
    while let head = view.first, loose(head) { view = view.dropFirst() }
    while let tail = view.last, loose(tail) { view = view.dropLast() }
    if view.count > 2, view.first == "《", view.last == "》", !view.dropFirst().dropLast().contains("《") {
      view = view.dropFirst().dropLast()
    }
    return String(String.UnicodeScalarView(view))
  }
}

extension Page {
  /// Source priorities: a 来源 label, a print line 《…》（…版）, a dateline, a byline's outlet,
  /// a line that is only an outlet, an outlet beside names, 据…了解, an outlet glued to a name.
  enum SourcePriority: Int {
    case label = 0, printLine, dateline, bylineOutlet, outletLine, outletBesideNames, cited, glued
  }

  func readMetadata(extraction: HTMLExtraction?) -> MetaCandidates {
    var found = MetaCandidates()
    let reader = cleaner.metadata
    let bylines = cleaner.bylines
    let bylineRule = bylines.words.place
    let firstBody = blocks.firstIndex { $0.kind == .good && $0.range.start >= (titleIndex.map { blocks[$0].range.end } ?? 0) }
      ?? blocks.count
    let lastBody = blocks.lastIndex { $0.kind == .good } ?? -1
    var datelineSeen = false
    var textBlocks = 0
    var citeChecked = false

    if let titleIndex {
      let range = blocks[titleIndex].range
      found.offer("title", string(range), range, priority: 0,
                  rule: features.reference("title-max-length"))
    }

    for index in blocks.indices {
      let block = blocks[index]
      let range = block.range
      switch block.kind {
      case .meta:
        readLabels(labelHits[index] ?? reader.labels(in: text, range, anywhere: true), in: range,
                   into: &found, priority: 0)
        // Dates on a metadata line.
        if block.why != .feature(.metaLine) || found.fields["date"] == nil {
          for date in DateFinder.find(text, range) where !isWeekday(after: date.range.end, limit: range.end) {
            found.offer("date", date.iso, date.range, priority: 1, rule: cleaner.describe(block.why, kind: .meta).1)
            break
          }
        }
        // 《光明日报》（2025年11月08日 03版）
        if text[range.start] == "《", let close = text[range.start..<range.end].firstIndex(of: "》"),
           !DateFinder.find(text, TextRange(close, range.end)).isEmpty
        {
          found.offer("source", string(TextRange(range.start + 1, close)), TextRange(range.start + 1, close),
                      priority: SourcePriority.printLine.rawValue, rule: cleaner.describe(block.why, kind: .meta).1)
        }
        for segment in unlabelledSegments(range, hits: labelHits[index] ?? reader.labels(in: text, range, anywhere: true)) {
          readBylineSegment(segment, into: &found, rule: bylineRule)
        }
      case .good, .title, .short, .nearGood:
        if block.colon || block.opener {
          readLabels(reader.labels(in: text, range, anywhere: false), in: range, into: &found, priority: 0)
        }
        guard block.kind != .title else { continue }
        textBlocks += 1
        if textBlocks <= features.datelineBlocks {
          readHead(range, into: &found, datelineSeen: &datelineSeen, rule: bylineRule)
        }
        readTail(range, into: &found, lastBody: index == lastBody, rule: bylineRule)
        if !citeChecked && index >= firstBody && block.kind == .good {
          citeChecked = true
          if let cited = bylines.citedOutlet(text, range) {
            found.offer("source", string(cited), cited, priority: SourcePriority.cited.rawValue, rule: bylineRule)
          }
        }
      case .bad:
        // A date in the page furniture above the headline (an e-paper's issue date).
        if index < (titleIndex ?? firstBody), block.length <= 60 {
          for date in DateFinder.find(text, range) where !isWeekday(after: date.range.end, limit: range.end) {
            found.offer("date", date.iso, date.range, priority: 3, rule: features.reference("meta-max-length"))
            break
          }
        }
      case .empty:
        break
      }
    }
    if let extraction {
      if let title = extraction.title, found.fields["title"] == nil {
        found.offer("title", title.text, TextRange(0, 0), priority: 5,
                    rule: features.reference("title-max-length"), sourceRange: title.range)
      }
      for (field, value, range) in extraction.metaTags {
        if field == "date", let iso = DateFinder.iso(value) {
          found.offer("date", iso, TextRange(0, 0), priority: 4, rule: cleaner.html.reference, sourceRange: range)
        } else if field == "author" && found.authors.isEmpty {
          found.author(value, TextRange(0, 0), rule: cleaner.html.reference)
        }
      }
    }
    found.settleAuthors()
    return found
  }

  private func isWeekday(after end: Int, limit: Int) -> Bool {
    var cursor = end
    while cursor < limit, text[cursor].isHorizontalSpace || text[cursor].isASCIIDigit || text[cursor] == ":" {
      cursor += 1
    }
    return cursor + 1 < limit && (text[cursor] == "星" || text[cursor] == "周" || text[cursor] == "礼")
  }

  /// Values after labels: dates, sources, authors (parsed as bylines), the zone, a title.
  private func readLabels(_ hits: [LabelHit], in range: TextRange, into found: inout MetaCandidates, priority: Int) {
    let reader = cleaner.metadata
    for (position, hit) in hits.enumerated() {
      let end = reader.valueEnd(hits, position, in: text, limit: range.end)
      var start = hit.valueStart
      while start < end, text[start].isHorizontalSpace { start += 1 }
      guard start < end else { continue }
      let value = TextRange(start, end)
      let rule = reader.reference(hit)
      switch hit.field {
      case "date":
        if let date = DateFinder.date(text, at: start, limit: end) {
          found.offer("date", date.iso, date.range, priority: priority, rule: rule)
        }
      case "source":
        found.offer("source", string(value), value, priority: SourcePriority.label.rawValue, rule: rule)
      case "zone":
        found.offer("zone", string(value), value, priority: priority, rule: rule)
      case "title":
        found.offer("title", string(value), value, priority: 1, rule: rule)
      case "author":
        if let byline = cleaner.bylines.byline(text, value, allowOutlet: false, whole: false),
           !byline.names.isEmpty
        {
          for name in byline.names where name.author { found.author(string(name.range), name.range, rule: rule) }
          if byline.end < end, let outlet = cleaner.bylines.outletRun(text, from: byline.end, limit: end) {
            let range = TextRange(byline.end, outlet)
            found.offer("source", string(range), range, priority: SourcePriority.glued.rawValue, rule: rule)
          }
        } else if value.count <= 6, text[value.start..<value.end].allSatisfy({ $0.isHan }) {
          // A pen name (瘦马): as written.
          found.author(string(value), value, rule: rule)
        }
      default:
        break
      }
    }
  }

  /// The parts of a metadata line that are neither labels with their values, nor dates and
  /// times: `2009-05-31 杜辉升 冯飞 来源：…` → `杜辉升 冯飞`.
  func unlabelledSegments(_ range: TextRange, hits: [LabelHit]) -> [TextRange] {
    var covered = [Bool](repeating: false, count: range.count)
    func cover(_ start: Int, _ end: Int) {
      guard start < end else { return }
      for offset in max(start, range.start)..<min(end, range.end) { covered[offset - range.start] = true }
    }
    for (position, hit) in hits.enumerated() {
      cover(hit.start, cleaner.metadata.valueEnd(hits, position, in: text, limit: range.end))
    }
    for date in DateFinder.find(text, range) {
      cover(date.range.start, DateFinder.timeEnd(text, at: date.range.end, limit: range.end) ?? date.range.end)
    }
    var segments: [TextRange] = []
    var start: Int?
    for offset in 0...range.count {
      let free = offset < range.count && !covered[offset] && text[range.start + offset] != "|"
      if free, start == nil { start = range.start + offset }
      if !free, let begin = start {
        var end = range.start + offset
        var first = begin
        while first < end, text[first].isHorizontalSpace { first += 1 }
        while end > first, text[end - 1].isHorizontalSpace { end -= 1 }
        if end > first { segments.append(TextRange(first, end)) }
        start = nil
      }
    }
    return segments
  }

  /// Names and outlets on a metadata line: 山东商报·速豹新闻网 田原, 孙步东 刘亚琼, 香港电台,
  /// 福建日报 (before a date).
  private func readBylineSegment(_ range: TextRange, into found: inout MetaCandidates, rule: RuleReference) {
    let bylines = cleaner.bylines
    var range = range
    if range.count > 2, MetadataReader.openers.contains(text[range.start]),
       MetadataReader.closers.contains(text[range.end - 1])
    {
      range = TextRange(range.start + 1, range.end - 1)
    }
    guard let byline = bylines.byline(text, range, allowOutlet: true, whole: true) else { return }
    for name in byline.names where name.author { found.author(string(name.range), name.range, rule: rule) }
    if let outlet = byline.outlet {
      if byline.names.isEmpty {
        guard bylines.outletRun(text, from: outlet.start, limit: outlet.end) != nil else { return }
        found.offer("source", string(outlet), outlet, priority: SourcePriority.outletLine.rawValue, rule: rule)
      } else {
        found.offer("source", string(outlet), outlet, priority: SourcePriority.outletBesideNames.rawValue, rule: rule)
      }
    }
  }

  /// The start of a paragraph: a dateline (人民网北京2月26日电) and the byline after it
  /// (（记者申佳平）, 记者崔治报道), or a byline in brackets (（秦州区外宣办 辛志锋）).
  private func readHead(_ range: TextRange, into found: inout MetaCandidates, datelineSeen: inout Bool,
                        rule: RuleReference)
  {
    let bylines = cleaner.bylines
    let window = features.bylineWindow
    var cursor = range.start
    if let dateline = bylines.dateline(text, range, window: window) {
      if let outlet = dateline.outlet {
        found.offer("source", string(outlet), outlet, priority: SourcePriority.dateline.rawValue, rule: rule)
      }
      if let date = dateline.date {
        found.offer("date", date.iso, date.range, priority: 2, rule: rule)
      }
      datelineSeen = true
      cursor = dateline.end
      while cursor < range.end, Self.isSpace(text[cursor]) || text[cursor] == "：" { cursor += 1 }
      if cursor < range.end, text[cursor] != "（" && text[cursor] != "(" {
        // 记者崔治报道, 记者唐天才、通讯员张振报道：
        if let byline = bylines.byline(text, TextRange(cursor, min(range.end, cursor + window)),
                                       allowOutlet: false, whole: false), byline.hasRole
        {
          for name in byline.names where name.author { found.author(string(name.range), name.range, rule: rule) }
        }
        return
      }
    }
    guard cursor < range.end else { return }
    let limit = min(range.end, cursor + window)
    if text[cursor] == "（" || text[cursor] == "(" {
      // A bracketed byline: every token a name, a role, or (first) an outlet.
      guard let close = text[cursor..<limit].firstIndex(where: { $0 == "）" || $0 == ")" }) else { return }
      if let byline = bylines.byline(text, TextRange(cursor + 1, close), allowOutlet: true, whole: true) {
        for name in byline.names where name.author { found.author(string(name.range), name.range, rule: rule) }
        if let outlet = byline.outlet, !byline.names.isEmpty {
          found.offer("source", string(outlet), outlet, priority: SourcePriority.bylineOutlet.rawValue, rule: rule)
        }
      }
      return
    }
    // A closing bracket without its opening one (mojibake ate it): the names before it.
    if let close = text[cursor..<limit].firstIndex(where: { $0 == "）" }),
       !text[range.start..<close].contains("（")
    {
      var start = close
      var best: Byline?
      while start > range.start {
        start -= 1
        if Self.isSpace(text[start]) || start == range.start {
          let from = start == range.start ? start : start + 1
          if let byline = bylines.byline(text, TextRange(from, close), allowOutlet: false, whole: true),
             !byline.names.isEmpty
          {
            best = byline
          } else if best != nil {
            break
          }
        }
      }
      if let best {
        for name in best.names where name.author { found.author(string(name.range), name.range, rule: rule) }
      }
    }
  }

  /// The end of a paragraph: （郭扬 方扬烨）, （记者 颜澜萍）, （黄茜琪/文 李建安/摄）; on the last
  /// one, a bare name after the last sentence (…增长17.4%。臧风华).
  private func readTail(_ range: TextRange, into found: inout MetaCandidates, lastBody: Bool, rule: RuleReference) {
    var end = range.end
    while end > range.start, Self.isSpace(text[end - 1]) { end -= 1 }
    guard end > range.start else { return }
    let bylines = cleaner.bylines
    if text[end - 1] == "）" || text[end - 1] == ")" {
      var open = end - 2
      while open > range.start, end - open <= features.bylineWindow, text[open] != "（" && text[open] != "(" { open -= 1 }
      guard text[open] == "（" || text[open] == "(", open + 1 < end - 1 else { return }
      if let byline = bylines.byline(text, TextRange(open + 1, end - 1), allowOutlet: false, whole: true),
         !byline.names.isEmpty
      {
        for name in byline.names where name.author { found.author(string(name.range), name.range, rule: rule) }
      }
      return
    }
    if lastBody {
      for length in [4, 3, 2] where end - length - 1 >= range.start {
        let start = end - length
        guard text[start - 1] == "。" else { continue }
        if bylines.name(text, at: start, limit: end) == end {
          found.author(string(TextRange(start, end)), TextRange(start, end), rule: rule)
          return
        }
      }
    }
  }
}
