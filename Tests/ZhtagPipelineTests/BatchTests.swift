// Batches at scale: the same bytes for any --jobs, resume after an interruption, JSONL in and
// out for Spark pipes, and the manifest.
import Foundation
import Testing
import ZhtagPipeline
import ZhtagTestSupport

@Suite struct BatchTests {
  /// Every output file except the manifest (timings), by name.
  func outputs(_ folder: String) throws -> [String: [UInt8]] {
    var files: [String: [UInt8]] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name != "manifest.jsonl" {
      files[name] = Fixtures.bytes(folder + "/" + name)
    }
    return files
  }

  @Test func outputIsTheSameForEveryNumberOfJobs() throws {
    let dev = Fixtures.shared.appendingPathComponent("corpus/dev").path
    var results: [[String: [UInt8]]] = []
    for jobs in [1, 2, 5] {
      let out = Fixtures.temporaryDirectory("jobs\(jobs)")
      let run = try Processes.run(Processes.zhtag, ["run", "seeds", dev, "--out", out, "--jobs", "\(jobs)"],
                                  in: Fixtures.root.path)
      #expect(run.status == 0, "\(run.stderr)")
      results.append(try outputs(out))
    }
    #expect(results[0].count > 200)
    #expect(results[0] == results[1])
    #expect(results[0] == results[2])
  }

  /// A run killed part-way leaves no final annotations.jsonl; --resume finishes it, skipping
  /// what was done, and the result is byte-identical to an uninterrupted run.
  @Test func anInterruptedRunResumesToTheSameOutput() throws {
    let inputs = Fixtures.temporaryDirectory("many")
    let dev = Fixtures.devCorpusPaths
    for copy in 0..<2_000 {
      let source = dev[copy % dev.count]
      try FileManager.default.copyItem(atPath: source, toPath: inputs + String(format: "/%05d.txt", copy))
    }
    let clean = Fixtures.temporaryDirectory("clean")
    let full = try Processes.run(Processes.zhtag, ["run", inputs, "--out", clean, "--no-xml", "--jobs", "1"],
                                 in: Fixtures.root.path)
    #expect(full.status == 0)

    let out = Fixtures.temporaryDirectory("cut")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Processes.zhtag)
    process.arguments = ["run", inputs, "--out", out, "--no-xml", "--jobs", "1"]
    process.currentDirectoryURL = Fixtures.root
    process.standardError = FileHandle.nullDevice
    try process.run()
    // Wait until some articles are written, then kill it hard.
    let partial = out + "/.annotations.jsonl.partial"
    for _ in 0..<400 {
      if let size = (try? FileManager.default.attributesOfItem(atPath: partial))?[.size] as? NSNumber,
        size.intValue > 0
      {
        break
      }
      usleep(10_000)
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(!FileManager.default.fileExists(atPath: out + "/annotations.jsonl"),
            "an interrupted run must not leave a final annotations.jsonl")

    let resumed = try Processes.run(Processes.zhtag, ["run", inputs, "--out", out, "--no-xml", "--jobs", "2", "--resume"],
                                    in: Fixtures.root.path)
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(resumed.stderr.contains("already done"), "\(resumed.stderr)")
    #expect(Fixtures.bytes(out + "/annotations.jsonl") == Fixtures.bytes(clean + "/annotations.jsonl"))
    let manifest = Fixtures.text(out + "/manifest.jsonl").split(separator: "\n")
    #expect(manifest.count == 2_000)
    #expect(manifest.contains { $0.contains("\"status\":\"skipped\"") })
    #expect(manifest.contains { $0.contains("\"status\":\"ok\"") })
  }

  /// Folders are walked lazily, one folder at a time; the order must still be that of the
  /// full paths sorted (byte order), whatever the nesting, and ids unique.
  @Test func aNestedFolderIsWalkedInSortedPathOrder() throws {
    let root = Fixtures.temporaryDirectory("walk")
    let files = ["a.txt", "a/x.txt", "a-b.txt", "a/b/z.txt", "B.txt", "b/c/x.txt", "x~2.txt", "中.txt", "a0.txt",
                 ".hidden/y.txt", ".h.txt", "b/.h/x.txt"]
    for file in files {
      let path = root + "/" + file
      try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                              withIntermediateDirectories: true)
      try Data("经开区。".utf8).write(to: URL(fileURLWithPath: path))
    }
    try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: root + "/a")
    try FileManager.default.createSymbolicLink(atPath: root + "/alink.txt", withDestinationPath: root + "/a.txt")
    let inputs = Array(Batch.inputs([root, root + "/a.txt"]))
    // Hidden names are skipped, the link to a folder is not followed, the link to a file is read.
    let expected = (files.filter { !$0.hasPrefix(".") && !$0.contains("/.") } + ["alink.txt"])
      .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    #expect(inputs.map { $0.path } == expected.map { root + "/" + $0 } + [root + "/a.txt"])
    // The second x becomes x~2, so the file named x~2 gets x~2~2, and the second a.txt a~2.
    #expect(inputs.map { $0.id } == ["B", "a-b", "a", "z", "x", "a0", "alink", "x~2", "x~2~2", "中", "a~2"])
    // Walking twice gives the same inputs.
    #expect(Array(Batch.inputs([root, root + "/a.txt"])).map { $0.id } == inputs.map { $0.id })
  }

  /// --resume after the inputs changed: removed, added and edited files are handled, the
  /// rest is copied, and the result is what a fresh run over the new inputs writes.
  @Test func resumeAfterTheInputsChanged() throws {
    let inputs = Fixtures.temporaryDirectory("changing")
    let dev = Fixtures.devCorpusPaths
    for copy in 0..<40 {
      try FileManager.default.copyItem(atPath: dev[copy], toPath: inputs + String(format: "/%03d.txt", copy * 2))
    }
    let out = Fixtures.temporaryDirectory("resumed")
    let first = try Processes.run(Processes.zhtag, ["run", inputs, "--out", out, "--jobs", "2"], in: Fixtures.root.path)
    #expect(first.status == 0, "\(first.stderr)")
    try FileManager.default.removeItem(atPath: inputs + "/010.txt")
    try FileManager.default.copyItem(atPath: dev[50], toPath: inputs + "/021.txt")
    try FileManager.default.removeItem(atPath: inputs + "/040.txt")
    try FileManager.default.copyItem(atPath: dev[51], toPath: inputs + "/040.txt")
    let resumed = try Processes.run(Processes.zhtag, ["run", inputs, "--out", out, "--jobs", "2", "--resume"],
                                    in: Fixtures.root.path)
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(resumed.stderr.contains("40 article(s), 2 ok, 0 failed, 38 already done"), "\(resumed.stderr)")
    let fresh = Fixtures.temporaryDirectory("fresh")
    let clean = try Processes.run(Processes.zhtag, ["run", inputs, "--out", fresh, "--jobs", "1"], in: Fixtures.root.path)
    #expect(clean.status == 0)
    let resumedFiles = try outputs(out).filter { $0.key != "010.xml" }
    #expect(resumedFiles == (try outputs(fresh)))
  }

  @Test func jsonlInOnStdinJsonlOutOnStdout() throws {
    let lines = [
      #"{"id": "a", "text": "2月9日上午,嘉兴经开区召开大会。"}"#,
      #"{"id": "b", "base64": "\#(Data("隨州高新區".utf8).base64EncodedString())"}"#,
      #"not json"#,
      #"{"id": "c"}"#,
    ].joined(separator: "\n") + "\n"
    let result = try Processes.run(Processes.zhtag, ["run", "--input-format", "jsonl", "-", "--out", "-"],
                                   in: Fixtures.root.path, stdin: Data(lines.utf8))
    #expect(result.status == 1)
    let records = result.stdout.split(separator: "\n").map {
      try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
    }
    #expect(records.map { $0["id"] as! String } == ["a", "b", "line-3", "c"])
    #expect(records.map { $0["status"] as! String } == ["ok", "ok", "failed", "failed"])
    #expect(records[1]["text"] as? String == "随州高新区")
    #expect(result.stderr.contains("-:3: error: not a JSON object"))
    #expect(result.stderr.contains("-:4: error: needs a string field 'text', 'html' or 'base64'"))
  }

  /// The README's PySpark example, in local mode (scripts/setup installs pyspark and Java).
  /// Skipped, saying so, when either is missing.
  @Test func pysparkPipeExample() throws {
    let probe = try Processes.run("python3", ["-c", "import pyspark"], in: Fixtures.root.path)
    guard probe.status == 0 else {
      print("skipped: pyspark is not installed (pip install pyspark, or scripts/setup) — the PySpark example did not run")
      return
    }
    let java = try? Processes.run("java", ["-version"], in: Fixtures.root.path)
    guard java?.status == 0 else {
      print("skipped: no Java runtime (apt-get install default-jre-headless, or scripts/setup) — the PySpark example did not run")
      return
    }
    let result = try Processes.run("python3", ["scripts/spark_example.py", Processes.zhtag], in: Fixtures.root.path)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("5 records, 5 ok"))
  }
}
