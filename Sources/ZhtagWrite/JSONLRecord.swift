// One JSONL line per article; fields are documented in schema/annotations.schema.json.
import ZhtagCore

/// Writes articles as JSON Lines records.
public enum JSONLRecord {
  /// Version of the record layout, written in every record.
  public static let schemaVersion = 1

  /// The record of a processed article, with its trailing newline.
  public static func encode(_ document: Document) -> [UInt8] {
    var json = JSONWriter(capacity: document.text.count * 8 + 4096)
    let map = document.sourceMap
    func span(_ range: TextRange) {
      json.key("start"); json.value(range.start)
      json.key("end"); json.value(range.end)
      let source = map.sourceRange(range)
      json.key("source_start"); json.value(source.start)
      json.key("source_end"); json.value(source.end)
    }
    func rule(_ reference: RuleReference?) {
      json.field("rule", reference?.id)
      json.field("rule_file", reference?.file)
      json.field("rule_line", reference?.line)
    }
    json.beginObject()
    json.field("id", document.id)
    json.field("status", "ok")
    json.key("schema_version"); json.value(schemaVersion)
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
      json.key("source_start"); json.value(field.sourceRange.start)
      json.key("source_end"); json.value(field.sourceRange.end)
      rule(field.rule)
      json.endObject()
    }
    json.endObject()

    json.key("text"); json.value(document.text[...])
    json.key("source_text"); json.value(document.sourceText[...])

    json.key("blocks")
    json.beginArray()
    for (index, block) in document.blocks.enumerated() {
      json.beginObject()
      json.field("id", "b\(index + 1)")
      json.field("kind", block.kind.rawValue)
      span(block.range)
      json.endObject()
    }
    json.endArray()

    json.key("sentences")
    json.beginArray()
    for (index, sentence) in document.sentences.enumerated() {
      json.beginObject()
      json.field("id", "s\(index + 1)")
      json.field("block", "b\(sentence.block + 1)")
      span(sentence.range)
      json.endObject()
    }
    json.endArray()

    json.key("entities")
    json.beginArray()
    for (index, entity) in document.entities.enumerated() {
      json.beginObject()
      json.field("id", "e\(index + 1)")
      json.field("label", entity.label)
      span(entity.range)
      json.key("text"); json.value(document.text[entity.range.start..<entity.range.end])
      json.field("sentence", document.sentenceIndex(containing: entity.range).map { "s\($0 + 1)" })
      json.key("attributes")
      json.beginObject()
      for (name, value) in entity.attributes { json.field(dynamic: name, value) }
      json.endObject()
      rule(entity.rule)
      json.field("phase", entity.phase)
      json.endObject()
    }
    json.endArray()

    json.key("quotas")
    json.beginArray()
    for (index, quota) in document.quotas.enumerated() {
      json.beginObject()
      json.field("id", "q\(index + 1)")
      span(quota.range)
      json.key("text"); json.value(document.text[quota.range.start..<quota.range.end])
      json.key("fields")
      json.beginObject()
      for name in quota.fields.keys.sorted() { json.field(dynamic: name, quota.fields[name]) }
      json.endObject()
      rule(quota.rule)
      json.endObject()
    }
    json.endArray()

    json.key("removed")
    json.beginArray()
    for region in document.removed {
      json.beginObject()
      json.field("reason", region.reason)
      rule(region.rule)
      json.key("source_start"); json.value(region.sourceRange.start)
      json.key("source_end"); json.value(region.sourceRange.end)
      json.key("text_offset"); json.value(region.textOffset)
      json.key("text")
      json.value(document.sourceText[region.sourceRange.start..<region.sourceRange.end])
      json.endObject()
    }
    json.endArray()

    json.key("repairs")
    json.beginObject()
    json.key("counts")
    json.beginObject()
    for (kind, count) in repairCounts(document.repairs) { json.field(dynamic: kind, count) }
    json.endObject()
    // Places by kind, as [start, end, source_start, source_end] quadruples; neighbouring repairs
    // of one kind are merged into runs. The surfaces are text[start:end] and
    // source_text[source_start:source_end]: writing them too would triple the record.
    json.key("runs")
    json.beginObject()
    for (kind, runs) in repairRuns(document.repairs) {
      json.key(dynamic: kind)
      json.beginArray()
      for run in runs {
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
    json.bytes.append(0x0A)
    return json.bytes
  }

  /// The record of an article that failed: its input and the error.
  public static func encode(_ failure: ArticleFailure) -> [UInt8] {
    var json = JSONWriter()
    json.beginObject()
    json.field("id", failure.id)
    json.field("status", "failed")
    json.key("schema_version"); json.value(schemaVersion)
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
    json.bytes.append(0x0A)
    return json.bytes
  }

  /// Repairs by kind (in name order), in source order, with neighbours (touching in both the
  /// text and the source) merged into one run.
  static func repairRuns(_ repairs: [Repair]) -> [(String, [Repair])] {
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

  /// Counts per repair kind, in name order.
  static func repairCounts(_ repairs: [Repair]) -> [(String, Int)] {
    var counts: [String: Int] = [:]
    for repair in repairs { counts[repair.kind, default: 0] += 1 }
    return counts.keys.sorted().map { ($0, counts[$0]!) }
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
