// The writers on small documents: JSON escaping, inline nesting, the stand-off policy.
import Foundation
import Testing
import ZhtagCore
import ZhtagWrite

func document(_ text: String) -> Document {
  var document = Document(id: "t", source: SourceInfo(path: "t.txt", sha256: String(repeating: "0", count: 64), byteCount: 1),
                          sourceText: text.scalars)
  document.source.encoding = "UTF-8"
  document.source.encodingConfidence = 1
  document.source.encodingMethod = "utf-8"
  return document
}

func entity(_ label: String, _ start: Int, _ end: Int) -> Annotation {
  Annotation(label: label, range: TextRange(start, end), rule: RuleReference(id: "r", file: "f.yaml", line: 3), phase: "p")
}

@Suite struct WriterTests {
  @Test func jsonEscapesQuotesBackslashesAndControls() throws {
    var doc = document("他说：“a\"b\\c”\t。")
    doc.diagnostics = [Diagnostic(.warning, "x.y", "line\nbreak")]
    let line = JSONLRecord.encode(doc)
    #expect(line.last == 0x0A)
    let object = try JSONSerialization.jsonObject(with: Data(line)) as! [String: Any]
    #expect(object["text"] as? String == "他说：“a\"b\\c”\t。")
    #expect(((object["diagnostics"] as! [[String: Any]])[0]["message"] as? String) == "line\nbreak")
  }

  @Test func entitiesNestInlineAndCrossingOnesGoToStandoff() {
    var doc = document("嘉兴经济技术开发区召开大会。会议结束。")
    doc.blocks = [Block(kind: .paragraph, range: TextRange(0, 19))]
    doc.sentences = [Sentence(range: TextRange(0, 14), block: 0), Sentence(range: TextRange(14, 19), block: 0)]
    doc.entities = [entity("ZONE", 0, 9), entity("GPE", 0, 2), entity("X", 6, 11), entity("Y", 11, 16)]
    let xml = String(decoding: XMLArticle.encode(doc), as: UTF8.self)
    #expect(xml.contains("<e id=\"e1\" label=\"ZONE\""))
    #expect(xml.contains(">嘉兴</e>经济技术开发区</e>召开"))
    #expect(xml.contains("<standoff>"))
    #expect(xml.contains("why=\"crosses e1\">开发区召开</e>"))
    #expect(xml.contains("why=\"crosses a sentence boundary\">大会。会议</e>"))
  }

  @Test func failedArticlesHaveTheirErrorInBothFormats() throws {
    let failure = ArticleFailure(id: "bad", path: "in/bad.txt", sha256: nil, byteCount: 0,
                                 error: Diagnostic(.error, "decode.empty", "input is empty (0 bytes)",
                                                   at: SourceLocation(file: "in/bad.txt")))
    let object = try JSONSerialization.jsonObject(with: Data(JSONLRecord.encode(failure))) as! [String: Any]
    #expect(object["status"] as? String == "failed")
    #expect((object["error"] as! [String: Any])["code"] as? String == "decode.empty")
    let xml = String(decoding: XMLArticle.encode(failure), as: UTF8.self)
    #expect(xml.contains("<error severity=\"error\" code=\"decode.empty\" file=\"in/bad.txt\">input is empty (0 bytes)</error>"))
  }

  @Test func xmlKeepsTheTextExactlyIncludingNewlinesAndMarkup() {
    var doc = document("a<b&c\n\n  第二段。")
    doc.blocks = [Block(kind: .paragraph, range: TextRange(0, 5)), Block(kind: .paragraph, range: TextRange(9, 13))]
    doc.sentences = [Sentence(range: TextRange(0, 5), block: 0), Sentence(range: TextRange(9, 13), block: 1)]
    let xml = String(decoding: XMLArticle.encode(doc), as: UTF8.self)
    #expect(xml.contains("<s id=\"s1\" start=\"0\" end=\"5\" source-start=\"0\" source-end=\"5\">a&lt;b&amp;c</s></block>\n\n  <block id=\"b2\""))
  }
}
