// Sentences and blocks: the ÷ fixtures, block kinds, the marks table, and ICU on the same fixtures.
import CZhtagICU
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

/// A document whose text is `text`, segmented by the pipeline's segmenter.
func segmented(_ text: String) -> Document {
  var document = Document(id: "t", source: SourceInfo(path: "t", sha256: "", byteCount: 0), sourceText: text.scalars)
  pipeline.segmenter.segment(&document)
  return document
}

/// The text of `ranges` with ÷ at the start of every sentence after the first (the fixture form).
func marked(_ text: [Unicode.Scalar], _ ranges: [TextRange]) -> String {
  var result = String.UnicodeScalarView()
  var starts = Set(ranges.dropFirst().map(\.start))
  for (index, scalar) in text.enumerated() {
    if starts.remove(index) != nil { result.append("÷") }
    result.append(scalar)
  }
  return String(result)
}

/// One line of Fixtures/sentences.txt: the text, and the sentences ÷ marks in it (each trimmed of
/// horizontal space; the space between two sentences belongs to neither).
struct SentenceCase: CustomTestStringConvertible, Sendable {
  var line: Int
  var marked: String
  var text: [Unicode.Scalar] = []
  var expected: [TextRange] = []

  init(line: Int, marked: String) {
    self.line = line
    self.marked = marked
    var start = 0
    for scalar in marked.unicodeScalars {
      if scalar == "÷" {
        expected.append(trimmed(TextRange(start, text.count)))
        start = text.count
      } else {
        text.append(scalar)
      }
    }
    expected.append(trimmed(TextRange(start, text.count)))
  }

  private func trimmed(_ range: TextRange) -> TextRange {
    var range = range
    while range.start < range.end, text[range.start].isHorizontalSpace { range.start += 1 }
    while range.end > range.start, text[range.end - 1].isHorizontalSpace { range.end -= 1 }
    return range
  }

  var testDescription: String { "sentences.txt:\(line) \(marked.prefix(40))" }
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
    let document = segmented(String(String.UnicodeScalarView(fixture.text)))
    let got = document.sentences.map(\.range)
    #expect(got == fixture.expected, "got \(marked(fixture.text, got))")
    #expect(document.sentences.allSatisfy { $0.block == 0 })
  }

  @Test func fixturesAreThere() { #expect(sentenceCases.count >= 150) }

  /// Every character of a block outside horizontal space is in exactly one sentence, in order,
  /// on the seeds and the dev corpus.
  @Test func sentencesTileTheBlocks() throws {
    for path in Fixtures.seedPaths + Fixtures.devCorpusPaths {
      guard case .success(let document) = pipeline.process(Fixtures.bytes(path), id: "t", path: path) else { continue }
      var next = 0
      for (index, block) in document.blocks.enumerated() {
        let sentences = document.sentences.filter { $0.block == index }
        #expect(sentences.first?.range.start == block.range.start, "\(path) block \(index)")
        #expect(sentences.last?.range.end == block.range.end, "\(path) block \(index)")
        for sentence in sentences {
          #expect(sentence.range.start >= next && !sentence.range.isEmpty)
          #expect(document.text[next..<sentence.range.start].allSatisfy { $0.isHorizontalSpace || $0 == "\n" })
          next = sentence.range.end
        }
      }
    }
  }

  /// ICU's sentence BreakIterator on the same fixtures, for the README comparison. Printed, not
  /// asserted beyond running: ICU is the baseline, not the spec.
  @Test func icuOnTheFixtures() throws {
    let breaker = try #require(zhtag_icu_sentence_breaker_open("zh"))
    defer { zhtag_icu_sentence_breaker_close(breaker) }
    var icuCorrect = 0, oursCorrect = 0
    var icuFailures: [String] = []
    for fixture in sentenceCases {
      let icu = icuSentences(fixture.text, breaker)
      if icu == fixture.expected { icuCorrect += 1 } else { icuFailures.append("  sentences.txt:\(fixture.line) \(marked(fixture.text, icu))") }
      if segmented(String(String.UnicodeScalarView(fixture.text))).sentences.map(\.range) == fixture.expected { oursCorrect += 1 }
    }
    print("sentence fixtures: zhtag \(oursCorrect)/\(sentenceCases.count), ICU BreakIterator (zh) \(icuCorrect)/\(sentenceCases.count)")
    print("ICU differs on:\n" + icuFailures.joined(separator: "\n"))
    #expect(oursCorrect == sentenceCases.count)
  }

  /// Where ICU and we cut the seeds and the dev corpus differently (printed for the README;
  /// each block is given to ICU on its own, so only boundaries inside blocks are compared).
  @Test func icuOnTheCorpus() throws {
    let breaker = try #require(zhtag_icu_sentence_breaker_open("zh"))
    defer { zhtag_icu_sentence_breaker_close(breaker) }
    var ours = 0, icu = 0, both = 0
    var examples: [String] = []
    for path in Fixtures.seedPaths + Fixtures.devCorpusPaths {
      guard case .success(let document) = pipeline.process(Fixtures.bytes(path), id: "t", path: path) else { continue }
      for (index, block) in document.blocks.enumerated() {
        let text = Array(document.text[block.range.start..<block.range.end])
        let mine = Set(document.sentences.filter { $0.block == index }.dropFirst().map { $0.range.start - block.range.start })
        let theirs = Set(icuSentences(text, breaker).dropFirst().map(\.start))
        ours += mine.count
        icu += theirs.count
        both += mine.intersection(theirs).count
        for start in mine.symmetricDifference(theirs).sorted() where examples.count < 40 {
          let from = max(0, start - 12), to = min(text.count, start + 8)
          let context = String(String.UnicodeScalarView(text[from..<start])) + "÷" + String(String.UnicodeScalarView(text[start..<to]))
          examples.append("  \(mine.contains(start) ? "zhtag only" : "ICU only  ") \(path.split(separator: "/").last ?? ""): \(context)")
        }
      }
    }
    print("seeds + dev corpus, boundaries inside blocks: zhtag \(ours), ICU \(icu), both \(both)")
    print(examples.joined(separator: "\n"))
    #expect(both > 0)
  }
}

/// ICU's sentences of `text` as code-point ranges, trimmed of horizontal space like ours.
func icuSentences(_ text: [Unicode.Scalar], _ breaker: OpaquePointer) -> [TextRange] {
  var utf16: [UInt16] = []
  var scalarAt: [Int] = []  // UTF-16 offset → code point offset
  for (index, scalar) in text.enumerated() {
    for unit in String(scalar).utf16 {
      utf16.append(unit)
      scalarAt.append(index)
    }
  }
  scalarAt.append(text.count)
  var boundaries = [Int32](repeating: 0, count: utf16.count + 1)
  let count = zhtag_icu_sentence_breaks_utf16(breaker, utf16, Int32(utf16.count), &boundaries, Int32(boundaries.count))
  var ranges: [TextRange] = []
  var start = 0
  for boundary in boundaries.prefix(Int(max(count, 0))) {
    var range = TextRange(start, scalarAt[Int(boundary)])
    start = range.end
    while range.start < range.end, text[range.start].isHorizontalSpace || text[range.start] == "\n" { range.start += 1 }
    while range.end > range.start, text[range.end - 1].isHorizontalSpace || text[range.end - 1] == "\n" { range.end -= 1 }
    if !range.isEmpty { ranges.append(range) }
  }
  return ranges
}

/// One line of Fixtures/blocks.txt: the kind the line must get, a tab, the line.
struct BlockCase: CustomTestStringConvertible, Sendable {
  var line: Int
  var kind: String
  var text: String
  var testDescription: String { "blocks.txt:\(line) \(kind) \(text.prefix(30))" }
}

let blockCases: [BlockCase] = {
  let text = Fixtures.text(Fixtures.path("Tests/ZhtagSegmentTests/Fixtures/blocks.txt"))
  return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
    if line.isEmpty || line.hasPrefix("#") { return nil }
    let parts = line.split(separator: "\t", maxSplits: 1)
    return BlockCase(line: index + 1, kind: String(parts[0]), text: parts.count > 1 ? String(parts[1]) : "")
  }
}()

@Suite struct BlockTests {
  @Test(arguments: blockCases)
  func kind(_ fixture: BlockCase) {
    let document = segmented(fixture.text)
    #expect(document.blocks.map(\.kind.rawValue) == [fixture.kind])
  }

  @Test func fixturesAreThere() { #expect(blockCases.count >= 40) }

  @Test func seedBlocksHaveTheirKinds() throws {
    guard case .success(let document) = pipeline.process(
      Fixtures.bytes(Fixtures.path("seeds/000_00a638ad3c9138de.txt")), id: "000", path: "seeds/000")
    else { Issue.record("seed 000 failed"); return }
    let kinds = document.blocks.map { "\($0.kind.rawValue):\(document.text.string($0.range).prefix(8))" }
    #expect(kinds.prefix(4) == ["title:号角吹响", "paragraph:2月10日上午，", "heading:闻令而动", "paragraph:2月10日下午，"])
    #expect(kinds.contains("heading:要统一思想、提高"))
  }

  @Test func linesAreBlocks() {
    let document = segmented("会议要求：\n（1）请X、X同志牵头，组织研究落实措施；\n\n  一、统一思想　\n2.5亿元的项目已经开工，进展顺利。\n")
    #expect(document.blocks.map(\.kind) == [.paragraph, .listItem, .heading, .paragraph])
    #expect(document.blocks.map { document.text.string($0.range) }
      == ["会议要求：", "（1）请X、X同志牵头，组织研究落实措施；", "一、统一思想", "2.5亿元的项目已经开工，进展顺利。"])
    #expect(document.sentences.map(\.block) == [0, 1, 2, 3])
  }

  @Test func emptyTextHasNoBlocks() {
    #expect(segmented("").blocks.isEmpty)
    #expect(segmented(" \n\u{3000}\n").sentences.isEmpty)
  }

  @Test func theTitleLineIsTheTitle() {
    var document = Document(id: "t", source: SourceInfo(path: "t", sha256: "", byteCount: 0), sourceText: "号角吹响\n会议召开。".scalars)
    document.meta["title"] = MetaField(value: "号角吹响", range: TextRange(0, 4), sourceRange: TextRange(0, 4), rule: nil)
    pipeline.segmenter.segment(&document)
    #expect(document.blocks.map(\.kind) == [.title, .paragraph])
  }
}

@Suite struct MarksTests {
  @Test func theShippedMarksHaveNoProblems() {
    #expect(pipeline.segmenter.marks.problems == [])
  }

  @Test func rolesComeFromTheTable() {
    let marks = pipeline.segmenter.marks
    #expect(marks.role(of: "。") == .end)
    #expect(marks.role(of: "；") == .clause)
    #expect(marks.role(of: "…") == .ellipsis)
    #expect(marks.role(of: "”") == .close)
    #expect(marks.role(of: "》") == .titleClose)
    #expect(marks.role(of: "字") == .none)
    #expect(marks.role(of: "\u{20000}") == .none)
  }

  /// The semicolon choice is data: the same text splits at ； when the table says `end`.
  @Test func semicolonIsAChoice() {
    let text = "一是要下苦功；二是要出实绩。"
    #expect(segmented(text).sentences.count == 1)
    let lexicon = Lexicon(name: "marks", file: "test", columns: ["role", "value"],
                          entries: [LexiconEntry(key: "。", fields: ["end"]), LexiconEntry(key: "；", fields: ["end"])])
    var document = Document(id: "t", source: SourceInfo(path: "t", sha256: "", byteCount: 0), sourceText: text.scalars)
    Segmenter(marks: SentenceMarks(lexicon)).segment(&document)
    #expect(document.sentences.map { document.text.string($0.range) } == ["一是要下苦功；", "二是要出实绩。"])
  }

  @Test func badEntriesAreReported() {
    let lexicon = Lexicon(name: "marks", file: "m.tsv", columns: ["role", "value"], entries: [
      LexiconEntry(key: "。", fields: ["ending"], line: 7),
      LexiconEntry(key: "”", fields: ["close"], line: 8),
      LexiconEntry(key: "heading-max-length", fields: ["setting", "many"], line: 9),
      LexiconEntry(key: "。。", fields: ["end"], line: 10),
    ])
    #expect(SentenceMarks(lexicon).problems.map { String($0.prefix(8)) } == ["m.tsv:7:", "m.tsv:8:", "m.tsv:9:", "m.tsv:10"])
  }
}
