// Every example written under rules/ is its own test case (Duckling's corpus, DESIGN §4).
import Testing
import ZhtagPipeline
import ZhtagTestSupport

let rulesPipeline: Pipeline = {
  do { return try Pipeline(options: PipelineOptions(rulesDirectory: Fixtures.path("rules"))) } catch let error as RulesError {
    fatalError("rules do not load: \(error.diagnostics.map { $0.description }.joined(separator: "\n"))")
  } catch {
    fatalError("\(error)")
  }
}()

extension RuleExampleCase: CustomTestStringConvertible {
  public var testDescription: String { description }
}

@Suite struct RuleExampleTests {
  @Test(arguments: rulesPipeline.ruleExamples)
  func example(_ example: RuleExampleCase) {
    let result = rulesPipeline.run(example)
    #expect(result.passed, "\(result.message)")
  }

  @Test func everyRuleCarriesExamplesAndTheyAreAllCollected() {
    let examples = rulesPipeline.ruleExamples
    for rule in rulesPipeline.ruleSet.ruleBook.allRules {
      #expect(examples.contains { $0.ruleID == rule.reference.id && $0.kind == .tagMatch })
    }
    for rule in rulesPipeline.ruleSet.lineRules {
      #expect(examples.contains { $0.ruleID == rule.reference.id && $0.kind == .lineDrop })
    }
  }
}
