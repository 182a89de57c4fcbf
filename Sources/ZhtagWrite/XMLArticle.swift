// One XML file per article; the layout is defined by schema/article.rng.
import ZhtagCore

/// Writes articles as XML. Inside `<text>`, the character content is exactly the document
/// text, so its string value equals the JSONL `text`; blocks, sentences and entities are
/// inline elements over it.
///
/// Span policy: an entity is written inline when it lies inside one sentence and nests with
/// the entities already placed there; any other entity (crossing a sentence end or another
/// entity) is written in `<standoff>` with the same attributes and a `why`, never dropped.
public enum XMLArticle {
  public static func encode(_ document: Document) -> [UInt8] {
    let xml = XMLOutput()
    let map = document.sourceMap
    func span(_ range: TextRange) {
      xml.attribute("start", range.start)
      xml.attribute("end", range.end)
      let source = map.sourceRange(range)
      xml.attribute("source-start", source.start)
      xml.attribute("source-end", source.end)
    }
    func rule(_ reference: RuleReference?) {
      guard let reference else { return }
      xml.attribute("rule", reference.id)
      xml.attribute("rule-file", reference.file)
      xml.attribute("rule-line", reference.line)
    }

    xml.start("article")
    xml.attribute("id", document.id)
    xml.attribute("status", "ok")
    xml.attribute("schema-version", JSONLRecord.schemaVersion)

    xml.newline(indent: 1)
    writeSource(xml, document.source)

    xml.newline(indent: 1)
    xml.start("meta")
    for name in Metadata.fieldNames {
      guard let field = document.meta[name] else { continue }
      xml.newline(indent: 2)
      xml.start(name)
      xml.attribute("value", field.value)
      if let range = field.range {
        xml.attribute("start", range.start)
        xml.attribute("end", range.end)
      }
      xml.attribute("source-start", field.sourceRange.start)
      xml.attribute("source-end", field.sourceRange.end)
      rule(field.rule)
      xml.text(document.sourceText.string(field.sourceRange))
      xml.end()
    }
    xml.newline(indent: 1)
    xml.end()

    // Entities placed inline, per sentence; the rest go to stand-off.
    var inline: [Int: [(Int, Annotation)]] = [:]
    var standoff: [(Int, Annotation, String)] = []
    for (index, entity) in document.entities.enumerated() {
      guard let sentence = document.sentenceIndex(containing: entity.range) else {
        standoff.append((index, entity, "crosses a sentence boundary"))
        continue
      }
      if let other = inline[sentence]?.first(where: { $0.1.range.crosses(entity.range) }) {
        standoff.append((index, entity, "crosses e\(other.0 + 1)"))
        continue
      }
      inline[sentence, default: []].append((index, entity))
    }

    xml.newline(indent: 1)
    xml.start("text")
    var position = 0
    let text = document.text
    for (blockIndex, block) in document.blocks.enumerated() {
      xml.text(text.string(TextRange(position, block.range.start)))
      xml.start("block")
      xml.attribute("id", "b\(blockIndex + 1)")
      xml.attribute("kind", block.kind.rawValue)
      span(block.range)
      position = block.range.start
      for (sentenceIndex, sentence) in document.sentences.enumerated() where sentence.block == blockIndex {
        xml.text(text.string(TextRange(position, sentence.range.start)))
        xml.start("s")
        xml.attribute("id", "s\(sentenceIndex + 1)")
        span(sentence.range)
        writeInline(xml, text, sentence.range, inline[sentenceIndex] ?? [], span: span, rule: rule)
        xml.end()
        position = sentence.range.end
      }
      xml.text(text.string(TextRange(position, block.range.end)))
      xml.end()
      position = block.range.end
    }
    xml.text(text.string(TextRange(position, text.count)))
    xml.end()

    if !standoff.isEmpty {
      xml.newline(indent: 1)
      xml.start("standoff")
      for (index, entity, why) in standoff {
        xml.newline(indent: 2)
        writeEntityStart(xml, index, entity, span: span, rule: rule)
        xml.attribute("why", why)
        xml.text(text.string(entity.range))
        xml.end()
      }
      xml.newline(indent: 1)
      xml.end()
    }

    xml.newline(indent: 1)
    xml.start("quotas")
    for (index, quota) in document.quotas.enumerated() {
      xml.newline(indent: 2)
      xml.start("quota")
      xml.attribute("id", "q\(index + 1)")
      span(quota.range)
      rule(quota.rule)
      for name in quota.fields.keys.sorted() { xml.attribute("a-" + name, quota.fields[name]) }
      xml.text(text.string(quota.range))
      xml.end()
    }
    if !document.quotas.isEmpty { xml.newline(indent: 1) }
    xml.end()

    xml.newline(indent: 1)
    xml.start("removed")
    for region in document.removed {
      xml.newline(indent: 2)
      xml.start("region")
      xml.attribute("reason", region.reason)
      rule(region.rule)
      xml.attribute("source-start", region.sourceRange.start)
      xml.attribute("source-end", region.sourceRange.end)
      xml.attribute("text-offset", region.textOffset)
      xml.text(document.sourceText.string(region.sourceRange))
      xml.end()
    }
    if !document.removed.isEmpty { xml.newline(indent: 1) }
    xml.end()

    xml.newline(indent: 1)
    xml.start("repairs")
    for (kind, count) in JSONLRecord.repairCounts(document.repairs) {
      xml.newline(indent: 2)
      xml.start("count")
      xml.attribute("kind", kind)
      xml.attribute("n", count)
      xml.end()
    }
    if !document.repairs.isEmpty { xml.newline(indent: 1) }
    xml.end()

    writeDiagnostics(xml, document.diagnostics)
    xml.newline(indent: 0)
    xml.end()
    return xml.finish()
  }

  /// The XML of an article that failed.
  public static func encode(_ failure: ArticleFailure) -> [UInt8] {
    let xml = XMLOutput()
    xml.start("article")
    xml.attribute("id", failure.id)
    xml.attribute("status", "failed")
    xml.attribute("schema-version", JSONLRecord.schemaVersion)
    xml.newline(indent: 1)
    xml.start("source")
    xml.attribute("path", failure.path)
    xml.attribute("sha256", failure.sha256)
    if let bytes = failure.byteCount { xml.attribute("bytes", bytes) }
    xml.end()
    xml.newline(indent: 1)
    xml.start("error")
    writeDiagnosticAttributes(xml, failure.error)
    xml.text(failure.error.message)
    xml.end()
    writeDiagnostics(xml, failure.diagnostics)
    xml.newline(indent: 0)
    xml.end()
    return xml.finish()
  }

  // MARK: - Parts

  private static func writeInline(
    _ xml: XMLOutput, _ text: [Unicode.Scalar], _ range: TextRange, _ entities: [(Int, Annotation)],
    span: (TextRange) -> Void, rule: (RuleReference?) -> Void
  ) {
    // Outer entities first; a stack of open ranges closes them in order.
    let ordered = entities.sorted { $0.1.range < $1.1.range }
    var position = range.start
    var open: [TextRange] = []
    for (index, entity) in ordered {
      while let top = open.last, top.end <= entity.range.start {
        xml.text(text.string(TextRange(position, top.end)))
        xml.end()
        position = top.end
        open.removeLast()
      }
      xml.text(text.string(TextRange(position, entity.range.start)))
      writeEntityStart(xml, index, entity, span: span, rule: rule)
      open.append(entity.range)
      position = entity.range.start
    }
    while let top = open.popLast() {
      xml.text(text.string(TextRange(position, top.end)))
      xml.end()
      position = top.end
    }
    xml.text(text.string(TextRange(position, range.end)))
  }

  private static func writeEntityStart(
    _ xml: XMLOutput, _ index: Int, _ entity: Annotation, span: (TextRange) -> Void,
    rule: (RuleReference?) -> Void
  ) {
    xml.start("e")
    xml.attribute("id", "e\(index + 1)")
    xml.attribute("label", entity.label)
    span(entity.range)
    rule(entity.rule)
    xml.attribute("phase", entity.phase)
    for (name, value) in entity.attributes { xml.attribute("a-" + name, value) }
  }

  private static func writeSource(_ xml: XMLOutput, _ source: SourceInfo) {
    xml.start("source")
    xml.attribute("path", source.path)
    xml.attribute("sha256", source.sha256)
    xml.attribute("bytes", source.byteCount)
    xml.attribute("kind", source.kind.rawValue)
    xml.attribute("encoding", source.encoding)
    if let confidence = source.encodingConfidence {
      var json = JSONWriter()
      json.value(confidence)
      xml.attribute("encoding-confidence", String(decoding: json.bytes, as: UTF8.self))
    }
    xml.attribute("encoding-method", source.encodingMethod)
    xml.end()
  }

  private static func writeDiagnostics(_ xml: XMLOutput, _ diagnostics: [Diagnostic]) {
    xml.newline(indent: 1)
    xml.start("diagnostics")
    for diagnostic in diagnostics {
      xml.newline(indent: 2)
      xml.start("diagnostic")
      writeDiagnosticAttributes(xml, diagnostic)
      xml.text(diagnostic.message)
      xml.end()
    }
    if !diagnostics.isEmpty { xml.newline(indent: 1) }
    xml.end()
  }

  private static func writeDiagnosticAttributes(_ xml: XMLOutput, _ diagnostic: Diagnostic) {
    xml.attribute("severity", diagnostic.severity.rawValue)
    xml.attribute("code", diagnostic.code)
    if let location = diagnostic.location {
      xml.attribute("file", location.file)
      if location.line > 0 { xml.attribute("line", location.line) }
      if location.column > 0 { xml.attribute("column", location.column) }
      if let offset = location.offset { xml.attribute("offset", offset) }
    }
  }
}
