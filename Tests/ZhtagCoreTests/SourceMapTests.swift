// The source map: lookups, composition, and agreement with a brute-force model.
import Testing
import ZhtagCore

@Suite struct SourceMapTests {
  /// A dense model of one rewrite: for each output scalar, the input range it came from.
  struct Model {
    var input: [Unicode.Scalar]
    var output: [Unicode.Scalar] = []
    var map = SourceMap()
  }

  /// Applies random replacements, deletions and insertions; returns the output and its map.
  func randomRewrite(_ input: [Unicode.Scalar], seed: inout UInt64) -> ([Unicode.Scalar], SourceMap) {
    func next() -> Int {
      seed = seed &* 6364136223846793005 &+ 1442695040888963407
      return Int(seed >> 33)
    }
    var rewriter = TextRewriter(input)
    var index = 0
    while index < input.count {
      let choice = next() % 10
      if choice < 6 {
        index += 1
        continue
      }
      let length = choice == 9 ? 0 : min(input.count - index, 1 + next() % 3)
      let replacement = (0..<(next() % 3)).map { _ in Unicode.Scalar(UInt8(97 + next() % 26)) }
      rewriter.replace(TextRange(index, index + length), with: replacement)
      index += max(length, 1)
      if length == 0 { rewriter.keep(upTo: index) }
    }
    let (output, map) = rewriter.finish()
    return (output, map)
  }

  @Test func identityMapsEveryOffsetToItself() {
    let map = SourceMap()
    #expect(map.sourceRange(TextRange(3, 7)) == TextRange(3, 7))
  }

  @Test func deletionKeepsNeighboursAndCoversTheGap() {
    // 經(jīng)濟 → 經濟: text [0,2) is source [0,8)
    let source = Array("經(jīng)濟".unicodeScalars)
    var rewriter = TextRewriter(source)
    rewriter.replace(TextRange(1, 7), with: [])
    let (text, map) = rewriter.finish()
    #expect(String(String.UnicodeScalarView(text)) == "經濟")
    #expect(map.sourceRange(TextRange(0, 2)) == TextRange(0, 8))
    #expect(map.sourceRange(TextRange(0, 1)) == TextRange(0, 1))
    #expect(map.sourceRange(TextRange(1, 2)) == TextRange(7, 8))
  }

  @Test func replacementMapsToTheWholeReplacedRegion() {
    var rewriter = TextRewriter(Array("abcdef".unicodeScalars))
    rewriter.replace(TextRange(2, 4), with: Array("XYZ".unicodeScalars))
    let (_, map) = rewriter.finish()
    #expect(map.sourceRange(TextRange(3, 4)) == TextRange(2, 4))  // inside the edit
    #expect(map.sourceRange(TextRange(5, 6)) == TextRange(4, 5))  // after it, shifted
    #expect(map.sourceRange(TextRange(0, 2)) == TextRange(0, 2))
  }

  /// Composition must agree with mapping through both maps one after the other, for every
  /// span, on many random rewrites.
  @Test func compositionAgreesWithTwoStepMapping() {
    var seed: UInt64 = 42
    for round in 0..<300 {
      let length = 5 + round % 40
      let source = (0..<length).map { Unicode.Scalar(UInt8(65 + $0 % 26)) }
      let (middle, first) = randomRewrite(source, seed: &seed)
      let (final, second) = randomRewrite(middle, seed: &seed)
      let composed = first.composed(with: second)
      for start in 0...final.count {
        for end in start...final.count where end > start {
          let twoStep = first.sourceRange(second.sourceRange(TextRange(start, end)))
          let direct = composed.sourceRange(TextRange(start, end))
          // Composition may widen a span to a whole merged edit region, never narrow it…
          #expect(direct.contains(twoStep), "round \(round) span [\(start),\(end)): \(direct) vs \(twoStep)")
          // …and spans whose ends sit outside every edit map exactly.
          let touchesEdit = composed.edits.contains { edit in
            edit.textStart <= end && start <= edit.textEnd
          }
          if !touchesEdit {
            #expect(direct == twoStep, "round \(round) span [\(start),\(end))")
            #expect(Array(source[direct.start..<direct.end]) == Array(final[start..<end]))
          }
        }
      }
    }
  }

  /// The reader that searches from where its last search ended answers as the map's plain
  /// binary searches (`sourceStart`, `sourceEnd`) do, for spans in order, in reverse and in
  /// random order (its searches must not depend on the order).
  @Test func readerAgreesWithTheMapInAnyOrder() {
    var seed: UInt64 = 7
    for round in 0..<200 {
      let source = (0..<(5 + round % 60)).map { Unicode.Scalar(UInt8(65 + $0 % 26)) }
      let (text, map) = randomRewrite(source, seed: &seed)
      var spans: [TextRange] = []
      for start in 0...text.count {
        for end in start...min(text.count, start + 4) { spans.append(TextRange(start, end)) }
      }
      var shuffled = spans
      for index in shuffled.indices.reversed() {
        seed = seed &* 6364136223846793005 &+ 1442695040888963407
        shuffled.swapAt(index, Int(seed >> 33) % (index + 1))
      }
      for order in [spans, spans.reversed(), shuffled] {
        var reader = SourceMap.Reader(map)
        for span in order {
          // An empty span maps to the point (or gap) where it stands: both ends read as ends.
          let point = map.sourceEnd(span.start)
          let expected = span.isEmpty
            ? TextRange(point, max(point, map.sourceEnd(span.end)))
            : TextRange(map.sourceStart(span.start), map.sourceEnd(span.end))
          #expect(reader.sourceRange(span) == expected, "round \(round) \(span)")
        }
      }
    }
  }

  /// The searched-from-a-hint partition point equals the plain one for every hint.
  @Test func partitionPointNearAHintIsThePartitionPoint() {
    for count in 0..<40 {
      let sorted = (0..<count).map { $0 / 3 }  // runs of equal values
      for threshold in -1...(count / 3 + 1) {
        let expected = sorted.partitionPoint { $0 < threshold }
        for hint in -2...(count + 2) {
          #expect(sorted.partitionPoint(near: hint) { $0 < threshold } == expected, "\(count) \(threshold) \(hint)")
        }
      }
    }
  }

  @Test func invertedMapsSourceToText() {
    var rewriter = TextRewriter(Array("ab(x)cd".unicodeScalars))
    rewriter.replace(TextRange(2, 5), with: [])
    let (_, map) = rewriter.finish()
    #expect(map.textRange(TextRange(5, 7)) == TextRange(2, 4))
    #expect(map.textRange(TextRange(2, 5)) == TextRange(2, 2))
  }
}

@Suite struct DiagnosticTests {
  @Test func rendersFileLineColumnAndCaret() {
    let diagnostic = Diagnostic(
      .error, "rules.invalid", "unknown key 'lable' in a rule (known: id, label)",
      at: SourceLocation(file: "rules/entity/zones.yaml", line: 7, column: 5),
      sourceLine: "    lable: ZONE")
    #expect(diagnostic.description == """
      rules/entity/zones.yaml:7:5: error: unknown key 'lable' in a rule (known: id, label)
          lable: ZONE
          ^
      """)
  }

  @Test func caretCountsHanCharactersAsTwoColumns() {
    let diagnostic = Diagnostic(
      .error, "x", "m", at: SourceLocation(file: "f", line: 1, column: 3), sourceLine: "园区x")
    #expect(diagnostic.description.hasSuffix("园区x\n    ^"))
  }
}
