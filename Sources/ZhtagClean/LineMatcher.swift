// Line rules compiled to scalar arrays, and tested on a line without building strings.
import ZhtagCore

/// A line rule with its texts as scalar arrays, built once per run.
struct CompiledLineRule: Sendable {
  enum Test: Sendable {
    case startsWith([[Unicode.Scalar]])
    case endsWith([[Unicode.Scalar]])
    case contains([[Unicode.Scalar]])
    case equals([[Unicode.Scalar]])
    case onlyCharacters(Set<Unicode.Scalar>)
    case maxLength(Int)
  }

  let rule: LineRule
  let tests: [Test]

  init(_ rule: LineRule) {
    self.rule = rule
    func scalars(_ texts: [String]) -> [[Unicode.Scalar]] { texts.map { Array($0.unicodeScalars) } }
    tests = rule.tests.map { test in
      switch test {
      case .startsWith(let texts): return .startsWith(scalars(texts))
      case .endsWith(let texts): return .endsWith(scalars(texts))
      case .contains(let texts): return .contains(scalars(texts))
      case .equals(let texts): return .equals(scalars(texts))
      case .onlyCharacters(let set): return .onlyCharacters(set)
      case .maxLength(let limit): return .maxLength(limit)
      }
    }
  }

  /// True when every test holds for `line` (already trimmed).
  func matches(_ line: ArraySlice<Unicode.Scalar>) -> Bool {
    for test in tests {
      switch test {
      case .startsWith(let prefixes):
        if !prefixes.contains(where: { line.starts(with: $0) }) { return false }
      case .endsWith(let suffixes):
        if !suffixes.contains(where: { $0.count <= line.count && line.suffix($0.count).elementsEqual($0) }) {
          return false
        }
      case .contains(let needles):
        if !needles.contains(where: { Self.find($0, in: line) }) { return false }
      case .equals(let values):
        if !values.contains(where: { line.elementsEqual($0) }) { return false }
      case .onlyCharacters(let set):
        if line.contains(where: { !set.contains($0) && !$0.isHorizontalSpace }) { return false }
      case .maxLength(let limit):
        if line.count > limit { return false }
      }
    }
    return true
  }

  /// Naive search: needles are a few characters and lines short, so this beats anything
  /// that needs setting up.
  static func find(_ needle: [Unicode.Scalar], in line: ArraySlice<Unicode.Scalar>) -> Bool {
    guard let first = needle.first, needle.count <= line.count else { return needle.isEmpty }
    var index = line.startIndex
    let last = line.endIndex - needle.count
    while index <= last {
      if line[index] == first {
        var offset = 1
        while offset < needle.count && line[index + offset] == needle[offset] { offset += 1 }
        if offset == needle.count { return true }
      }
      index += 1
    }
    return false
  }
}

extension LineRule {
  /// True when every test of the rule holds for `line` (already trimmed). For examples and
  /// one-off checks; the cleaner uses compiled rules.
  public func matches(_ line: Substring) -> Bool {
    CompiledLineRule(self).matches(Array(line.unicodeScalars)[...])
  }
}
