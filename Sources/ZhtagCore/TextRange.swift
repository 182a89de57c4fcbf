// Half-open ranges of Unicode code point offsets: the one offset unit of the whole project.

/// A half-open range `[start, end)` of code point offsets into a text.
///
/// Offsets count Unicode scalars, so `text[start:end]` in Python and `.[start:end]` in jq give
/// back the surface string (DESIGN §2).
public struct TextRange: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var start: Int
  public var end: Int

  public init(_ start: Int, _ end: Int) {
    precondition(start <= end, "range start \(start) after end \(end)")
    self.start = start
    self.end = end
  }

  public var count: Int { end - start }
  public var isEmpty: Bool { start == end }

  public func contains(_ other: TextRange) -> Bool { start <= other.start && other.end <= end }
  public func overlaps(_ other: TextRange) -> Bool { start < other.end && other.start < end }

  /// True when the two ranges overlap without one containing the other.
  public func crosses(_ other: TextRange) -> Bool {
    overlaps(other) && !contains(other) && !other.contains(self)
  }

  public static func < (a: TextRange, b: TextRange) -> Bool {
    a.start != b.start ? a.start < b.start : a.end > b.end
  }

  public var description: String { "[\(start),\(end))" }
}
