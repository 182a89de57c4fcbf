// zhtag rules check | test: validate the rule files, run their examples.
import ArgumentParser
import ZhtagPipeline

struct Rules: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check rule files or run the examples written in them.",
    subcommands: [Check.self, Test.self])

  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Validate rules/: every problem as file:line:col with the line and a caret.")

    @Argument(help: "The rules directory.")
    var directory: String = "rules"

    func run() throws {
      let pipeline = try loadPipeline(rules: directory)
      for warning in pipeline.ruleSet.warnings { Output.error(warning.description) }
      for rule in pipeline.tagger.unanchoredRules {
        Output.error("\(rule.place): warning: the pattern of '\(rule.id)' starts with no text, lexicon or annotation to anchor on, so it is tried at every character (slow on large batches)")
      }
      let rules = pipeline.ruleSet.ruleBook.allRules.count + pipeline.ruleSet.lineRules.count
      print("\(directory): ok (\(rules) rules, \(pipeline.ruleSet.ruleBook.lexicons.count) lexicons)")
    }
  }

  struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run every example under the rules; ends with 'N passed, N failed'.")

    @Argument(help: "The rules directory.")
    var directory: String = "rules"

    func run() throws {
      let pipeline = try loadPipeline(rules: directory)
      var passed = 0
      var failed = 0
      for example in pipeline.ruleExamples {
        let result = pipeline.run(example)
        if result.passed {
          passed += 1
        } else {
          failed += 1
          print("FAIL \(result.message)")
        }
      }
      print("\(passed) passed, \(failed) failed")
      if failed > 0 { throw ExitCode(1) }
    }
  }
}
