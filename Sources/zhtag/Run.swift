// zhtag run: process articles into DIR/<id>.xml and DIR/annotations.jsonl.
import ArgumentParser
import ZhtagPipeline

struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Annotate articles: one XML file each and one JSONL line each.")

  @Argument(help: "Files, folders (read recursively) or - for stdin.")
  var inputs: [String]

  @Option(name: [.short, .long], help: "Output directory.")
  var out: String

  @Option(help: "Read every input in this charset instead of detecting it (e.g. GB18030, Big5).")
  var encoding: String?

  @Flag(help: "Write only annotations.jsonl, no XML files.")
  var noXML = false

  @OptionGroup var rules: RulesOption

  func run() throws {
    let pipeline = try rules.pipeline(encoding: encoding)
    var batch = Batch(pipeline: pipeline, outputDirectory: out)
    batch.writeXML = !noXML
    batch.onFailure = { failure in Output.error(failure.error.description) }
    let report: BatchReport
    do {
      report = try batch.run(Batch.inputs(inputs))
    } catch {
      Output.error(error.description)
      throw ExitCode(3)
    }
    Output.error("zhtag: \(report.total) article(s), \(report.succeeded) ok, \(report.failures.count) failed → \(out)")
    if report.exitCode != 0 { throw ExitCode(report.exitCode) }
  }
}
