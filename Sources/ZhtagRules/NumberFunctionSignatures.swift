// Signatures of the attribute functions the number and quota rules use; implemented in
// Sources/ZhtagTag/NumberFunctions.swift (the evaluator: NumeralEvaluator.swift).

extension AttributeFunctionSignature {
  /// Functions for numbers: exact values from the lexicons `numerals` and `numeral-marks`.
  public static let numbers: [AttributeFunctionSignature] = [
    AttributeFunctionSignature(
      name: "number", minArguments: 1, maxArguments: 1,
      doc: "number(text): the value of a written number as an exact decimal (2447亿 → 244700000000, "
        + "一万零十二 → 10012, 3万4000 → 34000, 三分之一 → 0.333333333333333); nothing when it is not one; "
        + "an approximate number gives its figure as written (十几万 → 100000)"),
    AttributeFunctionSignature(
      name: "range-low", minArguments: 2, maxArguments: 2,
      doc: "range-low(low, high): the low end of a range, taking the high end's 万/亿 when it has none "
        + "(20至30万: 200000)"),
    AttributeFunctionSignature(
      name: "doubling", minArguments: 0, maxArguments: 1,
      doc: "doubling(count): the factor of 翻N番, 2 to the power N (翻一番 → 2, 翻两番 → 4); "
        + "without a count, 2"),
    AttributeFunctionSignature(
      name: "sum", minArguments: 1, maxArguments: 8,
      doc: "sum(a, b, …): the exact sum of the numbers that have a value (一吨半: sum($n.value, 0.5))"),
    AttributeFunctionSignature(
      name: "product", minArguments: 1, maxArguments: 8,
      doc: "product(a, b, …): the exact product; nothing when one is missing (五打: product($n.value, 12))"),
    AttributeFunctionSignature(
      name: "unless", minArguments: 2, maxArguments: 2,
      doc: "unless(test, value): the value, only when the test has none (the opposite of when)"),
    AttributeFunctionSignature(
      name: "year-like", minArguments: 1, maxArguments: 1,
      doc: "year-like(text): yes when the number is written like a calendar year, four digits 1900–2099 (2022, 二〇二二)"),
  ]
}
