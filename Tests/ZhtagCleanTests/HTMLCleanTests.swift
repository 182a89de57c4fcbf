// HTML input: libxml2's parser, text blocks with an exact source map, dropped elements listed,
// and the main text of the Chinese DAnIEL pages (../shared/peer-suites/daniel-zh, read at test
// time) against their reference texts.
import Foundation
import Testing
import ZhtagCore
import ZhtagPipeline
import ZhtagTestSupport

func processHTML(_ html: String) throws -> Document {
  switch pipeline.process(Array(html.utf8), id: "page", path: "page.html") {
  case .success(let document): return document
  case .failure(let failure): throw failure.error
  }
}

@Suite struct HTMLCleanTests {
  static let page = """
    <!DOCTYPE html><html><head><meta charset="gb2312"><title>园区召开项目推进会_新闻中心_某某网</title>
    <meta name="publishdate" content="2011-12-09"><script>var x = "<p>不要</p>";</script>
    <style>p { color: red }</style></head><body>
    <div class="nav"><a href="/">首页</a> | <a href="/news">新闻中心</a> | <a href="/zone">园区动态</a></div>
    <h1>园区召开项目推进会</h1>
    <p>3月1日下午，市人大常委会副主任、高新区党工委书记郭晓东带队深入重点项目建设一线调研&amp;现场协调解决问题。</p>
    <p>郭晓东强调，要提高站位、找准定位，<b>切实</b>把思想和行动统一到市委、市政府的决策部署上来，
    确保项目早日建成投产。<br>郭晓东要求，要强化安全意识，压实安全生产责任，确保项目按期完成各项建设任务。
    <div class="footer">Copyright &copy; 2011 某某网 版权所有</div>
    </body></html>
    """

  /// HTML is recognised by `<!doctype html` or `<html` in the first 512 bytes, in any case.
  @Test func htmlIsRecognisedByItsOpening() throws {
    let body = "<body><p>园区召开项目推进会。</p></body></html>"
    #expect(try processHTML("<!DOCTYPE HTML>" + body).source.kind == .html)
    #expect(try processHTML("\n  <Html lang=\"zh\">" + body).source.kind == .html)
    #expect(try processHTML("园区召开项目推进会。<htm>").source.kind == .text)
    let late = String(repeating: "园", count: 200) + "<html>"  // 600 bytes before it
    #expect(try processHTML(late).source.kind == .text)
  }

  @Test func textBlocksWithoutMarkupScriptsOrFurniture() throws {
    let document = try processHTML(Self.page)
    #expect(document.source.kind == .html)
    let text = document.text.string
    #expect(text.hasPrefix("园区召开项目推进会\n3月1日下午"))
    #expect(text.contains("一线调研&现场协调"))  // &amp; decoded
    #expect(text.contains("要提高站位、找准定位，切实把思想"))  // inline <b> joins its block
    #expect(text.contains("决策部署上来，确保项目"))  // a newline inside a paragraph between Han is no space
    #expect(text.contains("投产。\n郭晓东要求"))  // <br> starts a block
    for gone in ["var x", "color", "首页", "新闻中心 |", "Copyright", "<"] { #expect(!text.contains(gone), "\(gone)") }
    let reasons = Set(document.removed.map(\.reason))
    #expect(reasons.contains("html-head") && reasons.contains("copyright"))
    #expect(document.meta["title"]?.value == "园区召开项目推进会")
    #expect(document.meta["date"]?.value == "2011-12-09")
  }

  @Test func everyCharacterOfTheTextMapsToItsSourceAndNeverIntoMarkup() throws {
    let document = try processHTML(Self.page)
    let source = document.sourceText
    for (index, scalar) in document.text.enumerated() where scalar != "\n" && scalar != " " {
      let range = document.sourceMap.sourceRange(TextRange(index, index + 1))
      let written = source.string(range)
      if written.hasPrefix("&") {
        #expect(written.hasSuffix(";"), "\(written)")
      } else {
        #expect(written == String(scalar), "\(index): \(scalar) ← \(written)")
      }
    }
    // Removed regions read back from the page.
    let head = try #require(document.removed.first { $0.reason == "html-head" })
    #expect(source.string(head.sourceRange).contains("publishdate"))
  }

  @Test func brokenMarkupIsTolerated() throws {
    let broken = "<html><body><div><p>园区召开项目推进会<p>3月1日下午，高新区党工委书记郭晓东带队深入重点项目建设一线调研，现场协调解决问题。<table><tr><td>未闭合的表格</body>"
    let document = try processHTML(broken)
    #expect(document.text.string.contains("郭晓东带队深入重点项目建设一线调研"))
  }

  /// Character-bigram overlap with the reference texts on every 7th DAnIEL page; the floor is
  /// the measured value rounded down (scripts/eval_html_daniel.py gives the corpus's own
  /// alignment measure on all 401 pages).
  @Test func mainTextOfTheDanielPages() throws {
    let suite = Fixtures.shared.appendingPathComponent("peer-suites/daniel-zh")
    guard let cases = try? String(contentsOf: suite.appendingPathComponent("cases.tsv"), encoding: .utf8) else {
      Issue.record("../shared/peer-suites/daniel-zh is missing")
      return
    }
    let ids = cases.split(separator: "\n").dropFirst().map { String($0.split(separator: "\t")[0]) }.sorted()
    var precisions: [Double] = []
    var recalls: [Double] = []
    func bigrams(_ text: [Unicode.Scalar]) -> [UInt64: Int] {
      let kept = text.filter { !$0.properties.isWhitespace }
      var bag: [UInt64: Int] = [:]
      for index in kept.indices.dropLast() {
        bag[UInt64(kept[index].value) << 32 | UInt64(kept[index + 1].value), default: 0] += 1
      }
      return bag
    }
    for (position, id) in ids.enumerated() where position % 7 == 0 {
      let html = Fixtures.bytes(suite.appendingPathComponent("html/\(id).html").path)
      guard case .success(let document) = pipeline.process(html, id: id, path: id) else { continue }
      let reference = Fixtures.text(suite.appendingPathComponent("ref/\(id).txt").path)
        .replacingOccurrences(of: "<p>", with: "").replacingOccurrences(of: "</p>", with: "")
      let out = bigrams(document.text)
      let ref = bigrams(pipeline.decoder.normalised(reference).scalars)
      let shared = out.reduce(0) { $0 + min($1.value, ref[$1.key] ?? 0) }
      precisions.append(Double(shared) / Double(max(1, out.values.reduce(0, +))))
      recalls.append(Double(shared) / Double(max(1, ref.values.reduce(0, +))))
    }
    let precision = precisions.reduce(0, +) / Double(max(1, precisions.count))
    let recall = recalls.reduce(0, +) / Double(max(1, recalls.count))
    let f1 = 2 * precision * recall / max(1e-9, precision + recall)
    print(String(format: "DAnIEL zh (%d pages): bigram precision %.3f recall %.3f F1 %.3f", precisions.count, precision, recall, f1))
    #expect(precisions.count >= 50)
    #expect(f1 >= 0.87)
  }
}
