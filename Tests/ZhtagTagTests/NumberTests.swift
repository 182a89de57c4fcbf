// The numeral evaluator and exact decimals, on the forms the quota issue names; the tables come
// from the shipped lexicons (rules/lexicons/numerals.tsv, numeral-marks.tsv).
import Foundation
import Testing
import ZhtagCore
import ZhtagPipeline
import ZhtagTag
import ZhtagTestSupport

/// The shipped rules, loaded once for the number and quota tests of this target.
let numberPipeline: Pipeline = {
  do { return try Pipeline(options: PipelineOptions(rulesDirectory: Fixtures.path("rules"))) } catch {
    fatalError("rules do not load: \(error)")
  }
}()

let evaluator = NumeralEvaluator(lexicons: numberPipeline.ruleSet.ruleBook.lexicons)

/// The value of a number as a string, or "nil".
func value(_ text: String, strict: Bool = false) -> String {
  evaluator.read(numberPipeline.decoder.normalised(text).unicodeScalars, strict: strict)?.value.description ?? "nil"
}

@Suite struct ExactDecimalTests {
  @Test func parsesAndPrintsExactly() {
    #expect(ExactDecimal(parsing: "2447")!.shifted(by: 8).description == "244700000000")
    #expect(ExactDecimal(parsing: "0.5")!.description == "0.5")
    #expect(ExactDecimal(parsing: "1e-15")!.description == "0.000000000000001")
    #expect(ExactDecimal(parsing: "-12.50")!.description == "-12.5")
    #expect(ExactDecimal(parsing: ".5")!.description == "0.5")
    #expect(ExactDecimal(parsing: "1,100.9")!.description == "1100.9")
    #expect(ExactDecimal(parsing: "abc") == nil)
    // Parsing: signs, exponents, and nothing but ASCII.
    #expect(ExactDecimal(parsing: "+2.5e-1")?.description == "0.25")
    #expect(ExactDecimal(parsing: "2.5E+3")?.description == "2500")
    #expect(ExactDecimal(parsing: "-0")?.description == "0")
    #expect(ExactDecimal(parsing: "1e") == nil)
    #expect(ExactDecimal(parsing: "e5") == nil)
    #expect(ExactDecimal(parsing: "１２") == nil)
    #expect(ExactDecimal(parsing: "12万") == nil)
    #expect(ExactDecimal(parsing: "") == nil)
    // Printing: a sign before padded decimals, mantissas past 64 bits, zero.
    #expect(ExactDecimal(mantissa: -5, exponent: -2).description == "-0.05")
    #expect(ExactDecimal(mantissa: -123, exponent: -1).description == "-12.3")
    #expect(ExactDecimal(parsing: "123456789012345678901234567")!.description == "123456789012345678901234567")
    #expect(ExactDecimal(parsing: "-1234567890123456789012.5")!.description == "-1234567890123456789012.5")
    #expect(ExactDecimal(mantissa: Int128.min + 1, exponent: 0).description == String(Int128.min + 1))
    #expect(ExactDecimal.zero.description == "0")
  }

  @Test func arithmeticIsExactOrRefuses() {
    let a = ExactDecimal(parsing: "0.1")!, b = ExactDecimal(parsing: "0.2")!
    #expect(a.adding(b)!.description == "0.3")
    #expect(ExactDecimal(parsing: "2.5")!.multiplied(by: ExactDecimal(parsing: "1.5")!)!.description == "3.75")
    let (third, exact) = ExactDecimal(1).divided(by: ExactDecimal(3))!
    #expect(third.description == "0.333333333333333" && !exact)
    #expect(ExactDecimal(1).divided(by: ExactDecimal(8))! == (ExactDecimal(parsing: "0.125")!, true))
    let huge = ExactDecimal(parsing: "99999999999999999999999999999999999999")!
    #expect(huge.multiplied(by: huge) == nil)
    #expect(ExactDecimal(parsing: "3e8")! > ExactDecimal(parsing: "2.99e8")!)
    #expect(ExactDecimal(parsing: "-3")! < ExactDecimal(parsing: "0.1")!)
  }
}

@Suite struct NumeralEvaluatorTests {
  @Test(arguments: [
    // Arabic, separators, decimals, magnitudes
    ("1,100万", "11000000"), ("2.5", "2.5"), ("2447亿", "244700000000"), ("10.1万", "101000"),
    ("4.78万亿", "4780000000000"), ("1,050,000,000", "1050000000"), (".5", "0.5"),
    // Chinese
    ("三十", "30"), ("两千", "2000"), ("一万零十二", "10012"), ("一万五千亿", "1500000000000"), ("壹佰", "100"),
    ("一百零一", "101"), ("十一", "11"), ("一千零五十", "1050"), ("四亿五千六百四十二万零一十五", "456420015"),
    ("五兆六十二亿四万五千二", "5006200045200"), ("四万万", "400000000"), ("廿二", "22"), ("半百", "50"),
    ("一百零十万", "1100000"), ("零十", "10"), ("二〇二五", "2025"), ("一七二零", "1720"), ("十点二三三", "10.233"),
    // abbreviated
    ("三万五", "35000"), ("一百二", "120"), ("两千三点一", "2300.1"), ("百二万", "1200000"), ("千三", "1300"),
    // mixed
    ("2.4万", "24000"), ("3万4000", "34000"), ("25万6千", "256000"), ("1千零20", "1020"), ("2千零30万", "20300000"),
    ("200亿零四千230", "20000004230"), ("1百01", "101"),
    // signs and fractions
    ("负三十二", "-32"), ("-10.1万", "-101000"), ("三分之一", "0.333333333333333"), ("二分之一", "0.5"),
    ("一百分之二", "0.02"), ("负一又二分之一", "-1.5"), ("3又一千分之23", "3.023"),
  ])
  func reads(_ text: String, _ expected: String) {
    #expect(value(text) == expected, "\(text)")
  }

  @Test(arguments: ["万", "万万", "十一十二", "点五", "零点", "一万二万", "两两", "数据", "1,10", "三多"])
  func refuses(_ text: String) {
    #expect(value(text) == "nil", "\(text)")
  }

  /// Approximate numbers keep their interval and are never flattened to a point.
  @Test func approximateNumbersKeepTheirInterval() throws {
    func reading(_ text: String) throws -> NumberReading {
      try #require(evaluator.read(text.unicodeScalars))
    }
    let tens = try reading("十几万")
    #expect(tens.approximate && tens.value.description == "100000")
    #expect(tens.low.description == "110000" && tens.high.description == "190000" && tens.lowClosed && tens.highClosed)
    let more = try reading("500多亿")
    #expect(more.approximate && !more.lowClosed && !more.highClosed)
    #expect(more.low.description == "50000000000" && more.high.description == "60000000000")
    let hundreds = try reading("数百")
    #expect(hundreds.low.description == "200" && hundreds.high.description == "900")
    let plus = try reading("二十多")
    #expect(plus.low.description == "20" && plus.high.description == "30")
    #expect(try reading("一千五百多万").high.description == "16000000")
    #expect(try !reading("一千五百万").approximate)
  }

  @Test func strictReadingAcceptsOnlyCanonicalNumerals() {
    for canonical in ["一百零一", "十一", "一千零十", "一万零百一十一", "壹拾壹元整", "零点零一", "负十一", "廿二"] {
      #expect(value(canonical, strict: true) != "nil", "\(canonical)")
    }
    for loose in ["一百一", "两千", "10万", "一千一十", "十万零一千", "一一", "〇", "零点零", "百十一", "壹拾壹元"] {
      #expect(value(loose, strict: true) == "nil", "\(loose)")
    }
  }

  @Test func scaleIsTheTrailingSection() throws {
    #expect(try #require(evaluator.read("3亿".unicodeScalars)).scaleExponent == 8)
    #expect(try #require(evaluator.read("4.78万亿".unicodeScalars)).scaleExponent == 12)
    #expect(try #require(evaluator.read("2447".unicodeScalars)).scaleExponent == 0)
  }
}
