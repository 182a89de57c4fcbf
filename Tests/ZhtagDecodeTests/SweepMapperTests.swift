// The one-sweep mapping decode uses for repairs gives the source map's own answers.
import Testing
import ZhtagCore
@testable import ZhtagDecode

@Suite struct SweepMapperTests {
  /// A deterministic pseudo-random generator (the test must not depend on the run).
  struct Generator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return state >> 11
    }
  }

  @Test func agreesWithTheSourceMapOnIncreasingRanges() {
    var random = Generator(state: 42)
    for _ in 0..<300 {
      // A random rewrite: replacements, insertions and deletions in order.
      var edits: [SourceEdit] = []
      var text = 0
      var source = 0
      for _ in 0..<Int.random(in: 0...12, using: &random) {
        let gap = Int.random(in: 0...4, using: &random)
        text += gap
        source += gap
        let oldLength = Int.random(in: 0...3, using: &random)
        let newLength = Int.random(in: oldLength == 0 ? 1...2 : 0...3, using: &random)
        edits.append(SourceEdit(textStart: text, textEnd: text + newLength, sourceStart: source,
                                sourceEnd: source + oldLength))
        text += newLength
        source += oldLength
      }
      let length = text + Int.random(in: 0...4, using: &random)
      let map = SourceMap(edits: edits)
      // Increasing, non-overlapping ranges, some empty.
      var ranges: [TextRange] = []
      var position = 0
      while position < length {
        let start = position + Int.random(in: 0...2, using: &random)
        let end = min(length, start + Int.random(in: 0...3, using: &random))
        if start > length { break }
        ranges.append(TextRange(start, end))
        position = max(end, start + 1)
      }
      var mapper = SweepMapper(map)
      for range in ranges {
        #expect(mapper.sourceRange(range) == map.sourceRange(range), "\(map.edits) \(range)")
      }
    }
  }
}
