// Clean on real pages: metadata of the seeds, removed regions with reasons, and the scores on
// the dev gold kept above floors that only go up.
import Foundation
import Testing
import ZhtagCore
import ZhtagPipeline
import ZhtagTestSupport

let pipeline: Pipeline = {
  do { return try Pipeline(options: PipelineOptions(rulesDirectory: Fixtures.path("rules"))) } catch let error as RulesError {
    fatalError("rules do not load: \(error.diagnostics.map { $0.description }.joined(separator: "\n"))")
  } catch {
    fatalError("\(error)")
  }
}()

func processed(_ path: String) -> Document? {
  if case .success(let document) = pipeline.process(Fixtures.bytes(path), id: "t", path: path) {
    return document
  }
  return nil
}

@Suite struct CleanSeedTests {
  @Test func seed001MetadataAndFurniture() throws {
    let document = try #require(processed(Fixtures.path("seeds/001_8e7145558276aca6.txt")))
    #expect(document.meta["title"]?.value == "以奋斗之态干出排头先锋")
    #expect(document.meta["date"]?.value == "2022-02-11")
    #expect(document.meta["source"]?.value == "嘉兴日报")
    #expect(document.meta["zone"]?.value == "嘉兴经济技术开发区")
    let reasons = document.removed.map(\.reason)
    #expect(reasons.prefix(3) == ["site-furniture", "breadcrumb", "meta"])
    #expect(reasons.contains("navigation") && reasons.contains("footer"))
    let text = document.text.string
    for gone in ["您现在的位置", "上一条", "Copyright", "联系电话"] { #expect(!text.contains(gone)) }
    #expect(text.hasPrefix("以奋斗之态干出排头先锋"))
    #expect(text.contains("8个单位作了表态发言。"))
    // Every removed region reads back from the source text.
    for region in document.removed {
      let removed = document.sourceText.string(region.sourceRange)
      #expect(!removed.isEmpty && !text.contains(removed.trimmingCharacters(in: .whitespaces)))
    }
  }

  @Test func seed004LoginPromptsAndSourceLine() throws {
    let document = try #require(processed(Fixtures.path("seeds/004_c70ee472566153cc.txt")))
    #expect(document.meta["source"]?.value == "随州高新区")
    #expect(document.removed.map(\.reason) == ["login", "login", "stray", "meta", "stray"])
    #expect(document.text.string.hasPrefix("本网讯（通讯员郭海洲）3月1日下午"))
  }

  @Test func seed003ContentFarmFramingAndRelatedLists() throws {
    let document = try #require(processed(Fixtures.path("seeds/003_c4edd89424c1d6a1.txt")))
    #expect(document.removed.first?.reason == "content-farm")
    #expect(!document.text.string.contains("推荐访问"))
    #expect(!document.text.string.contains("工作总结11篇"))
    #expect(document.text.string.contains("同志们："))
  }
}

/// The gold labels of ../shared/corpus/dev (gold/GUIDE.md). The floors are today's measured
/// values rounded down: raise them as clean improves, never lower them.
@Suite struct CleanGoldScoreTests {
  static let floors = (precision: 0.98, recall: 0.25, bodyKept: 0.99)

  @Test func boilerplateLinesAndBodyCharactersOnTheDevGold() throws {
    let gold = Fixtures.shared.appendingPathComponent("corpus/dev/gold")
    var (tp, fp, fn, bodyTotal, bodyKept) = (0, 0, 0, 0, 0)
    for path in Fixtures.devCorpusPaths {
      let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
      let goldData = try Data(contentsOf: gold.appendingPathComponent(name + ".gold.json"))
      let labels = (try JSONSerialization.jsonObject(with: goldData) as! [String: Any])["lines"] as! [String]
      let document = try #require(processed(path))
      var offset = 0
      let lines = document.sourceText.string.split(separator: "\n", omittingEmptySubsequences: false)
      #expect(lines.count == labels.count, "\(name)")
      for (label, line) in zip(labels, lines) {
        let range = TextRange(offset, offset + line.unicodeScalars.count)
        offset = range.end + 1
        if label == "empty" || label == "caption" || line.allSatisfy({ $0 == " " || $0 == "\u{3000}" }) { continue }
        let dropped = document.removed.contains { $0.sourceRange.contains(range) }
        switch (label, dropped) {
        case ("boiler", true): tp += 1
        case ("boiler", false): fn += 1
        case ("body", true), ("mixed", true): fp += 1
        default: break
        }
        if label == "body" || label == "mixed" {
          bodyTotal += range.count
          if !dropped { bodyKept += range.count }
        }
      }
    }
    let precision = Double(tp) / Double(max(1, tp + fp))
    let recall = Double(tp) / Double(max(1, tp + fn))
    let kept = Double(bodyKept) / Double(max(1, bodyTotal))
    print("clean on dev gold: boilerplate precision \(precision) recall \(recall); body kept \(kept)")
    #expect(precision >= Self.floors.precision)
    #expect(recall >= Self.floors.recall)
    #expect(kept >= Self.floors.bodyKept)
  }
}
