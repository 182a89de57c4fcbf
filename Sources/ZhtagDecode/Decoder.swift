// The decode stage: bytes in, repaired simplified text out, every change in the source map.
import ZhtagCore

/// The tables decode needs, all read from `rules/decode/` by the pipeline.
public struct DecodeTables: Sendable {
  public var converter: ChineseConverter
  public var punctuation: PunctuationTable

  public init(converter: ChineseConverter, punctuation: PunctuationTable) {
    self.converter = converter
    self.punctuation = punctuation
  }
}

/// Runs charset decoding, crawl repair, normalisation and traditional → simplified.
public struct Decoder: Sendable {
  public var tables: DecodeTables
  public var bytes: ByteDecoder

  public init(tables: DecodeTables, encoding: String? = nil) {
    self.tables = tables
    self.bytes = ByteDecoder(override: encoding)
  }

  /// Decodes the bytes of `document.source` into a new document, or throws the reason it
  /// cannot be read as text.
  public func decode(_ input: [UInt8], id: String, source: SourceInfo) throws(Diagnostic) -> Document {
    let decoded = try bytes.decode(input, file: source.path)
    var source = source
    source.encoding = decoded.encoding
    source.encodingConfidence = decoded.confidence
    source.encodingMethod = decoded.method
    var document = Document(id: id, source: source, sourceText: decoded.scalars)
    document.diagnostics += decoded.diagnostics
    repair(&document)
    return document
  }

  /// Repairs and normalises `document.text` in place (also usable on text that was not read
  /// from bytes).
  public func repair(_ document: inout Document) {
    var changes: [(TextRange, String)] = []  // in source coordinates
    let normalised = Normaliser(punctuation: tables.punctuation).normalise(document.text)
    for (range, kind) in normalised.kinds { changes.append((range, kind)) }
    document.applyRewrite(text: normalised.text, map: normalised.map)
    if let converted = tables.converter.convert(document.text) {
      for edit in converted.map.edits {
        let range = document.sourceMap.sourceRange(TextRange(edit.sourceStart, edit.sourceEnd))
        changes.append((range, RepairKind.t2s))
      }
      document.applyRewrite(text: converted.text, map: converted.map)
    }
    changes.sort { $0.0.start != $1.0.start ? $0.0.start < $1.0.start : $0.0.end < $1.0.end }
    let forward = document.sourceMap.inverted
    document.repairs = changes.map { range, kind in
      Repair(kind: kind, range: forward.sourceRange(range), sourceRange: range)
    }
  }
}

extension Decoder {
  /// A short text (a lexicon entry, a pattern) as it would read after repair, so that lists
  /// written in any width or script match the normalised text.
  public func normalised(_ string: String) -> String {
    var document = Document(
      id: "", source: SourceInfo(path: "", sha256: "", byteCount: 0), sourceText: string.scalars)
    repair(&document)
    return document.text.string
  }
}
