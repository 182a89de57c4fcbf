// Decode on real text: charsets, crawl repair on the seeds and the dev corpus, conversion.
import Foundation
import Testing
import ZhtagCore
import ZhtagDecode
import ZhtagPipeline
import ZhtagTestSupport

/// The pipeline over the repository's rules, loaded once.
let pipeline: Pipeline = {
  do { return try Pipeline(options: PipelineOptions(rulesDirectory: Fixtures.path("rules"))) } catch let error as RulesError {
    fatalError("rules do not load: \(error.diagnostics.map { $0.description }.joined(separator: "\n"))")
  } catch {
    fatalError("\(error)")
  }
}()

func hex(_ text: String) -> [UInt8] {
  var bytes: [UInt8] = []
  var index = text.startIndex
  while index < text.endIndex {
    let next = text.index(index, offsetBy: 2)
    bytes.append(UInt8(text[index..<next], radix: 16)!)
    index = next
  }
  return bytes
}

func decode(_ bytes: [UInt8], encoding: String? = nil) throws(Diagnostic) -> Document {
  var decoder = pipeline.decoder
  decoder.bytes = ByteDecoder(override: encoding)
  return try decoder.decode(bytes, id: "t", source: SourceInfo(path: "t.txt", sha256: "", byteCount: bytes.count))
}

@Suite struct CharsetTests {
  static let gbk = hex("bcced0cbbeadbcc3bcbccaf5bfaab7a2c7f8d5d9bfaac8abc7f8c8fdbcb6b8c9b2bfb4f3bbe1a3acb6afd4b1c8abc7f8c9cfcfc2cdb3d2bbcbbccfeba1a2d0ceb3c9b9b2cab6a1a2c4fdbedbc1a6c1bfa1a3")
  static let big5 = hex("c048a67bb0aab773b0cfc4d2a475a965aed1b04fa142badea965b77ca544a5f4b3a2bee5aa46b161b6a4b260a44ab3a1a4c0adabc249b6b5a5d8abd8b35da440bd75b27bb3f5bfeca4bda143")

  @Test func validUTF8TakesTheFastPath() throws {
    let document = try decode(Array("嘉兴经开区".utf8))
    #expect(document.source.encoding == "UTF-8")
    #expect(document.source.encodingMethod == "utf-8")
  }

  @Test func gbkIsDetectedAndReadAsGB18030() throws {
    let document = try decode(Self.gbk)
    #expect(document.source.encoding == "GB18030")
    #expect(document.text.string.hasPrefix("嘉兴经济技术开发区召开全区三级干部大会"))
    #expect(document.diagnostics.isEmpty)
  }

  @Test func big5IsDetectedAndConvertedToSimplified() throws {
    let document = try decode(Self.big5)
    #expect(document.source.encoding == "Big5")
    #expect(document.text.string.hasPrefix("随州高新区党工委书记、管委会主任郭晓东"))
  }

  @Test func byteOrderMarksDecideUTF16() throws {
    let document = try decode([0xFF, 0xFE] + hex("cf7e005f3a53"))
    #expect(document.source.encoding == "UTF-16LE")
    #expect(document.source.encodingMethod == "bom")
    #expect(document.text.string == "经开区")
  }

  @Test func declaredCharsetInHTMLIsUsed() throws {
    let html = Array("<html><head><meta charset=\"gb2312\"></head><body>".utf8) + Self.gbk
    let document = try decode(html)
    #expect(document.source.encoding == "GB18030")
    #expect(document.source.encodingMethod == "declared")
  }

  @Test func undecodableBytesAreReplacedCountedAndLocated() throws {
    // A GBK text with a stray 0xFF at byte 10.
    var bytes = Self.gbk
    bytes.insert(0xFF, at: 10)
    let document = try decode(bytes, encoding: "GBK")
    #expect(document.text.contains("\u{FFFD}"))
    let warning = try #require(document.diagnostics.first { $0.code == "decode.undecodable-bytes" })
    #expect(warning.location?.offset == 10)
    #expect(warning.message.hasPrefix("1 byte sequence(s) not valid in GB18030"))
  }

  @Test func emptyAndBinaryInputAreRefused() {
    #expect(throws: Diagnostic.self) { try decode([]) }
    do {
      _ = try decode([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00])
      Issue.record("an ELF header was accepted as text")
    } catch {
      #expect(error.code == "decode.binary")
      #expect(error.description.contains("t.txt"))
    }
  }

  @Test func unknownOverrideIsAClearError() {
    do {
      _ = try decode(Array("abc".utf8), encoding: "no-such-charset")
      Issue.record("unknown charset accepted")
    } catch {
      #expect(error.code == "decode.unknown-charset")
    }
  }
}

@Suite struct CrawlRepairTests {
  /// DESIGN §5: the seeds hold 551 insertions, all to be removed.
  @Test func removesEveryPinyinInsertionInTheSeeds() throws {
    var total = 0
    for path in Fixtures.seedPaths {
      let document = try decode(Fixtures.bytes(path))
      total += document.repairs.filter { $0.kind == "pinyin" }.count
      // Nothing that looks like a tone-marked syllable in brackets is left.
      let text = document.text.string
      #expect(!text.contains("(qū)") && !text.contains("(jīng)"), "\(path)")
    }
    print("pinyin repair on seeds/: \(total) insertions removed")
    #expect(total == 551)
  }

  /// Every removal in the dev corpus takes out a bracketed pinyin syllable after a Han
  /// character, and the corpus files without the artifact lose nothing.
  @Test func removesNothingElseInTheDevCorpus() throws {
    let index = Fixtures.text(Fixtures.shared.appendingPathComponent("corpus/dev/INDEX.tsv").path)
    var flagged: Set<String> = []
    for line in index.split(separator: "\n").dropFirst() {
      let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
      if columns.count > 3, columns[3] == "yes" {
        flagged.insert(String(columns[0].split(separator: "/").last!))
      }
    }
    #expect(!flagged.isEmpty)
    var removals = 0
    var files: Set<String> = []
    defer {
      print("pinyin repair on ../shared/corpus/dev: \(removals) insertions removed in \(files.count) files, "
        + "all of them flagged in INDEX.tsv (\(flagged.count) flagged)")
      #expect(removals > 1000, "the dev corpus holds thousands of insertions; got \(removals)")
    }
    for path in Fixtures.devCorpusPaths {
      let document = try decode(Fixtures.bytes(path))
      let name = String(path.split(separator: "/").last!)
      for repair in document.repairs where repair.kind == "pinyin" {
        removals += 1
        files.insert(name)
        let removed = document.sourceText.string(repair.sourceRange)
        #expect(removed.first == "(" || removed.first == "（", "\(name): \(removed)")
        #expect(document.sourceText[repair.sourceRange.start - 1].isHan, "\(name): \(removed)")
        #expect(flagged.contains(name), "\(name) has no artifact but lost \(removed)")
      }
    }
  }

  @Test func keepsRealParentheses() throws {
    for text in ["(通讯员郭海洲)3月1日", "全长12公里(km)", "见附件(pdf)", "(1)请各单位", "选项(a)"] {
      let document = try decode(Array(text.utf8))
      #expect(!document.repairs.contains { $0.kind == "pinyin" }, "\(text)")
    }
  }

  /// Each repair maps back onto exactly the source text it replaced.
  @Test func everyRepairRoundTripsToTheSource() throws {
    for path in Fixtures.seedPaths {
      let document = try decode(Fixtures.bytes(path))
      for repair in document.repairs {
        let mapped = document.sourceMap.sourceRange(repair.range)
        if !repair.range.isEmpty {
          #expect(mapped.contains(repair.sourceRange), "\(path): \(repair)")
        }
      }
      // Unrepaired stretches are identical in both texts.
      for edit in zip(document.sourceMap.edits, document.sourceMap.edits.dropFirst()) {
        let between = TextRange(edit.0.textEnd, edit.1.textStart)
        let source = document.sourceMap.sourceRange(between)
        #expect(document.text.string(between) == document.sourceText.string(source))
      }
    }
  }
}

@Suite struct ConversionTests {
  func simplified(_ text: String) -> String { pipeline.decoder.normalised(text) }

  @Test(arguments: [
    ("經濟開發區", "经济开发区"),
    ("青春化工園乾泰大道", "青春化工园乾泰大道"),  // protected place name
    ("乾安縣", "乾安县"),
    ("產投集團董事長、總經理黃猛", "产投集团董事长、总经理黄猛"),  // 猛 is not 勐
    ("效果顯著", "效果显著"),
    ("隨著經濟發展", "随着经济发展"),
    ("效果显著", "效果显著"),  // already simplified: unchanged
    ("「三區」建設", "「三区」建设"),  // corner brackets stay
  ])
  func traditionalToSimplified(_ input: String, _ expected: String) {
    #expect(simplified(input) == expected)
  }

  @Test func fullWidthLettersAndDigitsFoldButPunctuationFollowsTheTable() {
    #expect(simplified("２０２２年ＧＤＰ增长") == "2022年GDP增长")
    #expect(simplified("2月9日上午,嘉兴经开区召开") == "2月9日上午，嘉兴经开区召开")
    #expect(simplified("总投资1,100万元") == "总投资1,100万元")
    #expect(simplified("(1)请各单位") == "（1）请各单位")
    #expect(simplified("发布时间:2022-02-11") == "发布时间：2022-02-11")
  }
}
