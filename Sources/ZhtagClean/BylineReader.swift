// Names, bylines and datelines: 本报讯（记者 于龙）, 人民网北京2月26日电, （郭扬 方扬烨）,
// 记者唐天才、通讯员张振报道, 山东商报·速豹新闻网 田原, 责任编辑：余凌古田网.
import ZhtagCore

/// A parsed byline: an optional outlet and names, each with whether its role is an author's.
struct Byline {
  var outlet: TextRange?
  var names: [(range: TextRange, author: Bool)] = []
  /// A role word was written (记者, 通讯员…), not only bare names.
  var hasRole = false
  var end: Int
}

/// A dateline at the start of a paragraph: `人民网北京2月26日电`, `本报讯`, `今日竹山网消息`.
struct Dateline {
  /// The outlet named, without the place (`人民网`); nil for 本报讯 and the like.
  var outlet: TextRange?
  var date: DateFinder.Found?
  /// Just after the dateline's last word (讯, 电, 消息).
  var end: Int
}

/// Reads names and bylines with the words of `rules/clean/byline-words.tsv` and the surnames.
final class BylineReader: Sendable {
  let words: BylineWords
  /// Roles of two or more characters: a name never runs into one (记者徐向阳编辑…).
  private let longRoles: WordSet

  init(_ words: BylineWords) {
    self.words = words
    longRoles = words.authorRoles.merged(with: words.otherRoles, minimumLength: 2)
  }

  static let separators: Set<Unicode.Scalar> = [" ", "\u{3000}", "\u{A0}", "、", "，", ",", "·", "•", "：", ":", "；"]

  // MARK: - Names

  /// The end of a personal name (surname and one or two characters) starting at `index`.
  func name(_ text: [Unicode.Scalar], at index: Int, limit: Int) -> Int? {
    guard index < limit else { return nil }
    var given: Int
    if words.doubleSurnames.match(text, at: index, limit: limit) == 2 {
      given = index + 2
    } else if words.surnames.contains(text[index]) {
      given = index + 1
    } else {
      return nil
    }
    func isGiven(_ at: Int) -> Bool {
      at < limit && text[at].isHan && !words.notInName.contains(text[at])
    }
    func boundary(_ at: Int) -> Bool { at >= limit || !text[at].isHan }
    func stop(_ at: Int) -> Bool {
      at < limit
        && (longRoles.match(text, at: at, limit: limit) != nil
          || words.nameStops.match(text, at: at, limit: limit) != nil)
    }
    guard isGiven(given) else { return nil }
    let one = given + 1
    let two = given + 2
    // An outlet is not a name (古田网, 海都报).
    func outlet(_ end: Int) -> Bool { outletRun(text, from: index, limit: limit) == end }
    if (boundary(one) || stop(one)) && !outlet(one) { return one }
    if isGiven(one) && (boundary(two) || stop(two)) && !outlet(two) { return two }
    // An editor's name run into the outlet's: 余凌古田网.
    if outletRun(text, from: one, limit: limit) != nil { return one }
    if isGiven(one) && outletRun(text, from: two, limit: limit) != nil { return two }
    return nil
  }

  /// The end of a run of Han characters from `start` that ends like an outlet's name.
  func outletRun(_ text: [Unicode.Scalar], from start: Int, limit: Int) -> Int? {
    var end = start
    while end < limit, text[end].isHan, end - start < 16 { end += 1 }
    guard end - start >= 2, end == limit || !text[end].isHan else { return nil }
    return words.outletEnds.endsWord(text, at: end, from: start) != nil ? end : nil
  }

  private func role(_ text: [Unicode.Scalar], at index: Int, limit: Int) -> (length: Int, author: Bool)? {
    let author = words.authorRoles.match(text, at: index, limit: limit)
    let other = words.otherRoles.match(text, at: index, limit: limit)
    switch (author, other) {
    case (nil, nil): return nil
    case (let a?, nil): return (a, true)
    case (nil, let o?): return (o, false)
    case (let a?, let o?): return a >= o ? (a, true) : (o, false)
    }
  }

  // MARK: - Bylines

  /// Parses `range` as a byline: `[outlet] (role? name (/role)?)+`. With `whole`, every
  /// token must parse; otherwise parsing stops at the first token that is not part of a
  /// byline (记者崔治报道 → 崔治). Nil when no name (and no outlet) was found.
  func byline(_ text: [Unicode.Scalar], _ range: TextRange, allowOutlet: Bool, whole: Bool) -> Byline? {
    var result = Byline(end: range.start)
    var authorRole = true
    var index = range.start
    while index < range.end {
      let scalar = text[index]
      if Self.separators.contains(scalar) {
        index += 1
        continue
      }
      if scalar == "/" || scalar == "／" {
        if let found = role(text, at: index + 1, limit: range.end), !result.names.isEmpty {
          result.names[result.names.count - 1].author = found.author
          index += 1 + found.length
          result.end = index
          continue
        }
        if whole { return nil }
        break
      }
      if let found = role(text, at: index, limit: range.end), found.length >= 2 || index > range.start {
        authorRole = found.author
        result.hasRole = true
        index += found.length
        result.end = index
        continue
      }
      if let end = name(text, at: index, limit: range.end),
         // An outlet before a role reads like a name: 海都记者 袁丽群, 新华社记者.
         result.hasRole || !result.names.isEmpty || !allowOutlet
           || role(text, at: end, limit: range.end) == nil
      {
        result.names.append((TextRange(index, end), authorRole))
        index = end
        result.end = index
        continue
      }
      if allowOutlet && result.names.isEmpty {
        // An outlet (长江日报 记者…, 山东商报·速豹新闻网 田原): a token up to a separator or a
        // role; a token that is not all Han but stands before a role is skipped (N海都记者).
        var end = index
        while end < range.end, !Self.separators.contains(text[end]),
              role(text, at: end, limit: range.end).map({ $0.length >= 2 }) != true
        {
          end += 1
        }
        let allHan = text[index..<end].allSatisfy { $0.isHan }
        let beforeRole = end < range.end && role(text, at: end, limit: range.end) != nil
        if end - index >= 2 && end - index <= 16 && (allHan || beforeRole) {
          if allHan && result.outlet == nil { result.outlet = TextRange(index, end) }
          index = end
          result.end = index
          continue
        }
      }
      if whole { return nil }
      break
    }
    if result.names.isEmpty && result.outlet == nil { return nil }
    return result
  }

  // MARK: - Datelines

  /// A dateline at the start of `range`: Han (the outlet and a place), an optional date, then
  /// 讯, 电 or 消息, then a space, a colon, a bracket or the end.
  func dateline(_ text: [Unicode.Scalar], _ range: TextRange, window: Int) -> Dateline? {
    let limit = min(range.end, range.start + window)
    var index = range.start
    while index < limit {
      if let length = words.datelineEnds.match(text, at: index, limit: range.end) {
        let after = index + length
        let follower = after < range.end ? text[after] : " "
        let allowed: Set<Unicode.Scalar> = [" ", "\u{3000}", "\u{A0}", "：", ":", "（", "(", "【", "，", "|", "-", "—"]
        if allowed.contains(follower) || after == range.end, let found = head(text, TextRange(range.start, index)) {
          return Dateline(outlet: found.outlet, date: found.date, end: after)
        }
      }
      let scalar = text[index]
      if !(scalar.isHan || scalar.isASCIIDigit || scalar == "·" || scalar == "年" || scalar == "月") { return nil }
      index += 1
    }
    return nil
  }

  /// The part of a dateline before 讯/电: an outlet (and place), then an optional date.
  private func head(_ text: [Unicode.Scalar], _ range: TextRange) -> (outlet: TextRange?, date: DateFinder.Found?)? {
    var end = range.end
    var date: DateFinder.Found?
    // A trailing date: (YYYY年)M月D日.
    if end > range.start, text[end - 1] == "日" {
      var cursor = end - 2
      while cursor >= range.start, text[cursor].isASCIIDigit { cursor -= 1 }
      guard cursor >= range.start, text[cursor] == "月", cursor < end - 2 else { return nil }
      cursor -= 1
      while cursor >= range.start, text[cursor].isASCIIDigit { cursor -= 1 }
      var start = cursor + 1
      if cursor >= range.start, text[cursor] == "年" {
        var yearStart = cursor - 1
        while yearStart >= range.start, text[yearStart].isASCIIDigit { yearStart -= 1 }
        if cursor - yearStart - 1 == 4 {
          start = yearStart + 1
          date = DateFinder.date(text, at: start, limit: end)
        }
      }
      end = start
    }
    let outlet = TextRange(range.start, end)
    guard outlet.count <= 16, text[outlet.start..<outlet.end].allSatisfy({ $0.isHan || $0 == "·" }) else {
      return nil
    }
    if outlet.count == 0 { return date == nil ? nil : (nil, date) }
    if words.noOutlet.contains(text, outlet.start..<outlet.end) { return (nil, date) }
    guard outlet.count >= 2 else { return nil }
    // Without the place: the longest prefix that ends like an outlet and leaves two or three
    // characters (人民网北京 → 人民网; 长沙晚报掌上长沙 stays whole).
    var best: Int?
    for cut in stride(from: outlet.end - 2, through: outlet.start + 2, by: -1) where outlet.end - cut <= 3 {
      if words.outletEnds.endsWord(text, at: cut, from: outlet.start) != nil {
        best = max(best ?? 0, cut)
      }
    }
    return (TextRange(outlet.start, best ?? outlet.end), date)
  }

  /// `据地维招商网了解`: an outlet cited by 据 … 了解/报道/消息, searched in `range`.
  func citedOutlet(_ text: [Unicode.Scalar], _ range: TextRange) -> TextRange? {
    var index = range.start
    while index + 3 < range.end {
      if text[index] == "据" {
        var end = index + 1
        while end < range.end, text[end].isHan, end - index <= 16 {
          if words.citeVerbs.match(text, at: end, limit: range.end) != nil,
             words.outletEnds.endsWord(text, at: end, from: index + 1) != nil, end - index - 1 >= 2
          {
            return TextRange(index + 1, end)
          }
          end += 1
        }
      }
      index += 1
    }
    return nil
  }
}

extension WordSet {
  /// The words of both sets that have at least `minimumLength` scalars.
  func merged(with other: WordSet, minimumLength: Int) -> WordSet {
    WordSet((allWords + other.allWords).filter { $0.unicodeScalars.count >= minimumLength })
  }
}
