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
    let articles = BatchInputs(inputs, format: inputFormat == .jsonl ? .jsonl : .files)
    let report: BatchReport
    do {
      report = try batch.run(articles)
    } catch {
      Output.error(error.description)
      throw ExitCode(3)
    }
    if terminal { Output.error("") }
    var summary = "zhtag: \(report.total) article(s), \(report.succeeded) ok, \(report.failed) failed"
    if report.skipped > 0 { summary += ", \(report.skipped) already done" }
    Output.error(summary + (out == "-" ? "" : " → \(out)"))
    if report.exitCode != 0 { throw ExitCode(report.exitCode) }
  }
}

extension Output {
  /// One line, rewritten in place: articles/s, MB/s, and the ETA once the inputs are counted.
  static func progress(_ progress: BatchProgress) {
    let seconds = max(progress.seconds, 0.001)
    let rate = Double(progress.done) / seconds
    let megabytes = Double(progress.bytesDone) / 1e6 / seconds
    var line = "\r\(progress.done)"
    if let total = progress.total { line += "/\(total)" }
    line += String(format: " articles  %.0f articles/s  %.1f MB/s", rate, megabytes)
    if let bytesTotal = progress.bytesTotal, megabytes > 0 {
      line += String(format: "  ETA %.0f s", Double(max(bytesTotal - progress.bytesDone, 0)) / 1e6 / megabytes)
    }
    FileHandle.standardError.write(Data((line + "   ").utf8))
  }
}
