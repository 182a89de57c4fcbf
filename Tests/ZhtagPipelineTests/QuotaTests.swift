// Quota records: every quota of seeds 001 and 003 against fixtures written by hand
// (Fixtures/quotas/seed-NNN.tsv), the record fields on small texts (intervals, comparators,
// approximations, base units, time, subject, kind), false numbers, and quotas.csv (RFC 4180,
// one row per quota, the same after a resumed run).
import Foundation
import Testing
import ZhtagCore
@testable import ZhtagPipeline
import ZhtagTestSupport
import ZhtagWrite

let quotaPipeline: Pipeline = {
  do { return try Pipeline(options: PipelineOptions(rulesDirectory: Fixtures.path("rules"))) } catch {
    fatalError("rules do not load: \(error)")
  }
}()

/// The quotas of a text, as field dictionaries with the quota's text under "text".
func quotaRecords(_ text: String) -> [[String: String]] {
  let document = quotaPipeline.process(text: text)
  return document.quotas.map { quota in
    var fields = quota.fields.dictionary
    fields["text"] = document.text.string(quota.range)
    return fields
  }
}

@Suite struct QuotaSeedTests {
  /// Each fixture line is one quota, in text order; every column must match (empty = absent).
  @Test(arguments: ["001", "003"])
  func seedQuotasMatchTheFixtures(_ seed: String) throws {
    let fixture = Fixtures.text(Fixtures.path("Tests/ZhtagPipelineTests/Fixtures/quotas/seed-\(seed).tsv"))
    var lines = fixture.split(separator: "\n", omittingEmptySubsequences: true).filter { !$0.hasPrefix("#") }
    let columns = lines.removeFirst().split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    let path = try #require(Fixtures.seedPaths.first { ($0 as NSString).lastPathComponent.hasPrefix(seed + "_") })
    let document = try quotaPipeline.process(Fixtures.bytes(path), id: seed, path: path).get()
    let got = document.quotas.map { quota -> [String: String] in
      var fields = quota.fields.dictionary
      fields["text"] = document.text.string(quota.range)
      return fields
    }
    #expect(got.count == lines.count, "seed \(seed): \(got.count) quotas, fixture has \(lines.count): \(got.map { $0["text"] ?? "" })")
    for (index, line) in lines.enumerated() where index < got.count {
      let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      for (column, cell) in zip(columns, cells) {
        let actual = got[index][column] ?? ""
        #expect(actual == cell, "seed \(seed) quota \(index + 1) (\(cells[0])): \(column) is '\(actual)', fixture says '\(cell)'")
      }
    }
  }

  /// The words that only look like figures give no quota in the seeds.
  @Test func falseNumbersMakeNoQuota() throws {
    var texts: [String] = []
    for path in Fixtures.seedPaths {
      let document = try quotaPipeline.process(Fixtures.bytes(path), id: "seed", path: path).get()
      texts += document.quotas.map { document.text.string($0.range) }
    }
    for word in ["九届九次", "十九届五中", "一是", "二是", "20万吨级", "7万吨级", "三年行动", "三到五年", "五年左右", "四个意识",
                 "两个维护", "一批", "第一时间", "第二批", "三十周年"] {
      #expect(!texts.contains { $0.contains(word) }, "a quota contains \(word)")
    }
  }
}

@Suite struct QuotaRecordTests {
  func first(_ text: String) throws -> [String: String] {
    try #require(quotaRecords(text).first, "no quota in \(text)")
  }

  @Test func comparatorsMakeIntervals() throws {
    // 以上 includes the number (Chinese legal usage); 超 does not; 不足 is below.
    let atLeast = try first("全年高新技术企业新增20家以上。")
    #expect(atLeast["comparator"] == ">=" && atLeast["low"] == "20" && atLeast["low_inclusive"] == "true")
    #expect(atLeast["high"] == nil)
    let over = try first("港口吞吐量超3亿吨。")
    #expect(over["comparator"] == ">" && over["low"] == "300000000" && over["low_inclusive"] == "false")
    #expect(over["value_base"] == "300000000" && over["base_unit"] == "t" && over["scale"] == "100000000")
    let below = try first("工业增加值不足5亿元。")
    #expect(below["comparator"] == "<" && below["high"] == "500000000" && below["high_inclusive"] == "false")
  }

  @Test func approximateNumbersAreIntervalsNeverPoints() throws {
    let tens = try first("园区新增就业十几万人。")
    #expect(tens["approximate"] == "true" && tens["value"] == nil)
    #expect(tens["low"] == "110000" && tens["high"] == "190000")
    let more = try first("全年完成投资500多亿元。")
    #expect(more["approximate"] == "true" && more["value"] == nil)
    #expect(more["low"] == "50000000000" && more["low_inclusive"] == "false" && more["high"] == "60000000000")
    let about = try first("投资约2.4万美元。")
    #expect(about["approximate"] == "true" && about["value"] == "24000" && about["comparator"] == "~")
  }

  @Test func rangesAndUnitsConvertToTheBaseUnit() throws {
    let range = try first("每户补贴20至30万元，")
    #expect(range["low"] == "200000" && range["high"] == "300000" && range["value"] == nil)
    #expect(range["low_base"] == "200000" && range["base_unit"] == "CNY")
    let area = try first("规划面积达到2400平方公里，")
    #expect(area["value_base"] == "2400000000" && area["base_unit"] == "m2" && area["base_exact"] == nil)
    let mu = try first("流转土地达到1000亩，")
    #expect(mu["base_unit"] == "m2" && mu["value_base"] == "666666.666666667" && mu["base_exact"] == "false")
    let percent = try first("城镇化率达到百分之七十五，")
    #expect(percent["value"] == "75" && percent["unit"] == "%")
    let points = try first("增速高于全省2.5个百分点，")
    #expect(points["unit"] == "个百分点" && points["base_unit"] == "pp" && points["reference"] == "全省")
  }

  @Test func multiplesGrowthAndRate() throws {
    let doubling = try first("到2025年，航线数量在2022年基础上再翻两番；")
    #expect(doubling["kind"] == "growth" && doubling["value_base"] == "4" && doubling["base"] == "2022年")
    #expect(doubling["time"] == "到2025年" && doubling["time_relation"] == "by" && doubling["indicator"] == "航线数量")
    let annual = try first("高新技术企业年均新增20家以上、")
    #expect(annual["rate"] == "annual" && annual["kind"] == "growth" && annual["direction"] == "up")
  }

  @Test func ranksTimesSubjectsAndTargets() throws {
    let records = quotaRecords("在《2021年国家级经开区综合发展水平考核评价结果》中，嘉兴经开区综合排名位列全国第19位。")
    let rank = try #require(records.first)
    #expect(rank["kind"] == "rank" && rank["value"] == "19" && rank["scope"] == "全国")
    #expect(rank["indicator"] == "综合排名" && rank["time_value"] == "2021" && rank["target"] == "false")
    #expect(rank["subject"] != nil)
    let target = try first("到2025年，人均GDP将达到17万元。")
    #expect(target["kind"] == "target" && target["target"] == "true" && target["indicator"] == "人均GDP")
    #expect(target["time_value"] == "2025")
    let count = try first("重点抓好先期谋划的581个亿元以上产业项目，")
    #expect(count["kind"] == "count" && count["indicator"] == "亿元以上产业项目" && count["unit"] == "个")
  }

  /// Every record's span gives back its text, and the numbers are plain decimals.
  @Test func recordsHoldTheContract() throws {
    for path in Fixtures.seedPaths {
      let document = try quotaPipeline.process(Fixtures.bytes(path), id: "seed", path: path).get()
      for quota in document.quotas {
        #expect(quota.range.start >= 0 && quota.range.end <= document.text.count && quota.range.start < quota.range.end)
        for name in ["value", "low", "high", "value_base", "low_base", "high_base", "scale"] {
          if let value = quota.fields[name] {
            #expect(value.range(of: "^-?[0-9]+(\\.[0-9]+)?$", options: .regularExpression) != nil, "\(name) = \(value)")
          }
        }
        #expect(quota.fields["kind"] != nil && quota.fields["comparator"] != nil && quota.fields["sentence"] != nil)
      }
    }
  }
}

@Suite(.serialized) struct QuotaCSVTests {
  @Test func rowsAreRFC4180() {
    let line = Array(#"{"id":"a,1","status":"ok","quotas":[{"id":"q1","start":0,"end":3,"source_start":0,"source_end":3,"text":"超\"3\"亿吨","fields":{"indicator":"港口,吞吐量","kind":"target","value":"300000000","sentence":"s2"},"rule":"quota-compared","rule_file":"rules/quota/quotas.yaml","rule_line":40}],"removed":[]}"#.utf8) + [0x0A]
    let rows = String(decoding: QuotaCSV.rows(jsonLine: line), as: UTF8.self)
    #expect(rows.hasPrefix("\"a,1\",q1,s2,quota-compared,rules/quota/quotas.yaml,40,0,3,\"超\"\"3\"\"亿吨\",\"港口,吞吐量\",target,,300000000,"))
    #expect(rows.hasSuffix("\r\n"))
    #expect(QuotaCSV.rows(jsonLine: Array(#"{"id":"x","status":"failed"}"#.utf8)).isEmpty)
    let header = String(decoding: QuotaCSV.header, as: UTF8.self)
    #expect(header.hasPrefix("article,quota,sentence,rule,rule_file,rule_line,start,end,text,indicator,kind,target,value"))
  }

  /// quotas.csv beside the JSONL: a header and one row per quota; a resumed run that copies
  /// earlier articles' lines writes the same file.
  @Test func batchWritesQuotasCSVAndResumeKeepsIt() throws {
    let dev = Fixtures.devCorpusPaths
    let inputs = Fixtures.temporaryDirectory("quota-inputs")
    for path in Fixtures.seedPaths + dev.prefix(20) {
      try FileManager.default.copyItem(atPath: path, toPath: inputs + "/" + (path as NSString).lastPathComponent)
    }
    let clean = Fixtures.temporaryDirectory("quota-clean")
    let full = try Processes.run(Processes.zhtag, ["run", inputs, "--out", clean, "--no-xml", "--jobs", "2"], in: Fixtures.root.path)
    #expect(full.status == 0, "\(full.stderr)")
    let csv = Fixtures.text(clean + "/quotas.csv")
    let jsonl = Fixtures.text(clean + "/annotations.jsonl")
    var quotaCount = 0
    for line in jsonl.split(separator: "\n") {
      let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      quotaCount += (record?["quotas"] as? [Any])?.count ?? 0
    }
    #expect(quotaCount > 20)
    #expect(csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == quotaCount + 1)
    #expect(!FileManager.default.fileExists(atPath: clean + "/.quotas.csv.partial"))

    // A resumed run skips every article and copies its JSONL line: the rows come back the same.
    let out = Fixtures.temporaryDirectory("quota-resume")
    let first = try Processes.run(Processes.zhtag, ["run", inputs, "--out", out, "--no-xml", "--jobs", "1"], in: Fixtures.root.path)
    #expect(first.status == 0)
    let resumed = try Processes.run(Processes.zhtag, ["run", inputs, "--out", out, "--no-xml", "--jobs", "2", "--resume"],
                                    in: Fixtures.root.path)
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(resumed.stderr.contains("already done"), "\(resumed.stderr)")
    #expect(Fixtures.bytes(out + "/quotas.csv") == Fixtures.bytes(clean + "/quotas.csv"))
  }
}

@Suite struct QuotaFieldTests {
  /// The builder's fields are exactly the properties of `quotaFields` in the JSON schema: a field
  /// added to one and not the other fails here rather than in an analyst's validator.
  @Test func theBuilderWritesTheFieldsTheSchemaDeclares() throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("schema/annotations.schema.json")))
    let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let definitions = try #require(schema["$defs"] as? [String: Any])
    let quotaFields = try #require(definitions["quotaFields"] as? [String: Any])
    let properties = try #require(quotaFields["properties"] as? [String: Any])
    #expect(Set(QuotaField.allCases.map(\.name)) == Set(properties.keys))
    #expect(QuotaField.baseExact.name == "base_exact" && QuotaField.timeRelation.name == "time_relation")
    // The records of a seed carry their fields in name order, as the writers emit them (the
    // builder hands QuotaFields a list it trusts to be sorted).
    let path = try #require(Fixtures.seedPaths.first { ($0 as NSString).lastPathComponent.hasPrefix("003_") })
    let document = try quotaPipeline.process(Fixtures.bytes(path), id: "003", path: path).get()
    #expect(document.quotas.count > 10)
    for quota in document.quotas {
      let names = quota.fields.map(\.name)
      #expect(names == names.sorted(), "\(names)")
    }
  }

  /// QuotaFields stays sorted by name whatever the order of writes, and reads like a dictionary.
  @Test func fieldsStaySortedByName() {
    var fields = QuotaFields()
    for (name, value) in [("value", "3"), ("kind", "target"), ("amount", "3亿吨"), ("unit", "吨"), ("low", "3")] {
      fields[name] = value
    }
    fields["kind"] = "actual"
    fields["low"] = nil
    #expect(fields.map(\.name) == ["amount", "kind", "unit", "value"])
    #expect(fields["kind"] == "actual" && fields["low"] == nil && fields["high"] == nil)
    #expect(fields == QuotaFields(["unit": "吨", "value": "3", "amount": "3亿吨", "kind": "actual"]))
    #expect(fields.dictionary == ["unit": "吨", "value": "3", "amount": "3亿吨", "kind": "actual"])
  }
}
