// The attribute functions of the number and quota rules (signatures in
// Sources/ZhtagRules/NumberFunctionSignatures.swift): numbers evaluated exactly by
// NumeralEvaluator from the lexicons `numerals` and `numeral-marks`.
import ZhtagCore
import ZhtagRules

public enum NumberFunctions {
  /// The implementations, by name.
  public static let all: [String: AttributeFunction] = [
    "number": { arguments, context in
      guard let text = arguments.first ?? nil else { return nil }
      if let plain = plainDigits(text) { return plain }
      return context.numerals?.valueText(text.unicodeScalars)
    },
    "range-low": { arguments, context in
      guard arguments.count == 2, let low = arguments[0], let high = arguments[1],
        let evaluator = context.numerals
      else { return nil }
      return evaluator.rangeLow(low, high)?.description
    },
    "doubling": { arguments, context in
      // 翻一番 = ×2, 翻两番 = ×4: 2 to the power of the count (翻番 alone: once).
      let count: ExactDecimal
      if let text = arguments.first ?? nil {
        guard let value = context.numerals?.read(text.unicodeScalars)?.value,
          value.isInteger, value.mantissa > 0, value < ExactDecimal(20)
        else { return nil }
        count = value
      } else {
        count = .one
      }
      var factor: Int128 = 1
      var remaining = Int(count.mantissa) * Int(ExactDecimal.powerOfTen(count.exponent) ?? 1)
      while remaining > 0 {
        factor *= 2
        remaining -= 1
      }
      return String(factor)
    },
    "sum": { arguments, context in
      // The exact sum of the numbers given (missing ones are left out): 一吨半 = 1 + 0.5.
      let present = arguments.compactMap { $0 }
      if present.count == 1 { return ExactDecimal(parsing: present[0]) == nil ? nil : present[0] }
      let values = present.compactMap { ExactDecimal(parsing: $0) }
      guard !values.isEmpty else { return nil }
      var total = ExactDecimal.zero
      for value in values {
        guard let next = total.adding(value) else { return nil }
        total = next
      }
      return total.description
    },
    "product": { arguments, context in
      // The exact product (五打 = 5 × 12); nothing when an argument is missing.
      guard !arguments.isEmpty else { return nil }
      var total = ExactDecimal.one
      for argument in arguments {
        guard let text = argument, let value = ExactDecimal(parsing: text), let next = total.multiplied(by: value)
        else { return nil }
        total = next
      }
      return total.description
    },
    "unless": { arguments, _ in
      arguments.count == 2 ? AttributeFunctions.unless(arguments[0]) { arguments[1] } : nil
    },
    "year-like": { arguments, context in
      // A calendar year written as a number (1900–2099: 2022, 二〇二二): not a count of years.
      guard let text = arguments.first ?? nil, text.unicodeScalars.count == 4 else { return nil }
      if text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
        return ("1900" <= text && text < "2100") ? "yes" : nil
      }
      let scalars = Array(text.unicodeScalars)
      guard scalars.count == 4, let evaluator = context.numerals,
        let value = evaluator.read(scalars)?.value, value.isInteger,
        ExactDecimal(1900) <= value, value < ExactDecimal(2100),
        scalars.allSatisfy({ scalar in
          if scalar.isASCIIDigit { return true }
          switch evaluator.table.role(of: scalar) {
          case .digit?, .zero?: return true
          default: return false
          }
        })
      else { return nil }
      return "yes"
    },
  ]
}

/// An integer written in ASCII digits only (the most common number): its value without
/// leading zeros, with no table lookup; nil for anything else.
func plainDigits(_ text: String) -> String? {
  let utf8 = text.utf8
  guard !utf8.isEmpty, utf8.count <= 30, utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
  guard let first = utf8.firstIndex(where: { $0 != 0x30 }) else { return "0" }
  return first == utf8.startIndex ? text : String(text[first...])
}

extension NumeralEvaluator {
  /// The low end of a range written `low至high`: `20至30万` is 20万 to 30万, so a low end written
  /// without a section takes the high end's (when that keeps it below the high end).
  public func rangeLow(_ low: String, _ high: String) -> ExactDecimal? {
    guard let lowReading = read(low.unicodeScalars), let highReading = read(high.unicodeScalars) else { return nil }
    if lowReading.scaleExponent == 0, highReading.scaleExponent > 0 {
      let scaled = lowReading.value.shifted(by: highReading.scaleExponent)
      if scaled < highReading.value || scaled == highReading.value { return scaled }
    }
    return lowReading.value
  }
}
