// The tag engine on small in-memory rule books: lexicon matching and the conflict policy.
import Testing
import ZhtagCore
import ZhtagRules
import ZhtagTag

func rule(_ id: String, _ label: String, words: [String], priority: Int = 0) -> TagRule {
  TagRule(reference: RuleReference(id: id, file: "mem.yaml", line: 1), label: label,
          priority: priority, matcher: .words(words), attributes: [:], attributeOrder: [],
          examples: [], rejects: [])
}

func surfaces(_ tagger: Tagger, _ text: String) -> [String] {
  let scalars = Array(text.unicodeScalars)
  return tagger.tag(scalars).annotations.map { "\($0.rule.id):\(scalars.string($0.range))" }
}

@Suite struct TaggerTests {
  @Test func longerSpanWinsThenEarlierRule() {
    let book = RuleBook(phases: [Phase(name: "p", rules: [
      rule("short", "ZONE", words: ["开发区"]),
      rule("long", "ZONE", words: ["经济技术开发区"]),
      rule("same", "ZONE", words: ["经济技术开发区"]),
    ])], lexicons: [:])
    #expect(surfaces(Tagger(ruleBook: book), "嘉兴经济技术开发区和开发区") == ["long:经济技术开发区", "short:开发区"])
  }

  @Test func priorityBeatsLength() {
    let book = RuleBook(phases: [Phase(name: "p", rules: [
      rule("long", "ORG", words: ["高新区管委会"]),
      rule("zone", "ZONE", words: ["高新区"], priority: 5),
    ])], lexicons: [:])
    #expect(surfaces(Tagger(ruleBook: book), "高新区管委会") == ["zone:高新区"])
  }

  @Test func keepAllKeepsOverlaps() {
    let book = RuleBook(phases: [Phase(name: "p", rules: [
      rule("a", "X", words: ["经开区", "开区"]),
    ])], lexicons: [:], conflicts: .keepAll)
    #expect(surfaces(Tagger(ruleBook: book), "经开区") == ["a:经开区", "a:开区"])
  }

  @Test func phasesKeepEachOthersAnnotations() {
    let book = RuleBook(phases: [
      Phase(name: "places", rules: [rule("gpe", "GPE", words: ["浙江"])]),
      Phase(name: "orgs", rules: [rule("org", "ORG", words: ["浙江日报"])]),
    ], lexicons: [:])
    #expect(surfaces(Tagger(ruleBook: book), "浙江日报") == ["org:浙江日报", "gpe:浙江"])
  }

  /// The automaton finds exactly what a naive search finds, on random texts and word lists.
  @Test func automatonAgreesWithNaiveSearch() {
    var seed: UInt64 = 3
    func next(_ n: Int) -> Int {
      seed = seed &* 6364136223846793005 &+ 1442695040888963407
      return Int(seed >> 33) % n
    }
    let alphabet = Array("经开区高新园".unicodeScalars)
    for _ in 0..<200 {
      let words = (0..<(1 + next(6))).map { _ in
        String(String.UnicodeScalarView((0..<(1 + next(4))).map { _ in alphabet[next(alphabet.count)] }))
      }
      let text = (0..<(next(30))).map { _ in alphabet[next(alphabet.count)] }
      let book = RuleBook(phases: [Phase(name: "p", rules: [rule("r", "X", words: Array(Set(words)))])],
                          lexicons: [:], conflicts: .keepAll)
      var expected: [TextRange] = []
      for word in Set(words) {
        let key = Array(word.unicodeScalars)
        if key.count <= text.count {
          for start in 0...(text.count - key.count) where Array(text[start..<start + key.count]) == key {
            expected.append(TextRange(start, start + key.count))
          }
        }
      }
      let found = Tagger(ruleBook: book).tag(text).annotations.map(\.range)
      #expect(found.sorted() == expected.sorted())
    }
  }
}
