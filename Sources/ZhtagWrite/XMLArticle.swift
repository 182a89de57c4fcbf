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
    // Room for the usual article at once (the text as UTF-8, then per element).
    var xml = XMLBytes(capacity: 3 * document.text.count + 128 * (document.blocks.count + document.sentences.count)
      + 320 * document.entities.count + 512 * document.quotas.count + 4096)
    write(document, to: &xml)
    return xml.finish()
  }

  /// The same bytes through libxml2's xmlTextWriter: the reference the byte writer is tested
  /// against, and the `write-xml-libxml2` stage of zhtag-bench (about a third of the speed).
  public static func encodeWithLibXML(_ document: Document) -> [UInt8] {
    var xml = LibXMLOutput()
    write(document, to: &xml)
    return xml.finish()
  }

  static func write<Sink: XMLSink & ~Copyable>(_ document: Document, to xml: inout Sink) {
    var map = SourceMap.Reader(document.sourceMap)
    var written = WrittenRules()  // rule attributes, copied after their first writing
    let text = document.text

    xml.start("article")
    xml.attribute("id", document.id)
    xml.attribute("status", "ok")
    xml.attribute("schema-version", JSONLRecord.schemaVersion)

    xml.newline(indent: 1)
    writeSource(&xml, document.source)

    xml.newline(indent: 1)
    xml.start("meta")
    for name in Metadata.fieldNames {
      guard let field = document.meta[name] else { continue }
      xml.newline(indent: 2)
      xml.start(name: name)
      xml.attribute("value", field.value)
      if let range = field.range {
        xml.attribute("start", range.start)
        xml.attribute("end", range.end)
      }
      xml.attribute("source-start", field.sourceRange.start)
      xml.attribute("source-end", field.sourceRange.end)
      rule(&xml, field.rule)
      xml.text(document.sourceText, field.sourceRange.start, field.sourceRange.end)
      xml.end()
    }
    xml.newline(indent: 1)
    xml.end()

    // Entities placed inline, per sentence (as lists of entity indices in placement order,
    // linked through `nextInline`); the rest go to stand-off with the entity they cross
    // (-1: a sentence boundary).
    let entities = document.entities
    var firstInline = [Int](repeating: -1, count: document.sentences.count)
    var lastInline = firstInline
    var nextInline = [Int](repeating: -1, count: entities.count)
    var standoff: [(entity: Int, crosses: Int)] = []
    for index in entities.indices {
      let range = entities[index].range
      guard let sentence = document.sentenceIndex(containing: range) else {
        standoff.append((index, -1))
        continue
      }
      var other = firstInline[sentence]
      while other >= 0, !entities[other].range.crosses(range) { other = nextInline[other] }
      if other >= 0 {
        standoff.append((index, other))
        continue
      }
      if lastInline[sentence] >= 0 { nextInline[lastInline[sentence]] = index } else { firstInline[sentence] = index }
      lastInline[sentence] = index
    }

    // Sentences of each block in index order, linked the same way (one pass, not one scan of
    // all sentences per block).
    var firstSentence = [Int](repeating: -1, count: document.blocks.count)
    var lastSentence = firstSentence
    var nextSentence = [Int](repeating: -1, count: document.sentences.count)
    for (index, sentence) in document.sentences.enumerated() where document.blocks.indices.contains(sentence.block) {
      if lastSentence[sentence.block] >= 0 { nextSentence[lastSentence[sentence.block]] = index } else { firstSentence[sentence.block] = index }
      lastSentence[sentence.block] = index
    }

    xml.newline(indent: 1)
    xml.start("text")
    text.withUnsafeBufferPointer { text in
      entities.withUnsafeBufferPointer { entities in
        var position = 0
        var inSentence: [Int] = []
        var open: [TextRange] = []
        for (blockIndex, block) in document.blocks.enumerated() {
          xml.text(text, position, block.range.start)
          xml.start("block")
          xml.attribute("id", "b", blockIndex + 1)
          xml.attribute("kind", block.kind.rawValue)
          span(&xml, block.range, &map)
          position = block.range.start
          var index = firstSentence[blockIndex]
          while index >= 0 {
            let sentence = document.sentences[index]
            xml.text(text, position, sentence.range.start)
            xml.start("s")
            xml.attribute("id", "s", index + 1)
            span(&xml, sentence.range, &map)
            inSentence.removeAll(keepingCapacity: true)
            var entity = firstInline[index]
            while entity >= 0 {
              inSentence.append(entity)
              entity = nextInline[entity]
            }
            writeInline(&xml, text, entities, sentence.range, &inSentence, &open, &map, &written)
            xml.end()
            position = sentence.range.end
            index = nextSentence[index]
          }
          xml.text(text, position, block.range.end)
          xml.end()
          position = block.range.end
        }
        xml.text(text, position, text.count)
        xml.end()

        if !standoff.isEmpty {
          xml.newline(indent: 1)
          xml.start("standoff")
          for (index, crosses) in standoff {
            xml.newline(indent: 2)
            writeEntityStart(&xml, index, entities, &map, &written)
            if crosses < 0 {
              xml.attribute("why", "crosses a sentence boundary")
            } else {
              xml.attribute("why", "crosses e", crosses + 1)
            }
            xml.text(text, entities[index].range.start, entities[index].range.end)
            xml.end()
          }
          xml.newline(indent: 1)
          xml.end()
        }
      }
    }

    xml.newline(indent: 1)
    xml.start("quotas")
    for (index, quota) in document.quotas.enumerated() {
      xml.newline(indent: 2)
      xml.start("quota")
      xml.attribute("id", "q", index + 1)
      span(&xml, quota.range, &map)
      rule(&xml, quota.rule)
      for field in quota.fields {
        xml.attribute("a-", name: field.name, field.value)
      }
      xml.text(document.text, quota.range.start, quota.range.end)
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
      rule(&xml, region.rule)
      xml.attribute("source-start", region.sourceRange.start)
      xml.attribute("source-end", region.sourceRange.end)
      xml.attribute("text-offset", region.textOffset)
      xml.text(document.sourceText, region.sourceRange.start, region.sourceRange.end)
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

    writeDiagnostics(&xml, document.diagnostics)
    xml.newline(indent: 0)
    xml.end()
  }

  /// The XML of an article that failed.
  public static func encode(_ failure: ArticleFailure) -> [UInt8] {
    var xml = XMLBytes(capacity: 4096)
    write(failure, to: &xml)
    return xml.finish()
  }

  static func encodeWithLibXML(_ failure: ArticleFailure) -> [UInt8] {
    var xml = LibXMLOutput()
    write(failure, to: &xml)
    return xml.finish()
  }

  static func write<Sink: XMLSink & ~Copyable>(_ failure: ArticleFailure, to xml: inout Sink) {
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
    writeDiagnosticAttributes(&xml, failure.error)
    xml.text(failure.error.message)
    xml.end()
    writeDiagnostics(&xml, failure.diagnostics)
    xml.newline(indent: 0)
    xml.end()
  }

  // MARK: - Parts

  private static func span<Sink: XMLSink & ~Copyable>(
    _ xml: inout Sink, _ range: TextRange, _ map: inout SourceMap.Reader
  ) {
    xml.attribute("start", range.start)
    xml.attribute("end", range.end)
    let source = map.sourceRange(range)
    xml.attribute("source-start", source.start)
    xml.attribute("source-end", source.end)
  }

  private static func rule<Sink: XMLSink & ~Copyable>(_ xml: inout Sink, _ reference: RuleReference?) {
    guard let reference else { return }
    xml.attribute("rule", reference.id)
    xml.attribute("rule-file", reference.file)
    xml.attribute("rule-line", reference.line)
  }

  /// The text of a sentence with its inline entities (indices in placement order; sorted here
  /// in place). `open` is scratch space kept from sentence to sentence.
  private static func writeInline<Sink: XMLSink & ~Copyable>(
    _ xml: inout Sink, _ text: UnsafeBufferPointer<Unicode.Scalar>, _ entities: UnsafeBufferPointer<Annotation>,
    _ range: TextRange, _ inline: inout [Int], _ open: inout [TextRange], _ map: inout SourceMap.Reader,
    _ written: inout WrittenRules
  ) {
    // Outer entities first; a stack of open ranges closes them in order. (The same sort over
    // the same order as before: equal ranges keep their relative order.)
    inline.sort { entities[$0].range < entities[$1].range }
    var position = range.start
    open.removeAll(keepingCapacity: true)
    for index in inline {
      let entityRange = entities[index].range
      while let top = open.last, top.end <= entityRange.start {
        xml.text(text, position, top.end)
        xml.end()
        position = top.end
        open.removeLast()
      }
      xml.text(text, position, entityRange.start)
      writeEntityStart(&xml, index, entities, &map, &written)
      open.append(entityRange)
      position = entityRange.start
    }
    while let top = open.popLast() {
      xml.text(text, position, top.end)
      xml.end()
      position = top.end
    }
    xml.text(text, position, range.end)
  }

  /// `<e …` with its attributes, read in place from the entity array.
  private static func writeEntityStart<Sink: XMLSink & ~Copyable>(
    _ xml: inout Sink, _ index: Int, _ entities: UnsafeBufferPointer<Annotation>, _ map: inout SourceMap.Reader,
    _ written: inout WrittenRules
  ) {
    xml.start("e")
    xml.attribute("id", "e", index + 1)
    xml.attribute("label", entities[index].label)
    span(&xml, entities[index].range, &map)
    let rule = entities[index].rule
    if let earlier = written.bytes(of: rule, phase: entities[index].phase) {
      xml.repeatAttributes(from: earlier.start, count: earlier.count)
    } else {
      let start = xml.bytesWritten
      xml.attribute("rule", rule.id)
      xml.attribute("rule-file", rule.file)
      xml.attribute("rule-line", rule.line)
      xml.attribute("phase", entities[index].phase)
      if let start, let end = xml.bytesWritten {
        written.record(rule, phase: entities[index].phase, start: start, count: end - start)
      }
    }
    entities[index].attributes.withUnsafeBufferPointer { attributes in
      for attribute in attributes.indices { xml.attribute("a-", name: attributes[attribute].0, attributes[attribute].1) }
    }
  }

  private static func writeSource<Sink: XMLSink & ~Copyable>(_ xml: inout Sink, _ source: SourceInfo) {
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

  private static func writeDiagnostics<Sink: XMLSink & ~Copyable>(_ xml: inout Sink, _ diagnostics: [Diagnostic]) {
    xml.newline(indent: 1)
    xml.start("diagnostics")
    for diagnostic in diagnostics {
      xml.newline(indent: 2)
      xml.start("diagnostic")
      writeDiagnosticAttributes(&xml, diagnostic)
      xml.text(diagnostic.message)
      xml.end()
    }
    if !diagnostics.isEmpty { xml.newline(indent: 1) }
    xml.end()
  }

  private static func writeDiagnosticAttributes<Sink: XMLSink & ~Copyable>(_ xml: inout Sink, _ diagnostic: Diagnostic) {
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
