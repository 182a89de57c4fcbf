// Wires the stages: rules loaded and compiled once, then decode → clean → segment → tag.
import Foundation
import ZhtagClean
import ZhtagCore
import ZhtagDecode
import ZhtagRules
import ZhtagSegment
import ZhtagTag

/// Options for a run.
public struct PipelineOptions: Sendable {
  /// The `rules/` directory.
  public var rulesDirectory: String
  /// Charset to use for every input instead of detection.
  public var encoding: String?
  /// Keep every tag candidate instead of settling conflicts (DESIGN §4 keep-all mode).
  public var keepAllCandidates: Bool
  /// Keep boilerplate lines in the text; they are still listed under `removed`, with the text
  /// offset where they stand (for checking clean's decisions in context).
  public var keepBoilerplate: Bool

  public init(rulesDirectory: String = "rules", encoding: String? = nil, keepAllCandidates: Bool = false,
              keepBoilerplate: Bool = false)
  {
    self.rulesDirectory = rulesDirectory
    self.encoding = encoding
    self.keepAllCandidates = keepAllCandidates
    self.keepBoilerplate = keepBoilerplate
  }
}

/// The rules could not be loaded: every problem found, for printing as `file:line:col`.
public struct RulesError: Error, Sendable {
  public var diagnostics: [Diagnostic]
}

/// The compiled pipeline. Build once per run (this loads and compiles `rules/`), then call
/// `process` for each article; it is immutable and safe to share between threads.
public struct Pipeline: Sendable {
  public let ruleSet: RuleSet
  public let decoder: Decoder
  public let cleaner: Cleaner
  public let segmenter: Segmenter
  public let tagger: Tagger
  /// Makes quota records of QUOTA annotations (QuotaBuilder.swift).
  public let quotaBuilder: QuotaBuilder

  public init(options: PipelineOptions = PipelineOptions()) throws(RulesError) {
    let encoding = options.encoding
    let loader = RuleLoader(directory: options.rulesDirectory) { tables in
      guard let decoder = try? Self.makeDecoder(tables, encoding: encoding) else { return { $0 } }
      return { decoder.normalised($0) }
    }
    let result = loader.load()
    guard var ruleSet = result.ruleSet else { throw RulesError(diagnostics: result.diagnostics) }
    do {
      decoder = try Self.makeDecoder(ruleSet.decodeTables, encoding: encoding)
    } catch {
      throw RulesError(diagnostics: [error])
    }
    if options.keepAllCandidates { ruleSet.ruleBook.conflicts = .keepAll }
    self.ruleSet = ruleSet
    cleaner = Cleaner(
      rules: CleanRules(lineRules: ruleSet.lineRules, metaLabels: ruleSet.metaLabels,
                        siteFurniture: ruleSet.siteFurniture, tables: ruleSet.cleanTables),
      keepBoilerplate: options.keepBoilerplate)
    segmenter = Segmenter(marks: SentenceMarks(ruleSet.segmentMarks))
    tagger = Tagger(ruleBook: ruleSet.ruleBook)
    quotaBuilder = QuotaBuilder(ruleBook: ruleSet.ruleBook)
  }

  static func makeDecoder(_ tables: [String: Lexicon], encoding: String?) throws(Diagnostic) -> Decoder {
    let empty = Lexicon(name: "", file: "", entries: [])
    let converter = ChineseConverter(
      characters: tables["t2s-characters"] ?? empty, phrases: tables["t2s-phrases"] ?? empty,
      overrides: tables["t2s-overrides"] ?? empty, protected: tables["protected"] ?? empty,
      variants: [tables["tw-variants"] ?? empty, tables["hk-variants"] ?? empty],
      variantPhrases: [tables["tw-variant-phrases"] ?? empty, tables["hk-variant-phrases"] ?? empty])
    let punctuation = try PunctuationTable(tables["punctuation"] ?? empty)
    let markup = try MarkupTable(entities: tables["html-entities"] ?? empty, tags: tables["html-tags"] ?? empty)
    return Decoder(
      tables: DecodeTables(converter: converter, punctuation: punctuation,
                           readings: PinyinReadings(tables["pinyin-readings"] ?? empty,
                                                    syllables: tables["pinyin-syllables"] ?? empty),
                           markup: markup),
      encoding: encoding)
  }

  /// Runs every stage on the bytes of one article.
  public func process(_ bytes: [UInt8], id: String, path: String) -> Result<Document, ArticleFailure> {
    process(bytes, id: id, path: path, sha256: Self.sha256(bytes))
  }

  /// The same, with the sha256 of `bytes` already known (the batch computes it to decide
  /// whether to resume, and hashing twice is wasted).
  func process(_ bytes: [UInt8], id: String, path: String, sha256 sha: String) -> Result<Document, ArticleFailure> {
    var source = SourceInfo(path: path, sha256: sha, byteCount: bytes.count)
    source.kind = Self.looksLikeHTML(bytes) ? .html : .text
    var document: Document
    do {
      document = try decoder.decode(bytes, id: id, source: source)
    } catch {
      return .failure(ArticleFailure(id: id, path: path, sha256: sha, byteCount: bytes.count, error: error))
    }
    cleaner.clean(&document)
    document.remapRepairs()
    segmenter.segment(&document)
    let context = TagContext(publicationDate: document.meta["date"]?.value)
    quotaBuilder.apply(tagger.tag(document.text, context: context).annotations, to: &document)
    return .success(document)
  }

  /// Runs every stage on a text that is already decoded (for `explain` and tests).
  public func process(text: String, id: String = "text") -> Document {
    switch process(Array(text.utf8), id: id, path: id) {
    case .success(let document): return document
    case .failure(let failure):
      var document = Document(
        id: id, source: SourceInfo(path: id, sha256: "", byteCount: 0), sourceText: text.scalars)
      document.diagnostics.append(failure.error)
      return document
    }
  }

  static func sha256(_ bytes: [UInt8]) -> String { Digest.sha256Hex([bytes]) }

  /// HTML input is recognised by its opening; clean then reads it with libxml2's HTML parser
  /// (decode leaves its markup alone).
  /// (On bytes, ASCII case folded: String.lowercased and Foundation's contains cost ~2% of
  /// a whole run.)
  static func looksLikeHTML(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBufferPointer { buffer in
      let head = UnsafeBufferPointer(rebasing: buffer.prefix(512))
      return contains(head, "<!doctype html") || contains(head, "<html")
    }
  }

  /// Whether `needle` (lower case, beginning with a character that is not a letter) occurs in
  /// `bytes`, ASCII letters compared in lower case.
  private static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: StaticString) -> Bool {
    let length = needle.utf8CodeUnitCount
    let wanted = needle.utf8Start
    guard bytes.count >= length else { return false }
    for start in 0...(bytes.count - length) where bytes[start] == wanted[0] {  // `<`: no case
      var matched = 1
      while matched < length {
        let byte = bytes[start + matched]
        guard (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) == wanted[matched] else { break }
        matched += 1
      }
      if matched == length { return true }
    }
    return false
  }
}
