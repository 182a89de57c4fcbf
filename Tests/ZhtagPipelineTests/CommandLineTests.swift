// The built zhtag binary: batches with broken input, exit codes, rule commands.
import Foundation
import Testing
import ZhtagTestSupport

@Suite struct CommandLineTests {
  /// A folder of good articles with one of each kind of broken input among them: every good
  /// article is written, each broken one is reported on stderr and has its JSONL line.
  @Test func brokenFilesAreReportedAndTheRestOfTheBatchIsWritten() throws {
    let folder = Fixtures.temporaryDirectory("batch-in")
    let out = Fixtures.temporaryDirectory("batch-out")
    let manager = FileManager.default
    for path in Fixtures.seedPaths {
      try manager.copyItem(atPath: path, toPath: folder + "/" + (path as NSString).lastPathComponent)
    }
    try Data().write(to: URL(fileURLWithPath: folder + "/empty.txt"))
    try Data([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0]).write(
      to: URL(fileURLWithPath: folder + "/binary.txt"))
    let result = try Processes.run(
      Processes.zhtag, ["run", folder, folder + "/missing.txt", "--out", out], in: Fixtures.root.path)

    #expect(result.status == 1, "some articles failed, so the exit code is 1")
    #expect(result.stderr.contains(folder + "/empty.txt: error: input is empty (0 bytes)"))
    #expect(result.stderr.contains(folder + "/binary.txt:@7: error: input looks binary"))
    #expect(result.stderr.contains(folder + "/missing.txt: error: no such file"))
    #expect(result.stderr.contains("8 article(s), 5 ok, 3 failed"))

    let lines = Fixtures.text(out + "/annotations.jsonl").split(separator: "\n")
    #expect(lines.count == 8)
    let records = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    let status = Dictionary(uniqueKeysWithValues: records.map { ($0["id"] as! String, $0["status"] as! String) })
    #expect(status["empty"] == "failed" && status["binary"] == "failed" && status["missing"] == "failed")
    #expect(status.values.filter { $0 == "ok" }.count == 5)
    for path in Fixtures.seedPaths {
      let id = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
      #expect(manager.fileExists(atPath: out + "/\(id).xml"))
    }
    // The failed ones are valid records too.
    let check = try Processes.run("python3", ["scripts/validate_outputs.py", out + "/annotations.jsonl"] + (
      try manager.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".xml") }.map { out + "/" + $0 }),
      in: Fixtures.root.path)
    #expect(check.status == 0, "\(check.stdout)")
    let schema = try Processes.run("xmllint", ["--noout", "--relaxng", "schema/article.rng", out + "/binary.xml"],
                                   in: Fixtures.root.path)
    #expect(schema.status == 0, "\(schema.stderr)")
  }

  @Test func stdinIsOneArticle() throws {
    let out = Fixtures.temporaryDirectory("stdin")
    let result = try Processes.run(Processes.zhtag, ["run", "-", "--out", out], in: Fixtures.root.path,
                                   stdin: Data("2月9日上午,嘉兴经开区召开大会。".utf8))
    #expect(result.status == 0, "\(result.stderr)")
    let record = Fixtures.text(out + "/annotations.jsonl")
    #expect(record.contains("\"id\":\"stdin\""))
    #expect(record.contains("\"text\":\"2月9日上午，嘉兴经开区召开大会。\""))
  }

  @Test func invalidRulesExitWithCode2AndEveryProblem() throws {
    let rules = Fixtures.temporaryDirectory("bad-rules")
    try FileManager.default.copyItem(atPath: Fixtures.path("rules"), toPath: rules + "/rules")
    let zones = rules + "/rules/entity/zones.yaml"
    var text = Fixtures.text(zones)
    text = text.replacingOccurrences(of: "    label: ZONE", with: "    lable: ZONE")
    text = text.replacingOccurrences(of: "lexicon: zone-kinds", with: "lexicon: zone-kind")
    try text.write(toFile: zones, atomically: true, encoding: .utf8)
    let result = try Processes.run(Processes.zhtag, ["rules", "check", "rules"], in: rules)
    #expect(result.status == 2)
    // Every problem, each at its own line of the file.
    let lines = Fixtures.text(zones).split(separator: "\n", omittingEmptySubsequences: false)
    let lable = lines.indices.filter { lines[$0].contains("lable: ZONE") }.map { $0 + 1 }
    let lexicon = try #require(lines.firstIndex { $0.contains("lexicon: zone-kind") }) + 1
    #expect(lable.count >= 2)  // every rule of zones.yaml
    for line in lable {
      #expect(result.stderr.contains("rules/entity/zones.yaml:\(line):5: error: unknown key 'lable' in a rule"))
    }
    #expect(result.stderr.contains("rules/entity/zones.yaml:\(lexicon):14: error: unknown lexicon 'zone-kind' (known: "))
    #expect(result.stderr.contains("    lable: ZONE\n    ^"))
    let run = try Processes.run(Processes.zhtag, ["run", Fixtures.seedPaths[0], "--out", rules + "/out"], in: rules)
    #expect(run.status == 2)
  }

  @Test func rulesTestEndsWithTheCountLine() throws {
    let result = try Processes.run(Processes.zhtag, ["rules", "test"], in: Fixtures.root.path)
    #expect(result.status == 0, "\(result.stdout)")
    let last = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
    #expect(last.hasSuffix(" passed, 0 failed"))
  }

  @Test func explainShowsWinnersLosersAndRulePlaces() throws {
    let result = try Processes.run(Processes.zhtag, ["explain", "召开经济技术开发区大会"], in: Fixtures.root.path)
    #expect(result.status == 0, "\(result.stderr)")
    let won = try #require(result.stdout.split(separator: "\n").first { $0.contains("ZONE ⟦经济技术开发区⟧ [2,9) by zone-kind (rules/entity/zones.yaml:") })
    #expect(won.contains("{kind: etdz, form: full} entry rules/lexicons/zone-kinds.txt:"))
    #expect(won.hasSuffix("— won"))
    #expect(result.stdout.contains("ZONE ⟦开发区⟧ [6,9) by zone-kind"))
    #expect(result.stdout.contains("which is longer"))
  }
}
