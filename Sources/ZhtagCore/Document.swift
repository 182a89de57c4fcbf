// The document every stage reads and enriches, and the values it holds.

/// Where an article came from and how its bytes were read.
public struct SourceInfo: Hashable, Sendable {
  public enum Kind: String, Sendable { case text, html }

  /// The path as given on the command line, or an id for stdin and JSONL input.
  public var path: String
  public var sha256: String
  public var byteCount: Int
  /// Charset name as decode reports it (`UTF-8`, `GB18030`, `Big5`, …); nil before decode.
  public var encoding: String?
  /// 0–1; 1 for a BOM, an explicit override or valid UTF-8.
  public var encodingConfidence: Double?
  /// How the charset was chosen: `bom`, `utf-8`, `declared`, `detected`, `override`.
  public var encodingMethod: String?
  public var kind: Kind

  public init(path: String, sha256: String, byteCount: Int, kind: Kind = .text) {
    self.path = path
    self.sha256 = sha256
    self.byteCount = byteCount
    self.kind = kind
  }
}

/// The rule that produced something: its id and the place it is defined. An immutable class
/// compared by value: every annotation carries one, and a copy of an annotation then retains
/// one object instead of two strings.
public final class RuleReference: Hashable, Sendable {
  public let id: String
  public let file: String
  public let line: Int

  public init(id: String, file: String, line: Int) {
    self.id = id
    self.file = file
    self.line = line
  }

  public static func == (a: RuleReference, b: RuleReference) -> Bool {
    a === b || (a.id == b.id && a.file == b.file && a.line == b.line)
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(id)
    hasher.combine(file)
    hasher.combine(line)
  }

  /// `rules/entity/zone.yaml:12`
  public var place: String { "\(file):\(line)" }
}

/// A metadata value lifted by clean, with the place it was read from.
public struct MetaField: Hashable, Sendable {
  /// The normalised value (ISO date, simplified title, a name).
  public var value: String
  /// The span of the value in the text, when it is in the text (a title usually is).
  public var range: TextRange?
  /// The span of the value in the source text.
  public var sourceRange: TextRange
  /// The rule or feature that found it.
  public var rule: RuleReference?

  public init(value: String, range: TextRange?, sourceRange: TextRange, rule: RuleReference?) {
    self.value = value
    self.range = range
    self.sourceRange = sourceRange
    self.rule = rule
  }
}

/// Article metadata; each field is optional.
public struct Metadata: Hashable, Sendable {
  public static let fieldNames = ["title", "date", "source", "author", "zone"]

  public var fields: [String: MetaField] = [:]
  public init() {}

  public subscript(name: String) -> MetaField? {
    get { fields[name] }
    set { fields[name] = newValue }
  }
}

/// A paragraph, heading, list item or title line of the text.
public struct Block: Hashable, Sendable {
  public enum Kind: String, Sendable, CaseIterable {
    case title, heading, paragraph, listItem = "list-item"
  }
  public var kind: Kind
  public var range: TextRange

  public init(kind: Kind, range: TextRange) {
    self.kind = kind
    self.range = range
  }
}

/// A sentence inside a block.
public struct Sentence: Hashable, Sendable {
  public var range: TextRange
  /// Index into `Document.blocks`.
  public var block: Int

  public init(range: TextRange, block: Int) {
    self.range = range
    self.block = block
  }
}

/// An entity (or any tag-stage annotation) over the text.
public struct Annotation: Hashable, Sendable {
  public var label: String
  public var range: TextRange
  public var rule: RuleReference
  /// Normalised attributes (kind, canonical form…), in the order the rule declares them.
  public var attributes: [(String, String)]
  /// The phase that produced it.
  public var phase: String

  public init(
    label: String, range: TextRange, rule: RuleReference, attributes: [(String, String)] = [],
    phase: String
  ) {
    self.label = label
    self.range = range
    self.rule = rule
    self.attributes = attributes
    self.phase = phase
  }

  public static func == (a: Annotation, b: Annotation) -> Bool {
    a.label == b.label && a.range == b.range && a.rule == b.rule && a.phase == b.phase
      && a.attributes.elementsEqual(b.attributes, by: { $0 == $1 })
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(label)
    hasher.combine(range)
    hasher.combine(rule)
  }
}

/// A quantitative target, result, count or ranking (filled by the quota rules).
public struct Quota: Hashable, Sendable {
  public var range: TextRange
  public var rule: RuleReference
  /// Normalised fields (indicator, value, unit, comparator…), by name in code point order.
  public var fields: QuotaFields

  public init(range: TextRange, rule: RuleReference, fields: QuotaFields) {
    self.range = range
    self.rule = rule
    self.fields = fields
  }
}

/// A quota's fields, kept sorted by name (the order in which the writers emit them). A record
/// has about twenty: a sorted array costs no hashing, no table growth and no sort per write,
/// which a `[String: String]` did for every one of them (a third of the quota builder's time).
public struct QuotaFields: Hashable, Sendable, Sequence {
  public struct Field: Hashable, Sendable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
      self.name = name
      self.value = value
    }
  }
  private var sorted: [Field] = []

  public init() {}

  public init(_ dictionary: [String: String]) {
    sorted = dictionary.map { Field(name: $0.key, value: $0.value) }.sorted { $0.name < $1.name }
  }

  /// Fields already in order of their names, each name once (the quota builder's).
  public init(sortedFields: [Field]) {
    assert(zip(sortedFields, sortedFields.dropFirst()).allSatisfy { $0.name < $1.name })
    sorted = sortedFields
  }

  public var dictionary: [String: String] {
    Dictionary(uniqueKeysWithValues: sorted.map { ($0.name, $0.value) })
  }

  public subscript(name: String) -> String? {
    get {
      let at = position(of: name)
      return at < sorted.count && sorted[at].name == name ? sorted[at].value : nil
    }
    set {
      let at = position(of: name)
      let present = at < sorted.count && sorted[at].name == name
      switch (newValue, present) {
      case (let value?, true): sorted[at].value = value
      case (let value?, false): sorted.insert(Field(name: name, value: value), at: at)
      case (nil, true): sorted.remove(at: at)
      case (nil, false): break
      }
    }
  }

  public func makeIterator() -> IndexingIterator<[Field]> { sorted.makeIterator() }

  /// The first position whose name is not below `name`.
  private func position(of name: String) -> Int { sorted.partitionPoint { $0.name < name } }
}

/// Text that clean took out of the article, with the reason.
public struct RemovedRegion: Hashable, Sendable {
  /// Where it was in the source text.
  public var sourceRange: TextRange
  /// The text offset where it was cut (it no longer exists in the text).
  public var textOffset: Int
  /// `boilerplate`, `meta`, `empty`…
  public var reason: String
  /// The rule or feature that decided it.
  public var rule: RuleReference?

  public init(sourceRange: TextRange, textOffset: Int, reason: String, rule: RuleReference?) {
    self.sourceRange = sourceRange
    self.textOffset = textOffset
    self.reason = reason
    self.rule = rule
  }
}

/// One change decode made: `pinyin`, `t2s`, `width`, `punctuation`, `space`, `newline`,
/// `control`, `replacement`.
public struct Repair: Hashable, Sendable {
  public var kind: String
  /// Where the result is in the final text (empty for deletions).
  public var range: TextRange
  /// What it replaced, in the source text.
  public var sourceRange: TextRange

  public init(kind: String, range: TextRange, sourceRange: TextRange) {
    self.kind = kind
    self.range = range
    self.sourceRange = sourceRange
  }
}

/// An article on its way through the pipeline.
public struct Document: Sendable {
  public var id: String
  public var source: SourceInfo
  /// The decoded, unrepaired text.
  public var sourceText: [Unicode.Scalar]
  /// The repaired, simplified, normalised, cleaned text: what rules see, what outputs show.
  public var text: [Unicode.Scalar]
  /// From `text` offsets to `sourceText` offsets.
  public var sourceMap: SourceMap
  public var meta = Metadata()
  public var blocks: [Block] = []
  public var sentences: [Sentence] = []
  public var entities: [Annotation] = []
  public var quotas: [Quota] = []
  public var removed: [RemovedRegion] = []
  public var repairs: [Repair] = []
  public var diagnostics: [Diagnostic] = []

  public init(id: String, source: SourceInfo, sourceText: [Unicode.Scalar]) {
    self.id = id
    self.source = source
    self.sourceText = sourceText
    self.text = sourceText
    self.sourceMap = SourceMap()
  }

  /// Applies a rewrite of `text` and keeps every existing span pointing at the same characters.
  ///
  /// Only for stages that run before spans exist on the text (decode, clean): repairs and
  /// removed regions are in source coordinates and need no shifting; text-side offsets of
  /// earlier repairs are re-derived by the caller.
  public mutating func applyRewrite(text newText: [Unicode.Scalar], map: SourceMap) {
    text = newText
    sourceMap = sourceMap.composed(with: map)
  }
}

extension Document {
  /// Re-derives the text-side range of every repair from the final source map (after clean
  /// has cut text, earlier positions have moved).
  public mutating func remapRepairs() {
    var forward = SourceMap.Reader(sourceMap.inverted)  // repairs come in order
    for index in repairs.indices {
      repairs[index].range = forward.sourceRange(repairs[index].sourceRange)
    }
  }

  /// Index of the sentence that contains `range`, if one does.
  public func sentenceIndex(containing range: TextRange) -> Int? {
    let low = sentences.partitionPoint { $0.range.end <= range.start }
    return low < sentences.count && sentences[low].range.contains(range) ? low : nil
  }
}
