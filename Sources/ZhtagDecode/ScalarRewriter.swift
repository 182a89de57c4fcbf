// A rewriter for the decode passes: concrete scalar arrays (no generic copying across
// modules), edits and repairs recorded together.
import ZhtagCore

/// Copies an input text into a new one, recording every replacement as a source edit and as a
/// repair (its kind, where the result is, what it replaced). Like `ZhtagCore.TextRewriter`,
/// specialised for the hot loops of decode.
struct ScalarRewriter {
  let input: [Unicode.Scalar]
  private(set) var output: [Unicode.Scalar] = []
  private(set) var edits: [SourceEdit] = []
  private(set) var repairs: [Repair] = []
  private(set) var position = 0

  init(_ input: [Unicode.Scalar]) {
    self.input = input
    output.reserveCapacity(input.count + 16)
    edits.reserveCapacity(32)
    repairs.reserveCapacity(32)
  }

  /// Copies the input unchanged up to `offset`.
  @inline(__always) mutating func keep(upTo offset: Int) {
    if offset > position {
      output.append(contentsOf: input[position..<offset])
      position = offset
    }
  }

  /// Replaces input `[start, end)` (at or after the position) by `replacement`.
  @inline(__always)
  mutating func replace(_ start: Int, _ end: Int, with replacement: [Unicode.Scalar], kind: String) {
    keep(upTo: start)
    let textStart = output.count
    output.append(contentsOf: replacement)
    record(start, end, textStart, kind)
  }

  @inline(__always)
  mutating func replace(_ start: Int, _ end: Int, with scalar: Unicode.Scalar, kind: String) {
    keep(upTo: start)
    let textStart = output.count
    output.append(scalar)
    record(start, end, textStart, kind)
  }

  @inline(__always) private mutating func record(_ start: Int, _ end: Int, _ textStart: Int, _ kind: String) {
    edits.append(SourceEdit(textStart: textStart, textEnd: output.count, sourceStart: start, sourceEnd: end))
    repairs.append(Repair(kind: kind, range: TextRange(textStart, output.count), sourceRange: TextRange(start, end)))
    position = end
  }

  var isUnchanged: Bool { edits.isEmpty }

  /// The new text and its map onto the input.
  mutating func finish() -> (text: [Unicode.Scalar], map: SourceMap) {
    keep(upTo: input.count)
    return (output, SourceMap(edits: edits))
  }
}
