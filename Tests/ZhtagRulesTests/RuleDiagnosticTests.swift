// Every rule-file problem gives a file:line:col diagnostic; broken files never crash.
import Foundation
import Testing
import ZhtagCore
import ZhtagRules
import ZhtagTestSupport

/// A minimal rules folder in a temporary directory, with files replaced as a test needs.
struct RulesFolder {
  let root: String

  static let lexicon = """
    # about: test list
    # source: written for the tests
    # used-by: entity/test.yaml
    # columns: kind
    经开区\tetdz
    高新区\thitech

    """

  static let rule = """
    rules:
      - id: zone
        label: ZONE
        lexicon: zones
        attributes: {kind: $kind}
        examples: [嘉兴⟦经开区⟧]

    """

  init(_ files: [String: String] = [:]) throws {
    root = Fixtures.temporaryDirectory("rules") + "/rules"
    var all: [String: String] = [
      "pipeline.yaml": """
        decode: {punctuation: d.tsv, t2s-characters: d.tsv, t2s-phrases: d.tsv, t2s-overrides: d.tsv, protected: d.tsv}
        clean: {rules: [clean.yaml], meta-labels: d.tsv, site-furniture: d.tsv}
        segment: {marks: d.tsv}
        tag:
          lexicons: lexicons
          phases:
            - name: main
              files: [entity/test.yaml]

        """,
      "d.tsv": "# about: empty\n# source: tests\n# used-by: tests\n",
      "clean.yaml": "rules: []\n",
      "lexicons/zones.txt": Self.lexicon,
      "entity/test.yaml": Self.rule,
    ]
    for (name, text) in files { all[name] = text }
    for (name, text) in all {
      let path = root + "/" + name
      try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
  }

  func load() -> RuleLoadResult { RuleLoader(directory: root).load() }

  /// The diagnostics as the CLI prints them, with the temporary prefix cut off.
  func messages() -> [String] {
    load().diagnostics.map { $0.description.replacingOccurrences(of: root + "/", with: "") }
  }
}

@Suite struct RuleDiagnosticTests {
  @Test func theTestFolderItselfLoads() throws {
    let result = try RulesFolder().load()
    #expect(result.errors.isEmpty, "\(result.diagnostics)")
    #expect(result.ruleSet?.ruleBook.allRules.count == 1)
  }

  /// Each case: a broken rule file and the exact first line of the diagnostic it must give.
  @Test(arguments: [
    ("  - id: zone\n    lable: ZONE\n", "entity/test.yaml:3:5: error: unknown key 'lable' in a rule (known: id, doc, label, priority, lexicon, words, pattern, attributes, not-followed-by, not-preceded-by, examples, rejects)"),
    ("  - id: zone\n    label: ZONE\n    lexicon: zone\n", "entity/test.yaml:4:14: error: unknown lexicon 'zone' (known: zones)"),
    ("  - id: Zone_1\n    label: ZONE\n", "entity/test.yaml:2:9: error: rule id 'Zone_1' must be lower-case letters, digits and '-'"),
    ("  - id: zone\n    label: ZONE\n    lexicon: zones\n    words: [经开区]\n", "entity/test.yaml:2:5: error: a rule needs exactly one of 'lexicon', 'words' or 'pattern'"),
    ("  - id: zone\n    label: ZONE\n    lexicon: zones\n    attributes: {kind: $type}\n", "entity/test.yaml:5:24: error: lexicon 'zones' has no column 'type' (columns: kind)"),
    ("  - id: zone\n    label: ZONE\n    words: [经开区]\n    attributes: {kind: $kind}\n", "entity/test.yaml:5:24: error: '$kind' reads a lexicon column, but this rule has no lexicon"),
    ("  - id: zone\n    label: ZONE\n    words: [经开区]\n    examples: [嘉兴⟦经开区]\n", "entity/test.yaml:5:16: error: example has unbalanced ⟦ ⟧ markers"),
    ("  - id: zone\n    label: ZONE\n    words: [经开区]\n    examples:\n      - 推荐访问: x\n", "entity/test.yaml:6:9: error: an example must be a text, but YAML read 'key: value' here; put the text in quotes"),
    ("  - id: zone\n    label: [ZONE\n", "entity/test.yaml:4:13: error: YAML syntax: did not find expected ',' or ']'"),
    ("  - id: zone\n    label: ZONE\n    words: [经开区]\n    priority: high\n", "entity/test.yaml:5:15: error: 'priority' must be a whole number"),
  ])
  func brokenTagRule(_ body: String, _ expected: String) throws {
    let folder = try RulesFolder(["entity/test.yaml": "rules:\n" + body + (body.contains("examples") ? "" : "    examples: [经开区]\n")])
    let messages = folder.messages()
    #expect(messages.contains { $0.hasPrefix(expected) }, "got:\n\(messages.joined(separator: "\n"))")
  }

  /// Pattern problems point at the character in the pattern, or at the pattern.
  @Test(arguments: [
    ("    pattern: \"[han]{1,} 区\"\n", "entity/test.yaml:4:23: error: a repeat needs an upper bound: write {m,n}"),
    ("    pattern: '经开区 [han]+'\n", "entity/test.yaml:4:24: error: '+' is unbounded; patterns must be bounded: write {1,N} (N ≤ 64)"),
    ("    pattern: \"%place 区\"\n", "entity/test.yaml:4:14: error: unknown macro '%place' (known: none)"),
    ("    pattern: \"<GPE> @zones\"\n", "entity/test.yaml:4:14: error: no earlier phase produces <GPE> (earlier labels: none)"),
    ("    pattern: \"[hanzi] 区\"\n", "entity/test.yaml:4:14: error: unknown character class 'hanzi' (known: any, digit, han, latin, lower, newline, punct, space, upper)"),
    ("    pattern: \"@zone\"\n", "entity/test.yaml:4:14: error: unknown lexicon 'zone' (known: zones)"),
    ("    pattern: \"k:@zones\"\n    attributes: {kind: $z.kind}\n", "entity/test.yaml:5:24: error: the pattern has no capture 'z' (captures: k)"),
    ("    pattern: \"@zones\"\n    not-preceded-by: \"@zones\"\n", "entity/test.yaml:5:22: error: 'not-preceded-by' must have a bounded length (no lexicon or annotation references)"),
  ])
  func brokenPattern(_ body: String, _ expected: String) throws {
    let text = "rules:\n  - id: zone\n    label: ZONE\n" + body + "    examples: [经开区]\n"
    let messages = try RulesFolder(["entity/test.yaml": text]).messages()
    #expect(messages.contains { $0.hasPrefix(expected) }, "got:\n\(messages.joined(separator: "\n"))")
  }

  @Test(arguments: [
    ("    pattern: \"k:@zones\"\n    attributes: {kind: nosuch($k)}\n", "entity/test.yaml:5:24: error: unknown function 'nosuch' (known: "),
    ("    pattern: \"k:@zones\"\n    attributes: {kind: \"lookup(zones, $k)\"}\n", "entity/test.yaml:5:24: error: lookup takes 3 argument(s), got 2"),
    ("    pattern: \"k:@zones\"\n    attributes: {kind: \"concat($k, )\"}\n", "entity/test.yaml:5:24: error: an argument of concat(…) is empty"),
    ("    pattern: \"k:@zones\"\n    attributes: {kind: \"concat($z)\"}\n", "entity/test.yaml:5:24: error: the pattern has no capture 'z' (captures: k)"),
  ])
  func brokenFunctionCall(_ body: String, _ expected: String) throws {
    let text = "rules:\n  - id: zone\n    label: ZONE\n" + body + "    examples: [经开区]\n"
    let messages = try RulesFolder(["entity/test.yaml": text]).messages()
    #expect(messages.contains { $0.hasPrefix(expected) }, "got:\n\(messages.joined(separator: "\n"))")
  }

  @Test func macroCyclesAndDuplicatesAreReported() throws {
    let text = "macros:\n  a: \"%b 区\"\n  b: \"%a\"\nrules:\n  - id: zone\n    label: ZONE\n    pattern: \"%a\"\n    examples: [经开区]\n"
    let messages = try RulesFolder(["entity/test.yaml": text]).messages()
    #expect(messages.contains { $0.hasPrefix("entity/test.yaml:7:14: error: macros refer to each other in a cycle: a → b → a") }, "\(messages)")
  }

  @Test func macrosAreSharedAcrossFilesAndLabelsFlowToLaterPhases() throws {
    let pipeline = """
      decode: {punctuation: d.tsv, t2s-characters: d.tsv, t2s-phrases: d.tsv, t2s-overrides: d.tsv, protected: d.tsv}
      clean: {rules: [clean.yaml], meta-labels: d.tsv, site-furniture: d.tsv}
      segment: {marks: d.tsv}
      tag:
        lexicons: lexicons
        macros: [macros.yaml]
        phases:
          - name: first
            files: [entity/test.yaml]
          - name: second
            files: [entity/later.yaml]

      """
    let later = "rules:\n  - id: later\n    label: PLACE\n    pattern: \"<ZONE> %tail\"\n    examples: [经开区管委会]\n"
    let folder = try RulesFolder(["pipeline.yaml": pipeline, "macros.yaml": "macros:\n  tail: 管委会\n",
                                  "entity/later.yaml": later])
    let result = folder.load()
    #expect(result.errors.isEmpty, "\(result.diagnostics)")
    #expect(result.ruleSet?.ruleBook.phases.map(\.rules.count) == [1, 1])
  }

  @Test(arguments: [
    ("rules:\n  - id: zone\n    label: ZONE\n    words: [经开区]\n    examples: [\"⟦⟧\"]\n", "entity/test.yaml:5:16: error: example text is empty"),
    ("rules:\n  - just a text\n", "entity/test.yaml:2:5: error: a rule must be a mapping (key: value)"),
    ("rules: 经开区\n", "entity/test.yaml:1:8: error: 'rules' must be a list"),
    ("rules:\n  - id: zone\n    label: ZONE\n    pattern: \"k:\"\n    examples: [经开区]\n", "entity/test.yaml:4:17: error: expected a pattern element here"),
    ("macros:\n  a: 区\n  a: 园\nrules: []\n", "entity/test.yaml:3:3: error: macro 'a' is defined twice (first at"),
  ])
  func otherRuleFileProblems(_ text: String, _ expected: String) throws {
    let messages = try RulesFolder(["entity/test.yaml": text]).messages()
    #expect(messages.contains { $0.hasPrefix(expected) }, "got:\n\(messages.joined(separator: "\n"))")
  }

  @Test func aPhaseDeclaredTwice() throws {
    let pipeline = """
      decode: {punctuation: d.tsv, t2s-characters: d.tsv, t2s-phrases: d.tsv, t2s-overrides: d.tsv, protected: d.tsv}
      clean: {rules: [clean.yaml], meta-labels: d.tsv, site-furniture: d.tsv}
      segment: {marks: d.tsv}
      tag:
        lexicons: lexicons
        phases:
          - name: main
            files: [entity/test.yaml]
          - name: main
            files: []

      """
    let messages = try RulesFolder(["pipeline.yaml": pipeline]).messages()
    #expect(messages.contains { $0.hasPrefix("pipeline.yaml:9:7: error: phase 'main' is declared twice") }, "\(messages)")
  }

  @Test func missingLabelAndExamplesAreReportedTogether() throws {
    let folder = try RulesFolder(["entity/test.yaml": "rules:\n  - id: zone\n    words: [经开区]\n"])
    let messages = folder.messages()
    #expect(messages.contains { $0.hasPrefix("entity/test.yaml:2:5: error: a rule needs 'label'") })
    #expect(messages.contains { $0.hasPrefix("entity/test.yaml:2:5: error: a rule needs at least one example under 'examples'") })
  }

  @Test func duplicateIDsNameTheFirstDefinition() throws {
    let two = RulesFolder.rule + "  - id: zone\n    label: ZONE\n    words: [园区]\n    examples: [园区]\n"
    let messages = try RulesFolder(["entity/test.yaml": two]).messages()
    #expect(messages.contains { $0.hasPrefix("entity/test.yaml:7:9: error: duplicate rule id 'zone' (first defined at") })
  }

  @Test(arguments: [
    ("# about: x\n# source: y\n经开区\n", "lexicons/zones.txt:3:1: error: lexicon header needs '# used-by: …' before the first entry"),
    ("# about: x\n# source: y\n# used-by: z\n经开区\tetdz\n", "lexicons/zones.txt:4:5: error: lexicon line has 1 field(s) after the entry, the header declares 0"),
    ("# about: x\n# source: y\n# used-by: z\n# columns: kind\n经开区\n经开区\n", "lexicons/zones.txt:6:1: error: entry '经开区' repeats line 5"),
    ("# about: x\n# source: y\n# used-by: z\n# columns: kind\n\tetdz\n", "lexicons/zones.txt:5:1: error: lexicon line has an empty entry before the tab"),
    ("# about: x\n# source: y\n# used-by: z\n 经开区\n", "lexicons/zones.txt:4:1: error: entry has leading or trailing spaces"),
  ])
  func brokenLexicon(_ text: String, _ expected: String) throws {
    let messages = try RulesFolder(["lexicons/zones.txt": text]).messages()
    #expect(messages.contains { $0.hasPrefix(expected) }, "got:\n\(messages.joined(separator: "\n"))")
  }

  /// mention-links.tsv names character classes in its `between` column; unknown ones are errors.
  @Test func unknownClassInMentionLinks() throws {
    let links = """
      # name: mention-links
      # about: x
      # source: y
      # used-by: z
      # columns: operation\tkey\tother\twithin\tunless\tbetween
      POST\tattach\tposts\tPERSON\t\t\tspace list-separator

      """
    let messages = try RulesFolder(["lexicons/mention-links.tsv": links]).messages()
    #expect(messages.contains {
      $0.hasPrefix("lexicons/mention-links.tsv:6:34: error: unknown character class 'list-separator' (known: any, digit, han")
    }, "got:\n\(messages.joined(separator: "\n"))")
  }

  @Test(arguments: [
    ("rules:\n  - id: x\n    reason: r\n    drop: [a]\n", "clean.yaml:2:5: error: a line rule needs at least one of starts, ends, contains, equals, only, max-length"),
    ("rules:\n  - id: x\n    action: hide\n    starts: [a]\n    drop: [a]\n", "clean.yaml:3:13: error: unknown action 'hide' (expected drop, meta or footer)"),
    ("rules:\n  - id: x\n    starts: [a]\n", "clean.yaml:2:5: error: a clean rule needs 'drop'"),
    // excludes only narrows a rule, like max-length: alone it is not a test.
    ("rules:\n  - id: x\n    excludes: [。]\n    max-length: 9\n    drop: [a]\n", "clean.yaml:2:5: error: a line rule needs at least one of starts, ends, contains, equals, only, max-length"),
    ("rules:\n  - id: x\n    contains: [a]\n    excludes: {b: c}\n    drop: [a]\n", "clean.yaml:4:15: error: 'excludes' must be a list"),
  ])
  func brokenCleanRule(_ text: String, _ expected: String) throws {
    let messages = try RulesFolder(["clean.yaml": text]).messages()
    #expect(messages.contains { $0.hasPrefix(expected) }, "got:\n\(messages.joined(separator: "\n"))")
  }

  @Test func pipelineProblems() throws {
    let pipeline = """
      decode: {punctuation: d.tsv, t2s-characters: d.tsv, t2s-phrases: nope.tsv, t2s-overrides: d.tsv, protected: d.tsv}
      clean: {rules: [clean.yaml], meta-labels: d.tsv, site-furniture: d.tsv}
      segment: {marks: d.tsv}
      tag:
        conflicts: longest
        lexicons: lexicons
        phases:
          - name: main
            files: [entity/test.yaml, entity/none.yaml]
      extra: 1

      """
    let messages = try RulesFolder(["pipeline.yaml": pipeline]).messages()
    #expect(messages.contains { $0.hasPrefix("pipeline.yaml:1:66: error: file 'nope.tsv' named here does not exist") })
    #expect(messages.contains { $0.hasPrefix("pipeline.yaml:5:14: error: unknown conflict mode 'longest' (expected best or keep-all)") })
    #expect(messages.contains { $0.hasPrefix("pipeline.yaml:9:33: error: file 'entity/none.yaml' named here does not exist") })
    #expect(messages.contains { $0.hasPrefix("pipeline.yaml:10:1: error: unknown key 'extra' in pipeline.yaml") })
  }

  @Test func aFileThatIsNotUTF8IsReportedNotCrashed() throws {
    let folder = try RulesFolder()
    try Data([0x72, 0x75, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: folder.root + "/entity/test.yaml"))
    #expect(folder.messages().contains { $0 == "entity/test.yaml: error: cannot read this file: not UTF-8" })
  }

  /// Every prefix of every real rule file, and random byte edits of them, load without
  /// crashing and either succeed or say where the problem is.
  @Test func truncatedAndMangledRuleFilesNeverCrash() throws {
    let real = Fixtures.text(Fixtures.path("rules/entity/zones.yaml"))
    let scalars = Array(real.unicodeScalars)
    var seed: UInt64 = 7
    var variants: [String] = stride(from: 0, to: scalars.count, by: 7).map {
      String(String.UnicodeScalarView(scalars[0..<$0]))
    }
    for _ in 0..<60 {
      var copy = scalars
      for _ in 0..<3 {
        seed = seed &* 6364136223846793005 &+ 1442695040888963407
        let position = Int(seed >> 33) % copy.count
        let pick: [Unicode.Scalar] = [":", "[", "]", "{", "-", "\n", " ", "⟦", "\"", "$", "#", "\t"]
        copy[position] = pick[Int(seed >> 20) % pick.count]
      }
      variants.append(String(String.UnicodeScalarView(copy)))
    }
    let folder = try RulesFolder()
    let lexicon = Fixtures.text(Fixtures.path("rules/lexicons/zone-kinds.txt"))
    try lexicon.write(toFile: folder.root + "/lexicons/zone-kinds.txt", atomically: true, encoding: .utf8)
    for variant in variants {
      try variant.write(toFile: folder.root + "/entity/test.yaml", atomically: true, encoding: .utf8)
      let result = folder.load()
      for diagnostic in result.errors {
        #expect(diagnostic.location != nil, "\(diagnostic)")
      }
    }
  }
}
