// Every message the rules loader can give, in one place (tests assert each one).
import ZhtagCore

enum RuleMessages {
  static func unreadable(_ reason: String) -> String { "cannot read this file: \(reason)" }
  static func yamlSyntax(_ problem: String) -> String { "YAML syntax: \(problem)" }
  static func expectedMapping(_ what: String) -> String { "\(what) must be a mapping (key: value)" }
  static func expectedList(_ what: String) -> String { "\(what) must be a list" }
  static func expectedText(_ what: String) -> String { "\(what) must be a text" }
  static func textReadAsMapping(_ what: String) -> String {
    "\(what) must be a text, but YAML read 'key: value' here; put the text in quotes"
  }
  static func expectedInteger(_ what: String) -> String { "\(what) must be a whole number" }
  static func unknownKey(_ key: String, in what: String, known: [String]) -> String {
    "unknown key '\(key)' in \(what) (known: \(known.joined(separator: ", ")))"
  }
  static func missingKey(_ key: String, in what: String) -> String { "\(what) needs '\(key)'" }
  static func duplicateID(_ id: String, first: String) -> String {
    "duplicate rule id '\(id)' (first defined at \(first))"
  }
  static func badID(_ id: String) -> String {
    "rule id '\(id)' must be lower-case letters, digits and '-'"
  }
  static func oneMatcher() -> String { "a rule needs exactly one of 'lexicon', 'words' or 'pattern'" }
  static func emptyArgument(_ function: String) -> String { "an argument of \(function)(…) is empty" }
  static func unknownFunction(_ name: String, known: [String]) -> String {
    "unknown function '\(name)' (known: \(known.joined(separator: ", ")))"
  }
  static func functionArity(_ signature: AttributeFunctionSignature, got: Int) -> String {
    let expected = signature.minArguments == signature.maxArguments
      ? "\(signature.minArguments)" : "\(signature.minArguments) to \(signature.maxArguments)"
    return "\(signature.name) takes \(expected) argument(s), got \(got): \(signature.doc)"
  }
  static func unknownCapture(_ name: String, known: [String]) -> String {
    "the pattern has no capture '\(name)' (captures: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
  }
  static func unknownMacro(_ name: String, known: [String]) -> String {
    "unknown macro '%\(name)' (known: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
  }
  static func macroCycle(_ path: String) -> String { "macros refer to each other in a cycle: \(path)" }
  static func unknownLabel(_ label: String, known: [String]) -> String {
    "no earlier phase produces <\(label)> (earlier labels: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
  }
  static func unknownClass(_ name: String, known: [String]) -> String {
    "unknown character class '\(name)' (known: \(known.joined(separator: ", ")))"
  }
  static func unboundedLookbehind() -> String {
    "'not-preceded-by' must have a bounded length (no lexicon or annotation references)"
  }
  static func duplicateMacro(_ name: String, first: String) -> String {
    "macro '\(name)' is defined twice (first at \(first))"
  }
  static func unknownLexicon(_ name: String, known: [String]) -> String {
    "unknown lexicon '\(name)' (known: \(known.joined(separator: ", ")))"
  }
  static func unknownColumn(_ column: String, lexicon: String, known: [String]) -> String {
    "lexicon '\(lexicon)' has no column '\(column)' (columns: \(known.joined(separator: ", ")))"
  }
  static func columnWithoutLexicon(_ column: String) -> String {
    "'$\(column)' reads a lexicon column, but this rule has no lexicon"
  }
  static func noExamples() -> String { "a rule needs at least one example under 'examples'" }
  static func unbalancedMarkers() -> String { "example has unbalanced ⟦ ⟧ markers" }
  static func emptyExample() -> String { "example text is empty" }
  static func missingFile(_ path: String) -> String { "file '\(path)' named here does not exist" }
  static func duplicatePhase(_ phase: String) -> String { "phase '\(phase)' is declared twice" }
  static func badConflictMode(_ mode: String) -> String {
    "unknown conflict mode '\(mode)' (expected best or keep-all)"
  }
  static func lexiconHeader(_ key: String) -> String {
    "lexicon header needs '# \(key): …' before the first entry"
  }
  static func lexiconEmptyKey() -> String { "lexicon line has an empty entry before the tab" }
  static func lexiconFieldCount(_ got: Int, _ expected: Int) -> String {
    "lexicon line has \(got) field(s) after the entry, the header declares \(expected)"
  }
  static func lexiconDuplicate(_ key: String, firstLine: Int) -> String {
    "entry '\(key)' repeats line \(firstLine)"
  }
  static func lexiconSpaces() -> String { "entry has leading or trailing spaces" }
  static func badAction(_ action: String) -> String {
    "unknown action '\(action)' (expected drop, meta or footer)"
  }
  static func noTests() -> String {
    "a line rule needs at least one of starts, ends, contains, equals, only, max-length"
  }
}
