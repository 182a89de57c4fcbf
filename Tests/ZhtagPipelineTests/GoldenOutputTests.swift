// output/ is what `zhtag run seeds --out output` makes; it must stay byte-identical, and every
// file in it must satisfy both schemas and the offset contract.
import Foundation
import Testing
import ZhtagTestSupport

@Suite(.serialized) struct GoldenOutputTests {
  /// Regenerates output/ into a temporary folder with the built binary, as the README's
  /// first command does, and compares every file byte for byte. To accept a change on
  /// purpose: `make output`, then read `git diff output/` before committing.
  @Test func seedsGiveExactlyTheCommittedOutput() throws {
    let out = Fixtures.temporaryDirectory("golden")
    let result = try Processes.run(Processes.zhtag, ["run", "seeds", "--out", out], in: Fixtures.root.path)
    #expect(result.status == 0, "\(result.stderr)")
    let expected = try FileManager.default.contentsOfDirectory(atPath: Fixtures.path("output")).sorted()
      .filter { !$0.hasPrefix(".") && $0 != "manifest.jsonl" }
    // The manifest is a run log (timings), not part of the golden output.
    let produced = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
      .filter { !$0.hasPrefix(".") && $0 != "manifest.jsonl" }
    #expect(produced == expected)
    #expect(expected.contains("annotations.jsonl") && expected.contains("quotas.csv") && expected.count == 7)
    for name in expected {
      let want = Fixtures.bytes(Fixtures.path("output/" + name))
      let got = Fixtures.bytes(out + "/" + name)
      if want != got {
        let firstDifference = Array(zip(want, got)).firstIndex { $0.0 != $0.1 } ?? min(want.count, got.count)
        Issue.record("output/\(name) differs from a fresh run at byte \(firstDifference); run `make output` and review `git diff output/`")
      }
    }
  }

  @Test func everyXMLFileValidatesAgainstTheRelaxNGSchema() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Fixtures.path("output")).sorted()
      .filter { $0.hasSuffix(".xml") }.map { "output/" + $0 }
    #expect(files.count == 5)
    let result = try Processes.run("xmllint", ["--noout", "--relaxng", "schema/article.rng"] + files,
                                   in: Fixtures.root.path)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.components(separatedBy: " validates").count - 1 == files.count)
  }

  /// JSON Schema for the JSONL, and for every span in the JSONL and the XML: the offsets give
  /// back the surface text.
  @Test func everyRecordAndSpanHoldsTheContract() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Fixtures.path("output")).sorted()
      // The articles and their annotations; manifest.jsonl (left by `make output`, not in git)
      // is a run log with its own fields, not annotation records.
      .filter { $0.hasSuffix(".xml") || $0 == "annotations.jsonl" }.map { "output/" + $0 }
    let result = try Processes.run("python3", ["scripts/validate_outputs.py"] + files, in: Fixtures.root.path)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("10 record(s), 0 problem(s)"))
  }

  /// The validator itself must catch a wrong offset and a schema violation.
  @Test func theValidatorRejectsBrokenRecords() throws {
    let line = Fixtures.text(Fixtures.path("output/annotations.jsonl")).split(separator: "\n")[1]
    var record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
    var entities = record["entities"] as! [[String: Any]]
    entities[0]["start"] = (entities[0]["start"] as! Int) + 1
    record["entities"] = entities
    record["unexpected"] = true
    let path = Fixtures.temporaryDirectory("validator") + "/broken.jsonl"
    try JSONSerialization.data(withJSONObject: record).write(to: URL(fileURLWithPath: path))
    let result = try Processes.run("python3", ["scripts/validate_outputs.py", path], in: Fixtures.root.path)
    #expect(result.status == 1)
    #expect(result.stdout.contains("span: entities e1"))
    #expect(result.stdout.contains("schema: Additional properties are not allowed"))
  }
}
