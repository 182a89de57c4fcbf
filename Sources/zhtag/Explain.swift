// zhtag explain: why rules fired or did not on a text.
import ArgumentParser
import Foundation
import ZhtagPipeline

struct Explain: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show every candidate on a text, the rule behind it, and why it won or lost.")

  @Argument(help: "The text to explain.")
  var text: String?

  @Option(help: "Explain the text of this file instead.")
  var file: String?

  @OptionGroup var rules: RulesOption

  func validate() throws {
    if (text == nil) == (file == nil) {
      throw ValidationError("give either a TEXT or --file F")
    }
  }

  func run() throws {
    let pipeline = try rules.pipeline(keepAll: false)
    var input = text ?? ""
    if let file {
      guard let data = FileManager.default.contents(atPath: file) else {
        Output.error("\(file): error: cannot read file")
        throw ExitCode(2)
      }
      input = String(decoding: data, as: UTF8.self)
    }
    print(pipeline.explain(input))
  }
}
