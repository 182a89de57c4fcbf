// Sentences and blocks: the ÷ fixtures, and block kinds on the seeds.
import Testing
import ZhtagCore
import ZhtagPipeline
import ZhtagSegment
import ZhtagTestSupport

let pipeline: Pipeline = {
  do { return try Pipeline(options: PipelineOptions(rulesDirectory: Fixtures.path("rules"))) } catch let error as RulesError {
    fatalError("rules do not load: \(error.diagnostics.map { $0.description }.joined(separator: "\n"))")
  } catch {
    fatalError("\(error)")
  }
}()

struct SentenceCase: CustomTestStringConvertible, Sendable {
  var line: Int
  var marked: String
  var testDescription: String { "sentences.txt:\(line) \(marked)" }
}

let sentenceCases: [SentenceCase] = {
  let text = Fixtures.text(Fixtures.path("Tests/ZhtagSegmentTests/Fixtures/sentences.txt"))
  return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
    line.isEmpty || line.hasPrefix("#") ? nil : SentenceCase(line: index + 1, marked: String(line))
  }
}()

@Suite struct SentenceTests {
  @Test(arguments: sentenceCases)
  func boundaries(_ fixture: SentenceCase) {
    let text = fixture.marked.replacingOccurrences(of: "÷", with: "")
    var document = Document(id: "t", source: SourceInfo(path: "t", sha256: "", byteCount: 0),
                            sourceText: text.scalars)
    pipeline.segmenter.segment(&document)
    let got = document.sentences.map { document.text.string($0.range) }.joined(separator: "÷")
    #expect(got == fixture.marked)
  }

  @Test func fixturesAreThere() { #expect(sentenceCases.count >= 14) }
}

@Suite struct BlockTests {
  @Test func seedBlocksHaveTheirKinds() throws {
    guard case .success(let document) = pipeline.process(
      Fixtures.bytes(Fixtures.path("seeds/000_00a638ad3c9138de.txt")), id: "000", path: "seeds/000")
    else { Issue.record("seed 000 failed"); return }
    let kinds = document.blocks.map { "\($0.kind.rawValue):\(document.text.string($0.range).prefix(8))" }
    #expect(kinds.prefix(4) == ["title:号角吹响", "paragraph:2月10日上午，", "heading:闻令而动", "paragraph:2月10日下午，"])
    #expect(kinds.contains("heading:要统一思想、提高"))
  }

  @Test func listItemsAreMarked() {
    var document = Document(id: "t", source: SourceInfo(path: "t", sha256: "", byteCount: 0),
                            sourceText: "会议要求：\n（1）请X、X同志牵头，组织研究落实措施；\n一、统一思想\n2.5亿元的项目已经开工，进展顺利。".scalars)
    pipeline.segmenter.segment(&document)
    #expect(document.blocks.map(\.kind) == [.paragraph, .listItem, .listItem, .paragraph])
  }
}
