// The byte writers against their references: XMLBytes against libxml2's xmlTextWriter on random
// documents full of characters that need escaping, the repair runs against the dictionary
// grouping they replaced, integers against String(_:), JSON escapes byte for byte.
import Foundation
import Testing
import ZhtagCore
import ZhtagTestSupport
@testable import ZhtagWrite

/// A small deterministic generator (SplitMix64), so a failure can be replayed.
struct SplitMix {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
  mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
  mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// Characters that exercise every escape and replacement rule of both formats.
let trickyScalars: [Unicode.Scalar] = Array("嘉兴经济技术开发区，。“”《》（）ａ１ab09 &<>\"'\t\n\r]]>/\\".unicodeScalars)
  + ["\u{0}", "\u{1}", "\u{8}", "\u{B}", "\u{1F}", "\u{7F}", "\u{85}", "\u{2028}", "\u{3000}", "\u{D7FF}", "\u{E000}",
     "\u{FEFF}", "\u{FFFD}", "\u{FFFE}", "\u{FFFF}", "\u{10000}", "\u{1F600}", "\u{10FFFF}", "é", "ß"]

func trickyString(_ random: inout SplitMix, maxLength: Int = 12) -> String {
  var scalars = String.UnicodeScalarView()
  for _ in 0..<random.below(maxLength + 1) { scalars.append(random.pick(trickyScalars)) }
  return String(scalars)
}

/// A document with random text, source map, blocks, sentences, nested and crossing entities,
/// metadata, quotas, removed regions, repairs and diagnostics.
func randomDocument(_ seed: UInt64) -> Document {
  var random = SplitMix(state: seed)
  let source = (0..<random.below(400)).map { _ in random.pick(trickyScalars) }
  // The text: the source with a few regions replaced, inserted or deleted, and the map.
  var text: [Unicode.Scalar] = []
  var edits: [SourceEdit] = []
  var position = 0
  while position < source.count {
    if random.chance(4) {
      let removed = min(random.below(4), source.count - position)
      let inserted = (0..<random.below(3)).map { _ in random.pick(trickyScalars) }
      if removed > 0 || !inserted.isEmpty {
        edits.append(SourceEdit(textStart: text.count, textEnd: text.count + inserted.count,
                                sourceStart: position, sourceEnd: position + removed))
      }
      text += inserted
      position += removed
    } else {
      text.append(source[position])
      position += 1
    }
  }
  var document = Document(id: trickyString(&random), source: SourceInfo(path: trickyString(&random), sha256: "ab", byteCount: random.below(5000)),
                          sourceText: source)
  document.applyRewrite(text: text, map: SourceMap(edits: edits))
  document.source.kind = random.chance(50) ? .text : .html
  document.source.encoding = random.chance(80) ? trickyString(&random) : nil
  document.source.encodingConfidence = random.chance(80) ? Double(random.below(101)) / 100 : nil
  document.source.encodingMethod = random.chance(80) ? "utf-8" : nil

  func rule() -> RuleReference {
    RuleReference(id: random.chance(70) ? random.pick(["number", "zone-kind", "division"]) : trickyString(&random),
                  file: random.pick(["rules/entity/zones.yaml", "rules/quota/numbers.yaml", "a&b\"c.yaml"]), line: random.below(300))
  }
  func range(in bounds: TextRange) -> TextRange {
    let start = bounds.start + random.below(bounds.count + 1)
    return TextRange(start, start + random.below(bounds.end - start + 1))
  }
  let whole = TextRange(0, text.count)

  for name in Metadata.fieldNames where random.chance(50) {
    document.meta[name] = MetaField(value: trickyString(&random), range: random.chance(50) ? range(in: whole) : nil,
                                    sourceRange: range(in: TextRange(0, source.count)), rule: random.chance(80) ? rule() : nil)
  }
  // Blocks over sorted cut points (gaps between them), sentences inside each block.
  var cuts = (0..<random.below(12)).map { _ in random.below(text.count + 1) }.sorted()
  if cuts.count % 2 == 1 { cuts.removeLast() }
  for pair in stride(from: 0, to: cuts.count, by: 2) {
    let block = TextRange(cuts[pair], cuts[pair + 1])
    document.blocks.append(Block(kind: random.pick(Block.Kind.allCases), range: block))
    var inner = (0..<random.below(6)).map { _ in block.start + random.below(block.count + 1) }.sorted()
    if inner.count % 2 == 1 { inner.removeLast() }
    for sentence in stride(from: 0, to: inner.count, by: 2) {
      document.sentences.append(Sentence(range: TextRange(inner[sentence], inner[sentence + 1]), block: document.blocks.count - 1))
    }
  }
  for _ in 0..<random.below(30) {
    // Mostly inside a sentence (so they nest or cross there), sometimes anywhere.
    let bounds = !document.sentences.isEmpty && random.chance(80) ? random.pick(document.sentences).range : whole
    let attributes = (0..<random.below(4)).map { _ in (random.pick(["kind", "value", "canonical"]), trickyString(&random)) }
    document.entities.append(Annotation(label: random.chance(80) ? random.pick(["ZONE", "GPE", "NUMBER"]) : trickyString(&random),
                                        range: range(in: bounds), rule: rule(), attributes: attributes,
                                        phase: random.pick(["zones", "numbers", "p&q"])))
  }
  // Some entities with exactly the same range, to check that ties keep their order.
  if let first = document.entities.first, random.chance(50) {
    var twin = first
    twin.label = "TWIN"
    document.entities.append(twin)
  }
  for _ in 0..<random.below(4) {
    var fields: [String: String] = [:]
    for _ in 0..<random.below(5) { fields[random.pick(["value", "unit", "indicator", "low", "high"])] = trickyString(&random) }
    document.quotas.append(Quota(range: range(in: whole), rule: rule(), fields: QuotaFields(fields)))
  }
  for _ in 0..<random.below(4) {
    document.removed.append(RemovedRegion(sourceRange: range(in: TextRange(0, source.count)), textOffset: random.below(text.count + 1),
                                          reason: random.pick(["boilerplate", "meta", "a<b"]), rule: random.chance(70) ? rule() : nil))
  }
  for _ in 0..<random.below(60) {
    document.repairs.append(Repair(kind: random.pick(["punctuation", "newline", "t2s", "width", "pinyin"]),
                                   range: range(in: whole), sourceRange: range(in: TextRange(0, source.count))))
  }
  for _ in 0..<random.below(3) {
    let location = random.chance(70)
      ? SourceLocation(file: trickyString(&random), line: random.below(3), column: random.below(3), offset: random.chance(50) ? random.below(99) : nil)
      : nil
    document.diagnostics.append(Diagnostic(random.pick([.note, .warning, .error]), "x.y", random.chance(20) ? "" : trickyString(&random), at: location))
  }
  return document
}

@Suite struct ByteWriterTests {
  @Test func xmlBytesEqualLibxml2sTextWriterOnRandomDocuments() {
    for seed in 0..<400 as Range<UInt64> {
      let document = randomDocument(seed)
      let bytes = XMLArticle.encode(document)
      let reference = XMLArticle.encodeWithLibXML(document)
      if bytes != reference {
        let at = Array(zip(bytes, reference)).firstIndex { $0.0 != $0.1 } ?? min(bytes.count, reference.count)
        Issue.record("seed \(seed): XML differs from libxml2's at byte \(at): …\(String(decoding: bytes[max(0, at - 60)..<min(bytes.count, at + 40)], as: UTF8.self))")
        return
      }
    }
  }

  @Test func failedArticlesEqualLibxml2sTextWriter() {
    var random = SplitMix(state: 7)
    for _ in 0..<100 {
      let failure = ArticleFailure(
        id: trickyString(&random), path: trickyString(&random), sha256: random.chance(50) ? "ab" : nil,
        byteCount: random.chance(50) ? random.below(9) : nil,
        error: Diagnostic(.error, "decode.x", trickyString(&random), at: random.chance(50) ? SourceLocation(file: trickyString(&random), line: 2) : nil),
        diagnostics: random.chance(50) ? [Diagnostic(.note, "n", trickyString(&random))] : [])
      #expect(XMLArticle.encode(failure) == XMLArticle.encodeWithLibXML(failure))
    }
  }

  @Test func xmlEscapesAsLibxml2Does() {
    var document = document("a&<>\"'\t\n\r\u{1}\u{FFFE}b")
    document.meta["title"] = MetaField(value: "v&<>\"'\t\n\r\u{1}\u{FFFF}", range: nil, sourceRange: TextRange(0, 0), rule: nil)
    let xml = String(decoding: XMLArticle.encode(document), as: UTF8.self)
    // Attributes escape TAB, LF and CR too; text keeps TAB and LF; forbidden characters become U+FFFD.
    #expect(xml.contains("<title value=\"v&amp;&lt;&gt;&quot;'&#9;&#10;&#13;\u{FFFD}\u{FFFD}\" source-start=\"0\" source-end=\"0\"></title>"))
    #expect(xml.contains("<text>a&amp;&lt;&gt;&quot;'\t\n&#13;\u{FFFD}\u{FFFD}b</text>"))
    #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<article "))
    #expect(xml.hasSuffix("</article>\n"))
  }

  @Test func repairRunsEqualTheDictionaryGroupingTheyReplaced() {
    for seed in 0..<300 as Range<UInt64> {
      var random = SplitMix(state: seed)
      // Few distinct offsets, so that sort ties are frequent.
      let repairs = (0..<random.below(80)).map { _ in
        let start = random.below(6)
        let sourceStart = random.below(6)
        return Repair(kind: random.pick(["t2s", "newline", "punctuation", "width", "z"]),
                      range: TextRange(start, start + random.below(3)), sourceRange: TextRange(sourceStart, sourceStart + random.below(3)))
      }
      let summary = RepairSummary(repairs)
      let expected = referenceRuns(repairs)
      #expect(summary.kinds == expected.map(\.0))
      #expect(summary.counts.map(\.1) == expected.map { kind, _ in repairs.filter { $0.kind == kind }.count })
      for (index, (_, runs)) in expected.enumerated() {
        let got = summary.runs(of: index, repairs)
        #expect(got.map(\.range) == runs.map(\.range) && got.map(\.sourceRange) == runs.map(\.sourceRange), "seed \(seed)")
      }
    }
  }

  /// The grouping as it was written before (dictionary by kind, sort of whole repairs).
  func referenceRuns(_ repairs: [Repair]) -> [(String, [Repair])] {
    var byKind: [String: [Repair]] = [:]
    for repair in repairs { byKind[repair.kind, default: []].append(repair) }
    return byKind.keys.sorted().map { kind in
      let sorted = byKind[kind]!.sorted {
        $0.sourceRange.start != $1.sourceRange.start ? $0.sourceRange.start < $1.sourceRange.start : $0.range.start < $1.range.start
      }
      var runs: [Repair] = []
      for repair in sorted {
        if var last = runs.last, last.sourceRange.end == repair.sourceRange.start, last.range.end == repair.range.start {
          last.range = TextRange(last.range.start, repair.range.end)
          last.sourceRange = TextRange(last.sourceRange.start, repair.sourceRange.end)
          runs[runs.count - 1] = last
        } else {
          runs.append(repair)
        }
      }
      return (kind, runs)
    }
  }

  @Test func integersAreWrittenAsStringDoes() {
    var values = [0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 9999, 10000, 99999, 100_000, 123_456_789, Int.max, Int.min, Int.min + 1]
    var power = 1
    for _ in 0..<18 {
      power *= 10
      values += [power - 1, power, power + 1, -power, -(power - 1)]
    }
    var random = SplitMix(state: 3)
    values += (0..<2000).map { _ in Int(truncatingIfNeeded: random.next()) >> random.below(63) }
    for value in values {
      var json = JSONWriter()
      json.value(value)
      #expect(String(decoding: json.bytes, as: UTF8.self) == String(value))
    }
  }

  @Test func jsonStringsAreEscapedByteForByte() {
    var json = JSONWriter()
    json.beginArray()
    json.value("a\"b\\c\n\r\t\u{1}\u{1F}\u{7F}/é中\u{1F600}")
    json.value("0123456789abcdef\"0123456789abcdef")  // an escape inside a word and in the tail
    json.value(Array("x\"\u{0}\u{1F}中\u{1F600}".unicodeScalars)[...])
    json.value("")
    json.endArray()
    #expect(String(decoding: json.bytes, as: UTF8.self)
      == "[\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u001f\u{7F}/é中\u{1F600}\",\"0123456789abcdef\\\"0123456789abcdef\",\"x\\\"\\u0000\\u001f中\u{1F600}\",\"\"]")
  }

  @Test func jsonRecordsOfRandomDocumentsParseBackToTheirText() throws {
    for seed in 0..<300 as Range<UInt64> {
      let document = randomDocument(seed)
      let line = JSONLRecord.encode(document)
      #expect(line.last == 0x0A)
      // Valid JSON for Foundation's reader; exact strings through the project's own reader
      // (Foundation's drops U+FEFF and stops at U+0000).
      let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
      #expect((object["entities"] as? [Any])?.count == document.entities.count)
      var scanner = JSONScanner(line)
      guard case .object(let record)? = scanner.parseValue(), case .string(let text)? = record["text"],
        case .string(let sourceText)? = record["source_text"]
      else {
        Issue.record("seed \(seed): the record does not read back")
        continue
      }
      #expect(Array(text.unicodeScalars) == document.text, "seed \(seed)")
      #expect(Array(sourceText.unicodeScalars) == document.sourceText, "seed \(seed)")
    }
  }
}

/// quotas.csv rows against the reading they replaced (a tree of JSON values, then dictionary
/// lookups), on the committed records, on variants with duplicate keys, escapes, odd values and
/// spaces, and on every truncation and many one-byte changes of a record.
@Suite struct QuotaRowsTests {
  /// The rows as they were made before the one-pass reader.
  static func referenceRows(_ line: [UInt8]) -> [UInt8] {
    guard let idStart = QuotaCSV.find(Array("{\"id\":".utf8), in: line), let quotasStart = QuotaCSV.find(Array("\"quotas\":[".utf8), in: line)
    else { return [] }
    var idParser = JSONScanner(line, at: idStart)
    var quotaParser = JSONScanner(line, at: quotasStart - 1)
    guard case .string(let article)? = idParser.parseValue(), case .array(let quotas)? = quotaParser.parseValue()
    else { return [] }
    var bytes: [UInt8] = []
    for case .object(let quota) in quotas {
      guard case .object(let fields)? = quota["fields"] else { continue }
      var cells = [article]
      for name in ["id", "sentence", "rule", "rule_file", "rule_line", "start", "end", "text"] {
        let source = name == "sentence" ? fields[name] : quota[name]
        cells.append(source?.text ?? "")
      }
      for name in QuotaCSV.fieldColumns { cells.append(fields[name]?.text ?? "") }
      bytes += QuotaCSV.row(cells)
    }
    return bytes
  }

  static let variants: [String] = [
    #"{"id":"a,1","quotas":[{"id":"q1","start":0,"end":3,"text":"超\"3\"亿吨","fields":{"indicator":"港口,吞吐量","kind":"target","value":"300000000","sentence":"s2"},"rule":"r","rule_file":"f","rule_line":40}],"removed":[]}"#,
    #"{"id":"x","quotas":[{"id":"q1","text":"a","text":"b","fields":{"kind":"k1"},"fields":{"unit":"元"}}]}"#,
    #"{"id":"x","quotas":[{"id":"q1","fields":{"kind":"k1"},"fields":null},{"id":"q2","fields":null,"fields":{"kind":"k2","kind":null}}]}"#,
    #"{"id":"x","quotas":[1,"s",null,true,[{"fields":{}}],{"id":"q3"},{},{"fields":{}}]}"#,
    #"{"id":"x","quotas":[ { "id" : "q1" , "\u0074ext" : "\u00e9\n\"," , "fields" : { "sentence" : "s\/1" , "value" : -1.5e3 , "approximate" : true , "low" : false , "high" : null , "scope" : {"a":[1,2]} } } ] }"#,
    #"{"id":"x\"y","quotas":[{"id":"q1","fields":{"indicator":"line\r\nbreak","verb":"\ud83d\ude00","base":"\u0000"}}]}"#,
    #"{"id":"x","quotas":[]}"#,
    #"{"id":"x","quotas":[ ]}"#,
    #"{"id":7,"quotas":[{"fields":{}}]}"#,
    #"{"id":"x","quotas":[{"fields":{"kind":1 2}}]}"#,
    #"{"id":"x","quotas":[{"fields":{"kind":}}]}"#,
    #"{"id":"x","quotas":[{"fields":{7:"a"}}]}"#,
    #"{"id":"x","quotas":[{"fields":{"kind":"a"},}]}"#,
    #"{"id":"x","quotas":[{"fields":{"kind":tru}}]}"#,
    #"{"id":"x","quotas":[{"fields":{"kind":"\u12"}}]}"#,
    #"{"id":"x","quotas":[{"fields":{"kind":.e+-}}]}"#,
  ]

  func check(_ line: [UInt8], _ what: @autoclosure () -> String) {
    let got = QuotaCSV.rows(jsonLine: line)
    let want = Self.referenceRows(line)
    if got != want {
      Issue.record("\(what()): \(String(decoding: got, as: UTF8.self)) instead of \(String(decoding: want, as: UTF8.self))")
    }
  }

  @Test func rowsEqualTheValueTreeReading() throws {
    let committed = Fixtures.text(Fixtures.path("output/annotations.jsonl")).split(separator: "\n").map { Array($0.utf8) + [0x0A] }
    #expect(committed.count == 5)
    #expect(committed.contains { !QuotaCSV.rows(jsonLine: $0).isEmpty })
    for (index, line) in committed.enumerated() { check(line, "output line \(index + 1)") }
    for (index, variant) in Self.variants.enumerated() { check(Array(variant.utf8), "variant \(index)") }
  }

  @Test func brokenRecordsGiveWhatTheyGaveBefore() throws {
    var lines = Self.variants.map { Array($0.utf8) }
    // The quota part of a real record, cut at every byte and changed at many.
    let committed = Fixtures.text(Fixtures.path("output/annotations.jsonl")).split(separator: "\n").map { Array($0.utf8) }
    if let record = committed.first(where: { !QuotaCSV.rows(jsonLine: $0 + [0x0A]).isEmpty }),
      let start = QuotaCSV.find(Array("\"quotas\":[".utf8), in: record) {
      let part = Array("{\"id\":\"x\",".utf8) + record[(start - 10)..<min(record.count, start + 1500)]
      lines.append(part)
    }
    var random = SplitMix(state: 11)
    let replacements = Array(" \t\n{}[]\",:\\0-.etfnu".utf8)
    for line in lines {
      for end in 0...line.count { check(Array(line[..<end]), "prefix \(end) of \(String(decoding: line.prefix(40), as: UTF8.self))") }
      for _ in 0..<300 {
        var changed = line
        changed[random.below(changed.count)] = random.pick(replacements)
        check(changed, "changed \(String(decoding: changed, as: UTF8.self))")
      }
    }
  }
}
