// Line rules compiled to scalar arrays, and tested on a line without building strings.
import ZhtagCore

/// Several texts searched for in one pass over a line: positions whose scalar starts no text
/// are rejected by a bit test, so the cost barely grows with the number of texts.
struct NeedleSet: Sendable {
  private let groups: [Unicode.Scalar: [[Unicode.Scalar]]]
  private let firsts: ScalarFilter
  private let shortest: Int

  init(_ needles: [[Unicode.Scalar]]) {
    var groups: [Unicode.Scalar: [[Unicode.Scalar]]] = [:]
    var firsts = ScalarFilter()
    for needle in needles where !needle.isEmpty {
      groups[needle[0], default: []].append(needle)
      firsts.insert(needle[0])
    }
    self.groups = groups
    self.firsts = firsts
    shortest = needles.map(\.count).min() ?? 0
  }

  /// True when one of the texts occurs in `line`.
  func occurs(in line: ArraySlice<Unicode.Scalar>) -> Bool {
    guard shortest > 0, line.count >= shortest else { return shortest == 0 }
    var index = line.startIndex
    let last = line.endIndex - shortest
    while index <= last {
      let scalar = line[index]
      if firsts.mayContain(scalar), let candidates = groups[scalar] {
        for needle in candidates where index + needle.count <= line.endIndex {
          var offset = 1
          while offset < needle.count && line[index + offset] == needle[offset] { offset += 1 }
          if offset == needle.count { return true }
        }
      }
      index += 1
    }
    return false
  }
}

/// A line rule with its texts as scalar arrays, built once per run. A class: the matcher walks
/// the rules for every line, and copying a struct of arrays would retain each of them.
final class CompiledLineRule: @unchecked Sendable {
  enum Test: Sendable {
    case startsWith([[Unicode.Scalar]])
    case endsWith([[Unicode.Scalar]])
    case contains(NeedleSet)
    case equals([[Unicode.Scalar]])
    case onlyCharacters(Set<Unicode.Scalar>)
    case excludes(NeedleSet)
  }

  let rule: LineRule
  let tests: [Test]
  /// The same tests with contains/excludes as needle masks of a `RuleMatcher` (set by it).
  fileprivate(set) var maskedTests: [MaskedTest] = []

  enum MaskedTest: Sendable {
    case plain(Test)
    case contains(NeedleBits)
    case excludes(NeedleBits)
  }
  /// The tightest max-length of the rule (Int.max without one), checked before anything else.
  let maxLength: Int
  /// The scalars a matching line can start with, when every match must start with one of a
  /// few known texts (starts); empty when any can.
  let leading: [Unicode.Scalar]
  /// The texts of contains and excludes tests, in order, for a `RuleMatcher`.
  let needleTexts: [[[Unicode.Scalar]]]

  init(_ rule: LineRule) {
    self.rule = rule
    func scalars(_ texts: [String]) -> [[Unicode.Scalar]] { texts.map { Array($0.unicodeScalars) } }
    // Cheap tests first: most lines fail a length limit or a prefix before any search runs.
    let ordered = rule.tests.sorted { Self.cost($0) < Self.cost($1) }
    var maxLength = Int.max
    var tests: [Test] = []
    var leading: [Unicode.Scalar] = []
    var needleTexts: [[[Unicode.Scalar]]] = []
    for test in ordered {
      switch test {
      case .contains(let texts), .excludes(let texts): needleTexts.append(scalars(texts))
      default: break
      }
      switch test {
      case .startsWith(let texts):
        tests.append(.startsWith(scalars(texts)))
        if leading.isEmpty, !texts.contains(where: \.isEmpty) {
          leading = Array(Set(texts.map { $0.unicodeScalars.first! }))
        }
      case .endsWith(let texts): tests.append(.endsWith(scalars(texts)))
      case .contains(let texts): tests.append(.contains(NeedleSet(scalars(texts))))
      case .equals(let texts): tests.append(.equals(scalars(texts)))
      case .onlyCharacters(let set): tests.append(.onlyCharacters(set))
      case .maxLength(let limit): maxLength = min(maxLength, limit)
      case .excludes(let texts): tests.append(.excludes(NeedleSet(scalars(texts))))
      }
    }
    self.tests = tests
    // A line equal to one of some texts is no longer than the longest of them.
    for case .equals(let values) in tests { maxLength = min(maxLength, values.map(\.count).max() ?? 0) }
    self.maxLength = maxLength
    self.leading = leading
    self.needleTexts = needleTexts
  }

  private static func cost(_ test: LineTest) -> Int {
    switch test {
    case .maxLength: return 0
    case .equals: return 1
    case .startsWith, .endsWith: return 2
    case .onlyCharacters: return 3
    case .contains: return 4
    case .excludes: return 5
    }
  }

  /// True when every test holds for `line`, with the needles found by one scan of the line.
  @inline(__always)
  func matches(_ line: ArraySlice<Unicode.Scalar>, found: inout NeedleBits?, index: NeedleIndex) -> Bool {
    if line.count > maxLength { return false }
    if !leading.isEmpty, let first = line.first, !leading.contains(first) { return false }
    for test in maskedTests {
      switch test {
      case .contains(let mask):
        if found == nil { found = index.scan(line) }
        if !found!.intersects(mask) { return false }
      case .excludes(let mask):
        if found == nil { found = index.scan(line) }
        if found!.intersects(mask) { return false }
      case .plain(let test):
        if !Self.holds(test, line) { return false }
      }
    }
    return true
  }

  @inline(__always)
  static func holds(_ test: Test, _ line: ArraySlice<Unicode.Scalar>) -> Bool {
    switch test {
    case .startsWith(let prefixes): return prefixes.contains(where: { line.starts(with: $0) })
    case .endsWith(let suffixes):
      return suffixes.contains(where: { $0.count <= line.count && line.suffix($0.count).elementsEqual($0) })
    case .contains(let needles): return needles.occurs(in: line)
    case .equals(let values): return values.contains(where: { line.elementsEqual($0) })
    case .onlyCharacters(let set): return !line.contains(where: { !set.contains($0) && !$0.isHorizontalSpace })
    case .excludes(let needles): return !needles.occurs(in: line)
    }
  }

  /// True when every test holds for `line` (already trimmed).
  func matches(_ line: ArraySlice<Unicode.Scalar>) -> Bool {
    if line.count > maxLength { return false }
    if !leading.isEmpty, let first = line.first, !leading.contains(first) { return false }
    for test in tests {
      switch test {
      case .startsWith(let prefixes):
        if !prefixes.contains(where: { line.starts(with: $0) }) { return false }
      case .endsWith(let suffixes):
        if !suffixes.contains(where: { $0.count <= line.count && line.suffix($0.count).elementsEqual($0) }) {
          return false
        }
      case .contains(let needles):
        if !needles.occurs(in: line) { return false }
      case .equals(let values):
        if !values.contains(where: { line.elementsEqual($0) }) { return false }
      case .onlyCharacters(let set):
        if line.contains(where: { !set.contains($0) && !$0.isHorizontalSpace }) { return false }
      case .excludes(let needles):
        if needles.occurs(in: line) { return false }
      }
    }
    return true
  }
}

/// A set of needle numbers (at most 512), kept inline so that a line's scan allocates nothing.
struct NeedleBits: Sendable {
  var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)

  @inline(__always) mutating func insert(_ id: Int) {
    let bit = UInt64(1) << UInt64(id & 63)
    switch id >> 6 {
    case 0: words.0 |= bit
    case 1: words.1 |= bit
    case 2: words.2 |= bit
    case 3: words.3 |= bit
    case 4: words.4 |= bit
    case 5: words.5 |= bit
    case 6: words.6 |= bit
    default: words.7 |= bit
    }
  }

  @inline(__always) func intersects(_ other: NeedleBits) -> Bool {
    (words.0 & other.words.0) | (words.1 & other.words.1) | (words.2 & other.words.2)
      | (words.3 & other.words.3) | (words.4 & other.words.4) | (words.5 & other.words.5)
      | (words.6 & other.words.6) | (words.7 & other.words.7) != 0
  }
}

/// Every contains/excludes text of every rule, found in one scan of a line.
final class NeedleIndex: @unchecked Sendable {
  static let empty = NeedleIndex()
  /// Group number + 1 of each BMP scalar that starts a text (0: none).
  private var groupOf = [UInt16](repeating: 0, count: 0x10000)
  private var groups: [[(needle: [Unicode.Scalar], id: Int)]] = []
  private var astral: [Unicode.Scalar: Int] = [:]

  /// Adds text number `id` (while building; never after).
  func add(_ needle: [Unicode.Scalar], id: Int) {
    guard let first = needle.first else { return }
    let value = first.value
    var group: Int
    if value < 0x10000 {
      if groupOf[Int(value)] == 0 {
        groups.append([])
        groupOf[Int(value)] = UInt16(groups.count)
      }
      group = Int(groupOf[Int(value)]) - 1
    } else {
      if astral[first] == nil {
        groups.append([])
        astral[first] = groups.count - 1
      }
      group = astral[first]!
    }
    groups[group].append((needle, id))
  }

  func scan(_ line: ArraySlice<Unicode.Scalar>) -> NeedleBits {
    var found = NeedleBits()
    groupOf.withUnsafeBufferPointer { table in
      var index = line.startIndex
      while index < line.endIndex {
        let value = line[index].value
        let group = value < 0x10000 ? Int(table[Int(value)]) - 1 : (astral[line[index]] ?? -1)
        if group >= 0 {
          for (needle, id) in groups[group] where index + needle.count <= line.endIndex {
            var offset = 1
            while offset < needle.count && line[index + offset] == needle[offset] { offset += 1 }
            if offset == needle.count { found.insert(id) }
          }
        }
        index += 1
      }
    }
    return found
  }
}

/// The compiled rules of a run, tested in file order; the first that holds decides.
struct RuleMatcher: Sendable {
  private(set) var rules: [CompiledLineRule]
  /// For each distinct max-length (ascending): the texts of the rules that allow lines of
  /// that length, so a line is scanned only for the texts of rules it can still match.
  private let tiers: [(limit: Int, index: NeedleIndex)]
  /// For each distinct max-length (ascending): the rules that allow lines up to that length,
  /// in file order.
  private let ruleTiers: [(limit: Int, rules: [Int])]

  init(_ lineRules: [LineRule]) {
    let rules = lineRules.map(CompiledLineRule.init)
    let limits = Array(Set(rules.filter { !$0.needleTexts.isEmpty }.map(\.maxLength))).sorted()
    let tiers = limits.map { (limit: $0, index: NeedleIndex()) }
    var total = 0
    for rule in rules { total += rule.needleTexts.reduce(0) { $0 + $1.count } }
    var next = 0
    for position in rules.indices {
      var masked: [CompiledLineRule.MaskedTest] = []
      var group = 0
      for test in rules[position].tests {
        switch test {
        case .contains, .excludes:
          if total > 512 {
            masked.append(.plain(test))
          } else {
            var mask = NeedleBits()
            for needle in rules[position].needleTexts[group] {
              for tier in tiers.indices where tiers[tier].limit <= rules[position].maxLength {
                tiers[tier].index.add(needle, id: next)
              }
              mask.insert(next)
              next += 1
            }
            if case .contains = test { masked.append(.contains(mask)) } else { masked.append(.excludes(mask)) }
          }
          group += 1
        default:
          masked.append(.plain(test))
        }
      }
      rules[position].maskedTests = masked
    }
    self.rules = rules
    self.tiers = tiers
    ruleTiers = Array(Set(rules.map(\.maxLength))).sorted().map { limit in
      (limit, rules.indices.filter { rules[$0].maxLength >= limit })
    }
  }

  /// The index of the first rule that holds for `line`.
  func firstMatch(_ line: ArraySlice<Unicode.Scalar>) -> Int? {
    var found: NeedleBits?
    let count = line.count
    return tiers.withUnsafeBufferPointer { tiers in
      var tier = 0
      while tier < tiers.count - 1 && tiers[tier].limit < count { tier += 1 }
      let needles = tiers.isEmpty ? NeedleIndex.empty : tiers[tier].index
      return ruleTiers.withUnsafeBufferPointer { ruleTiers in
        var ruleTier = 0
        while ruleTier < ruleTiers.count - 1 && ruleTiers[ruleTier].limit < count { ruleTier += 1 }
        guard ruleTier < ruleTiers.count, ruleTiers[ruleTier].limit >= count else { return nil }
        return rules.withUnsafeBufferPointer { buffer in
          for position in ruleTiers[ruleTier].rules where buffer[position].matches(line, found: &found, index: needles) {
            return position
          }
          return nil
        }
      }
    }
  }
}

extension LineRule {
  /// True when every test of the rule holds for `line` (already trimmed). For examples and
  /// one-off checks; the cleaner uses compiled rules.
  public func matches(_ line: Substring) -> Bool {
    CompiledLineRule(self).matches(Array(line.unicodeScalars)[...])
  }
}
