// Links mentions after the last phase, by the table in the lexicon `mention-links`
// (rules/lexicons/mention-links.tsv): which label, which operation, on which attribute.
//
// - propagate: every further occurrence of a mention's key text (a person's `name`) becomes a
//   mention of the same label; all mentions with one key point at the first (`refers_to`).
// - corefer: mentions sharing the key (a zone's `canonical`) point at the first one; a mention
//   without the key points at the nearest earlier mention with the key whose `fallback`
//   attribute is equal (经开区 → 嘉兴经开区, by `kind`), else the first later one.
// - attach: each mention of the label (POST) that stands next to a mention of `target`
//   (PERSON), with only the characters of `between` and other such mentions between, and whose
//   text is named in the target's key attribute (`posts`), gets the target's start offset as
//   `person`.
//
// Links are start offsets into the text (the same numbers as `start` in the outputs): entity
// ids are numbered by the writers, offsets are what every output shares.
import ZhtagCore
import ZhtagRules

public struct MentionLinker: Sendable {
  public enum Operation: String, Sendable { case propagate, corefer, attach }

  public struct Link: Sendable {
    public var label: String
    public var operation: Operation
    /// The attribute that identifies the entity (propagate, corefer) or lists the texts to
    /// attach (attach).
    public var key: String
    /// corefer: the attribute compared when a mention has no key. attach: the label attached to.
    public var other: String?
    /// propagate: labels a new mention may lie inside (a name inside a meeting name).
    public var within: Set<String>
    /// corefer: a mention without the key that has one of these attributes (`level`) or
    /// attribute values (`kind=zone`) is not linked by the fallback: it names a class of things.
    public var unless: [(name: String, value: String?)] = []
    /// attach: the characters that may stand between the mentions of a list and between the
    /// parts of the key's text (the column `between`: character classes, classes.tsv or built in).
    var between = MentionLinker.noCharacters
    /// attach: the attribute the attached mentions get (`other` in lower case: PERSON → person).
    var attribute = "holder"
    public var reference: RuleReference
    /// `label`, `other` and `within` as the tagger's label ids (-1: a label no rule produces),
    /// so that finding the mentions compares integers, not strings.
    var labelID: Int32 = -1
    var otherID: Int32 = -1
    var withinIDs: [Int32] = []
  }

  public static let lexiconName = "mention-links"
  /// The `between` of a link that has none (made once: a class builds its ASCII table).
  static let noCharacters = ClassMatcher(builtIns: [], scalars: [], negated: false)
  /// The attribute that points at the first mention, and the one a POST gets.
  public static let refersTo = "refers_to"
  public let links: [Link]

  /// The links declared in the rule book's `mention-links` lexicon (none when it is absent),
  /// with labels numbered by `labelIDs` (the tagger's table, whose ids its annotations carry).
  init(ruleBook: RuleBook, labelIDs: [String: Int32]) {
    guard let lexicon = ruleBook.lexicons[Self.lexiconName] else {
      links = []
      return
    }
    func column(_ entry: LexiconEntry, _ name: String) -> String? {
      guard let index = lexicon.column(name), let value = entry.field(index), !value.isEmpty else { return nil }
      return value
    }
    links = lexicon.entries.compactMap { entry in
      guard let operationName = column(entry, "operation"), let operation = Operation(rawValue: operationName),
        let key = column(entry, "key")
      else { return nil }
      let label = entry.key.split(separator: " ").first.map(String.init) ?? entry.key
      let unless = (column(entry, "unless") ?? "").split(separator: " ").map { test in
        let parts = test.split(separator: "=", maxSplits: 1).map(String.init)
        return (name: parts[0], value: parts.count == 2 ? parts[1] : nil)
      }
      var builtIns: Set<String> = []
      var scalars: Set<Unicode.Scalar> = []
      for name in (column(entry, "between") ?? "").split(separator: " ").map(String.init) {
        if let defined = ruleBook.classes[name] { scalars.formUnion(defined.scalars) } else { builtIns.insert(name) }
      }
      var link = Link(
        label: label, operation: operation, key: key, other: column(entry, "other"),
        within: Set((column(entry, "within") ?? "").split(separator: " ").map(String.init)),
        unless: unless, between: ClassMatcher(builtIns: builtIns, scalars: scalars, negated: false),
        attribute: column(entry, "other")?.lowercased() ?? "holder",
        reference: RuleReference(id: "link-\(label.lowercased())-\(operation.rawValue)", file: lexicon.file,
                                 line: entry.line))
      link.labelID = labelIDs[link.label] ?? -1
      link.otherID = link.other.flatMap { labelIDs[$0] } ?? -1
      link.withinIDs = link.within.compactMap { labelIDs[$0] }
      return link
    }
  }

  /// The annotations with links added (and, for propagate, new mentions), sorted as the
  /// tagger sorts them.
  /// In place: a copy would copy every annotation's strings at the first change. `labels` are
  /// the annotations' label ids, kept in step.
  func link(_ annotations: inout [Annotation], labels: inout [Int32], text: [Unicode.Scalar]) {
    guard !links.isEmpty, !annotations.isEmpty else { return }
    let count = annotations.count
    for link in links {
      switch link.operation {
      case .propagate: propagate(link, &annotations, &labels, text)
      case .corefer: corefer(link, &annotations, labels)
      case .attach: attach(link, &annotations, labels, text)
      }
    }
    // The input is sorted; only new mentions need placing.
    if annotations.count != count {
      let order = annotations.indices.sorted { a, b in
        annotations[a].range != annotations[b].range
          ? annotations[a].range < annotations[b].range : annotations[a].rule.id < annotations[b].rule.id
      }
      annotations = order.map { annotations[$0] }
      labels = order.map { labels[$0] }
    }
  }

  // MARK: - Operations

  private func propagate(_ link: Link, _ annotations: inout [Annotation], _ labels: inout [Int32],
                         _ text: [Unicode.Scalar]) {
    var keys: [[Unicode.Scalar]] = []
    var seen = Set<[Unicode.Scalar]>()
    for (annotation, label) in zip(annotations, labels) where label == link.labelID {
      let key = Array((annotation.value(link.key) ?? text.string(annotation.range)).unicodeScalars)
      if key.count >= 2, seen.insert(key).inserted { keys.append(key) }
    }
    guard !keys.isEmpty else { return }
    // Whether an annotation a new mention may not overlap covers part of `range` (asked only
    // for the few places where a key occurs). Their spans only: keeping the array itself
    // would copy it, strings and all, at the first new mention.
    let blockers = annotations.indices.filter { !link.withinIDs.contains(labels[$0]) }
      .map { annotations[$0].range }
    func blocked(_ start: Int, _ end: Int) -> Bool {
      blockers.contains { $0.start < end && start < $0.end }
    }
    // Few keys: a 64-bit filter on the first character, then the keys themselves (longest first).
    keys.sort { $0.count > $1.count }
    var filter: UInt64 = 0
    for key in keys { filter |= 1 << UInt64(key[0].value & 63) }
    var position = 0
    while position < text.count {
      let first = text[position]
      guard filter & (1 << UInt64(first.value & 63)) != 0 else {
        position += 1
        continue
      }
      var matched = 0
      for key in keys where key[0] == first && position + key.count <= text.count {
        if text[position..<position + key.count].elementsEqual(key), !blocked(position, position + key.count) {
          annotations.append(Annotation(
            label: link.label, range: TextRange(position, position + key.count), rule: link.reference,
            attributes: [(link.key, key.string)], phase: "links"))
          labels.append(link.labelID)
          matched = key.count
          break
        }
      }
      position += max(matched, 1)
    }
    var sameMentions = Link(label: link.label, operation: .corefer, key: link.key, other: nil, within: [],
                            reference: link.reference)
    sameMentions.labelID = link.labelID
    corefer(sameMentions, &annotations, labels, surfaceKeys: text)
  }

  private func corefer(_ link: Link, _ annotations: inout [Annotation], _ labels: [Int32],
                       surfaceKeys text: [Unicode.Scalar]? = nil) {
    let order = annotations.indices.filter { labels[$0] == link.labelID }
      .sorted { annotations[$0].range < annotations[$1].range }
    func key(_ index: Int) -> String? {
      if let value = annotations[index].value(link.key) { return value }
      return text.map { $0.string(annotations[index].range) }
    }
    var first: [BytesKey: Int] = [:]
    first.reserveCapacity(order.count)  // grown key by key, it rehashed every key at each doubling
    for index in order {
      guard let value = key(index) else { continue }
      if let head = first[BytesKey(value)] {
        annotations[index].set(Self.refersTo, "\(annotations[head].range.start)")
      } else {
        first[BytesKey(value)] = index
      }
    }
    guard let fallback = link.other else { return }
    let keyed = order.filter { key($0) != nil }
    for index in order where key(index) == nil {
      guard let wanted = annotations[index].value(fallback) else { continue }
      let generic = link.unless.contains { test in
        guard let value = annotations[index].value(test.name) else { return false }
        return test.value == nil || test.value == value
      }
      if generic { continue }
      let matching = keyed.filter { annotations[$0].value(fallback) == wanted }
      let start = annotations[index].range.start
      let target = matching.last { annotations[$0].range.start < start } ?? matching.first
      guard let target else { continue }
      // Point at the first mention of that entity.
      let head = key(target).flatMap { first[BytesKey($0)] } ?? target
      annotations[index].set(Self.refersTo, "\(annotations[head].range.start)")
    }
  }

  private func attach(_ link: Link, _ annotations: inout [Annotation], _ labels: [Int32], _ text: [Unicode.Scalar]) {
    let target = link.otherID
    guard link.other != nil, target >= 0,
      annotations.indices.contains(where: { labels[$0] == target && annotations[$0].value(link.key) != nil })
    else { return }
    // The posts and holders, by start (the annotations' own order) and by end: sorted lists
    // searched by halves (a Dictionary of lists cost an allocation per offset).
    // (Propagated mentions were appended after the sorted ones: both lists are sorted here.)
    let members = annotations.indices.filter { labels[$0] == link.labelID || labels[$0] == target }
    let byStart = members.sorted { (annotations[$0].range.start, $0) < (annotations[$1].range.start, $1) }
    let byEnd = members.sorted { (annotations[$0].range.end, $0) < (annotations[$1].range.end, $1) }
    /// The longest of the mentions in `sorted` that start (or end) at `offset` (the first on ties).
    func longest(_ sorted: [Int], ending: Bool, at offset: Int) -> Int? {
      func edge(_ position: Int) -> Int {
        ending ? annotations[sorted[position]].range.end : annotations[sorted[position]].range.start
      }
      var position = sorted.indices.partitionPoint { edge($0) < offset }
      var best: Int?
      // Ties come in index order: only a longer mention replaces the first.
      while position < sorted.count, edge(position) == offset {
        let candidate = sorted[position]
        if best.map({ annotations[candidate].range.count > annotations[$0].range.count }) ?? true { best = candidate }
        position += 1
      }
      return best
    }
    var holders: [Int: [Int]] = [:]  // post index → holder starts
    for (index, holder) in annotations.enumerated() where labels[index] == target {
      guard let named = holder.value(link.key).map({ Array($0.unicodeScalars) }) else { continue }
      @discardableResult func take(_ post: Int) -> Bool {
        guard labels[post] == link.labelID,
          Self.names(named, text[annotations[post].range.start..<annotations[post].range.end], between: link.between),
          !(holders[post] ?? []).contains(holder.range.start)
        else { return false }
        holders[post, default: []].append(holder.range.start)
        return true
      }
      // Forwards: a post right after the name (杨国栋副主任); then the posts are not before it.
      if let next = longest(byStart, ending: false, at: holder.range.end), take(next) { continue }
      // Backwards: posts (and other holders of a list) before the holder.
      var position = holder.range.start
      while position > 0 {
        if link.between.matches(text[position - 1]) {
          position -= 1
          continue
        }
        guard let previous = longest(byEnd, ending: true, at: position), previous != index else { break }
        take(previous)
        position = annotations[previous].range.start
      }
    }
    for (post, starts) in holders {
      annotations[post].set(link.attribute,
                            starts.sorted().map(String.init).joined(separator: " "))
    }
  }
}

extension MentionLinker {
  /// Whether `whole` (posts as written: 市委常委、区党工委书记) names `part` as one of its parts:
  /// the part stands between separators (`between`) or at an end, so 总经理 is not named by 副总经理.
  static func names(_ whole: [Unicode.Scalar], _ part: ArraySlice<Unicode.Scalar>, between separators: ClassMatcher)
    -> Bool
  {
    guard !part.isEmpty, part.count <= whole.count else { return false }
    for start in 0...(whole.count - part.count) where whole[start..<start + part.count].elementsEqual(part) {
      let end = start + part.count
      if (start == 0 || separators.matches(whole[start - 1])) && (end == whole.count || separators.matches(whole[end])) {
        return true
      }
    }
    return false
  }
}

/// A string compared and hashed by its UTF-8 bytes: `String`'s own hashing normalises
/// non-ASCII text first (a thousand instructions for a short Chinese name). Unlike `String`,
/// two canonically equivalent spellings (a precomposed and a decomposed accent) are different
/// keys: decode does not compose text, but Chinese names have no such pairs.
struct BytesKey: Hashable {
  let text: String

  init(_ text: String) { self.text = text }

  static func == (a: BytesKey, b: BytesKey) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }

  func hash(into hasher: inout Hasher) {
    var text = text
    text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
  }
}

extension Annotation {
  /// The value of an attribute, if the annotation has it.
  public func value(_ name: String) -> String? { attributeIndex(name).map { attributes[$0].1 } }

  /// Sets an attribute, replacing an earlier value or appending it.
  public mutating func set(_ name: String, _ value: String) {
    if let index = attributeIndex(name) {
      attributes[index].1 = value
    } else {
      attributes.append((name, value))
    }
  }

  /// Where the attribute `name` is: by position, since reading the pairs one by one would copy
  /// (retain) their strings; names of other lengths are told apart without comparing strings.
  func attributeIndex(_ name: String) -> Int? {
    let length = name.utf8.count
    for index in attributes.indices where attributes[index].0.utf8.count == length && attributes[index].0 == name {
      return index
    }
    return nil
  }
}
