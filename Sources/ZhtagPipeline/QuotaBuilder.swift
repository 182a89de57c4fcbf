// The quota record builder: every QUOTA annotation of the tag stage becomes a record of
// `Document.quotas` (value in the base unit, interval, comparator, time, subject, kind…), read
// from the annotation's attributes, the AMOUNT it spans and the words of its clause. Field
// names and meanings: Documentation/Quotas.md and schema/annotations.schema.json. Its word
// lists are data: rules/lexicons/quota-labels.tsv, quota-words.tsv, plan-periods.tsv.
import ZhtagCore
import ZhtagRules
import ZhtagTag

public struct QuotaBuilder: Sendable {
  /// Label → role (quota, amount, subject, time): a dozen labels, compared in order (cheaper
  /// than hashing every annotation's label).
  let roles: [(label: String, role: String)]
  /// The words of quota-words.tsv by role (trim-start, trim-end, target, base, scope-close,
  /// time-by…), as scalars, longest first (then in code point order), so that a search tries
  /// the longest word first and visits only the words of its role — and gives the same answer
  /// on every run (a Dictionary's order changes from process to process).
  let wordsByRole: [String: [[Unicode.Scalar]]]
  /// The lists of the roles read at every quota, out of `wordsByRole` once.
  let trimStart: [[Unicode.Scalar]]
  let trimEnd: [[Unicode.Scalar]]
  /// The words that mark a figure as a target before it in its sentence (将, 确保…) and after it
  /// (的目标, within 30 characters).
  let targetBefore: WordList
  let targetAfter: WordList
  /// The time words (time-by, time-as-of) with their roles, longest first.
  let timeWords: [([Unicode.Scalar], Set<String>)]
  let evaluator: NumeralEvaluator?

  public init(ruleBook: RuleBook) {
    var roles: [(label: String, role: String)] = []
    if let lexicon = ruleBook.lexicons["quota-labels"], let column = lexicon.column("role") {
      for entry in lexicon.entries {
        roles.removeAll { $0.label == entry.key }  // a repeated label: its last line counts
        roles.append((entry.key, entry.field(column) ?? ""))
      }
    }
    self.roles = roles
    var words: [String: Set<String>] = [:]
    if let lexicon = ruleBook.lexicons["quota-words"], let column = lexicon.column("roles") {
      for entry in lexicon.entries {
        words[entry.key] = Set((entry.field(column) ?? "").split(separator: " ").map(String.init))
      }
    }
    // The words whose roles pass `wanted`, longest first, then in code point order.
    func sortedWords(_ wanted: (Set<String>) -> Bool) -> [[Unicode.Scalar]] {
      words.filter { wanted($0.value) }.keys.map { Array($0.unicodeScalars) }
        .sorted { $0.count != $1.count ? $0.count > $1.count : String(String.UnicodeScalarView($0)) < String(String.UnicodeScalarView($1)) }
    }
    var byRole: [String: [[Unicode.Scalar]]] = [:]
    for role in Set(words.values.flatMap { $0 }) { byRole[role] = sortedWords { $0.contains(role) } }
    wordsByRole = byRole
    trimStart = byRole["trim-start"] ?? []
    trimEnd = byRole["trim-end"] ?? []
    targetBefore = WordList(byRole["target"] ?? [])
    targetAfter = WordList(byRole["target-after"] ?? [])
    timeWords = sortedWords { $0.contains("time-by") || $0.contains("time-as-of") }
      .map { ($0, words[String(String.UnicodeScalarView($0))] ?? []) }
    evaluator = ruleBook.lexicons["numerals"] == nil ? nil : NumeralEvaluator(lexicons: ruleBook.lexicons)
    _ = QuotaField.byName  // the field names (by reflection, sorted) at start-up, not in the first article
  }

  /// Splits the tag stage's annotations: QUOTA annotations become `document.quotas`, labels that
  /// begin with `_` are dropped, the others become `document.entities`.
  public func apply(_ annotations: [Annotation], to document: inout Document) {
    var entities: [Annotation] = []
    var quotas: [Annotation] = []
    var context = QuotaContext()
    for annotation in annotations {
      let role = roles.first { $0.label == annotation.label }?.role
      if role == "quota" {
        quotas.append(annotation)
        continue
      }
      if let role { context.append(annotation, role: role) }
      if !annotation.label.hasPrefix("_") { entities.append(annotation) }
    }
    document.entities = entities
    var records: [Quota] = []
    var previous: (record: Quota, sentence: Int?)?
    for annotation in quotas {
      let record = build(annotation, context, document, previous)
      previous = (record, record.fields["sentence"].flatMap { Int($0.dropFirst()) }.map { $0 - 1 })
      records.append(record)
    }
    document.quotas = records
  }

  // MARK: - One record

  func build(_ quota: Annotation, _ context: QuotaContext, _ document: Document,
             _ previous: (record: Quota, sentence: Int?)?) -> Quota
  {
    let text = document.text
    // Attributes are read by name from their short lists (first value of a name wins).
    let attributes = quota.value
    var fields = [String?](repeating: nil, count: QuotaField.allCases.count)
    func set(_ field: QuotaField, _ value: String?) {
      if let value, !value.isEmpty { fields[field.rawValue] = value }
    }

    // The sentence, and the clause before the quota (back to a punctuation mark).
    let sentenceIndex = document.sentenceIndex(containing: quota.range)
      ?? document.sentenceIndex(containing: TextRange(quota.range.start, quota.range.start + 1))
    let sentence = sentenceIndex.map { document.sentences[$0].range } ?? TextRange(0, text.count)
    if let sentenceIndex { set(.sentence, "s\(sentenceIndex + 1)") }
    var clauseStart = quota.range.start
    while clauseStart > sentence.start, quota.range.start - clauseStart < 40, !isClauseMark(text[clauseStart - 1]) {
      clauseStart -= 1
    }
    if let previous, previous.record.range.end > clauseStart, previous.record.range.end <= quota.range.start {
      clauseStart = previous.record.range.end
    }

    // The amount the quota reads.
    let amountText = attributes("amount")
    let amount = context.last(.amount) { annotation in
      quota.range.start <= annotation.range.start && annotation.range.end <= quota.range.end
        && (amountText == nil || text.string(annotation.range) == amountText)
    }
    func amountAttributes(_ name: String) -> String? { amount?.value(name) }

    // Time: the nearest date or period before the quota in its sentence (not a base: 在2022年基础上),
    // else the first one after it in the same clause.
    let times = context.all(.time) { annotation in
      sentence.start <= annotation.range.start && annotation.range.end <= sentence.end
        && !follows(text, annotation.range.end, role: "base")
    }
    var cut = clauseStart
    if let time = times.last(where: { $0.range.end <= quota.range.start })
      ?? times.first(where: { $0.range.start >= quota.range.end && !text[quota.range.end..<$0.range.start].contains(where: isClauseMark) })
    {
      var start = time.range.start
      var relation = "in"
      if let (word, roles) = wordBefore(text, time.range.start, from: sentence.start) {
        relation = roles.contains("time-by") ? "by" : "as-of"
        start -= word.count
      }
      set(.time, text.string(TextRange(start, time.range.end)))
      set(.timeValue, time.value("value"))
      set(.timeRelation, relation)
      if time.range.end <= quota.range.start, time.range.end > cut { cut = time.range.end }
    }

    // Subject: the nearest zone or organisation before the quota in its sentence.
    if let subject = context.last(.subject, where: { annotation in
      sentence.start <= annotation.range.start
        && annotation.range.end <= quota.range.start && !insideScope(text, annotation.range, clauseStart)
    }) {
      set(.subject, text.string(subject.range))
      set(.subjectLabel, subject.label)
      if subject.range.start >= cut, subject.range.end <= quota.range.start { cut = subject.range.end }
    }

    // Another figure in the clause before this one ends what this one measures (7%和57.9%);
    // a count may belong to it (两项排名).
    if let figure = context.last(.amount, where: { $0.range.end <= quota.range.start
      && $0.range.end > max(cut, clauseStart) && !$0.attributes.contains { $0 == ("class", "count") } })
    {
      cut = figure.range.end
    }

    // The indicator: written after the figure (rule attribute), or the words before it.
    var range = quota.range
    var indicator = attributes("indicator")
    var back = Array(text[max(cut, clauseStart)..<quota.range.start])
    var backStart = max(cut, clauseStart)
    if let (inner, before) = enclosed(back, open: "在", closeRole: "base") {
      set(.base, inner.string)
      back = before
    }
    if let (inner, before) = enclosed(back, open: "在", closeRole: "scope-close") {
      set(.scope, inner.string)
      back = before
    }
    if let de = back.lastIndex(of: "的"), back.count - de - 1 >= 2 {
      backStart += de + 1
      back = Array(back[(de + 1)...])
    }
    let trimmed = trim(back)
    backStart += trimmed.dropped
    back = trimmed.words
    if attributes("form") == "nominal", let verb = attributes("verb") { back += Array(verb.unicodeScalars) }
    if indicator == nil, !back.isEmpty {
      indicator = back.string
      range = TextRange(backStart, quota.range.end)
    }
    if indicator == nil, let previous, previous.sentence == sentenceIndex,
      quota.range.start - previous.record.range.end <= 2
    {
      indicator = previous.record.fields["indicator"]  // 17万元（约2.4万美元）: the same indicator
    }
    set(.indicator, indicator)

    // The figure, its interval, its unit and base unit.
    set(.amount, amount.map { text.string($0.range) })
    set(.verb, attributes("verb"))
    set(.rate, attributes("rate"))
    set(.direction, attributes("direction"))
    set(.reference, attributes("reference"))
    if fields[QuotaField.scope.rawValue] == nil { set(.scope, attributes("scope")) }
    set(.unit, amountAttributes("unit"))
    set(.dimension, amountAttributes("dimension"))
    set(.baseUnit, amountAttributes("base"))
    let comparator = attributes("comparator") ?? "="
    set(.comparator, comparator)
    var approximate = attributes("approximate") == "yes"
    var value = amountAttributes("value").flatMap { ExactDecimal(parsing: $0) }
    var low: (ExactDecimal, Bool)?
    var high: (ExactDecimal, Bool)?
    if let lowText = amountAttributes("low"), let highText = amountAttributes("high"),
      let a = ExactDecimal(parsing: lowText), let b = ExactDecimal(parsing: highText)
    {
      low = (a, true)
      high = (b, true)
      value = nil
    }
    if let number = amountAttributes("number"), let reading = evaluator?.read(number) {
      if reading.scaleExponent > 0 { set(.scale, ExactDecimal.one.shifted(by: reading.scaleExponent).description) }
      if reading.approximate, value != nil, amountAttributes("class") != "rank" {
        // 十几万, 500多亿: an interval, never a point.
        approximate = true
        low = (reading.low, reading.lowClosed)
        high = (reading.high, reading.highClosed)
        value = nil
      }
    }
    if let point = value {
      switch comparator {
      case ">": low = (point, false)
      case ">=": low = (point, true)
      case "<": high = (point, false)
      case "<=": high = (point, true)
      case "=": (low, high) = ((point, true), (point, true))
      default: break
      }
    }
    if approximate || comparator == "~" { set(.approximate, "true") }
    set(.value, value?.description)
    set(.low, low?.0.description)
    set(.high, high?.0.description)
    if let low { set(.lowInclusive, low.1 ? "true" : "false") }
    if let high { set(.highInclusive, high.1 ? "true" : "false") }

    // Base unit: value × factor (2000/3 for 亩: rounded, base_exact false); 翻番 gives its factor.
    var exact = true
    let factor = amountAttributes("factor").flatMap { text -> (numerator: ExactDecimal, denominator: ExactDecimal?)? in
      let parts = text.split(separator: "/")
      guard let first = parts.first, let numerator = ExactDecimal(parsing: String(first)) else { return nil }
      return (numerator, parts.count == 2 ? ExactDecimal(parsing: String(parts[1])) : nil)
    }
    func base(_ figure: ExactDecimal?) -> String? {
      guard let figure, let factor, let product = figure.multiplied(by: factor.numerator) else { return nil }
      if let denominator = factor.denominator, let (quotient, isExact) = product.divided(by: denominator) {
        if !isExact { exact = false }
        return quotient.description
      }
      return product.description
    }
    if let doubled = amountAttributes("base_value") {
      set(.valueBase, doubled)
    } else {
      set(.valueBase, base(value))
      set(.lowBase, base(low?.0))
      set(.highBase, base(high?.0))
    }
    if !exact { set(.baseExact, "false") }

    // Kind: rank, count, growth, target or actual; target also on its own.
    // A target: a deadline (到2025年), a target word before the figure in its sentence (将, 确保…),
    // 的目标 after it, or a time after the publication year.
    let before = Array(text[sentence.start..<quota.range.start])
    let after = Array(text[quota.range.end..<min(sentence.end, quota.range.end + 30)])
    let target = fields[QuotaField.timeRelation.rawValue] == "by" || targetBefore.occurs(in: before)
      || targetAfter.occurs(in: after)
      || laterThanPublication(fields[QuotaField.timeValue.rawValue], document.meta["date"]?.value)
    let kind: String
    switch (attributes("kind"), amountAttributes("class")) {
    case ("rank", _), (_, "rank"): kind = "rank"
    case ("count", _): kind = "count"
    case ("growth", _), (_, "multiple"): kind = "growth"
    case (_, "count") where attributes("indicator") != nil: kind = "count"  // 581个亿元以上产业项目
    default: kind = target ? "target" : "actual"
    }
    set(.kind, kind)
    set(.target, target ? "true" : "false")

    var sorted: [QuotaFields.Field] = []
    sorted.reserveCapacity(fields.count)
    for (field, name) in QuotaField.byName {
      if let value = fields[field.rawValue] { sorted.append(QuotaFields.Field(name: name, value: value)) }
    }
    return Quota(range: range, rule: quota.rule, fields: QuotaFields(sortedFields: sorted))
  }

  // MARK: - Words

  /// Sentence and clause marks: a clause ends at punctuation (，、；：。！？ brackets, quotes).
  func isClauseMark(_ scalar: Unicode.Scalar) -> Bool {
    let v = scalar.value
    return (v >= 0x3000 && v <= 0x303F) || (v >= 0xFF01 && v <= 0xFF0F) || (v >= 0xFF1A && v <= 0xFF20)
      || (v >= 0x2010 && v <= 0x2027) || v == 0x0A || (v >= 0x21 && v <= 0x2F && v != 0x25)
      || (v >= 0x3A && v <= 0x40) || v == 0xFF5E
  }

  /// True when the text at `offset` begins with a word of the role (基础上 after a date).
  func follows(_ text: [Unicode.Scalar], _ offset: Int, role: String) -> Bool {
    (wordsByRole[role] ?? []).contains { word in
      text.count >= offset + word.count && text[offset..<(offset + word.count)].elementsEqual(word)
    }
  }

  /// The time word of quota-words.tsv that ends right at `offset` (到 before 2025年), longest first.
  func wordBefore(_ text: [Unicode.Scalar], _ offset: Int, from lower: Int) -> ([Unicode.Scalar], Set<String>)? {
    for (scalars, roles) in timeWords  // longest first
    where offset - scalars.count >= lower && text[(offset - scalars.count)..<offset].elementsEqual(scalars) {
      return (scalars, roles)
    }
    return nil
  }

  /// `在 … 基础上` / `在 … 中` at the end of the words (after trimming 均, 再): the words
  /// between, and what comes before the 在 (whose start is that of the words given).
  func enclosed(_ scalars: [Unicode.Scalar], open: Unicode.Scalar, closeRole: String)
    -> (inner: [Unicode.Scalar], before: [Unicode.Scalar])?
  {
    var body = ArraySlice(scalars)
    while let word = trimEnd.first(where: { body.count > $0.count && body.suffix($0.count).elementsEqual($0) }) {
      body = body.dropLast(word.count)
    }
    for close in wordsByRole[closeRole] ?? [] {  // longest first
      guard body.count > close.count, body.suffix(close.count).elementsEqual(close) else { continue }
      let inside = body.dropLast(close.count)
      guard let openIndex = inside.lastIndex(of: open), openIndex + 1 < inside.endIndex else { continue }
      return (Array(inside[(openIndex + 1)...]), Array(inside[..<openIndex]))
    }
    return nil
  }

  /// Inside a `在 … 中` before the quota (a ranking's field, not its subject).
  func insideScope(_ text: [Unicode.Scalar], _ range: TextRange, _ clauseStart: Int) -> Bool {
    guard range.start > clauseStart else { return false }
    return text[clauseStart..<range.start].last == "在"
  }

  /// The words without the function words at their edges (将, 确保, 要…), and how many
  /// characters were dropped at the start.
  func trim(_ scalars: [Unicode.Scalar]) -> (words: [Unicode.Scalar], dropped: Int) {
    var words = ArraySlice(scalars)
    var dropped = 0
    var changed = true
    while changed {
      changed = false
      while let first = words.first, first.isHorizontalSpace || isClauseMark(first) {
        words = words.dropFirst()
        dropped += 1
        changed = true
      }
      while let last = words.last, last.isHorizontalSpace || isClauseMark(last) {
        words = words.dropLast()
        changed = true
      }
      if let word = trimStart.first(where: { words.count >= $0.count && words.prefix($0.count).elementsEqual($0) }) {
        words = words.dropFirst(word.count)
        dropped += word.count
        changed = true
      }
      if let word = trimEnd.first(where: { words.count >= $0.count && words.suffix($0.count).elementsEqual($0) }) {
        words = words.dropLast(word.count)
        changed = true
      }
    }
    return (Array(words), dropped)
  }

  /// A time anchor after the publication year (到2025年 in a 2022 article) marks a target.
  func laterThanPublication(_ time: String?, _ published: String?) -> Bool {
    guard let time, let published, let year = Int(time.prefix(4)), let now = Int(published.prefix(4)) else {
      return false
    }
    return year > now
  }
}

/// Words of quota-words.tsv sought anywhere in a piece of text, with a bit per first character
/// (by value mod 64) so that the text is scanned once and words are compared only where one
/// may begin.
struct WordList: Sendable {
  let words: [[Unicode.Scalar]]
  private let firsts: UInt64

  init(_ words: [[Unicode.Scalar]]) {
    self.words = words
    firsts = words.reduce(0) { bits, word in word.first.map { bits | 1 << UInt64($0.value & 63) } ?? bits }
  }

  /// Whether one of the words occurs in `scalars`.
  func occurs(in scalars: [Unicode.Scalar]) -> Bool {
    for index in scalars.indices where firsts & (1 << UInt64(scalars[index].value & 63)) != 0 {
      for word in words where word.first == scalars[index] && index + word.count <= scalars.count {
        if scalars[index..<(index + word.count)].elementsEqual(word) { return true }
      }
    }
    return false
  }
}

/// The fields of a record (Documentation/Quotas.md); written in snake_case (`baseUnit` is
/// `base_unit`). Kept in slots by case while a record is built, so that no field is looked up by
/// its name.
enum QuotaField: Int, CaseIterable {
  case amount, approximate, base, baseExact, baseUnit, comparator, dimension, direction, high, highBase
  case highInclusive, indicator, kind, low, lowBase, lowInclusive, rate, reference, scale, scope, sentence
  case subject, subjectLabel, target, time, timeRelation, timeValue, unit, value, valueBase, verb

  var name: String { Self.names[rawValue] }
  private static let names = allCases.map { field in
    String(describing: field).reduce(into: "") { name, character in
      if character.isUppercase { name += "_" + character.lowercased() } else { name.append(character) }
    }
  }
  /// Every field with its name, in the order of the names (that of QuotaFields and of the
  /// writers; names kept beside the fields so a record reads no other table).
  static let byName = allCases.map { (field: $0, name: $0.name) }.sorted { $0.name < $1.name }
}

/// The annotations a record reads (amounts, times, subjects), with their role of
/// quota-labels.tsv looked up once per annotation rather than at every search of every quota.
struct QuotaContext {
  enum Role { case amount, time, subject, other }
  private(set) var annotations: [Annotation] = []
  private var roles: [Role] = []

  mutating func append(_ annotation: Annotation, role: String) {
    annotations.append(annotation)
    switch role {
    case "amount": roles.append(.amount)
    case "time": roles.append(.time)
    case "subject": roles.append(.subject)
    default: roles.append(.other)
    }
  }

  /// The last annotation of `role` that passes `test`.
  func last(_ role: Role, where test: (Annotation) -> Bool) -> Annotation? {
    for index in annotations.indices.reversed() where roles[index] == role && test(annotations[index]) {
      return annotations[index]
    }
    return nil
  }

  /// Every annotation of `role` that passes `test`, in order.
  func all(_ role: Role, where test: (Annotation) -> Bool) -> [Annotation] {
    annotations.indices.filter { roles[$0] == role && test(annotations[$0]) }.map { annotations[$0] }
  }
}
