// An entity's rule fields repeat from entity to entity in a record (one rule makes many
// entities): both writers write them once per rule and then copy their bytes.
import ZhtagCore

/// Where a record's writer wrote the rule fields of each rule (with the phase, also written
/// there): offset and length in its output.
struct WrittenRules {
  private var ranges: [ObjectIdentifier: (phase: String, start: Int, count: Int)] = [:]

  /// The bytes written for `rule` in `phase`, if they were.
  func bytes(of rule: RuleReference, phase: String) -> (start: Int, count: Int)? {
    guard let range = ranges[ObjectIdentifier(rule)], range.phase == phase else { return nil }
    return (range.start, range.count)
  }

  mutating func record(_ rule: RuleReference, phase: String, start: Int, count: Int) {
    ranges[ObjectIdentifier(rule)] = (phase, start, count)
  }
}
