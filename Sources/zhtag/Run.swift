// zhtag run: process articles into DIR/<id>.xml, DIR/annotations.jsonl and DIR/manifest.jsonl.
import ArgumentParser
import Foundation
import ZhtagPipeline

struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Annotate articles: one XML file each and one JSONL line each.",
    discussion: """
      With --out -, JSONL records go to standard output and nothing else is written: \
      `zhtag run --input-format jsonl - --out -` reads {"id","text"|"html"|"base64"} lines on \
      stdin, the shape of a Spark or Hadoop Streaming pipe.
      """)

  enum InputFormat: String, ExpressibleByArgument { case files, jsonl }

  @Argument(help: "Files, folders (read recursively) or - for stdin.")
  var inputs: [String]

  @Option(name: [.short, .long], help: "Output directory, or - for JSONL on standard output.")
  var out: String

  @Option(help: "files: each input is an article; jsonl: each line of each input is one.")
  var inputFormat: InputFormat = .files

  @Option(help: "Read every input in this charset instead of detecting it (e.g. GB18030, Big5).")
  var encoding: String?

  @Option(help: "Worker threads (default: the number of cores). Output is the same for any value.")
  var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

  @Flag(help: "Skip inputs already done by an earlier (possibly interrupted) run into the same folder with the same input bytes and rules.")
  var resume = false

  @Flag(help: "Write only annotations.jsonl and the manifest, no XML files.")
  var noXML = false

  @Flag(help: "Keep boilerplate lines in the text (still listed under removed, at the offset where they stand).")
  var keepBoilerplate = false

  @OptionGroup var rules: RulesOption

  func validate() throws {
    if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    if out == "-" && resume { throw ValidationError("--resume needs an output folder") }
  }

  func run() throws {
    let pipeline = try rules.pipeline(encoding: encoding, keepBoilerplate: keepBoilerplate)
    var batch = Batch(pipeline: pipeline, outputDirectory: out == "-" ? nil : out)
    batch.writeXML = !noXML
    batch.jobs = jobs
    batch.resume = resume
    batch.onFailure = { failure in Output.error(failure.error.description) }
    let terminal = isatty(STDERR_FILENO) == 1
    if terminal { batch.onProgress = { Output.progress($0) } }
    let articles: [BatchInput]
    switch inputFormat {
    case .files: articles = Batch.inputs(inputs)
    case .jsonl:
      articles = inputs.flatMap { path -> [BatchInput] in
        let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: path)
        guard let data else {
          Output.error("\(path): error: cannot read file")
          return []
        }
        return Batch.jsonlInputs(data, source: path)
      }
    }
    let report: BatchReport
    do {
      report = try batch.run(articles)
    } catch {
      Output.error(error.description)
      throw ExitCode(3)
    }
    if terminal { Output.error("") }
    var summary = "zhtag: \(report.total) article(s), \(report.succeeded) ok, \(report.failures.count) failed"
    if report.skipped > 0 { summary += ", \(report.skipped) already done" }
    Output.error(summary + (out == "-" ? "" : " → \(out)"))
    if report.exitCode != 0 { throw ExitCode(report.exitCode) }
  }
}

extension Output {
  /// One line, rewritten in place: articles/s, MB/s, ETA.
  static func progress(_ progress: BatchProgress) {
    let rate = Double(progress.done) / max(progress.seconds, 0.001)
    let megabytes = Double(progress.bytesDone) / 1e6 / max(progress.seconds, 0.001)
    let remaining = progress.bytesTotal > progress.bytesDone && megabytes > 0
      ? Double(progress.bytesTotal - progress.bytesDone) / 1e6 / megabytes : 0
    let line = String(format: "\r%d/%d articles  %.0f articles/s  %.1f MB/s  ETA %.0f s   ",
                      progress.done, progress.total, rate, megabytes, remaining)
    FileHandle.standardError.write(Data(line.utf8))
  }
}
