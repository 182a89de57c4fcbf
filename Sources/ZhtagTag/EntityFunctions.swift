// The attribute functions of the entity rules (signatures in
// Sources/ZhtagRules/EntityFunctionSignatures.swift): dates normalised against the
// publication date, parts of years, times of day, lists.
import ZhtagCore
import ZhtagRules

public enum EntityFunctions {
  /// The implementations, by name.
  public static let all: [String: AttributeFunction] = [
    "date": { arguments, context in
      date(year: arguments.count > 0 ? arguments[0] : nil, month: arguments.count > 1 ? arguments[1] : nil,
           day: arguments.count > 2 ? arguments[2] : nil, context)
    },
    "year": { arguments, context in
      guard let word = arguments.first ?? nil else { return nil }
      return year(word, context).map(pad4)
    },
    "period": { arguments, context in
      guard arguments.count == 2, let part = arguments[1], let code = partCode(part, context) else { return nil }
      return "\(yearOrPublication(arguments[0], context))-\(code)"
    },
    "clock": { arguments, context in
      guard let hourText = arguments.first ?? nil, var hour = number(hourText, context), hour <= 24 else { return nil }
      let minuteText = arguments.count > 1 ? arguments[1] : nil
      let minute = minuteText.flatMap { number($0, context) } ?? 0
      guard minute < 60 else { return nil }
      if let part = arguments.count > 2 ? arguments[2] : nil, context.timeWords.afternoon.contains(part), hour < 12 {
        hour += 12
      }
      return "\(pad2(hour)):\(pad2(minute))"
    },
    "when": { arguments, _ in
      arguments.count == 2 ? AttributeFunctions.when(arguments[0]) { arguments[1] } : nil
    },
    "join": { arguments, _ in
      guard let separator = arguments.first ?? nil else { return nil }
      let present = arguments.dropFirst().compactMap { $0 }.filter { !$0.isEmpty }
      return present.isEmpty ? nil : present.joined(separator: separator)
    },
  ]

  /// `date(year, month, day)` as ISO 8601; nil when a part is not a valid number.
  static func date(year yearText: String?, month monthText: String?, day dayText: String?,
                   _ context: FunctionContext) -> String? {
    var parts: [String] = []
    if let yearText, !yearText.isEmpty {
      if let value = year(yearText, context) {
        parts.append(pad4(value))
      } else if context.timeWords.relativeYears[yearText] != nil, monthText != nil {
        parts.append("XXXX")  // 今年4月3日 in an article without a date
      } else {
        return nil
      }
    } else {
      guard monthText != nil else { return nil }
      parts.append(yearOrPublication(nil, context))
    }
    if let monthText {
      guard let month = number(monthText, context), (1...12).contains(month) else { return nil }
      parts.append(pad2(month))
      if let dayText {
        guard let day = number(dayText, context), (1...31).contains(day) else { return nil }
        parts.append(pad2(day))
      }
    }
    return parts.joined(separator: "-")
  }

  static func yearOrPublication(_ text: String?, _ context: FunctionContext) -> String {
    if let text, let value = year(text, context) { return pad4(value) }
    if let publication = context.tag.publicationDate, let value = publicationYear(publication) { return pad4(value) }
    return "XXXX"
  }

  static func publicationYear(_ iso: String) -> Int? {
    let digits = iso.prefix(4)
    return digits.count == 4 ? Int(digits) : nil
  }

  /// A year as a number: digits or Chinese digits read one by one (二〇二二, by the numerals
  /// lexicon), two of them for 19xx/20xx, or a word relative to the publication year
  /// (time-words.tsv).
  static func year(_ text: String, _ context: FunctionContext) -> Int? {
    if let offset = context.timeWords.relativeYears[text] {
      guard let publication = context.tag.publicationDate, let base = publicationYear(publication) else { return nil }
      return base + offset
    }
    guard let digits = context.numerals?.digitString(text.unicodeScalars), digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
      digits.utf8.count == 4 || digits.utf8.count == 2, let value = Int(digits)
    else { return nil }
    return digits.utf8.count == 2 ? (value < 50 ? 2000 + value : 1900 + value) : value
  }

  /// 上半年 → H1, 三季度 / 第三季度 / Q3 → Q3, 一季度 → Q1 (the words: time-words.tsv).
  static func partCode(_ text: String, _ context: FunctionContext) -> String? {
    let words = context.timeWords
    if let half = words.halves[text] { return half }
    var core = Substring(text)
    if let prefix = words.quarterPrefixes.first(where: { core.hasPrefix($0) }) { core = core.dropFirst(prefix.count) }
    if let suffix = words.quarterSuffixes.first(where: { core.hasSuffix($0) }) { core = core.dropLast(suffix.count) }
    guard let quarter = number(String(core), context), (1...4).contains(quarter) else { return nil }
    return "Q\(quarter)"
  }

  /// A whole number written in digits or Chinese numerals (十二, 二十三, 三十一, 一百), by the
  /// numeral evaluator (numerals.tsv).
  static func number(_ text: String, _ context: FunctionContext) -> Int? {
    if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return Int(text) }
    guard let value = context.numerals?.read(text.unicodeScalars)?.value, value.isInteger else { return nil }
    return Int(value.description)
  }

  static func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
  static func pad4(_ value: Int) -> String {
    let text = "\(value)"
    return String(repeating: "0", count: max(0, 4 - text.count)) + text
  }
}

/// The words of rules/lexicons/time-words.tsv, read once per tagger.
public struct TimeWords: Sendable {
  var relativeYears: [String: Int] = [:]
  var halves: [String: String] = [:]
  /// Longest first, so that 季度 is taken off before 季.
  var quarterPrefixes: [String] = []
  var quarterSuffixes: [String] = []
  var afternoon: Set<String> = []

  public init(_ lexicon: Lexicon?) {
    guard let lexicon, let kindColumn = lexicon.column("kind") else { return }
    let valueColumn = lexicon.column("value")
    for entry in lexicon.entries {
      let value = valueColumn.flatMap { entry.field($0) } ?? ""
      switch entry.field(kindColumn) {
      case "relative-year": relativeYears[entry.key] = Int(value)
      case "half": halves[entry.key] = value
      case "quarter-prefix": quarterPrefixes.append(entry.key)
      case "quarter-suffix": quarterSuffixes.append(entry.key)
      case "afternoon": afternoon.insert(entry.key)
      default: continue
      }
    }
    quarterPrefixes.sort { $0.count > $1.count }
    quarterSuffixes.sort { $0.count > $1.count }
  }
}
