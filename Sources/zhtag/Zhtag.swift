// The zhtag command: a thin layer over ZhtagPipeline.
import ArgumentParser
import Foundation
import ZhtagPipeline

@main
struct Zhtag: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "zhtag",
    abstract: "Turn Chinese development-zone news into clean, annotated XML and JSONL.",
    discussion: """
      Exit codes: 0 every article succeeded; 1 some articles failed (each is reported on \
      stderr and has its line in annotations.jsonl); 2 usage error or invalid rules; \
      3 an output file could not be written.
      """,
    version: "0.1.0",
    subcommands: [Run.self, Rules.self, Explain.self])
}

/// Options shared by the commands that load rules.
struct RulesOption: ParsableArguments {
  @Option(name: .long, help: "The rules directory.")
  var rules: String = "rules"

  func pipeline(encoding: String? = nil, keepAll: Bool = false, keepBoilerplate: Bool = false) throws -> Pipeline {
    try loadPipeline(rules: rules, encoding: encoding, keepAll: keepAll, keepBoilerplate: keepBoilerplate)
  }
}

/// Loads the pipeline, or prints every rule problem and exits with code 2.
func loadPipeline(rules: String, encoding: String? = nil, keepAll: Bool = false,
                  keepBoilerplate: Bool = false) throws -> Pipeline {
  do {
    return try Pipeline(options: PipelineOptions(rulesDirectory: rules, encoding: encoding,
                                                 keepAllCandidates: keepAll, keepBoilerplate: keepBoilerplate))
  } catch {
    for diagnostic in error.diagnostics { Output.error(diagnostic.description) }
    Output.error("\(error.diagnostics.filter { $0.severity == .error }.count) error(s) in \(rules)")
    throw ExitCode(2)
  }
}

enum Output {
  static func error(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }
}
