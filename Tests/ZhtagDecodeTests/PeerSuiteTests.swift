// Other projects' test data (../shared/peer-suites), read at test time, never copied here:
// charset detection (uchardet, chardet, charset_normalizer) and OpenCC's conversion cases
// toward simplified. Each suite prints its pass rate and every failure with a reason.
import Foundation
import Testing
import ZhtagCore
import ZhtagDecode
import ZhtagTestSupport

/// One file of a charset suite and what its authors expect.
struct CharsetCase {
  var suite: String
  var file: String
  var expected: String
  var bytes: [UInt8]
}

enum PeerSuites {
  static let folder = Fixtures.shared.appendingPathComponent("peer-suites")

  /// The rows of a suite's `expected.tsv` (columns `file`, `expected_charset`, …).
  static func charsetCases(_ suite: String) -> [CharsetCase] {
    let base = folder.appendingPathComponent(suite)
    let table = Fixtures.text(base.appendingPathComponent("expected.tsv").path)
    return table.split(separator: "\n").dropFirst().compactMap { line in
      let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard columns.count > 1 else { return nil }
      return CharsetCase(suite: suite, file: columns[0], expected: columns[1],
                         bytes: Fixtures.bytes(base.appendingPathComponent(columns[0]).path))
    }
  }

  static func firstDifference(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    var index = 0
    while index < a.count, index < b.count, a[index] == b[index] { index += 1 }
    return index
  }

  /// The suites' names for charsets, as ICU reads them.
  static func icuName(_ name: String) -> String {
    let label = name.replacingOccurrences(of: "_", with: "-")
    return label.lowercased() == "uhc" ? "windows-949" : label
  }

  /// Whether zhtag reads `file` as its authors expect: the same charset, or (chardet's rule)
  /// the same text as decoding with the expected charset. Returns a reason when not.
  static func check(_ item: CharsetCase) -> String? {
    let expected: DecodedBytes
    do {
      expected = try ByteDecoder(override: icuName(item.expected)).decode(item.bytes, file: item.file)
    } catch {
      return "reference decoding as \(item.expected) failed: \(error.message)"
    }
    do {
      let got = try ByteDecoder().decode(item.bytes, file: item.file)
      if got.encoding.lowercased() == icuName(item.expected).lowercased() { return nil }
      if got.scalars == expected.scalars { return nil }
      let differ = firstDifference(got.scalars, expected.scalars)
      return "read as \(got.encoding) (\(got.method), confidence \(got.confidence)), expected "
        + "\(item.expected); texts differ at character \(differ)"
    } catch {
      return "refused: \(error.message)"
    }
  }

  /// Runs a charset suite; prints the pass rate over files of at least 64 bytes and every
  /// failure. Returns (passed, counted).
  static func runCharsetSuite(_ suite: String) -> (Int, Int) {
    let cases = charsetCases(suite)
    var passed = 0
    var counted = 0
    var lines: [String] = []
    for item in cases {
      let reason = check(item)
      let counts = item.bytes.count >= 64
      if counts { counted += 1 }
      if reason == nil {
        if counts { passed += 1 }
      } else {
        lines.append("  FAIL \(suite)/\(item.file) (\(item.bytes.count) bytes\(counts ? "" : ", not counted")): \(reason!)")
      }
    }
    print("peer suite \(suite): \(passed)/\(counted) files of ≥ 64 bytes pass "
      + String(format: "(%.1f%%)", 100 * Double(passed) / Double(max(counted, 1))))
    for line in lines { print(line) }
    return (passed, counted)
  }
}

@Suite struct CharsetPeerSuites {
  @Test(arguments: ["uchardet-zh", "chardet-zh", "charset-normalizer-zh"])
  func suiteHoldsItsFloor(_ suite: String) {
    let (passed, counted) = PeerSuites.runCharsetSuite(suite)
    #expect(counted > 0, "\(suite) not found under ../shared/peer-suites")
    #expect(Double(passed) >= 0.95 * Double(counted), "\(suite): \(passed)/\(counted)")
  }

  /// Inputs shorter than 64 bytes are outside the floor, but they must never crash and the
  /// BOM cases must be read right.
  @Test func shortBOMCasesAreReadRight() throws {
    for item in PeerSuites.charsetCases("charset-normalizer-zh") where item.file.hasPrefix("inline/") && item.file.hasSuffix(".bin") {
      #expect(PeerSuites.check(item) == nil, "\(item.file): \(PeerSuites.check(item) ?? "")")
    }
  }
}

@Suite struct OpenCCPeerSuite {
  struct Case {
    var id: String
    var config: String
    var input: String
    var expected: String
  }

  static func cases() -> [Case] {
    let table = Fixtures.text(PeerSuites.folder.appendingPathComponent("opencc-testcases/cases.tsv").path)
    func unescape(_ text: String) -> String {
      var out = ""
      var escaped = false
      for character in text {
        if escaped {
          switch character {
          case "t": out.append("\t")
          case "n": out.append("\n")
          case "r": out.append("\r")
          default: out.append(character)
          }
          escaped = false
        } else if character == "\\" {
          escaped = true
        } else {
          out.append(character)
        }
      }
      return out
    }
    return table.split(separator: "\n").dropFirst().compactMap { line in
      let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard columns.count >= 4, ["t2s", "tw2s", "hk2s"].contains(columns[1]) else { return nil }
      return Case(id: columns[0], config: columns[1], input: unescape(columns[2]),
                  expected: unescape(columns[3]))
    }
  }

  /// Why an output differs from OpenCC's expectation, in one line.
  static func reason(_ got: [Unicode.Scalar], _ want: [Unicode.Scalar], _ item: Case) -> String {
    let index = PeerSuites.firstDifference(got, want)
    let context = String(String.UnicodeScalarView(want[max(0, index - 3)..<min(want.count, index + 3)]))
    let g = index < got.count ? String(got[index]) : "∅"
    let w = index < want.count ? String(want[index]) : "∅"
    var why = "got \(g), want \(w) at \(index) (in “\(context)”)"
    if g == "着" && w == "著" {
      why += "; policy: 着 for the particle, as mainland text writes it (OpenCC t2s/hk2s keep 著)"
    } else if !pipeline.decoder.tables.converter.isTraditional(item.input.scalars) {
      why += "; the input has no traditional-only character, and text that is already simplified is left as it is (policy)"
    } else if item.id == "cli_tofu_default" {
      why += "; OpenCC's command line skips its tofu-risk dictionaries by default, zhtag uses them"
    } else if g == w {
      why += "; lengths differ"
    } else if g == String(item.input.unicodeScalars.map { $0 }[min(index, item.input.unicodeScalars.count - 1)]) {
      why += "; not in OpenCC 1.1.6's tables (a later OpenCC dictionary entry)"
    }
    return why
  }

  @Test func conversionTowardSimplifiedHoldsItsFloor() {
    let converter = pipeline.decoder.tables.converter
    let cases = Self.cases()
    var failures: [String] = []
    var failed = 0
    for item in cases {
      let input = item.input.scalars
      let got = converter.convert(input)?.text ?? input
      let want = item.expected.scalars
      if got != want {
        failed += 1
        failures.append("  FAIL \(item.id) [\(item.config)]: \(Self.reason(got, want, item))")
        if ProcessInfo.processInfo.environment["ZHTAG_SUITE_VERBOSE"] != nil {
          failures.append("    in:   \(item.input)\n    got:  \(got.string)\n    want: \(item.expected)")
        }
      }
    }
    let passed = cases.count - failed
    print("peer suite opencc-testcases (t2s, tw2s, hk2s): \(passed)/\(cases.count) pass "
      + String(format: "(%.1f%%)", 100 * Double(passed) / Double(max(cases.count, 1))))
    for line in failures { print(line) }
    #expect(cases.count >= 100, "opencc-testcases not found under ../shared/peer-suites")
    #expect(Double(passed) >= 0.95 * Double(cases.count), "\(passed)/\(cases.count)")
  }
}
