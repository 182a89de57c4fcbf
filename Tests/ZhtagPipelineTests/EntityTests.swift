// The entity rules on real text: the hand-annotated seed fixtures (precision and recall per
// type, with floors), placeholders and masks, dates against the publication date, and the
// links between mentions (Documentation/Entities.md).
import Foundation
import Testing
import ZhtagCore
import ZhtagPipeline
import ZhtagTag
import ZhtagTestSupport

/// One expected entity of a seed fixture (Tests/ZhtagPipelineTests/Fixtures/entities/*.tsv).
struct ExpectedEntity: Hashable {
  var label: String
  var range: TextRange
  var attributes: [String: String]
  var line: Int
}

/// A seed's fixture: which labels it annotates completely, and the entities.
struct EntityFixture {
  var seed: String
  var labels: Set<String>
  var entities: [ExpectedEntity]

  static let folder = "Tests/ZhtagPipelineTests/Fixtures/entities"

  /// Reads the fixture of `seed` and places its entities in `text` (n-th occurrence of the surface).
  static func load(_ seed: String, text: [Unicode.Scalar]) -> EntityFixture {
    let path = Fixtures.path("\(folder)/\(seed).tsv")
    var labels: Set<String> = []
    var entities: [ExpectedEntity] = []
    for (index, line) in Fixtures.text(path).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      if line.hasPrefix("# labels:") {
        labels = Set(line.dropFirst("# labels:".count).split(separator: " ").map(String.init))
        continue
      }
      if line.isEmpty || line.hasPrefix("#") { continue }
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard fields.count >= 3, let occurrence = Int(fields[2]) else {
        Issue.record("\(path):\(index + 1): expected label, surface, occurrence")
        continue
      }
      let surface = Array(fields[1].unicodeScalars)
      guard let start = Self.occurrence(occurrence, of: surface, in: text) else {
        Issue.record("\(path):\(index + 1): occurrence \(occurrence) of \(fields[1]) is not in the text")
        continue
      }
      var attributes: [String: String] = [:]
      if fields.count > 3 {
        for pair in fields[3].split(separator: ";") {
          let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
          if parts.count == 2 { attributes[parts[0]] = parts[1] }
        }
      }
      entities.append(ExpectedEntity(label: fields[0], range: TextRange(start, start + surface.count),
                                     attributes: attributes, line: index + 1))
    }
    return EntityFixture(seed: seed, labels: labels, entities: entities)
  }

  static func occurrence(_ n: Int, of surface: [Unicode.Scalar], in text: [Unicode.Scalar]) -> Int? {
    guard !surface.isEmpty, surface.count <= text.count else { return nil }
    var seen = 0
    for start in 0...(text.count - surface.count) where text[start..<start + surface.count].elementsEqual(surface) {
      seen += 1
      if seen == n { return start }
    }
    return nil
  }
}

/// Counts per label over the fixtures.
struct EntityScore {
  var truePositives: [String: Int] = [:]
  var falsePositives: [String: Int] = [:]
  var falseNegatives: [String: Int] = [:]
  var mismatches: [String] = []
  var misses: [String] = []
  var extras: [String] = []

  func precision(_ label: String) -> Double {
    let tp = Double(truePositives[label] ?? 0)
    let fp = Double(falsePositives[label] ?? 0)
    return tp + fp == 0 ? 1 : tp / (tp + fp)
  }

  func recall(_ label: String) -> Double {
    let tp = Double(truePositives[label] ?? 0)
    let fn = Double(falseNegatives[label] ?? 0)
    return tp + fn == 0 ? 1 : tp / (tp + fn)
  }

  static let labels = ["PERSON", "ZONE", "GPE", "ORG", "POST", "DATE", "TIME", "DOCUMENT", "MEETING", "CAMPAIGN", "PROJECT"]

  /// Scores every seed against its fixture (exact label and span).
  static func seeds() -> EntityScore {
    var score = EntityScore()
    for path in Fixtures.seedPaths where path.hasSuffix(".txt") {
      let seed = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
      guard FileManager.default.fileExists(atPath: Fixtures.path("\(EntityFixture.folder)/\(seed).tsv")) else { continue }
      guard case .success(let document) = rulesPipeline.process(Fixtures.bytes(path), id: seed, path: path) else {
        Issue.record("\(seed) failed")
        continue
      }
      let fixture = EntityFixture.load(seed, text: document.text)
      let found = document.entities.filter { fixture.labels.contains($0.label) }
      var matched = Set<Int>()
      for expected in fixture.entities {
        if let index = found.indices.first(where: {
          !matched.contains($0) && found[$0].label == expected.label && found[$0].range == expected.range
        }) {
          matched.insert(index)
          score.truePositives[expected.label, default: 0] += 1
          for (name, value) in expected.attributes.sorted(by: { $0.key < $1.key })
          where found[index].value(name) != value {
            score.mismatches.append("\(seed).tsv:\(expected.line) \(expected.label) \(document.text.string(expected.range)): \(name) expected \(value), got \(found[index].value(name) ?? "nothing")")
          }
        } else {
          score.falseNegatives[expected.label, default: 0] += 1
          score.misses.append("\(seed) missed \(expected.label) \(document.text.string(expected.range)) (fixture line \(expected.line))")
        }
      }
      for (index, entity) in found.enumerated() where !matched.contains(index) {
        score.falsePositives[entity.label, default: 0] += 1
        score.extras.append("\(seed) extra \(entity.label) \(document.text.string(entity.range)) \(entity.range) by \(entity.rule.id)")
      }
    }
    return score
  }
}

@Suite struct EntityTests {
  /// The floors of the entity issue: persons and zones at 0.95 precision and recall on the
  /// hand-annotated seeds. The table printed here is the one in Documentation/Entities.md.
  @Test func seedFixturesHoldTheirFloors() {
    let score = EntityScore.seeds()
    print("label     | expected | found | P     | R")
    for label in EntityScore.labels {
      let tp = score.truePositives[label] ?? 0
      let expected = tp + (score.falseNegatives[label] ?? 0)
      let found = tp + (score.falsePositives[label] ?? 0)
      guard expected + found > 0 else { continue }
      print(label.padding(toLength: 9, withPad: " ", startingAt: 0)
        + String(format: " | %8d | %5d | %.3f | %.3f", expected, found, score.precision(label), score.recall(label)))
    }
    for line in score.misses + score.extras { print(line) }
    #expect(score.truePositives["PERSON", default: 0] >= 30 && score.truePositives["ZONE", default: 0] >= 100)
    for label in ["PERSON", "ZONE"] {
      #expect(score.precision(label) >= 0.95, "\(label) precision \(score.precision(label))")
      #expect(score.recall(label) >= 0.95, "\(label) recall \(score.recall(label))")
    }
    // Floors that only ratchet up (trafilatura's way): today's values, rounded down.
    let floors: [String: (p: Double, r: Double)] = [
      "GPE": (0.95, 0.85), "DATE": (0.95, 0.95), "DOCUMENT": (1, 1), "POST": (0.9, 0.9), "ORG": (0.9, 0.7),
      "MEETING": (0.8, 0.8), "CAMPAIGN": (0.95, 0.95),
    ]
    for (label, floor) in floors.sorted(by: { $0.key < $1.key }) {
      #expect(score.precision(label) >= floor.p, "\(label) precision \(score.precision(label)) < \(floor.p)")
      #expect(score.recall(label) >= floor.r, "\(label) recall \(score.recall(label)) < \(floor.r)")
    }
    #expect(score.mismatches.isEmpty, "\(score.mismatches.joined(separator: "\n"))")
  }

  /// Content-farm templates (X同志, XX, x, ***, ##) and forum masks (李**, 薛清*) give no person.
  @Test(arguments: ["dev_003", "dev_028", "dev_033", "dev_066", "dev_093"])
  func placeholdersAndMasksAreNeverPersons(_ id: String) throws {
    let path = try #require(Fixtures.devCorpusPaths.first { $0.hasSuffix("/\(id).txt") })
    guard case .success(let document) = rulesPipeline.process(Fixtures.bytes(path), id: id, path: path) else {
      Issue.record("\(id) failed")
      return
    }
    let masks: Set<Unicode.Scalar> = ["X", "x", "*", "#", "＊", "某", "×"]
    for person in document.entities where person.label == "PERSON" {
      let before = person.range.start > 0 ? document.text[person.range.start - 1] : " "
      let after = person.range.end < document.text.count ? document.text[person.range.end] : " "
      let inside = document.text[person.range.start..<person.range.end]
      #expect(!masks.contains(before) && !masks.contains(after) && !inside.contains(where: masks.contains),
              "\(id): PERSON \(document.text.string(person.range)) touches a mask")
    }
    if id == "dev_003" {
      let names = document.entities.filter { $0.label == "PERSON" }.map { document.text.string($0.range) }
      #expect(names.contains("王兴华"), "\(names)")
      #expect(!names.contains { $0.hasPrefix("李") || $0.hasPrefix("薛清") }, "\(names)")
    }
  }

  /// 2月10日上午 → 2022-02-10 when the article was published in 2022; relative years and parts
  /// of years follow the publication date.
  @Test func datesAreNormalisedAgainstThePublicationDate() {
    let text = Array("2月10日上午，今年上半年，去年3月，拼搏三季度，2021年度，12月8日至11日，上午9时30分。".unicodeScalars)
    let result = rulesPipeline.tagger.tag(text, context: TagContext(publicationDate: "2022-02-11"))
    let values = result.annotations.filter { $0.label == "DATE" || $0.label == "TIME" }
      .map { "\(text.string($0.range))=\($0.value("value") ?? "-")\($0.value("end").map { "/" + $0 } ?? "")" }
    #expect(values == ["2月10日上午=2022-02-10", "今年上半年=2022-H1", "去年3月=2021-03", "三季度=2022-Q3",
                       "2021年度=2021", "12月8日至11日=2022-12-08/2022-12-11", "上午9时30分=09:30"], "\(values)")
    let undated = rulesPipeline.tagger.tag(Array("2月10日上午".unicodeScalars)).annotations
    #expect(undated.first?.value("value") == "XXXX-02-10")
  }

  /// Later bare mentions of a person are tagged and point at the first; posts point at their
  /// holder; a short zone name points at the named zone of the same kind.
  @Test func mentionsAreLinked() throws {
    let path = try #require(Fixtures.seedPaths.first { $0.contains("002_") })
    guard case .success(let document) = rulesPipeline.process(Fixtures.bytes(path), id: "002", path: path) else {
      Issue.record("seed 002 failed")
      return
    }
    let yang = document.entities.filter { $0.label == "PERSON" && document.text.string($0.range) == "杨博" }
    #expect(yang.count == 4)
    let first = try #require(yang.first)
    #expect(first.value("posts") == "市委常委、区党工委书记")
    #expect(first.value(MentionLinker.refersTo) == nil)
    for later in yang.dropFirst() {
      #expect(later.value(MentionLinker.refersTo) == "\(first.range.start)")
      #expect(later.rule.id == "link-person-propagate")
      #expect(later.rule.file.hasSuffix("rules/lexicons/mention-links.tsv"))
    }
    let posts = document.entities.filter { $0.label == "POST" && $0.value("person") == "\(first.range.start)" }
    #expect(posts.map { document.text.string($0.range) } == ["市委常委", "区党工委书记"])
    let leaders = try #require(document.entities.first { $0.label == "POST" && document.text.string($0.range) == "区领导" })
    #expect(leaders.value("person")?.split(separator: " ").count == 7)

    let zones = rulesPipeline.process(text: "嘉兴经开区召开大会。经开区党工委书记讲话，嘉兴经济技术开发区综合排名第19位，全国国家级经开区。")
    let named = zones.entities.filter { $0.label == "ZONE" }
    let head = try #require(named.first)
    #expect(zones.text.string(head.range) == "嘉兴经开区" && head.value("canonical") == "嘉兴经济技术开发区")
    let short = try #require(named.first { zones.text.string($0.range) == "经开区" })
    #expect(short.value(MentionLinker.refersTo) == "\(head.range.start)")
    let full = try #require(named.first { zones.text.string($0.range) == "嘉兴经济技术开发区" })
    #expect(full.value(MentionLinker.refersTo) == "\(head.range.start)")
    let generic = try #require(named.first { zones.text.string($0.range) == "国家级经开区" })
    #expect(generic.value(MentionLinker.refersTo) == nil)
  }

  /// The division lexicon is generated, not typed: every line has the declared columns, the
  /// provinces are all there, former names point at current ones.
  @Test func divisionLexiconIsComplete() throws {
    let lexicon = try #require(rulesPipeline.ruleSet.ruleBook.lexicons["divisions"])
    let level = try #require(lexicon.column("level"))
    let canonical = try #require(lexicon.column("canonical"))
    let provinces = lexicon.entries.filter { $0.field(level) == "province" && $0.field(lexicon.column("form")!) == "full" }
    #expect(provinces.count == 34, "\(provinces.map(\.key))")
    #expect(lexicon.entries.count > 3000)
    #expect(lexicon.entries.first { $0.key == "襄樊市" }?.field(canonical) == "襄阳市")
    #expect(!lexicon.entries.contains { $0.key.hasSuffix("开发区") || $0.key == "城区" || $0.key == "长治" })
  }
}
