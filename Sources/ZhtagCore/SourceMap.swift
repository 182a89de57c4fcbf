// Maps offsets in the repaired text back to offsets in the decoded source text.

/// One replaced region: text `[textStart, textEnd)` stands for source `[sourceStart, sourceEnd)`.
/// Either side may be empty (an insertion or a deletion).
public struct SourceEdit: Hashable, Sendable {
  public var textStart: Int
  public var textEnd: Int
  public var sourceStart: Int
  public var sourceEnd: Int

  public init(textStart: Int, textEnd: Int, sourceStart: Int, sourceEnd: Int) {
    self.textStart = textStart
    self.textEnd = textEnd
    self.sourceStart = sourceStart
    self.sourceEnd = sourceEnd
  }
}

/// A piecewise map from text offsets to source-text offsets.
///
/// Outside the edits the two texts are identical, shifted by the edits before; inside an edit
/// any position maps to the whole replaced source region, so a span that touches a repaired
/// character reports the whole original (`經(jīng)` for `经`).
public struct SourceMap: Hashable, Sendable {
  /// Sorted by `textStart`, non-overlapping; touching edits are merged.
  public private(set) var edits: [SourceEdit]

  /// The identity map.
  public init() { edits = [] }

  /// A map from edits given in order (as a rewrite produces them).
  public init(edits: [SourceEdit]) {
    var merged: [SourceEdit] = []
    merged.reserveCapacity(edits.count)
    for edit in edits {
      if var last = merged.last, last.textEnd == edit.textStart, last.sourceEnd == edit.sourceStart {
        last.textEnd = edit.textEnd
        last.sourceEnd = edit.sourceEnd
        merged[merged.count - 1] = last
      } else {
        if let last = merged.last {
          precondition(last.textEnd <= edit.textStart && last.sourceEnd <= edit.sourceStart,
                       "source edits out of order")
        }
        merged.append(edit)
      }
    }
    self.edits = merged
  }

  public var isIdentity: Bool { edits.isEmpty }

  /// The source offset where a span starting at text offset `offset` starts.
  public func sourceStart(_ offset: Int) -> Int {
    sourceStart(offset, firstEditAfter: edits.partitionPoint { $0.textStart <= offset })
  }

  /// `sourceStart` given the first edit that starts after `offset`: the edit before that one is
  /// the last that starts at or before it. (Several edits start at one offset only if the
  /// earlier is a deletion; the later, which covers `offset`, is the one taken.)
  fileprivate func sourceStart(_ offset: Int, firstEditAfter point: Int) -> Int {
    guard point > 0 else { return offset }
    let edit = edits[point - 1]
    if offset < edit.textEnd { return edit.sourceStart }
    if offset == edit.textStart && edit.textStart == edit.textEnd { return edit.sourceEnd }
    return edit.sourceEnd + (offset - edit.textEnd)
  }

  /// The source offset where a span ending at text offset `offset` ends.
  public func sourceEnd(_ offset: Int) -> Int {
    sourceEnd(offset, firstEditFrom: edits.partitionPoint { $0.textEnd < offset })
  }

  /// `sourceEnd` given the first edit with `textEnd >= offset` (`low`).
  fileprivate func sourceEnd(_ offset: Int, firstEditFrom low: Int) -> Int {
    if low == edits.count {
      guard let last = edits.last else { return offset }
      return last.sourceEnd + (offset - last.textEnd)
    }
    let edit = edits[low]
    if edit.textStart < offset { return edit.sourceEnd }
    // offset <= textStart: identity region before this edit (or just before a deletion).
    return edit.sourceStart - (edit.textStart - offset)
  }

  /// The source range a text range stands for.
  public func sourceRange(_ range: TextRange) -> TextRange {
    var reader = Reader(self)
    return reader.sourceRange(range)
  }

  /// The source ranges of many text ranges, in (nearly) increasing order — an article's
  /// entities, its repairs: each search starts where the one before ended.
  public struct Reader {
    public let map: SourceMap
    private var startHint = 0
    private var endHint = 0

    public init(_ map: SourceMap) { self.map = map }

    /// The source range a text range stands for.
    public mutating func sourceRange(_ range: TextRange) -> TextRange {
      if range.isEmpty {
        let start = sourceEnd(range.start)
        return TextRange(start, max(start, sourceEnd(range.end)))
      }
      return TextRange(sourceStart(range.start), sourceEnd(range.end))
    }

    private mutating func sourceStart(_ offset: Int) -> Int {
      startHint = map.edits.partitionPoint(near: startHint) { $0.textStart <= offset }
      return map.sourceStart(offset, firstEditAfter: startHint)
    }

    private mutating func sourceEnd(_ offset: Int) -> Int {
      endHint = map.edits.partitionPoint(near: endHint) { $0.textEnd < offset }
      return map.sourceEnd(offset, firstEditFrom: endHint)
    }
  }

  /// The text range that a source range ended up as (empty when it was deleted).
  public func textRange(_ range: TextRange) -> TextRange {
    inverted.sourceRange(range)
  }

  /// The same map read the other way: source offsets to text offsets.
  public var inverted: SourceMap {
    SourceMap(
      edits: edits.map {
        SourceEdit(
          textStart: $0.sourceStart, textEnd: $0.sourceEnd, sourceStart: $0.textStart,
          sourceEnd: $0.textEnd)
      })
  }

  /// The map of a later rewrite composed onto this one: `later` maps a newer text to this
  /// map's text; the result maps the newer text straight to the source.
  public func composed(with later: SourceMap) -> SourceMap {
    if later.isIdentity { return self }
    if isIdentity { return later }
    // Regions of the middle text touched by either map, merged where they touch.
    var regions: [(start: Int, end: Int)] = []
    regions.reserveCapacity(edits.count + later.edits.count)
    var i = 0
    var j = 0
    while i < edits.count || j < later.edits.count {
      let next: (Int, Int)
      if j == later.edits.count
        || (i < edits.count && edits[i].textStart < later.edits[j].sourceStart)
      {
        next = (edits[i].textStart, edits[i].textEnd)
        i += 1
      } else {
        next = (later.edits[j].sourceStart, later.edits[j].sourceEnd)
        j += 1
      }
      if let last = regions.last, next.0 <= last.end {
        regions[regions.count - 1].end = max(last.end, next.1)
      } else {
        regions.append((next.0, next.1))
      }
    }
    // Sweep both edit lists alongside the regions, tracking the identity shift of each map.
    var result: [SourceEdit] = []
    result.reserveCapacity(regions.count)
    var earlyShift = 0  // source - middle, after the edits of `self` consumed so far
    var lateShift = 0  // newer - middle, after the edits of `later` consumed so far
    i = 0
    j = 0
    for region in regions {
      while i < edits.count && edits[i].textEnd < region.start {
        earlyShift = edits[i].sourceEnd - edits[i].textEnd
        i += 1
      }
      while j < later.edits.count && later.edits[j].sourceEnd < region.start {
        lateShift = later.edits[j].textEnd - later.edits[j].sourceEnd
        j += 1
      }
      let sourceStart = region.start + earlyShift
      let textStart = region.start + lateShift
      while i < edits.count && edits[i].textStart >= region.start && edits[i].textEnd <= region.end {
        earlyShift = edits[i].sourceEnd - edits[i].textEnd
        i += 1
      }
      while j < later.edits.count && later.edits[j].sourceStart >= region.start
        && later.edits[j].sourceEnd <= region.end
      {
        lateShift = later.edits[j].textEnd - later.edits[j].sourceEnd
        j += 1
      }
      result.append(
        SourceEdit(
          textStart: textStart, textEnd: region.end + lateShift,
          sourceStart: sourceStart, sourceEnd: region.end + earlyShift))
    }
    return SourceMap(edits: result)
  }
}
