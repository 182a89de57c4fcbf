// The numeral evaluator: the value of a written number (2447亿, 一万零十二, 3万4000, 十几万,
// 500多亿, 壹佰, 三分之一), exact, with the interval an approximate number stands for. Its
// tables are data: the lexicons `numerals` (digits, units, sections…) and `numeral-marks`
// (point, sign, separators, 多/余, fractions, money) in rules/lexicons/.
import ZhtagCore

/// What one character (or mark) of a written number is.
public enum NumeralRole: Sendable, Equatable {
  case digit(Int)
  /// 零, 〇: a zero digit, or the gap marker of 一千零五.
  case zero
  /// 十百千: 10^exponent inside a section.
  case unit(Int)
  /// 万亿兆: 10^exponent, multiplying everything before it.
  case section(Int)
  /// 廿卅卌: 20, 30, 40.
  case tens(Int)
  case half
  /// 几, 数: a digit between the bounds (十几 = 11–19).
  case some(Int, Int)
  case point, sign, separator
  /// 多, 余 after a round number: 500多 is more than 500, less than 600.
  case more
  /// 又 of a mixed fraction, 分之 of a fraction (denominator first), / of 3/5 (numerator first).
  case and, over, slash
  /// ^ of a power (2^5).
  case power
  /// 元角分 of amounts in words; 整/正 ends them.
  case money(ExactDecimal), moneyEnd
}

/// The value of a written number: the figure as written (`value`) and the interval it stands
/// for, which differs from the figure only for approximate numbers (十几万, 500多亿, 数百).
public struct NumberReading: Sendable, Equatable {
  /// The figure as written, with 几 read as 0 and 多/余 ignored (十几万 → 100000).
  public var value: ExactDecimal
  public var low: ExactDecimal
  public var high: ExactDecimal
  public var lowClosed = true
  public var highClosed = true
  /// 几, 数, 多, 余: the number is approximate; `low`/`high` bound it.
  public var approximate = false
  /// False when a fraction had to be rounded (三分之一).
  public var exact = true
  /// The trailing section multiplier as written (万 → 4, 亿 → 8, 万亿 → 12), 0 when none.
  public var scaleExponent = 0

  public init(value: ExactDecimal) {
    self.value = value
    low = value
    high = value
  }
}

/// The numeral tables, read from the lexicons once (see `NumeralEvaluator.cached`).
public struct NumeralTable: Sendable {
  var roles = ScalarRoles()
  /// Marks longer than one character (分之), by their first character.
  var longMarks: [Unicode.Scalar: [([Unicode.Scalar], NumeralRole)]] = [:]
  /// Characters of colloquial style (两, 〇…), refused by strict reading.
  var colloquial: Set<Unicode.Scalar> = []
  /// The characters that are entries by themselves (一, 百, 两…).
  var singles: [Unicode.Scalar] = []

  public init(numerals: Lexicon?, marks: Lexicon?) {
    for lexicon in [numerals, marks].compactMap({ $0 }) {
      let roleColumn = lexicon.column("role")
      let valueColumn = lexicon.column("value")
      let styleColumn = lexicon.column("style")
      for entry in lexicon.entries {
        let role = roleColumn.flatMap { entry.field($0) } ?? ""
        let value = valueColumn.flatMap { entry.field($0) } ?? ""
        guard let parsed = Self.role(role, value) else { continue }
        let key = Array(entry.key.unicodeScalars)
        if key.count == 1 {
          roles[key[0]] = parsed
          singles.append(key[0])
        } else if let first = key.first {
          longMarks[first, default: []].append((key, parsed))
        }
        if let styleColumn, entry.field(styleColumn) == "colloquial", key.count == 1 { colloquial.insert(key[0]) }
      }
    }
  }

  static func role(_ role: String, _ value: String) -> NumeralRole? {
    func exponent(_ text: String) -> Int? {
      guard text.first == "1", text.dropFirst().allSatisfy({ $0 == "0" }) else { return nil }
      return text.count - 1
    }
    switch role {
    case "digit": return Int(value).map { .digit($0) }
    case "zero": return .zero
    case "unit": return exponent(value).map { .unit($0) }
    case "section": return exponent(value).map { .section($0) }
    case "tens": return Int(value).map { .tens($0) }
    case "half": return .half
    case "some":
      let bounds = value.split(separator: "-").compactMap { Int($0) }
      return bounds.count == 2 ? .some(bounds[0], bounds[1]) : nil
    case "point": return .point
    case "sign": return .sign
    case "separator": return .separator
    case "more": return .more
    case "and": return .and
    case "over": return .over
    case "slash": return .slash
    case "power": return .power
    case "money": return ExactDecimal(parsing: value).map { .money($0) }
    case "money-end": return .moneyEnd
    default: return nil
    }
  }

  public func role(of scalar: Unicode.Scalar) -> NumeralRole? { roles[scalar] }
}

/// The role of each numeral character. Looked up for every character of every number read, so
/// a Basic Multilingual Plane character finds its role by index in a flat table (a Dictionary
/// hashed each character: a sixth of the cost of reading a number).
struct ScalarRoles: Sendable {
  private var distinct: [NumeralRole] = []
  /// Per BMP code point: 1 + the index in `distinct`, 0 for none, or `elsewhere`.
  private var bmp = [UInt16](repeating: 0, count: 0x10000)
  /// Characters outside the BMP, and any past the 65,534th role (a lexicon far beyond ours).
  private var others: [Unicode.Scalar: NumeralRole] = [:]
  private static let elsewhere = UInt16.max

  subscript(scalar: Unicode.Scalar) -> NumeralRole? {
    get {
      guard scalar.value < 0x10000 else { return others[scalar] }
      let slot = bmp[Int(scalar.value)]
      if slot == 0 { return nil }
      return slot == Self.elsewhere ? others[scalar] : distinct[Int(slot) - 1]
    }
    set {
      guard scalar.value < 0x10000 else {
        others[scalar] = newValue
        return
      }
      others[scalar] = nil
      if let newValue, distinct.count < Int(Self.elsewhere) - 1 {
        distinct.append(newValue)
        bmp[Int(scalar.value)] = UInt16(distinct.count)
      } else if let newValue {
        others[scalar] = newValue
        bmp[Int(scalar.value)] = Self.elsewhere
      } else {
        bmp[Int(scalar.value)] = 0
      }
    }
  }
}

/// Reads written numbers with a `NumeralTable`.
public struct NumeralEvaluator: Sendable {
  public let table: NumeralTable
  /// The value, as `number()` writes it, of each numeral that is one character (一, 三, 两, 百,
  /// 5): in news text most of the Chinese numbers the rules read are one of these.
  private var singleValues: [UInt32: String] = [:]

  public init(table: NumeralTable) {
    self.table = table
    for scalar in table.singles + (0x30...0x39).map({ Unicode.Scalar(UInt8($0)) }) {
      singleValues[scalar.value] = read(CollectionOfOne(scalar))?.value.description
    }
  }

  public init(lexicons: [String: Lexicon]) {
    self.init(table: NumeralTable(numerals: lexicons["numerals"], marks: lexicons["numeral-marks"]))
  }

  /// `read(text)?.value.description`: the value `number()` gives, from the table for one character.
  func valueText<C: Collection>(_ text: C) -> String? where C.Element == Unicode.Scalar {
    if text.count == 1, let first = text.first, let value = singleValues[first.value] { return value }
    return read(text)?.value.description
  }

  enum Token: Equatable {
    /// An Arabic number (with its separators and decimals), its digit count, leading zero.
    case arabic(ExactDecimal, digits: Int, leadingZero: Bool)
    case digit(Int, colloquial: Bool)
    case zero(colloquial: Bool)
    case unit(Int)
    case section(Int)
    case tens(Int)
    case half
    case some(Int, Int)
    case more
  }

  enum Variant { case nominal, low, high }

  /// The value of `text`, or nil when it is not a well-formed number. `strict` accepts only
  /// canonical Chinese numerals (cn2an's strict mode: 一百零一, 壹拾壹元整; not 一百一, 两千,
  /// 10万). `money` reads 元角分 amounts (壹拾壹元壹角).
  /// `read` of a string: what callers in other modules should use (they would run the generic
  /// `read` unspecialised, through witness tables, several times slower).
  public func read(_ text: String, strict: Bool = false, money: Bool = false) -> NumberReading? {
    let scalars = Array(text.unicodeScalars)
    return read(scalars[...], strict: strict, money: money)
  }

  public func read<C: Collection>(_ text: C, strict: Bool = false, money: Bool = false) -> NumberReading?
  where C.Element == Unicode.Scalar {
    // 3/5, 1 3/5 (a whole number, a space, a fraction), -3/2
    if !strict, let slash = text.firstIndex(where: { table.roles[$0] == .slash }) {
      var left = Array(text[..<slash])
      var negative = false
      if let first = left.first, case .sign? = table.roles[first] {
        negative = true
        left.removeFirst()
      }
      var whole: ExactDecimal?
      if let space = left.lastIndex(where: { $0.isHorizontalSpace }) {
        guard let value = readPlain(Array(left[..<space]).filter { !$0.isHorizontalSpace }, strict: false)?.value
        else { return nil }
        whole = value
        left = Array(left[(space + 1)...])
      }
      guard let numerator = readPlain(left.filter { !$0.isHorizontalSpace }, strict: false)?.value,
        let denominator = readPlain(text[text.index(after: slash)...].filter { !$0.isHorizontalSpace }, strict: false)?.value,
        let (quotient, exact) = numerator.divided(by: denominator)
      else { return nil }
      var value = quotient
      if let whole {
        guard let sum = whole.adding(quotient) else { return nil }
        value = sum
      }
      var reading = NumberReading(value: negative ? value.negated : value)
      reading.exact = exact
      return reading
    }
    var scalars = text.filter { !$0.isHorizontalSpace }
    guard !scalars.isEmpty else { return nil }
    // A sign
    var negative = false
    if case .sign = table.roles[scalars[0]] {
      if strict && scalars[0] != "负" { return nil }
      negative = true
      scalars.removeFirst()
    }
    // Fractions: [whole 又] denominator 分之 numerator
    if let over = find(.over, in: scalars) {
      guard !strict, !money else { return nil }
      var denominatorText = Array(scalars[..<over.start])
      var whole: NumberReading?
      if let and = find(.and, in: denominatorText) {
        whole = read(denominatorText[..<and.start])
        guard whole != nil else { return nil }
        denominatorText = Array(denominatorText[and.end...])
      }
      guard let denominator = read(denominatorText), let numerator = read(scalars[over.end...]),
        !denominator.approximate, !numerator.approximate,
        let (quotient, exact) = numerator.value.divided(by: denominator.value)
      else { return nil }
      var value = quotient
      if let whole {
        guard let sum = whole.value.adding(quotient) else { return nil }
        value = sum
      }
      var reading = NumberReading(value: negative ? value.negated : value)
      reading.exact = exact
      return reading
    }
    let moneyMarks = scalars.contains {
      switch table.roles[$0] {
      case .money?, .moneyEnd?: return true
      default: return false
      }
    }
    if money || moneyMarks { return readMoney(scalars, negative: negative, strict: strict) }
    guard var reading = readPlain(scalars, strict: strict) else { return nil }
    if negative {
      if reading.value.isZero && strict { return nil }
      let low = reading.low
      reading.value = reading.value.negated
      reading.low = reading.high.negated
      reading.high = low.negated
      swap(&reading.lowClosed, &reading.highClosed)
    }
    return reading
  }

  /// A number without sign, fraction or money units: integer part, optional decimals.
  func readPlain(_ scalars: [Unicode.Scalar], strict: Bool) -> NumberReading? {
    guard let (tokens, decimals, decimalSection) = tokenise(scalars, strict: strict) else { return nil }
    if tokens.isEmpty && decimals == nil { return nil }
    let approximate = tokens.contains { if case .some = $0 { return true }; return $0 == .more }
    var reading: NumberReading
    if approximate {
      guard let nominal = evaluate(tokens, .nominal, strict: strict),
        let low = evaluate(tokens, .low, strict: strict), let high = evaluate(tokens, .high, strict: strict)
      else { return nil }
      reading = NumberReading(value: nominal)
      reading.low = low
      reading.high = high
      reading.approximate = true
      if tokens.contains(.more) {
        reading.lowClosed = false
        reading.highClosed = false
      }
    } else {
      guard let value = tokens.isEmpty ? ExactDecimal.zero : evaluate(tokens, .nominal, strict: strict) else {
        return nil
      }
      reading = NumberReading(value: value)
    }
    if let decimals {
      guard !approximate, let sum = reading.value.adding(decimals) else { return nil }
      reading = NumberReading(value: sum)
      if decimalSection > 0 {
        reading = NumberReading(value: sum.shifted(by: decimalSection))
        reading.scaleExponent = decimalSection
        return reading
      }
    }
    // The trailing sections as written (3亿 → 8, 4.78万亿 → 12).
    var scale = 0
    for token in tokens.reversed() {
      guard case .section(let exponent) = token else { break }
      scale += exponent
    }
    reading.scaleExponent = scale
    return reading
  }

  /// Splits into integer tokens and the decimal part (after 点, or a Chinese-led `.`).
  func tokenise(_ scalars: [Unicode.Scalar], strict: Bool)
    -> (tokens: [Token], decimals: ExactDecimal?, decimalSection: Int)?
  {
    var tokens: [Token] = []
    var index = 0
    while index < scalars.count {
      let scalar = scalars[index]
      if scalar.isASCIIDigit || (scalar == "." && index + 1 < scalars.count && scalars[index + 1].isASCIIDigit
        && (index == 0 || tokens.isEmpty))
      {
        guard !strict, let (token, next) = readArabic(scalars, from: index) else { return nil }
        tokens.append(token)
        index = next
        continue
      }
      guard let role = table.roles[scalar] else { return nil }
      switch role {
      case .digit(let value): tokens.append(.digit(value, colloquial: table.colloquial.contains(scalar)))
      case .zero: tokens.append(.zero(colloquial: table.colloquial.contains(scalar)))
      case .unit(let exponent): tokens.append(.unit(exponent))
      case .section(let exponent): tokens.append(.section(exponent))
      case .tens(let value): tokens.append(.tens(value))
      case .half: tokens.append(.half)
      case .some(let low, let high): tokens.append(.some(low, high))
      case .more: tokens.append(.more)
      case .point:
        // Decimals: digits to the end, optionally one section after them (三点五万).
        var digits: [Int] = []
        var position = index + 1
        var section = 0
        while position < scalars.count {
          let next = scalars[position]
          if next.isASCIIDigit {
            if strict { return nil }
            digits.append(Int(next.value - 0x30))
          } else if case .digit(let value)? = table.roles[next], !table.colloquial.contains(next) || next == "幺" {
            digits.append(value)
          } else if case .zero? = table.roles[next] {
            digits.append(0)
          } else if case .section(let exponent)? = table.roles[next], position == scalars.count - 1, !digits.isEmpty {
            section = exponent
          } else {
            return nil
          }
          position += 1
        }
        guard !digits.isEmpty else { return nil }
        if strict, digits.last == 0 { return nil }
        var mantissa: Int128 = 0
        for digit in digits {
          let (m1, o1) = mantissa.multipliedReportingOverflow(by: 10)
          if o1 { return nil }
          mantissa = m1 + Int128(digit)
        }
        if tokens.isEmpty { return nil }  // 点五: no integer part
        return (tokens, ExactDecimal(mantissa: mantissa, exponent: -digits.count), section)
      default:
        return nil
      }
      index += 1
    }
    return (tokens, nil, 0)
  }

  /// An Arabic number from `start`: digits, `,` thousands separators (a first group of one to
  /// three digits, then groups of exactly three), one `.` with decimals.
  func readArabic(_ scalars: [Unicode.Scalar], from start: Int) -> (Token, Int)? {
    // The number as plain ASCII for ExactDecimal(parsing:), built in one byte buffer (appending
    // to Strings digit by digit cost more than the rest of reading a number): the integer
    // digits without their separators, then `.` and the fraction, then `e` and the exponent.
    var text: [UInt8] = []
    text.reserveCapacity(32)
    var integerDigits = 0
    var firstDigit: UInt8 = 0
    var inFraction = false
    var power: Int?
    // Comma groups: the first group's length, whether every later one has three digits.
    var groupCount = 0
    var firstGroup = 0
    var laterGroupsOfThree = true
    var current = 0  // digits of the current group
    var index = start
    func digitsAhead(_ from: Int) -> Int {
      var count = 0
      while from + count < scalars.count, scalars[from + count].isASCIIDigit { count += 1 }
      return count
    }
    func endGroup() {
      if groupCount == 0 { firstGroup = current } else if current != 3 { laterGroupsOfThree = false }
      groupCount += 1
      current = 0
    }
    while index < scalars.count {
      let scalar = scalars[index]
      if scalar.isASCIIDigit {
        let byte = UInt8(scalar.value)
        if !inFraction {
          if integerDigits == 0 { firstDigit = byte }
          integerDigits += 1
          current += 1
        }
        text.append(byte)
      } else if scalar == ",", !inFraction, current > 0, case .separator? = table.roles[scalar],
        digitsAhead(index + 1) == 3
      {
        endGroup()
      } else if scalar == ".", !inFraction, digitsAhead(index + 1) > 0 {
        if integerDigits == 0 { text.append(0x30) }
        text.append(0x2E)
        inFraction = true
      } else if case .power? = table.roles[scalar], !(current == 0 && groupCount == 0) {
        // A power: 2^5, 2.5^-1, 1.1^+23 (signs counted: --23 is +23).
        var ahead = index + 1
        var negativePower = false
        while ahead < scalars.count, ["+", "-", "－"].contains(scalars[ahead]) {
          if scalars[ahead] != "+" { negativePower.toggle() }
          ahead += 1
        }
        let count = digitsAhead(ahead)
        guard count > 0, count <= 3 else { break }
        let magnitude = scalars[ahead..<(ahead + count)].reduce(0) { $0 * 10 + Int($1.value - 0x30) }
        power = negativePower ? -magnitude : magnitude
        index = ahead + count
        break
      } else if scalar == "e" || scalar == "E", !(current == 0 && groupCount == 0) {
        // An exponent: 2e5, 12.32e+14, -12e-1.
        var ahead = index + 1
        var negative = false
        if ahead < scalars.count, ["+", "-", "－"].contains(scalars[ahead]) {
          negative = scalars[ahead] != "+"
          ahead += 1
        }
        let count = digitsAhead(ahead)
        guard count > 0 else { break }
        if integerDigits == 0 && !inFraction { text.append(0x30) }
        text.append(0x65)
        if negative { text.append(0x2D) }
        for digit in scalars[ahead..<(ahead + count)] { text.append(UInt8(digit.value)) }
        index = ahead + count
        break
      } else {
        break
      }
      index += 1
    }
    endGroup()
    if groupCount > 1 {
      guard (1...3).contains(firstGroup), laterGroupsOfThree else { return nil }
    }
    if text.isEmpty { text.append(0x30) }
    guard var value = ExactDecimal(parsing: String(decoding: text, as: UTF8.self)) else { return nil }
    if let power {
      var result = ExactDecimal.one
      for _ in 0..<abs(power) {
        guard let next = result.multiplied(by: value) else { return nil }
        result = next
      }
      if power < 0 {
        guard let (inverse, _) = ExactDecimal.one.divided(by: result) else { return nil }
        result = inverse
      }
      value = result
    }
    let leadingZero = integerDigits > 1 && firstDigit == 0x30
    return (.arabic(value, digits: integerDigits, leadingZero: leadingZero), index)
  }

  /// The integer value of the tokens (one variant of an approximate number).
  func evaluate(_ tokens: [Token], _ variant: Variant, strict: Bool) -> ExactDecimal? {
    // Digit strings without any unit: 一七二零 = 1720, 二〇〇二 = 2002 (not in strict mode).
    let hasMagnitude = tokens.contains {
      switch $0 {
      case .unit, .section, .tens, .more: return true
      default: return false
      }
    }
    if !hasMagnitude {
      return readDigitString(tokens, variant, strict: strict)
    }
    if strict && tokens.contains(where: {
      switch $0 {
      case .digit(_, let colloquial), .zero(let colloquial): return colloquial
      case .arabic, .half, .some, .more: return true
      default: return false
      }
    }) {
      return nil
    }

    var total = ExactDecimal.zero
    var section = ExactDecimal.zero
    var pending: ExactDecimal?
    var pendingAbbreviable = false  // a single digit right after a unit or section, no 零 between
    var previousWasMagnitude = false
    var lastUnit: Int?
    var lastMagnitude: Int?
    var zeroSince = false
    var maxSection = 0
    var lastSection: Int?
    var sawValue = false
    var sawMore = false
    var atStart = true
    // Strict: the highest position the next term may take without a 零 (nil at the start).
    var expected: Int?

    func checkPosition(_ position: Int) -> Bool {
      guard strict, let e = expected else { return true }
      if position > e { return false }
      if position == e { return !zeroSince }
      return zeroSince
    }

    for (position, token) in tokens.enumerated() {
      let beforeUnit: Bool = {
        guard position + 1 < tokens.count else { return false }
        if case .unit = tokens[position + 1] { return true }
        return false
      }()
      switch token {
      case .arabic(let value, let digits, _):
        if pending != nil || sawMore { return nil }
        pending = value
        pendingAbbreviable = previousWasMagnitude && !zeroSince && digits == 1 && value.isInteger
        sawValue = true
        previousWasMagnitude = false
      case .digit(let value, _):
        if pending != nil || sawMore { return nil }
        pending = ExactDecimal(value)
        pendingAbbreviable = previousWasMagnitude && !zeroSince
        sawValue = true
        previousWasMagnitude = false
      case .some(let low, let high):
        if pending != nil || sawMore { return nil }
        // Before a unit (几十, 数百) the figure is its lower bound; trailing (十几) it is 0.
        switch variant {
        case .nominal: pending = ExactDecimal(beforeUnit ? low : 0)
        case .low: pending = ExactDecimal(low)
        case .high: pending = ExactDecimal(high)
        }
        pendingAbbreviable = false
        sawValue = true
        previousWasMagnitude = false
      case .half:
        if pending != nil || sawMore { return nil }
        pending = ExactDecimal(mantissa: 5, exponent: -1)
        pendingAbbreviable = false
        sawValue = true
        previousWasMagnitude = false
      case .zero:
        if pending != nil || sawMore { return nil }
        if strict && zeroSince { return nil }
        zeroSince = true
        previousWasMagnitude = false
      case .unit(let exponent):
        if sawMore { return nil }
        if let lastUnit, exponent >= lastUnit { return nil }
        if pending == nil {
          // An implicit one: 十一, 零十; strict allows it only for 十 first, or after 零.
          if strict && !((exponent == 1 && atStart) || zeroSince) { return nil }
        }
        if !checkPosition(exponent) { return nil }
        let multiplier = pending ?? .one
        guard let sum = section.adding(multiplier.shifted(by: exponent)) else { return nil }
        section = sum
        pending = nil
        lastUnit = exponent
        lastMagnitude = exponent
        zeroSince = false
        previousWasMagnitude = true
        sawValue = true
        expected = exponent - 1
      case .tens(let value):
        if pending != nil || sawMore { return nil }
        if let lastUnit, lastUnit <= 1 { return nil }
        if !checkPosition(1) { return nil }
        guard let sum = section.adding(ExactDecimal(value)) else { return nil }
        section = sum
        lastUnit = 1
        lastMagnitude = 1
        zeroSince = false
        previousWasMagnitude = true
        sawValue = true
        expected = 0
      case .more:
        // 500多, 十多: more than the figure, less than the next step of its last digit.
        if sawMore { return nil }
        var figure = section
        if let pending {
          if pendingAbbreviable { return nil }
          guard let sum = section.adding(pending) else { return nil }
          figure = sum
        }
        guard figure.isInteger, figure.exponent >= 1 else { return nil }
        sawMore = true
        if variant == .high {
          guard let sum = figure.adding(ExactDecimal(mantissa: 1, exponent: figure.exponent)) else { return nil }
          figure = sum
        }
        section = figure
        pending = nil
        lastUnit = 0
        previousWasMagnitude = false
      case .section(let exponent):
        var value = section
        if let p = pending {
          if pendingAbbreviable, let lastUnit, lastUnit >= 2 {
            // 百二万 = 120万: a digit right after a unit stands for the next position.
            if strict { return nil }
            guard let sum = section.adding(p.shifted(by: lastUnit - 1)) else { return nil }
            value = sum
          } else {
            if !checkPosition(0) { return nil }
            guard let sum = section.adding(p) else { return nil }
            value = sum
          }
        }
        if value.isZero && pending == nil {
          if total.isZero && !sawValue {
            // A leading section: 万九 = 19000 (the number must go on).
            if strict { return nil }
            value = .one
          } else {
            // 万万, 万亿: the whole so far is multiplied.
            total = total.shifted(by: exponent)
            maxSection = max(maxSection, exponent + (lastSection ?? 0))
            lastSection = exponent
            lastMagnitude = exponent
            previousWasMagnitude = true
            expected = 3
            continue
          }
        }
        if exponent > maxSection {
          guard let sum = total.adding(value) else { return nil }
          total = sum.shifted(by: exponent)
          maxSection = exponent
        } else {
          if let lastSection, exponent >= lastSection { return nil }
          guard let sum = total.adding(value.shifted(by: exponent)) else { return nil }
          total = sum
        }
        lastSection = exponent
        section = .zero
        pending = nil
        lastUnit = nil
        lastMagnitude = exponent
        zeroSince = false
        previousWasMagnitude = true
        sawMore = false
        expected = 3
      }
      atStart = false
    }
    if let p = pending {
      if pendingAbbreviable, let lastMagnitude, lastMagnitude >= 2 {
        // 三万五 = 35000, 一百二 = 120 (not in strict mode).
        if strict { return nil }
        guard let sum = section.adding(p.shifted(by: lastMagnitude - 1)) else { return nil }
        section = sum
      } else {
        if !checkPosition(0) { return nil }
        guard let sum = section.adding(p) else { return nil }
        section = sum
      }
    } else if strict && zeroSince {
      return nil  // a trailing 零
    }
    guard sawValue else { return nil }
    if case .section = tokens.last, total.isZero { return nil }
    return total.adding(section)
  }

  /// 一七二零 → 1720, 二〇〇二 → 2002, a single digit, or 一半 → 0.5.
  func readDigitString(_ tokens: [Token], _ variant: Variant, strict: Bool) -> ExactDecimal? {
    if tokens.count == 1 {
      switch tokens[0] {
      case .arabic(let value, _, _): return value
      case .digit(let value, let colloquial): return strict && colloquial ? nil : ExactDecimal(value)
      case .zero(let colloquial): return strict && colloquial ? nil : .zero
      case .half: return ExactDecimal(mantissa: 5, exponent: -1)
      default: return nil
      }
    }
    if strict { return nil }
    if tokens.count == 2, tokens[1] == .half {
      if case .digit(1, _) = tokens[0] { return ExactDecimal(mantissa: 5, exponent: -1) }
      if case .arabic(let value, _, _) = tokens[0], value == .one { return ExactDecimal(mantissa: 5, exponent: -1) }
    }
    var mantissa: Int128 = 0
    for token in tokens {
      let digit: Int
      switch token {
      case .digit(let value, let colloquial):
        if colloquial && value == 2 { return nil }  // 两两 is not 22
        digit = value
      case .zero: digit = 0
      default: return nil
      }
      let (m1, overflow) = mantissa.multipliedReportingOverflow(by: 10)
      if overflow { return nil }
      mantissa = m1 + Int128(digit)
    }
    return ExactDecimal(mantissa: mantissa)
  }

  /// 壹拾壹元壹角壹分, 伍仟元整: yuan, then 角 and 分.
  func readMoney(_ scalars: [Unicode.Scalar], negative: Bool, strict: Bool) -> NumberReading? {
    var total = ExactDecimal.zero
    var part: [Unicode.Scalar] = []
    var sawYuan = false
    var sawSub = false
    var ended = false
    var smallest: ExactDecimal?
    for scalar in scalars {
      guard !ended else { return nil }
      switch table.roles[scalar] {
      case .money(let factor)?:
        guard !part.isEmpty, smallest.map({ factor < $0 }) ?? true else { return nil }
        guard let value = readPlain(part, strict: strict)?.value, let scaled = value.multiplied(by: factor),
          let sum = total.adding(scaled)
        else { return nil }
        total = sum
        smallest = factor
        if factor == .one { sawYuan = true } else { sawSub = true }
        part = []
      case .moneyEnd?:
        guard part.isEmpty, sawYuan || sawSub else { return nil }
        ended = true
      default:
        part.append(scalar)
      }
    }
    if !part.isEmpty {
      // 一块二 (no unit after the last digit): the next unit down.
      guard !strict, let factor = smallest, let value = readPlain(part, strict: false)?.value,
        let scaled = value.multiplied(by: factor.shifted(by: -1)), let sum = total.adding(scaled)
      else { return nil }
      total = sum
    }
    guard sawYuan || sawSub else { return nil }
    if strict && sawYuan && !sawSub && !ended { return nil }  // 壹拾壹元 needs 整
    return NumberReading(value: negative ? total.negated : total)
  }

  /// cn2an's direct reading: the digits as a string, leading zeros kept (零零三 → "003").
  public func digitString<C: Collection>(_ text: C) -> String? where C.Element == Unicode.Scalar {
    var result = ""
    var sawPoint = false
    for (offset, scalar) in text.enumerated() {
      if scalar.isASCIIDigit {
        result.unicodeScalars.append(scalar)
        continue
      }
      switch table.roles[scalar] {
      case .digit(let value)?:
        if value == 2 && table.colloquial.contains(scalar) { return nil }
        result += String(value)
      case .zero?: result += "0"
      case .sign? where offset == 0: result += "-"
      case .point? where !sawPoint:
        sawPoint = true
        result += "."
      default: return nil
      }
    }
    return result.isEmpty || result == "-" ? nil : result
  }

  private func find(_ role: NumeralRole, in scalars: [Unicode.Scalar]) -> (start: Int, end: Int)? {
    for (index, scalar) in scalars.enumerated() {
      if table.roles[scalar] == role { return (index, index + 1) }
      for (key, keyRole) in table.longMarks[scalar] ?? [] where keyRole == role {
        if index + key.count <= scalars.count, Array(scalars[index..<(index + key.count)]) == key {
          return (index, index + key.count)
        }
      }
    }
    return nil
  }
}
