// Other projects' sentence-splitting tests, read from ../shared/peer-suites at test time (never
// copied here): pySBD / pragmatic_segmenter's golden rules and Media Cloud's news splitter.
// The pass rate is printed; every failure is listed with the reason we differ, from
// Fixtures/peer-differences.tsv (case id → reason). Floors are what we reach today.
import Foundation
import Testing
import ZhtagCore
import ZhtagTestSupport

struct PeerCase: Sendable {
  var id: String
  var input: String
  var expected: [String]
  var chinese: Bool
}

struct PeerSuite: Sendable {
  var name: String
  var cases: [PeerCase]
  /// Cases we pass at least, of all; of the Chinese ones.
  var floor: Int
  var chineseFloor: Int

  static func load(_ folder: String, floor: Int, chineseFloor: Int) -> PeerSuite? {
    let path = Fixtures.shared.appendingPathComponent("peer-suites/\(folder)/cases.jsonl").path
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    var cases: [PeerCase] = []
    for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
      guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
        let id = object["id"] as? String, let input = object["input"] as? String,
        let expected = object["expected"] as? [String]
      else { continue }
      let chinese = (object["lang"] as? String).map { $0 == "zh" } ?? (object["has_chinese"] as? Bool ?? false)
      cases.append(PeerCase(id: id, input: input, expected: expected, chinese: chinese))
    }
    return PeerSuite(name: folder, cases: cases, floor: floor, chineseFloor: chineseFloor)
  }
}

/// Why we differ from a peer's expectation, by case id.
let peerDifferences: [String: String] = {
  var reasons: [String: String] = [:]
  let text = Fixtures.text(Fixtures.path("Tests/ZhtagSegmentTests/Fixtures/peer-differences.tsv"))
  for line in text.split(separator: "\n") where !line.hasPrefix("#") {
    let parts = line.split(separator: "\t", maxSplits: 1)
    if parts.count == 2 { reasons[String(parts[0])] = String(parts[1]) }
  }
  return reasons
}()

/// Our sentences for a peer's input, stripped as the peers compare them.
func ourSentences(_ input: String) -> [String] {
  let document = segmented(input)
  return document.sentences.map { document.text.string($0.range).trimmingCharacters(in: .whitespacesAndNewlines) }
    .filter { !$0.isEmpty }
}

@Suite struct PeerSuiteTests {
  static let suites: [(String, Int, Int)] = [
    ("sbd-golden-rules-zh", 6, 2),
    ("mediacloud-zh-sentences", 28, 23),
  ]

  @Test(arguments: suites.map(\.0))
  func suite(_ name: String) throws {
    let (_, floor, chineseFloor) = try #require(Self.suites.first { $0.0 == name })
    guard let suite = PeerSuite.load(name, floor: floor, chineseFloor: chineseFloor) else {
      Issue.record("../shared/peer-suites/\(name)/cases.jsonl is missing")
      return
    }
    var passed = 0, chinesePassed = 0
    var report: [String] = []
    for peerCase in suite.cases {
      let got = ourSentences(peerCase.input)
      let expected = peerCase.expected.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
      if got == expected {
        passed += 1
        if peerCase.chinese { chinesePassed += 1 }
        #expect(peerDifferences[peerCase.id] == nil, "\(name) \(peerCase.id) passes now: drop it from peer-differences.tsv")
      } else {
        let reason = peerDifferences[peerCase.id]
        #expect(reason != nil, "\(name) \(peerCase.id) fails without a reason in peer-differences.tsv: got \(got), expected \(expected)")
        report.append("  \(peerCase.id): \(reason ?? "(no reason recorded)")\n    expected \(expected)\n    got      \(got)")
      }
    }
    let chineseCount = suite.cases.filter(\.chinese).count
    print("\(name): \(passed)/\(suite.cases.count) passed (\(percent(passed, suite.cases.count))); "
      + "Chinese cases \(chinesePassed)/\(chineseCount) (\(percent(chinesePassed, chineseCount)))")
    if !report.isEmpty { print("\(name) failures:\n" + report.joined(separator: "\n")) }
    #expect(suite.cases.count > 0)
    #expect(passed >= suite.floor)
    #expect(chinesePassed >= suite.chineseFloor)
  }
}

func percent(_ part: Int, _ whole: Int) -> String {
  whole == 0 ? "–" : String(format: "%.1f%%", Double(part) * 100 / Double(whole))
}
