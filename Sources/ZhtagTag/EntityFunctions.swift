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
           day: arguments.count > 2 ? arguments[2] : nil, publication: context.tag.publicationDate)
    },
    "year": { arguments, context in
      guard let word = arguments.first ?? nil else { return nil }
      return year(word, publication: context.tag.publicationDate).map(pad4)
    },
    "period": { arguments, context in
      guard arguments.count == 2, let part = arguments[1], let code = partCode(part) else { return nil }
      let year = yearOrPublication(arguments[0], context.tag.publicationDate)
      return "\(year)-\(code)"
    },
    "clock": { arguments, _ in
      guard let hourText = arguments.first ?? nil, var hour = number(hourText), hour <= 24 else { return nil }
      let minuteText = arguments.count > 1 ? arguments[1] : nil
      let minute = minuteText.flatMap(number) ?? 0
      guard minute < 60 else { return nil }
      if let part = arguments.count > 2 ? arguments[2] : nil, afternoonParts.contains(part), hour < 12 {
        hour += 12
      }
      return "\(pad2(hour)):\(pad2(minute))"
    },
    "when": { arguments, _ in
      guard arguments.count == 2, arguments[0] != nil else { return nil }
      return arguments[1]
    },
    "join": { arguments, _ in
      guard let separator = arguments.first ?? nil else { return nil }
      let present = arguments.dropFirst().compactMap { $0 }.filter { !$0.isEmpty }
      return present.isEmpty ? nil : present.joined(separator: separator)
    },
  ]

  static let afternoonParts: Set<String> = ["下午", "晚上", "晚", "傍晚", "夜间", "夜里", "午后", "当晚", "晚间"]

  /// `date(year, month, day)` as ISO 8601; nil when a part is not a valid number.
  static func date(year yearText: String?, month monthText: String?, day dayText: String?, publication: String?)
    -> String?
  {
    var parts: [String] = []
    if let yearText, !yearText.isEmpty {
      if let value = year(yearText, publication: publication) {
        parts.append(pad4(value))
      } else if relativeYears[yearText] != nil, monthText != nil {
        parts.append("XXXX")  // 今年4月3日 in an article without a date
      } else {
        return nil
      }
    } else {
      guard monthText != nil else { return nil }
      parts.append(yearOrPublication(nil, publication))
    }
    if let monthText {
      guard let month = number(monthText), (1...12).contains(month) else { return nil }
      parts.append(pad2(month))
      if let dayText {
        guard let day = number(dayText), (1...31).contains(day) else { return nil }
        parts.append(pad2(day))
      }
    }
    return parts.joined(separator: "-")
  }

  static func yearOrPublication(_ text: String?, _ publication: String?) -> String {
    if let text, let value = year(text, publication: publication) { return pad4(value) }
    if let publication, let value = publicationYear(publication) { return pad4(value) }
    return "XXXX"
  }

  static func publicationYear(_ iso: String) -> Int? {
    let digits = iso.prefix(4)
    return digits.count == 4 ? Int(digits) : nil
  }

  static let relativeYears: [String: Int] = [
    "今年": 0, "本年": 0, "当年": 0, "本年度": 0, "今年度": 0, "去年": -1, "上年": -1, "上一年": -1, "去年度": -1,
    "前年": -2, "明年": 1, "次年": 1, "来年": 1, "下一年": 1, "后年": 2,
  ]

  /// A year as a number: digits, Chinese digits read one by one (二〇二二), or a word relative to
  /// the publication year.
  static func year(_ text: String, publication: String?) -> Int? {
    if let offset = relativeYears[text] {
      guard let publication, let base = publicationYear(publication) else { return nil }
      return base + offset
    }
    var value = 0
    var count = 0
    for scalar in text.unicodeScalars {
      guard let digit = digitValue(scalar) else { return nil }
      value = value * 10 + digit
      count += 1
    }
    guard count == 4 || count == 2 else { return nil }
    return count == 2 ? (value < 50 ? 2000 + value : 1900 + value) : value
  }

  /// 上半年 → H1, 三季度 / 第三季度 / Q3 → Q3, 一季度 → Q1.
  static func partCode(_ text: String) -> String? {
    switch text {
    case "上半年", "上半年度", "前半年": return "H1"
    case "下半年", "下半年度", "后半年": return "H2"
    default: break
    }
    var core = Substring(text)
    if core.hasPrefix("第") { core = core.dropFirst() }
    if core.hasSuffix("季度") { core = core.dropLast(2) } else if core.hasSuffix("季") { core = core.dropLast() }
    if core.hasPrefix("Q") || core.hasPrefix("q") { core = core.dropFirst() }
    guard let quarter = number(String(core)), (1...4).contains(quarter) else { return nil }
    return "Q\(quarter)"
  }

  static func digitValue(_ scalar: Unicode.Scalar) -> Int? {
    if scalar.isASCIIDigit { return Int(scalar.value - 0x30) }
    switch scalar {
    case "〇", "零", "○", "Ｏ": return 0
    case "一": return 1
    case "二", "两": return 2
    case "三": return 3
    case "四": return 4
    case "五": return 5
    case "六": return 6
    case "七": return 7
    case "八": return 8
    case "九": return 9
    default: return nil
    }
  }

  /// A small whole number written in digits or Chinese numerals (十二, 二十三, 三十一, 一百).
  static func number(_ text: String) -> Int? {
    let scalars = Array(text.unicodeScalars)
    guard !scalars.isEmpty else { return nil }
    if scalars.allSatisfy(\.isASCIIDigit) { return Int(text) }
    var total = 0
    var current = 0
    var seenDigit = false
    for scalar in scalars {
      if let digit = digitValue(scalar) {
        current = current * 10 + digit  // 〇 inside numbers such as 一〇五
        seenDigit = true
        continue
      }
      let unit: Int
      switch scalar {
      case "十": unit = 10
      case "百": unit = 100
      case "千": unit = 1000
      default: return nil
      }
      total += (seenDigit ? current : 1) * unit
      current = 0
      seenDigit = false
    }
    return total + current
  }

  static func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
  static func pad4(_ value: Int) -> String {
    let text = "\(value)"
    return String(repeating: "0", count: max(0, 4 - text.count)) + text
  }
}
