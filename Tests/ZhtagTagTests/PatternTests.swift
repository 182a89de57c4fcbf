// Patterns: what each construct matches, on small in-memory rule books; and linear time on
// pathological text with the shipped rules.
import Testing
import ZhtagCore
import ZhtagPipeline
import ZhtagRules
import ZhtagTag
import ZhtagTestSupport

func patternRule(_ id: String, _ label: String, _ pattern: String, priority: Int = 0,
                 attributes: [(String, AttributeValue)] = [], notFollowedBy: String? = nil,
                 notPrecededBy: String? = nil) -> TagRule {
  TagRule(reference: RuleReference(id: id, file: "mem.yaml", line: 1), label: label, priority: priority,
          matcher: .pattern(try! PatternParser.parse(pattern)),
          attributes: Dictionary(uniqueKeysWithValues: attributes), attributeOrder: attributes.map(\.0),
          examples: [], rejects: [],
          notFollowedBy: notFollowedBy.map { try! PatternParser.parse($0) },
          notPrecededBy: notPrecededBy.map { try! PatternParser.parse($0) })
}

let kinds = Lexicon(name: "kinds", file: "kinds.txt", columns: ["kind"], entries: [
  LexiconEntry(key: "经开区", fields: ["etdz"], line: 1),
  LexiconEntry(key: "经济技术开发区", fields: ["etdz"], line: 2),
  LexiconEntry(key: "高新区", fields: ["hitech"], line: 3),
])

func tagged(_ rules: [[TagRule]], _ text: String, classes: [String: CharacterClassDefinition] = [:]) -> [String] {
  let book = RuleBook(phases: rules.enumerated().map { Phase(name: "p\($0.offset)", rules: $0.element) },
                      lexicons: ["kinds": kinds], classes: classes)
  let scalars = Array(text.unicodeScalars)
  return Tagger(ruleBook: book).tag(scalars).annotations.map { annotation in
    let attributes = annotation.attributes.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
    return "\(annotation.label)⟦\(scalars.string(annotation.range))⟧" + (attributes.isEmpty ? "" : "{\(attributes)}")
  }
}

@Suite struct PatternSemanticsTests {
  @Test func optionalPartsAndAlternation() {
    let rule = patternRule("d", "DATE", "y:[digit]{4} 年 (m:[digit]{1,2} 月 (d:[digit]{1,2} (日|号))?)?",
                           attributes: [("y", .column("y")), ("m", .column("m")), ("d", .column("d"))])
    #expect(tagged([[rule]], "2022年2月11日上午") == ["DATE⟦2022年2月11日⟧{y=2022,m=2,d=11}"])
    #expect(tagged([[rule]], "2022年2月起") == ["DATE⟦2022年2月⟧{y=2022,m=2}"])
    #expect(tagged([[rule]], "到2025年，") == ["DATE⟦2025年⟧{y=2025}"])
    #expect(tagged([[rule]], "22年") == [])
  }

  @Test func boundedRepetitionIsExact() {
    let rule = patternRule("r", "X", "甲 [han]{2,3} 乙")
    #expect(tagged([[rule]], "甲一二乙") == ["X⟦甲一二乙⟧"])
    #expect(tagged([[rule]], "甲一二三乙") == ["X⟦甲一二三乙⟧"])
    #expect(tagged([[rule]], "甲一乙") == [])
    #expect(tagged([[rule]], "甲一二三四乙") == [])
  }

  @Test func lexiconReferencesAndTheirColumns() {
    let rule = patternRule("z", "ZONE", "嘉兴 k:@kinds", attributes: [("kind", .captureAttribute(capture: "k", attribute: "kind"))])
    #expect(tagged([[rule]], "嘉兴经济技术开发区召开") == ["ZONE⟦嘉兴经济技术开发区⟧{kind=etdz}"])
  }

  /// Captures come from the thread that reaches a place first, as in a Pike VM whose threads
  /// carry their captures: a lexicon entry read in one step arrives before the greedy
  /// characters that would leave it a shorter entry (经济开发区 whole, not 经济 + 开发区). The
  /// capture pass must keep this order: a depth-first pass would give the greedy reading.
  @Test func capturesComeFromTheFirstThreadToArrive() {
    let nested = Lexicon(name: "kinds", file: "kinds.txt", columns: ["kind"], entries: [
      LexiconEntry(key: "经济开发区", fields: ["edz"], line: 1),
      LexiconEntry(key: "开发区", fields: ["dz"], line: 2),
    ])
    let rule = patternRule("z", "ZONE", "[han]{0,4} k:@kinds",
                           attributes: [("k", .column("k")), ("kind", .captureAttribute(capture: "k", attribute: "kind"))])
    let tagger = Tagger(ruleBook: RuleBook(phases: [Phase(name: "p", rules: [rule])], lexicons: ["kinds": nested]))
    let text = Array("嘉兴经济开发区".unicodeScalars)
    let found = tagger.tag(text).annotations.map { annotation in
      "\(text.string(annotation.range)) " + annotation.attributes.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
    }
    #expect(found == ["嘉兴经济开发区 k=经济开发区,kind=edz"])
  }

  @Test func annotationReferencesWithAttributeTests() {
    let gpe = TagRule(reference: RuleReference(id: "g", file: "mem.yaml", line: 1), label: "GPE", priority: 0,
                      matcher: .words(["嘉兴", "随州"]), attributes: ["level": .literal("city")],
                      attributeOrder: ["level"], examples: [], rejects: [])
    let zone = patternRule("z", "ZONE", "p:<GPE level=city> @kinds", attributes: [("place", .column("p"))])
    let notCity = patternRule("n", "ZONE", "<GPE level!=city> @kinds")
    #expect(tagged([[gpe], [zone]], "随州高新区") == ["ZONE⟦随州高新区⟧{place=随州}", "GPE⟦随州⟧{level=city}"])
    #expect(tagged([[gpe], [notCity]], "随州高新区") == ["GPE⟦随州⟧{level=city}"])
  }

  /// Patterns that open with an annotation are tried only where what follows it can go on
  /// (a character, a class, a lexicon entry, another annotation) or where the pattern may end:
  /// each kind of continuation still matches, and none is tried where nothing can follow.
  @Test func patternsOpeningWithAnAnnotationMatchEachContinuation() {
    let gpe = TagRule(reference: RuleReference(id: "g", file: "mem.yaml", line: 1), label: "GPE", priority: 0,
                      matcher: .words(["嘉兴", "随州"]), attributes: [:], attributeOrder: [], examples: [], rejects: [])
    let text = "嘉兴市委，随州高新区，嘉兴随州，随州5家，嘉兴。"
    let continuations = [
      ("<GPE> 市委", ["X⟦嘉兴市委⟧"]),
      ("<GPE> @kinds", ["X⟦随州高新区⟧"]),
      ("<GPE> <GPE>", ["X⟦嘉兴随州⟧"]),
      ("<GPE> [digit] 家", ["X⟦随州5家⟧"]),
      ("<GPE> (市委)?", ["X⟦嘉兴市委⟧", "X⟦随州⟧", "X⟦嘉兴⟧", "X⟦随州⟧", "X⟦随州⟧", "X⟦嘉兴⟧"]),
    ]
    for (pattern, expected) in continuations {
      let found = tagged([[gpe], [patternRule("x", "X", pattern)]], text).filter { $0.hasPrefix("X") }
      #expect(found == expected, "\(pattern)")
    }
  }

  @Test func attributeFunctionsComputeValues() {
    let rule = patternRule("f", "ZONE", "p:(嘉兴|随州) k:@kinds",
                           attributes: [("kind", .function(name: "lookup", arguments: [.literal("kinds"), .column("k"), .literal("kind")])),
                                        ("name", .function(name: "concat", arguments: [.column("p"), .literal("·"), .column("k")])),
                                        ("other", .function(name: "first", arguments: [.column("missing"), .literal("none")]))])
    #expect(tagged([[rule]], "随州高新区") == ["ZONE⟦随州高新区⟧{kind=hitech,name=随州·高新区,other=none}"])
  }

  @Test func everyDeclaredFunctionIsImplemented() {
    #expect(Set(AttributeFunctionSignature.known.keys) == Set(AttributeFunctions.all.keys))
  }

  @Test func spanCaptureNarrowsTheAnnotation() {
    let rule = patternRule("s", "ORG", "span:(k:@kinds 管委会) 主任")
    #expect(tagged([[rule]], "经开区管委会主任盛付祥") == ["ORG⟦经开区管委会⟧"])
  }

  @Test func notFollowedAndNotPrecededBy() {
    let rule = patternRule("a", "X", "经开区", notFollowedBy: "管委会")
    #expect(tagged([[rule]], "经开区管委会") == [])
    #expect(tagged([[rule]], "经开区召开") == ["X⟦经开区⟧"])
    let before = patternRule("b", "X", "[digit]{1,2} 月", notPrecededBy: "年")
    #expect(tagged([[before]], "2022年2月") == [])
    #expect(tagged([[before]], "截至2月") == ["X⟦2月⟧"])
  }

  @Test func dataDefinedAndNegatedClasses() {
    let classes = ["close": CharacterClassDefinition(name: "close", scalars: ["》"])]
    let rule = patternRule("t", "DOC", "《 [^close]{1,20} 》")
    #expect(tagged([[rule]], "《甲》和《乙》", classes: classes) == ["DOC⟦《甲》⟧", "DOC⟦《乙》⟧"])
  }

  @Test func leftmostLongestWithoutOverlapWithinARule() {
    let rule = patternRule("h", "X", "[han]{1,3} 区")
    #expect(tagged([[rule]], "一二三区四区") == ["X⟦一二三区⟧", "X⟦四区⟧"])
  }
}

@Suite struct PatternSyntaxTests {
  @Test(arguments: [
    ("[han]+", 5, "'+' is unbounded; patterns must be bounded: write {1,N} (N ≤ 64)"),
    ("[han]*", 5, "'*' is unbounded; patterns must be bounded: write {1,N} (N ≤ 64)"),
    ("[han]{1,}", 8, "a repeat needs an upper bound: write {m,n}"),
    ("[han]{1,100}", 5, "repeat bound 100 is larger than 64"),
    ("[han]{3,1}", 5, "a repeat is {n} or {m,n} with 0 ≤ m ≤ n and n ≥ 1"),
    ("(经开区", 0, "'(' is not closed"),
    ("经开区)", 3, "unexpected ')' in the pattern"),
    ("[han", 0, "'[' is not closed"),
    ("[]", 0, "a character class needs at least one class name, e.g. [han]"),
    ("<GPE", 0, "'<' is not closed"),
    ("<GPE kind:x>", 5, "attribute test 'kind' needs '=' or '!=' and a value, e.g. <ZONE kind=etdz>, or nothing to test that it is there (<NUMBER value>)"),
    ("\"\"", 0, "an empty quoted text matches nothing"),
    ("?经", 0, "'?' must follow an element"),
    ("@", 1, "expected a lexicon name after @"),
    ("%", 1, "expected a macro name after %"),
    ("", 0, "the pattern is empty"),
  ])
  func syntaxErrors(_ pattern: String, _ offset: Int, _ message: String) {
    do {
      _ = try PatternParser.parse(pattern)
      Issue.record("'\(pattern)' parsed")
    } catch {
      #expect(error.message == message)
      #expect(error.offset == offset)
    }
  }
}

/// DESIGN §4: no pattern backtracks exponentially; the work grows linearly with the text.
@Suite struct LinearTimeTests {
  static let pipeline: Pipeline = {
    do { return try Pipeline(options: PipelineOptions(rulesDirectory: Fixtures.path("rules"))) } catch let error as RulesError {
      fatalError("\(error.diagnostics)")
    } catch { fatalError("\(error)") }
  }()

  func steps(_ unit: String, times: Int) -> Int {
    let text = Array(String(repeating: unit, count: times).unicodeScalars)
    return Self.pipeline.tagger.tag(text).patternSteps
  }

  @Test(arguments: ["年", "2", "2022年2月", "《", "江苏经开区", "2022年2月11日《实施方案》江苏高新区，"])
  func patternWorkIsLinearInTheTextLength(_ unit: String) {
    let small = steps(unit, times: 10_000)
    let large = steps(unit, times: 20_000)
    #expect(Double(large) <= 2.05 * Double(max(small, 1)), "\(unit): \(small) → \(large)")
  }

  /// 10 MB of one repeated character, and a single 5 MB line, go through the shipped rules.
  @Test func pathologicalTextsFinish() {
    let repeated = [Unicode.Scalar](repeating: "年", count: 10_000_000 / 3)
    let result = Self.pipeline.tagger.tag(repeated)
    #expect(result.annotations.isEmpty)
    #expect(result.patternSteps <= repeated.count * 4)
    let line = Array(String(repeating: "2022年2月11日，江苏经济技术开发区印发《实施方案》", count: 5_000_000 / 75).unicodeScalars)
    let tagged = Self.pipeline.tagger.tag(line)
    #expect(tagged.annotations.count >= 4 * (5_000_000 / 75))
  }
}
