// Builds a rewritten copy of a scalar array while recording the edits as a SourceMap.

/// Copies an input text into a new one, piece by piece, and records every replacement so that
/// the new text maps back onto the input.
///
/// Usage: walk the input left to right; `keep` what stays, `replace` what changes (an empty
/// replacement deletes). Whatever is not consumed by the end is kept.
public struct TextRewriter {
  public let input: [Unicode.Scalar]
  public private(set) var output: [Unicode.Scalar] = []
  public private(set) var edits: [SourceEdit] = []
  /// Input offset up to which everything has been consumed.
  public private(set) var position = 0

  public init(_ input: [Unicode.Scalar]) {
    self.input = input
    output.reserveCapacity(input.count)
  }

  /// Copies the input unchanged up to `offset`.
  public mutating func keep(upTo offset: Int) {
    precondition(offset >= position && offset <= input.count)
    output.append(contentsOf: input[position..<offset])
    position = offset
  }

  /// Replaces input `[position, end)` by `replacement`; copies any gap before it first.
  public mutating func replace(_ range: TextRange, with replacement: some Collection<Unicode.Scalar>) {
    keep(upTo: range.start)
    precondition(range.end <= input.count)
    let textStart = output.count
    output.append(contentsOf: replacement)
    edits.append(
      SourceEdit(
        textStart: textStart, textEnd: output.count, sourceStart: range.start,
        sourceEnd: range.end))
    position = range.end
  }

  /// Finishes the copy: the new text and its map onto the input.
  public mutating func finish() -> (text: [Unicode.Scalar], map: SourceMap) {
    keep(upTo: input.count)
    return (output, SourceMap(edits: edits))
  }

  /// True when nothing has been replaced so far.
  public var isUnchanged: Bool { edits.isEmpty }
}
