// Tests a line against the line rules of rules/clean/.
import ZhtagCore

extension LineRule {
  /// True when every test of the rule holds for `line` (already trimmed).
  public func matches(_ line: Substring) -> Bool {
    for test in tests {
      switch test {
      case .startsWith(let prefixes): if !prefixes.contains(where: { line.hasPrefix($0) }) { return false }
      case .endsWith(let suffixes): if !suffixes.contains(where: { line.hasSuffix($0) }) { return false }
      case .contains(let needles): if !needles.contains(where: { line.contains($0) }) { return false }
      case .equals(let values): if !values.contains(where: { line == $0 }) { return false }
      case .onlyCharacters(let set):
        if line.unicodeScalars.contains(where: { !set.contains($0) && !$0.isHorizontalSpace }) {
          return false
        }
      case .maxLength(let limit): if line.unicodeScalars.count > limit { return false }
      }
    }
    return true
  }
}
