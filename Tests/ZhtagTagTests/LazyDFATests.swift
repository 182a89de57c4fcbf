// The lazy DFA (LazyDFA.swift) must find what the capture-free Pike pass finds: the same
// annotations, on the seeds and the dev corpus, with the shipped rules.
import Testing
import ZhtagCore
import ZhtagPipeline
import ZhtagRules
@testable import ZhtagTag
import ZhtagTestSupport

@Suite struct LazyDFATests {
  @Test func theDFAChangesNoAnnotationOfTheShippedRules() throws {
    let pipeline = LinearTimeTests.pipeline
    var withoutDFA = pipeline.tagger
    withoutDFA.usesLazyDFA = false
    var compared = 0
    var stepsWith = 0
    var stepsWithout = 0
    for path in Fixtures.seedPaths + Fixtures.devCorpusPaths {
      guard case .success(let document) = pipeline.process(Fixtures.bytes(path), id: path, path: path) else { continue }
      let with = pipeline.tagger.tag(document.text)
      let without = withoutDFA.tag(document.text)
      #expect(with.annotations == without.annotations, "\(path)")
      stepsWith += with.patternSteps
      stepsWithout += without.patternSteps
      compared += 1
    }
    #expect(compared >= 100)
    // The DFA reads each character once per attempt, whatever the number of threads.
    #expect(stepsWith < stepsWithout, "steps with the DFA \(stepsWith), without \(stepsWithout)")
  }

  /// Text full of rare characters makes a DFA state for each: past `PatternVM.dfaBudget`
  /// transitions the VM drops its DFAs and builds them again, and the results do not change.
  @Test func theDFABudgetKeepsResults() {
    var text: [Unicode.Scalar] = []
    for value in 0x20000..<(0x20000 + PatternVM.dfaBudget + 1_000) {
      text += ["2", Unicode.Scalar(UInt32(value))!, "年", "。"]
    }
    let tagger = LinearTimeTests.pipeline.tagger
    var withoutDFA = tagger
    withoutDFA.usesLazyDFA = false
    let with = tagger.tag(text)
    #expect(!with.annotations.isEmpty)
    #expect(with.annotations == withoutDFA.tag(text).annotations)
  }

  /// The budget itself: a VM that reads ever new characters after a digit drops its DFAs.
  @Test func aVMDropsItsDFAsPastTheBudget() throws {
    var labels = LabelTable()
    let program = PatternProgram(try PatternParser.parse("[digit] [any]"), classes: [:], trieIndex: [:],
                                 labels: &labels, id: 0)
    var text: [Unicode.Scalar] = []
    var vm = PatternVM()
    vm.dfaBudget = 100
    for value in 0x20000..<0x20400 { text += ["2", Unicode.Scalar(UInt32(value))!] }
    let index = AnnotationIndex(textLength: text.count, labelCount: 0)
    var matched = 0
    for start in stride(from: 0, to: text.count, by: 2)
    where vm.match(program, tries: [], text: text, annotations: index, at: start)?.end == start + 2 {
      matched += 1
    }
    #expect(matched == text.count / 2)
    #expect(vm.dfaDrops >= 10)  // 1,024 new transitions, a budget of 100
  }
}
