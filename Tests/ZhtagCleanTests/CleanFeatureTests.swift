// Block features, neighbours, titles, metadata and the keep-boilerplate option, on small pages
// written the way the crawled dumps are (one block a line).
import Foundation
import Testing
import ZhtagClean
import ZhtagCore
import ZhtagPipeline
import ZhtagTestSupport

/// The reason clean gave for removing the line holding `needle`, or nil when it was kept.
func removalReason(_ document: Document, _ needle: String) -> String? {
  document.removed.first { document.sourceText.string($0.sourceRange).contains(needle) }?.reason
}

let body1 = "3月1日下午，市人大常委会副主任、高新区党工委书记郭晓东带队深入重点项目建设一线调研，现场协调解决问题。"
let body2 = "郭晓东强调，要提高站位、找准定位，切实把思想和行动统一到市委、市政府的决策部署上来，确保项目早日建成投产。"
let body3 = "郭晓东要求，要强化安全意识，压实安全生产责任，在保证安全和质量的前提下，确保项目按期完成各项建设任务。"

@Suite struct NeighbourTests {
  @Test func aShortLineBetweenParagraphsIsKeptAndShortLinesAtTheEdgesGo() {
    let document = pipeline.process(text: [body1, "要统一思想、提高认识", body2, "专题专栏", "互动交流"].joined(separator: "\n"))
    #expect(removalReason(document, "要统一思想") == nil)
    #expect(removalReason(document, "专题专栏") == "context")
    #expect(removalReason(document, "互动交流") == "context")
  }

  @Test func aMenuLineAndTheShortLinesBeyondItGoTheHeadlineStays() {
    let page = ["首页", "新闻中心", "首页 江苏要闻 融媒产品 图片 访谈 直播", "园区召开项目推进会", body1, body2]
    let document = pipeline.process(text: page.joined(separator: "\n"))
    #expect(removalReason(document, "首页 江苏要闻") == "menu")
    #expect(removalReason(document, "新闻中心") == "context")
    #expect(document.meta["title"]?.value == "园区召开项目推进会")
    #expect(document.text.string.hasPrefix("园区召开项目推进会\n"))
  }

  @Test func aNumberedListBelowTheBodyIsKeptALinkListIsNot() {
    let listed = [body1, "全国工业百强县前五：", "1.江苏昆山市", "2.江苏江阴市", "3.江苏常熟市", "4.江苏张家港市", "5.福建晋江市", "上一篇 下一篇"]
    let document = pipeline.process(text: listed.joined(separator: "\n"))
    for kept in ["前五", "1.江苏昆山市", "5.福建晋江市"] { #expect(removalReason(document, kept) == nil, "\(kept)") }
    #expect(removalReason(document, "上一篇") == "navigation")
    let links = [body1, body2, "• 中国直接挡轴市场深度研究及投资前景分析报告", "• 2018-2023年KTV专用触摸屏市场调研报告"]
    let other = pipeline.process(text: links.joined(separator: "\n"))
    #expect(removalReason(other, "挡轴") == "context")
    #expect(removalReason(other, "触摸屏") == "context")
  }

  @Test func imagesAndStrayMarksDoNotCutAParagraphOffItsNeighbours() {
    let document = pipeline.process(text: ["工业和信息化部将以促进科技创新和产业创新深度融合为主线，", "![]()", body1].joined(separator: "\n"))
    #expect(removalReason(document, "![]()") == "image")
    #expect(removalReason(document, "深度融合为主线") == nil)
  }

  @Test func aTeaserRepeatedByTheFullTextGoes() {
    let teaser = String(body1.prefix(30)) + "..."
    let document = pipeline.process(text: ["园区召开项目推进会", teaser, body1, body2].joined(separator: "\n"))
    #expect(removalReason(document, teaser) == "teaser")
    #expect(removalReason(document, body1) == nil)
  }

  @Test func anEditorsLineEndsTheArticle() {
    let story = "沙田发生店铺盗窃案，一名男子晚上约7时在商场一间服装店偷走3件女装衣服，总值约1300元，疑犯之后逃去。"
    let document = pipeline.process(text: [body1, body2, "编辑：陈晓庆", story].joined(separator: "\n"))
    #expect(removalReason(document, "陈晓庆") == "meta")
    #expect(removalReason(document, "沙田") == "after-article")
    #expect(document.meta["author"]?.value == "陈晓庆")
  }

  @Test func aPageWithoutProseKeepsItsLines() {
    let document = pipeline.process(text: "第1名，临沂沂河新区；\n第2名，兰山区；\n第3名，沂水县。")
    #expect(document.removed.isEmpty)
  }
}

@Suite struct TitleTests {
  @Test func theHeadlineIsTheLongestHeadingAboveTheBody() {
    let page = ["|", "150多家企业将参加经贸洽谈会", "拟定签约项目50多个", body1, body2]
    let document = pipeline.process(text: page.joined(separator: "\n"))
    #expect(document.meta["title"]?.value == "150多家企业将参加经贸洽谈会")
  }

  @Test func headlinesOfOtherArticlesBeyondTheFurnitureAreNotTheTitle() {
    let page = ["第Y01版：要闻", "3上一版  下一版4", "福州市委常委蔡战胜兼任宣传部长", "路边绿地被毁 改成停车位", "新闻搜索：",
                "3上一篇  下一篇4 2016年9月3日 放大 缩小 默认", "我省7县（市）入围全国工业百强", "海都记者 袁丽群", body1, body2]
    let document = pipeline.process(text: page.joined(separator: "\n"))
    #expect(document.meta["title"]?.value == "我省7县（市）入围全国工业百强")
    #expect(removalReason(document, "福州市委") == "context")
    #expect(document.meta["date"]?.value == "2016-09-03")
    #expect(document.meta["author"]?.value == "袁丽群")
  }

  @Test func theTitleIsGivenAsWrittenWithItsOwnPunctuation() {
    // Decode makes the colon full-width in the text; the metadata value keeps it as written.
    let document = pipeline.process(text: ["临沂:经济开发区逆势崛起 |", body1, body2].joined(separator: "\n"))
    #expect(document.meta["title"]?.value == "临沂:经济开发区逆势崛起")
    #expect(document.text.string.hasPrefix("临沂：经济开发区逆势崛起"))
  }
}

@Suite struct MetadataTests {
  func meta(_ lines: [String]) -> [String: String] {
    let document = pipeline.process(text: lines.joined(separator: "\n"))
    return document.meta.fields.mapValues(\.value)
  }

  @Test(arguments: [
    ("发布时间：2012-06-29 10:27:55  来源：嘉兴日报", "2012-06-29"),
    ("日期:2016-3-22(原创文章,禁止转载)", "2016-03-22"),
    ("2022年2月11日", "2022-02-11"),
    ("来源:山东沂源经济开发区 发布时间:2024年02月26日 15:19 点击量:123 字体: 分享:", "2024-02-26"),
    ("2015-01-05 10:37:00 來源:中國廣播網 說兩句 分享到:", "2015-01-05"),
    ("《光明日报》（2025年11月08日 03版）", "2025-11-08"),
  ])
  func datesAreReadFromMetadataLines(_ line: String, _ date: String) {
    #expect(meta(["园区召开项目推进会", line, body1, body2])["date"] == date)
  }

  @Test func aDatelineGivesTheOutletWithoutThePlaceAndTheByline() {
    let found = meta(["工信部：中西部国家级高新区追赶势头强劲", "人民网北京2月26日电 （记者申佳平）" + body1, body2])
    #expect(found["source"] == "人民网")
    #expect(found["author"] == "申佳平")
  }

  @Test func aLabelledSourceWinsOverTheDateline() {
    let found = meta(["园区召开项目推进会", "2017-08-09 10:12:58 来源：闽西新闻网 责任编辑：阙小琴 我来说两句 |",
                      "东南网龙岩8月9日讯 据闽西新闻网报道 " + body1, body2])
    #expect(found["source"] == "闽西新闻网")
    #expect(found["author"] == "阙小琴")
    #expect(found["date"] == "2017-08-09")
  }

  @Test func bylinesInTheirManyShapes() {
    #expect(meta(["本报讯 记者唐天才、通讯员张振报道：" + body1, body2])["author"] == "唐天才、张振")
    #expect(meta([body1, body2 + "（郭扬 方扬烨）"])["author"] == "郭扬、方扬烨")
    #expect(meta([body1, body2, "（记者徐向阳编辑左海燕审核高文青）"])["author"] == "徐向阳、左海燕")
    #expect(meta([body1, body2 + "（黄茜琪/文 李建安/摄）"])["author"] == "黄茜琪")
    let glued = meta([body1, body2, "责任编辑：余凌古田网"])
    #expect(glued["author"] == "余凌")
    #expect(glued["source"] == "古田网")
    let names = meta([body1, body2, "孙步东 刘亚琼"])
    #expect(names["author"] == "孙步东、刘亚琼")
    let outlet = meta(["山东商报·速豹新闻网 田原", body1, body2])
    #expect(outlet["author"] == "田原")
  }

  @Test func plainProseGivesNoAuthorAndNoSource() {
    let found = meta(["园区召开项目推进会", "记者从市发改委获悉，" + body1, body2])
    #expect(found["author"] == nil)
    #expect(found["source"] == nil)
  }

  @Test func theZoneLabel() {
    let found = meta(["以奋斗之态干出排头先锋", "发布时间:2022-02-11  来源:嘉兴日报  发布开发区:嘉兴经济技术开发区", body1, body2])
    #expect(found["zone"] == "嘉兴经济技术开发区")
    #expect(found["source"] == "嘉兴日报")
  }

  @Test func metadataRangesReadBackFromTheSourceText() {
    let document = pipeline.process(text: ["园区召开项目推进会", "发布时间：2022-02-11 来源：嘉兴日报", body1].joined(separator: "\n"))
    let source = document.meta["source"]!
    #expect(source.range == nil)  // its line was removed
    #expect(document.sourceText.string(source.sourceRange) == "嘉兴日报")
    let title = document.meta["title"]!
    #expect(document.text.string(title.range!) == "园区召开项目推进会")
  }
}

@Suite struct KeepBoilerplateTests {
  @Test func boilerplateStaysInTheTextAndIsStillListed() throws {
    let text = ["您现在的位置：首页 > 新闻中心", "园区召开项目推进会", "发布时间：2022-02-11", body1, body2, "上一篇：没有了"].joined(separator: "\n")
    let decoded = try pipeline.decoder.decode(Array(text.utf8), id: "t", source: SourceInfo(path: "t", sha256: "", byteCount: 0))
    var kept = decoded
    Cleaner(rules: pipeline.cleaner.rules, keepBoilerplate: true).clean(&kept)
    var cut = decoded
    pipeline.cleaner.clean(&cut)
    #expect(kept.text == decoded.text)
    #expect(kept.removed.map(\.reason) == cut.removed.map(\.reason))
    #expect(kept.removed.count == 3)
    // Each listed region stands in the text at its text offset.
    for region in kept.removed {
      let written = kept.sourceText.string(region.sourceRange)
      let here = kept.text.string(TextRange(region.textOffset, region.textOffset + written.unicodeScalars.count))
      #expect(here == written)
    }
    #expect(kept.meta["date"]?.value == "2022-02-11")
    #expect(kept.meta["date"]?.range != nil)
  }
}
