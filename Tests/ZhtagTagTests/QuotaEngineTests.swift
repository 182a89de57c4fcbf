// The engine features the quota rules brought: presence tests on annotation attributes,
// anchoring on a leading character class, the capture-free first pass (captures unchanged),
// and threads left behind by a constraint check (they must not leak into the next attempt).
import Testing
import ZhtagCore
import ZhtagRules
import ZhtagTag

@Suite struct QuotaEngineTests {
  let numberWords = TagRule(reference: RuleReference(id: "w", file: "mem.yaml", line: 1), label: "NUMBER", priority: 0,
                            matcher: .words(["三", "数"]), attributes: ["value": .literal("3")],
                            attributeOrder: ["value"], examples: [], rejects: [])

  @Test func presenceTestsOnAttributes() throws {
    // 数 gets no value (a function returning nothing leaves the attribute out).
    let words = TagRule(reference: RuleReference(id: "w", file: "mem.yaml", line: 1), label: "NUMBER", priority: 0,
                        matcher: .words(["三", "数"]),
                        attributes: ["value": .function(name: "first", arguments: [.column("missing")])],
                        attributeOrder: ["value"], examples: [], rejects: [])
    let valued = patternRule("v", "AMOUNT", "<NUMBER value> 个")
    let unvalued = patternRule("u", "AMOUNT", "<NUMBER !value> 个")
    guard case .annotation("NUMBER", let tests) = try PatternParser.parse("<NUMBER value !unit>") else {
      Issue.record("not an annotation test")
      return
    }
    #expect(tests.map(\.presence) == [true, true] && tests.map(\.negated) == [false, true])
    #expect(tagged([[numberWords], [valued]], "三个") == ["AMOUNT⟦三个⟧", "NUMBER⟦三⟧{value=3}"])
    #expect(tagged([[words], [valued]], "数个") == ["NUMBER⟦数⟧"])
    #expect(tagged([[words], [unvalued]], "数个") == ["AMOUNT⟦数个⟧", "NUMBER⟦数⟧"])
  }

  @Test func aLeadingSmallClassAnchorsThePattern() {
    let classes = ["cn": CharacterClassDefinition(name: "cn", scalars: ["一", "二", "三", "十", "万"])]
    let rules = [patternRule("d", "N", "n:(\".\"? [digit cn] [digit cn]{0,8})"),
                 patternRule("h", "H", "[han]{2,3}")]
    let book = RuleBook(phases: [Phase(name: "p", rules: rules)], lexicons: [:], classes: classes)
    let tagger = Tagger(ruleBook: book)
    // The [han] pattern cannot be listed: it stays unanchored; the numeral one is anchored.
    #expect(tagger.unanchoredRules.map(\.id) == ["h"])
    #expect(tagged([[rules[0]]], "共2447个，十三万人，.5", classes: classes) == ["N⟦2447⟧", "N⟦十三万⟧", "N⟦.5⟧"])
  }

  /// Captures come from the full VM, run once the first pass has found the end: the same
  /// captures as a single pass would give, whole-match captures included.
  @Test func capturesAfterTheFirstPass() {
    let rule = patternRule("c", "X", "a:[digit]{1,3} (至 | 到) b:[digit]{1,3} u:(年 | 天)?",
                           attributes: [("a", .column("a")), ("b", .column("b")), ("u", .column("u"))])
    #expect(tagged([[rule]], "用3至5年，10到20天") == ["X⟦3至5年⟧{a=3,b=5,u=年}", "X⟦10到20天⟧{a=10,b=20,u=天}"])
    let whole = patternRule("w", "X", "n:([digit]{1,3} 万?)", attributes: [("n", .column("n"))])
    #expect(tagged([[whole]], "70万人") == ["X⟦70万⟧{n=70万}"])
    let span = patternRule("s", "X", "span:(n:[digit]{1,3}) 两", attributes: [("n", .column("n"))])
    #expect(tagged([[span]], "30两") == ["X⟦30⟧{n=30}"])
  }

  /// A not-preceded-by test that succeeds part-way leaves threads at later offsets; the next
  /// attempt (of any program) must not run them.
  @Test func noThreadOutlivesItsAttempt() {
    let guarded = patternRule("g", "X", "k:[digit]{1,4} 年", attributes: [("k", .column("k"))],
                              notPrecededBy: "(到 | 至) [digit]{0,3}")
    let other = patternRule("o", "Y", "p:[digit]{1,2} 月 q:[digit]{1,2} 日", attributes: [("q", .column("q"))])
    let text = "至2022年和到2023年，2月11日及2024年"
    #expect(tagged([[guarded, other]], text) == ["Y⟦2月11日⟧{q=11}", "X⟦2024年⟧{k=2024}"])
  }
}
