// The decode stage: bytes in, repaired simplified text out, every change in the source map.
import ZhtagCore

/// The tables decode needs, all read from `rules/decode/` by the pipeline.
public struct DecodeTables: Sendable {
  public var converter: ChineseConverter
  public var punctuation: PunctuationTable
  public var readings: PinyinReadings
  public var markup: MarkupTable

  public init(converter: ChineseConverter, punctuation: PunctuationTable,
              readings: PinyinReadings = PinyinReadings(), markup: MarkupTable = MarkupTable())
  {
    self.converter = converter
    self.punctuation = punctuation
    self.readings = readings
    self.markup = markup
  }
}

/// Runs charset decoding, crawl repair, normalisation and traditional → simplified.
public struct Decoder: Sendable {
  public var tables: DecodeTables {
    didSet { normaliser = Normaliser(punctuation: tables.punctuation, readings: tables.readings, markup: tables.markup) }
  }
  public var bytes: ByteDecoder
  /// Built once from the tables (its lookup table is 64 KB).
  private var normaliser: Normaliser

  public init(tables: DecodeTables, encoding: String? = nil) {
    self.tables = tables
    self.bytes = ByteDecoder(override: encoding)
    self.normaliser = Normaliser(punctuation: tables.punctuation, readings: tables.readings,
                                 markup: tables.markup)
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
    let before = document.sourceMap
    var repairs: [Repair] = []
    if let normalised = normaliser.run(document.text, plainText: document.source.kind == .text,
                                       html: document.source.kind == .html)
    {
      repairs = normalised.repairs
      if !before.isIdentity {
        var mapper = SweepMapper(before)
        for index in repairs.indices {
          repairs[index].sourceRange = mapper.sourceRange(repairs[index].sourceRange)
        }
      }
      document.applyRewrite(text: normalised.text, map: normalised.map)
    }
    if let converted = tables.converter.convert(document.text) {
      // Earlier repairs move to where their text ended up after conversion.
      if !repairs.isEmpty {
        var mapper = SweepMapper(converted.map.inverted)
        for index in repairs.indices {
          repairs[index].range = mapper.sourceRange(repairs[index].range)
        }
      }
      // The conversions, merged with the earlier repairs in source order as they are made.
      let middle = document.sourceMap
      var mapper = SweepMapper(middle)
      var merged: [Repair] = []
      merged.reserveCapacity(converted.map.edits.count + repairs.count)
      var earlier = 0
      for edit in converted.map.edits {
        let source = middle.isIdentity
          ? TextRange(edit.sourceStart, edit.sourceEnd)
          : mapper.sourceRange(TextRange(edit.sourceStart, edit.sourceEnd))
        while earlier < repairs.count, Self.precedes(repairs[earlier].sourceRange, source) {
          merged.append(repairs[earlier])
          earlier += 1
        }
        merged.append(Repair(kind: RepairKind.t2s, range: TextRange(edit.textStart, edit.textEnd),
                             sourceRange: source))
      }
      merged += repairs[earlier...]
      document.applyRewrite(text: converted.text, map: converted.map)
      repairs = merged
    }
    document.repairs = repairs
  }

  /// Source order of repairs: by start, then by end.
  @inline(__always) static func precedes(_ a: TextRange, _ b: TextRange) -> Bool {
    a.start != b.start ? a.start < b.start : a.end <= b.end
  }
}

/// `SourceMap.sourceRange` for ranges given in increasing order: one sweep over the edits
/// instead of two binary searches per range. Same answers as the map's own methods.
struct SweepMapper {
  let edits: [SourceEdit]
  let map: SourceMap
  private var startCursor = 0  // edits before it have textStart <= the last start asked
  private var endCursor = 0  // edits before it have textEnd < the last end asked

  init(_ map: SourceMap) {
    self.map = map
    self.edits = map.edits
  }

  mutating func sourceRange(_ range: TextRange) -> TextRange {
    if range.isEmpty {
      let start = sourceEnd(range.start)
      return TextRange(start, start)
    }
    return TextRange(sourceStart(range.start), sourceEnd(range.end))
  }

  /// As `SourceMap.sourceStart`, for offsets that never decrease.
  mutating func sourceStart(_ offset: Int) -> Int {
    while startCursor < edits.count && edits[startCursor].textStart <= offset { startCursor += 1 }
    if startCursor == 0 { return offset }
    let edit = edits[startCursor - 1]
    if offset < edit.textEnd { return edit.sourceStart }
    if offset == edit.textStart && edit.textStart == edit.textEnd { return edit.sourceEnd }
    return edit.sourceEnd + (offset - edit.textEnd)
  }

  /// As `SourceMap.sourceEnd`, for offsets that never decrease.
  mutating func sourceEnd(_ offset: Int) -> Int {
    while endCursor < edits.count && edits[endCursor].textEnd < offset { endCursor += 1 }
    if endCursor == edits.count {
      guard let last = edits.last else { return offset }
      return last.sourceEnd + (offset - last.textEnd)
    }
    let edit = edits[endCursor]
    if edit.textStart < offset { return edit.sourceEnd }
    return edit.sourceStart - (edit.textStart - offset)
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
