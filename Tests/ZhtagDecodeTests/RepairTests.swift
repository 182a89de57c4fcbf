// Decode on small real cases: charsets the peers get wrong, every kind of repair, the source
// map round trip, and text that is already simplified left alone.
import Foundation
import Testing
import ZhtagCore
import ZhtagDecode
import ZhtagPipeline
import ZhtagTestSupport

/// Rebuilds the source text from the text and the source map: every edit's text is replaced
/// by the source it stands for. It must give back the source text exactly.
func roundTrip(_ document: Document) -> [Unicode.Scalar] {
  var rebuilt: [Unicode.Scalar] = []
  var textPosition = 0
  for edit in document.sourceMap.edits {
    rebuilt += document.text[textPosition..<edit.textStart]
    rebuilt += document.sourceText[edit.sourceStart..<edit.sourceEnd]
    textPosition = edit.textEnd
  }
  rebuilt += document.text[textPosition...]
  return rebuilt
}

func decodeText(_ text: String, kind: SourceInfo.Kind = .text) throws(Diagnostic) -> Document {
  let bytes = Array(text.utf8)
  var source = SourceInfo(path: "t.txt", sha256: "", byteCount: bytes.count)
  source.kind = kind
  return try pipeline.decoder.decode(bytes, id: "t", source: source)
}

@Suite struct DetectionTests {
  @Test func shortGBKHeadlineIsNotReadAsKorean() throws {
    let bytes = hex("bead bfaa c7f8 d5d9 bfaa b4f3 bbe1".replacingOccurrences(of: " ", with: ""))
    let document = try decode(bytes)
    #expect(document.text.string == "经开区召开大会")
    #expect(document.source.encoding == "GB18030")
  }

  @Test func eucTWIsDetected() throws {
    let item = try #require(PeerSuites.charsetCases("uchardet-zh").first { $0.file == "zh/euc-tw.txt" })
    let document = try decode(item.bytes)
    #expect(document.source.encoding == "EUC-TW")
    #expect(!document.text.contains("\u{FFFD}"))
  }

  @Test func gb18030ByteOrderMarkIsRead() throws {
    let document = try decode([0x84, 0x31, 0x95, 0x33] + Array(CharsetTests.gbk.prefix(20)))
    #expect(document.source.encodingMethod == "bom")
    #expect(document.text.string == "嘉兴经济技术开发区召")
  }

  @Test func utf16WithoutBOMIsReadByItsNULs() throws {
    var bytes: [UInt8] = []
    for unit in "2022年嘉兴经开区GDP增长8.5%".utf16 { bytes += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
    let document = try decode(bytes)
    #expect(document.source.encoding == "UTF-16BE")
    #expect(document.text.string == "2022年嘉兴经开区GDP增长8.5%")
  }

  @Test func xmlDeclarationIsADeclaredCharset() throws {
    let bytes = Array("<?xml version=\"1.0\" encoding=\"gb2312\"?>\n<t>".utf8) + CharsetTests.gbk
    let document = try decode(bytes)
    #expect(document.source.encodingMethod == "declared")
    #expect(document.source.encoding == "GB18030")
  }

  @Test func detectedCharsetCarriesAConfidence() throws {
    let document = try decode(CharsetTests.big5)
    #expect(document.source.encodingMethod == "detected")
    let confidence = try #require(document.source.encodingConfidence)
    #expect(confidence > 0 && confidence <= 1)
  }

  @Test func invalidUTF8IsRejectedStrictly() throws {
    // Overlong "/", a lone surrogate, a truncated sequence: never read as UTF-8.
    for bytes: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE7, 0xBB]] {
      let document = try decode(Array("嘉兴经开区".utf8) + bytes + Array("召开大会".utf8))
      #expect(document.source.encoding != "UTF-8" || document.text.contains("\u{FFFD}"))
    }
  }
}

@Suite struct PinyinRepairTests {
  @Test(arguments: [
    ("經(jīng)濟(jì)開(kāi)發(fā)區(qū)", "经济开发区"),
    ("經(jing)濟(ji)開發區", "经济开发区"),  // toneless
    ("經（jīng）濟（jì）", "经济"),  // full-width brackets
    ("銀行(háng)", "银行"),  // a reading besides ICU's (rules/decode/pinyin-readings.tsv)
    ("經(jīng）濟", "经济"),  // mixed brackets, as crawls write them
    ("开发区(qu)建设", "开发区建设"),  // toneless, after a simplified character
  ])
  func removesReadingsOfTheCharacter(_ input: String, _ expected: String) {
    #expect(pipeline.decoder.normalised(input) == expected)
  }

  @Test(arguments: [
    "(通讯员郭海洲)3月1日", "全长12公里(km)", "见附件(pdf)", "(1)请各单位", "选项(a)",
    "经济(jīng)",  // 济 is not read jīng
    "嘉兴(Jiaxing)经开区",  // a place name in Latin letters, not one syllable
    "单位(dw)",
  ])
  func keepsWhatIsNotAReading(_ input: String) {
    let output = pipeline.decoder.normalised(input)
    #expect(output.contains("(") || output.contains("（"), "\(input) → \(output)")
  }
}

@Suite struct MarkupRepairTests {
  @Test func entitiesAndStrayTagsInPlainText() throws {
    let document = try decodeText("嘉兴经开区&ldquo;十四五&rdquo;规划<br/>正式发布&nbsp;&#26032;&#x65B0;区<span class=\"x\">建设</span>")
    #expect(document.text.string == "嘉兴经开区“十四五”规划\n正式发布 新新区建设")
    #expect(document.repairs.contains { $0.kind == "entity" })
    #expect(document.repairs.contains { $0.kind == "tag" })
    #expect(roundTrip(document) == document.sourceText)
  }

  @Test func whatIsNotMarkupStays() throws {
    for text in ["当x<1>0时", "A&B公司", "总额&lt增长", "<通知>", "a < b"] {
      let document = try decodeText(text)
      #expect(!document.repairs.contains { $0.kind == "entity" || $0.kind == "tag" }, "\(text)")
    }
  }

  @Test func htmlInputKeepsItsMarkupForClean() throws {
    let document = try decodeText("<p>嘉兴&amp;经开区</p>", kind: .html)
    #expect(document.text.string == "<p>嘉兴&amp;经开区</p>")
  }
}

@Suite struct ScriptTests {
  func simplified(_ text: String) -> String { pipeline.decoder.normalised(text) }

  @Test func alreadySimplifiedTextIsLeftAsItIs() {
    // 乾 and 著 are valid simplified characters: in simplified text they never change.
    for text in ["效果显著，乾元路和乾隆年间的著作", "乾县发布著名企业名单", "这本书由他编著"] {
      #expect(simplified(text) == text)
    }
  }

  @Test func zheAndZhuAsMainlandTextWritesThem() {
    #expect(simplified("他看著報告，這本著作的效果很顯著") == "他看着报告，这本著作的效果很显著")
    #expect(simplified("著手推進，執著於發展，沉著應對，著名企業") == "着手推进，执着于发展，沉着应对，著名企业")
    // A simplified zhù word inside traditional text keeps its 著 too.
    #expect(simplified("這本書由他编著，發展") == "这本书由他编著，发展")
  }

  @Test func taiwanAndHongKongVariants() {
    #expect(simplified("汙染治理與發洩") == "污染治理与发泄")
    #expect(simplified("裡面的群眾") == "里面的群众")
  }

  @Test func protectedPlaceNamesSurvive() {
    #expect(simplified("青春化工園乾泰大道項目") == "青春化工园乾泰大道项目")
    #expect(simplified("吉林省乾安縣開發區") == "吉林省乾安县开发区")
    #expect(simplified("葡萄乾和乾貨") == "葡萄干和干货")
  }
}

@Suite struct SourceMapTests {
  /// Every repair on every seed and dev article, and on traditional and damaged text, maps
  /// back onto the source: the source text is rebuilt exactly from the text and the map, and
  /// each repair's text range maps back onto (at least) its source range.
  @Test func everyRepairRoundTripsBackToTheSourceText() throws {
    var documents: [Document] = []
    for path in Fixtures.seedPaths + Fixtures.devCorpusPaths {
      documents.append(try decode(Fixtures.bytes(path)))
    }
    documents.append(try decodeText(
      "２０２２年\u{3000}經(jīng)濟開發區\r\n總投資1,100萬元,增長12%\u{00A0}（ＧＤＰ）&amp;<br>\u{200B}隨著發展"))
    var repairs = 0
    for document in documents {
      #expect(roundTrip(document) == document.sourceText, "\(document.source.path)")
      for repair in document.repairs {
        repairs += 1
        let mapped = document.sourceMap.sourceRange(repair.range)
        if !repair.range.isEmpty {
          #expect(mapped.contains(repair.sourceRange), "\(document.source.path): \(repair)")
        }
      }
    }
    #expect(repairs > 2000)
  }

  @Test func unchangedTextHasAnIdentityMap() throws {
    let document = try decodeText("嘉兴经开区召开大会，总投资22.63亿元。")
    #expect(document.sourceMap.isIdentity)
    #expect(document.repairs.isEmpty)
  }
}
