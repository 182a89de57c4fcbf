// Exact decimal numbers for quotas: a 128-bit integer mantissa and a power of ten, so that
// 2447亿, 0.5 and 1e-15 are stored and written exactly (never through Double). Operations
// that would overflow 38 digits return nil instead of rounding.

/// `mantissa × 10^exponent`, kept normalised (no trailing zeros in the mantissa; zero is 0×10⁰).
public struct ExactDecimal: Hashable, Sendable, Comparable, CustomStringConvertible {
  public private(set) var mantissa: Int128
  public private(set) var exponent: Int

  public init(mantissa: Int128, exponent: Int = 0) {
    var m = mantissa
    var e = exponent
    if m == 0 {
      e = 0
    } else {
      while m % 10 == 0 {
        m /= 10
        e += 1
      }
    }
    self.mantissa = m
    self.exponent = e
  }

  public init(_ value: Int) { self.init(mantissa: Int128(value)) }

  public static let zero = ExactDecimal(0)
  public static let one = ExactDecimal(1)

  /// Parses `12`, `-0.5`, `.5`, `1,100.9`, `1e-15`, `2.5E+3`; nil for anything else.
  public init?(parsing text: String) {
    // Read from the UTF-8 bytes in place (a number is ASCII; any other byte refuses it).
    var text = text
    guard let (mantissa, exponent) = text.withUTF8({ Self.parse($0) }) else { return nil }
    self.init(mantissa: mantissa, exponent: exponent)
  }

  private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int128, Int)? {
    var index = 0
    var negative = false
    if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
      negative = first == UInt8(ascii: "-")
      index = 1
    }
    var mantissa: Int128 = 0
    var exponent = 0
    var digits = 0
    var seenPoint = false
    while index < bytes.count {
      let byte = bytes[index]
      if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
        let (m1, o1) = mantissa.multipliedReportingOverflow(by: 10)
        let (m2, o2) = m1.addingReportingOverflow(Int128(byte - UInt8(ascii: "0")))
        if o1 || o2 { return nil }
        mantissa = m2
        digits += 1
        if seenPoint { exponent -= 1 }
      } else if byte == UInt8(ascii: ".") && !seenPoint {
        seenPoint = true
      } else if byte == UInt8(ascii: ",") && !seenPoint {
        // thousands separator
      } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
        guard digits > 0,
          let power = Int(String(decoding: UnsafeBufferPointer(rebasing: bytes[(index + 1)...]), as: UTF8.self))
        else { return nil }
        exponent += power
        break
      } else {
        return nil
      }
      index += 1
    }
    guard digits > 0 else { return nil }
    return (negative ? -mantissa : mantissa, exponent)
  }

  static func powerOfTen(_ n: Int) -> Int128? {
    guard n >= 0, n <= 38 else { return nil }
    var value: Int128 = 1
    for _ in 0..<n { value *= 10 }
    return value
  }

  public var isZero: Bool { mantissa == 0 }
  public var isNegative: Bool { mantissa < 0 }
  public var isInteger: Bool { exponent >= 0 }
  public var negated: ExactDecimal { ExactDecimal(mantissa: -mantissa, exponent: exponent) }

  /// Number of digits of the mantissa.
  var digitCount: Int {
    var m = mantissa.magnitude
    var count = 1
    while m >= 10 {
      m /= 10
      count += 1
    }
    return count
  }

  /// `self × 10^n` (exact, no overflow possible).
  public func shifted(by n: Int) -> ExactDecimal { ExactDecimal(mantissa: mantissa, exponent: exponent + n) }

  public func adding(_ other: ExactDecimal) -> ExactDecimal? {
    if isZero { return other }
    if other.isZero { return self }
    let low = min(exponent, other.exponent)
    guard let a = Self.scale(mantissa, exponent - low), let b = Self.scale(other.mantissa, other.exponent - low)
    else { return nil }
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? nil : ExactDecimal(mantissa: sum, exponent: low)
  }

  public func subtracting(_ other: ExactDecimal) -> ExactDecimal? { adding(other.negated) }

  public func multiplied(by other: ExactDecimal) -> ExactDecimal? {
    let (product, overflow) = mantissa.multipliedReportingOverflow(by: other.mantissa)
    return overflow ? nil : ExactDecimal(mantissa: product, exponent: exponent + other.exponent)
  }

  /// `self ÷ other`; exact when the quotient terminates within `maxDigits` significant digits,
  /// otherwise rounded half-up there and flagged inexact. Nil for division by zero.
  public func divided(by other: ExactDecimal, maxDigits: Int = 15) -> (value: ExactDecimal, exact: Bool)? {
    guard !other.isZero else { return nil }
    if isZero { return (.zero, true) }
    let negative = (mantissa < 0) != (other.mantissa < 0)
    let numerator = mantissa.magnitude
    let denominator = other.mantissa.magnitude
    var exponent = self.exponent - other.exponent
    var quotient: UInt128 = numerator / denominator
    var remainder = numerator % denominator
    func digits(_ v: UInt128) -> Int {
      var n = 1
      var m = v
      while m >= 10 { m /= 10; n += 1 }
      return v == 0 ? 0 : n
    }
    while remainder != 0 && digits(quotient) < maxDigits {
      let (q10, o1) = quotient.multipliedReportingOverflow(by: 10)
      let (r10, o2) = remainder.multipliedReportingOverflow(by: 10)
      if o1 || o2 { break }
      quotient = q10 + r10 / denominator
      remainder = r10 % denominator
      exponent -= 1
    }
    var exact = remainder == 0
    if !exact {
      // Round half up on the next digit.
      let (r10, overflow) = remainder.multipliedReportingOverflow(by: 10)
      if !overflow, r10 / denominator >= 5 { quotient += 1 }
      exact = false
    }
    guard quotient <= UInt128(Int128.max) else { return nil }
    let signed = Int128(quotient)
    return (ExactDecimal(mantissa: negative ? -signed : signed, exponent: exponent), exact)
  }

  private static func scale(_ m: Int128, _ shift: Int) -> Int128? {
    guard let factor = powerOfTen(shift) else { return m == 0 ? 0 : nil }
    let (value, overflow) = m.multipliedReportingOverflow(by: factor)
    return overflow ? nil : value
  }

  public static func < (a: ExactDecimal, b: ExactDecimal) -> Bool {
    if a.isNegative != b.isNegative { return a.isNegative }
    if a.isZero || b.isZero { return a.isZero ? b.mantissa > 0 : a.mantissa < 0 }
    // Same sign, both non-zero: compare orders of magnitude first.
    let orderA = a.digitCount + a.exponent
    let orderB = b.digitCount + b.exponent
    if orderA != orderB { return a.isNegative ? orderA > orderB : orderA < orderB }
    let low = min(a.exponent, b.exponent)
    guard let x = scale(a.mantissa, a.exponent - low), let y = scale(b.mantissa, b.exponent - low) else {
      return false
    }
    return x < y
  }

  /// Plain decimal notation, never an exponent: `244700000000`, `-0.001`, `2.5`.
  public var description: String {
    // Written into a buffer on the stack, digits from a 64-bit integer when the mantissa fits
    // one (nearly all numbers): String(Int128) and String edits cost more; a short result
    // is then a small string, with no allocation at all.
    let capacity = 44 + abs(exponent)  // sign, 39 digits, point, leading zeros or exponent zeros
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { bytes in
      var count = 0
      if mantissa < 0 {
        bytes[0] = UInt8(ascii: "-")
        count = 1
      }
      let first = count
      var magnitude = mantissa.magnitude
      if magnitude <= UInt128(UInt64.max) {
        var small = UInt64(magnitude)
        repeat {
          bytes[count] = UInt8(truncatingIfNeeded: small % 10) + UInt8(ascii: "0")
          count += 1
          small /= 10
        } while small > 0
      } else {
        repeat {
          bytes[count] = UInt8(truncatingIfNeeded: magnitude % 10) + UInt8(ascii: "0")
          count += 1
          magnitude /= 10
        } while magnitude > 0
      }
      bytes[first..<count].reverse()
      if exponent >= 0 {
        if mantissa != 0 {
          for _ in 0..<exponent {
            bytes[count] = UInt8(ascii: "0")
            count += 1
          }
        }
      } else {
        let places = -exponent
        let digits = count - first
        if digits <= places {
          // Shift the digits right and put zeros before them: 5 with 2 places is 0.05.
          let zeros = places - digits + 1
          for index in stride(from: count - 1, through: first, by: -1) { bytes[index + zeros] = bytes[index] }
          for index in first..<first + zeros { bytes[index] = UInt8(ascii: "0") }
          count += zeros
        }
        // The point before the last `places` digits.
        for index in stride(from: count - 1, through: count - places, by: -1) { bytes[index + 1] = bytes[index] }
        bytes[count - places] = UInt8(ascii: ".")
        count += 1
      }
      return String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<count]), as: UTF8.self)
    }
  }
}
