// One JSONL line per article; fields are documented in schema/annotations.schema.json.
import ZhtagCore

/// Writes articles as JSON Lines records.
public enum JSONLRecord {
  /// Version of the record layout, written in every record.
  public static let schemaVersion = 1

  /// The record of a processed article, with its trailing newline.
  public static func encode(_ document: Document) -> [UInt8] {
    // Room for the usual record at once (text and source text as UTF-8, then per item), so the
    // buffer rarely grows.
    var json = JSONWriter(capacity: 3 * (document.text.count + document.sourceText.count) + 128 * (document.blocks.count + document.sentences.count)
      + 320 * document.entities.count + 512 * document.quotas.count + 24 * document.repairs.count + 4096)
    var map = SourceMap.Reader(document.sourceMap)
    json.beginObject()
    json.field("id", document.id)
    json.field("status", "ok")
    json.field("schema_version", schemaVersion)
    writeSource(&json, document.source)

    json.key("meta")
    json.beginObject()
    for name in Metadata.fieldNames {
      json.key(dynamic: name)
      guard let field = document.meta[name] else { json.null(); continue }
      json.beginObject()
      json.field("value", field.value)
      json.field("start", field.range?.start)
      json.field("end", field.range?.end)
      json.field("source_start", field.sourceRange.start)
      json.field("source_end", field.sourceRange.end)
      rule(&json, field.rule)
      json.endObject()
    }
    json.endObject()

    json.key("text"); json.value(document.text[...])
    json.key("source_text"); json.value(document.sourceText[...])

    json.key("blocks")
    json.beginArray()
    for (index, block) in document.blocks.enumerated() {
      json.beginObject()
      json.key("id"); json.value("b", index + 1)
      json.field("kind", block.kind.rawValue)
      span(&json, block.range, &map)
      json.endObject()
    }
    json.endArray()

    json.key("sentences")
    json.beginArray()
    for (index, sentence) in document.sentences.enumerated() {
      json.beginObject()
      json.key("id"); json.value("s", index + 1)
      json.key("block"); json.value("b", sentence.block + 1)
      span(&json, sentence.range, &map)
      json.endObject()
    }
    json.endArray()

    json.key("entities")
    json.beginArray()
    writeEntities(&json, document, &map)
    json.endArray()

    json.key("quotas")
    json.beginArray()
    for (index, quota) in document.quotas.enumerated() {
      json.beginObject()
      json.key("id"); json.value("q", index + 1)
      span(&json, quota.range, &map)
      json.key("text"); json.value(document.text[quota.range.start..<quota.range.end])
      json.key("fields")
      json.beginObject()
      for field in quota.fields { json.field(dynamic: field.name, field.value) }
      json.endObject()
      rule(&json, quota.rule)
      json.endObject()
    }
    json.endArray()

    json.key("removed")
    json.beginArray()
    for region in document.removed {
      json.beginObject()
      json.field("reason", region.reason)
      rule(&json, region.rule)
      json.field("source_start", region.sourceRange.start)
      json.field("source_end", region.sourceRange.end)
      json.field("text_offset", region.textOffset)
      json.key("text")
      json.value(document.sourceText[region.sourceRange.start..<region.sourceRange.end])
      json.endObject()
    }
    json.endArray()

    json.key("repairs")
    json.beginObject()
    let repairs = RepairSummary(document.repairs)
    json.key("counts")
    json.beginObject()
    for (kind, count) in repairs.counts { json.field(dynamic: kind, count) }
    json.endObject()
    // Places by kind, as [start, end, source_start, source_end] quadruples; neighbouring repairs
    // of one kind are merged into runs. The surfaces are text[start:end] and
    // source_text[source_start:source_end]: writing them too would triple the record.
    json.key("runs")
    json.beginObject()
    for kind in repairs.kinds.indices {
      json.key(dynamic: repairs.kinds[kind])
      json.beginArray()
      for run in repairs.runs(of: kind, document.repairs) {
        json.beginArray()
        json.value(run.range.start)
        json.value(run.range.end)
        json.value(run.sourceRange.start)
        json.value(run.sourceRange.end)
        json.endArray()
      }
      json.endArray()
    }
    json.endObject()
    json.endObject()

    writeDiagnostics(&json, document.diagnostics)
    json.endObject()
    json.out.append(0x0A)
    return json.bytes
  }

  /// The record of an article that failed: its input and the error.
  public static func encode(_ failure: ArticleFailure) -> [UInt8] {
    var json = JSONWriter()
    json.beginObject()
    json.field("id", failure.id)
    json.field("status", "failed")
    json.field("schema_version", schemaVersion)
    json.key("source")
    json.beginObject()
    json.field("path", failure.path)
    json.field("sha256", failure.sha256)
    json.field("bytes", failure.byteCount)
    json.endObject()
    json.key("error")
    writeDiagnostic(&json, failure.error)
    writeDiagnostics(&json, failure.diagnostics)
    json.endObject()
    json.out.append(0x0A)
    return json.bytes
  }

  /// Counts per repair kind, in name order.
  static func repairCounts(_ repairs: [Repair]) -> [(String, Int)] { RepairSummary(repairs).counts }

  /// An article's entities: the array is read in place (no copy of each annotation's strings).
  private static func writeEntities(_ json: inout JSONWriter, _ document: Document, _ map: inout SourceMap.Reader) {
    var written = WrittenRules()  // rule and phase fields, copied after their first writing
    document.text.withUnsafeBufferPointer { text in
      document.entities.withUnsafeBufferPointer { entities in
        for index in entities.indices {
          json.beginObject()
          json.key("id"); json.value("e", index + 1)
          json.field("label", entities[index].label)
          let range = entities[index].range
          span(&json, range, &map)
          precondition(0 <= range.start && range.end <= text.count, "entity range out of bounds")
          json.key("text"); json.value(UnsafeBufferPointer(rebasing: text[range.start..<range.end]))
          json.key("sentence")
          if let sentence = document.sentenceIndex(containing: range) { json.value("s", sentence + 1) } else { json.null() }
          json.key("attributes")
          json.beginObject()
          entities[index].attributes.withUnsafeBufferPointer { attributes in
            for attribute in attributes.indices { json.field(dynamic: attributes[attribute].0, attributes[attribute].1) }
          }
          json.endObject()
          if let earlier = written.bytes(of: entities[index].rule, phase: entities[index].phase) {
            json.repeatFields(from: earlier.start, count: earlier.count)
          } else {
            let start = json.bytesWritten
            rule(&json, entities[index].rule)
            json.field("phase", entities[index].phase)
            written.record(entities[index].rule, phase: entities[index].phase, start: start,
                           count: json.bytesWritten - start)
          }
          json.endObject()
        }
      }
    }
  }

  private static func span(_ json: inout JSONWriter, _ range: TextRange, _ map: inout SourceMap.Reader) {
    json.field("start", range.start)
    json.field("end", range.end)
    let source = map.sourceRange(range)
    json.field("source_start", source.start)
    json.field("source_end", source.end)
  }

  private static func rule(_ json: inout JSONWriter, _ reference: RuleReference?) {
    json.field("rule", reference?.id)
    json.field("rule_file", reference?.file)
    json.field("rule_line", reference?.line)
  }

  private static func rule(_ json: inout JSONWriter, _ reference: RuleReference) {
    json.field("rule", reference.id)
    json.field("rule_file", reference.file)
    json.field("rule_line", reference.line)
  }

  private static func writeSource(_ json: inout JSONWriter, _ source: SourceInfo) {
    json.key("source")
    json.beginObject()
    json.field("path", source.path)
    json.field("sha256", source.sha256)
    json.field("bytes", source.byteCount)
    json.field("kind", source.kind.rawValue)
    json.field("encoding", source.encoding)
    json.key("encoding_confidence")
    if let confidence = source.encodingConfidence { json.value(confidence) } else { json.null() }
    json.field("encoding_method", source.encodingMethod)
    json.endObject()
  }

  private static func writeDiagnostics(_ json: inout JSONWriter, _ diagnostics: [Diagnostic]) {
    json.key("diagnostics")
    json.beginArray()
    for diagnostic in diagnostics { writeDiagnostic(&json, diagnostic) }
    json.endArray()
  }

  private static func writeDiagnostic(_ json: inout JSONWriter, _ diagnostic: Diagnostic) {
    json.beginObject()
    json.field("severity", diagnostic.severity.rawValue)
    json.field("code", diagnostic.code)
    json.field("message", diagnostic.message)
    json.field("file", diagnostic.location?.file)
    json.field("line", diagnostic.location.flatMap { $0.line > 0 ? $0.line : nil })
    json.field("column", diagnostic.location.flatMap { $0.column > 0 ? $0.column : nil })
    json.field("offset", diagnostic.location?.offset)
    json.endObject()
  }
}

/// The repairs of an article by kind: kinds in name order, counts, and the runs of each kind.
struct RepairSummary {
  /// Kind names, in name order.
  private(set) var kinds: [String] = []
  private var counts_: [Int] = []
  /// Each repair's index into `kinds`.
  private var kindOf: [Int] = []

  init(_ repairs: [Repair]) {
    guard !repairs.isEmpty else { return }
    // A document has a handful of kinds and long stretches of one: look from the last kind
    // seen, then along the short list, instead of hashing every repair's kind.
    var order: [Int] = []
    kindOf.reserveCapacity(repairs.count)
    var last = -1
    for repair in repairs {
      if last < 0 || kinds[last] != repair.kind {
        last = kinds.firstIndex(of: repair.kind) ?? -1
        if last < 0 {
          kinds.append(repair.kind)
          counts_.append(0)
          last = kinds.count - 1
        }
      }
      counts_[last] += 1
      kindOf.append(last)
    }
    // Renumber the kinds in name order.
    order = kinds.indices.sorted { kinds[$0] < kinds[$1] }
    var rank = [Int](repeating: 0, count: kinds.count)
    for (position, kind) in order.enumerated() { rank[kind] = position }
    kinds = order.map { kinds[$0] }
    counts_ = order.map { counts_[$0] }
    for index in kindOf.indices { kindOf[index] = rank[kindOf[index]] }
  }

  /// (kind, count) in name order.
  var counts: [(String, Int)] { Array(zip(kinds, counts_)) }

  /// The repairs of one kind in source order, neighbours (touching in both the text and the
  /// source) merged into one run.
  func runs(of kind: Int, _ repairs: [Repair]) -> [(range: TextRange, sourceRange: TextRange)] {
    var members: [(range: TextRange, sourceRange: TextRange)] = []
    members.reserveCapacity(counts_[kind])
    for index in repairs.indices where kindOf[index] == kind {
      members.append((repairs[index].range, repairs[index].sourceRange))
    }
    // The ranges in repair order, sorted as the repairs themselves were: ties come out the same.
    members.sort {
      $0.sourceRange.start != $1.sourceRange.start ? $0.sourceRange.start < $1.sourceRange.start : $0.range.start < $1.range.start
    }
    var runs: [(range: TextRange, sourceRange: TextRange)] = []
    runs.reserveCapacity(members.count)
    for repair in members {
      if var last = runs.last, last.sourceRange.end == repair.sourceRange.start, last.range.end == repair.range.start {
        last.range = TextRange(last.range.start, repair.range.end)
        last.sourceRange = TextRange(last.sourceRange.start, repair.sourceRange.end)
        runs[runs.count - 1] = last
      } else {
        runs.append(repair)
      }
    }
    return runs
  }
}
