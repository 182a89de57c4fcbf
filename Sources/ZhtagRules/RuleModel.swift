// The rule language as data: tag rules with their examples, phases, the rule book.
import ZhtagCore

/// How an attribute of a match gets its value.
public enum AttributeValue: Hashable, Sendable {
  /// A fixed text.
  case literal(String)
  /// A column of the lexicon entry that matched (`$kind`), for lexicon rules; for pattern
  /// rules, the text of a capture (`$year`).
  case column(String)
  /// An attribute of the lexicon entry or annotation a capture matched (`$zone.kind`).
  case captureAttribute(capture: String, attribute: String)
  /// A function of captures and texts, computed by the engine (`number($value)`); the known
  /// functions are listed in `AttributeFunctionSignature.known`.
  case function(name: String, arguments: [AttributeValue])
}

/// What a rule matches.
public enum RuleMatcher: Hashable, Sendable {
  /// Every entry of a lexicon in `rules/lexicons/`.
  case lexicon(String)
  /// A short inline list of words.
  case words([String])
  /// A pattern over characters, lexicons and earlier annotations (macros expanded).
  case pattern(PatternNode)
}

/// A named character class: built in (`han`, `digit`…) or defined in `rules/classes.tsv`.
public struct CharacterClassDefinition: Hashable, Sendable {
  public var name: String
  public var scalars: Set<Unicode.Scalar>

  public init(name: String, scalars: Set<Unicode.Scalar>) {
    self.name = name
    self.scalars = scalars
  }

  /// Classes defined by Unicode properties, in code.
  public static let builtIn: Set<String> = ["han", "digit", "latin", "upper", "lower", "space", "newline", "punct", "any"]
}

/// An example under a rule: a text that must (or must not) match.
public struct RuleExample: Hashable, Sendable, CustomStringConvertible {
  /// The text with the `⟦ ⟧` markers removed.
  public var text: String
  /// The marked spans, in code points of `text`. Empty for an unmarked example, which
  /// must match as a whole.
  public var spans: [TextRange]
  /// Attributes the match must carry.
  public var attributes: [String: String]
  public var file: String
  public var line: Int
  public var ruleID: String
  /// True for `rejects:` entries.
  public var isReject: Bool

  public init(text: String, spans: [TextRange], attributes: [String: String], file: String,
              line: Int, ruleID: String, isReject: Bool) {
    self.text = text
    self.spans = spans
    self.attributes = attributes
    self.file = file
    self.line = line
    self.ruleID = ruleID
    self.isReject = isReject
  }

  public var description: String {
    "\(file):\(line) \(ruleID) \(isReject ? "rejects" : "matches") \(text)"
  }
}

/// One tag rule.
public struct TagRule: Hashable, Sendable {
  public var reference: RuleReference
  public var label: String
  public var priority: Int
  public var matcher: RuleMatcher
  /// In the order written.
  public var attributes: [String: AttributeValue]
  public var attributeOrder: [String]
  public var examples: [RuleExample]
  public var rejects: [RuleExample]
  /// The match is dropped when this pattern matches right after it.
  public var notFollowedBy: PatternNode?
  /// The match is dropped when this pattern matches right before it.
  public var notPrecededBy: PatternNode?

  public init(reference: RuleReference, label: String, priority: Int, matcher: RuleMatcher,
              attributes: [String: AttributeValue], attributeOrder: [String],
              examples: [RuleExample], rejects: [RuleExample],
              notFollowedBy: PatternNode? = nil, notPrecededBy: PatternNode? = nil) {
    self.notFollowedBy = notFollowedBy
    self.notPrecededBy = notPrecededBy
    self.reference = reference
    self.label = label
    self.priority = priority
    self.matcher = matcher
    self.attributes = attributes
    self.attributeOrder = attributeOrder
    self.examples = examples
    self.rejects = rejects
  }
}

/// An ordered step of tagging; later phases see what earlier ones produced.
public struct Phase: Hashable, Sendable {
  public var name: String
  public var rules: [TagRule]

  public init(name: String, rules: [TagRule]) {
    self.name = name
    self.rules = rules
  }
}

/// How overlapping candidates are settled (the policy is in rules/README.md).
public enum ConflictMode: String, Sendable {
  /// Higher priority, then longer span, then earlier rule, then earlier offset.
  case best
  /// Keep every candidate (for review and `explain`).
  case keepAll = "keep-all"
}

/// Everything the tag engine needs: phases in order and the lexicons they name.
public struct RuleBook: Sendable {
  public var phases: [Phase]
  public var lexicons: [String: Lexicon]
  public var conflicts: ConflictMode
  /// Character classes defined as data, by name.
  public var classes: [String: CharacterClassDefinition]

  public init(phases: [Phase], lexicons: [String: Lexicon], conflicts: ConflictMode = .best,
              classes: [String: CharacterClassDefinition] = [:]) {
    self.phases = phases
    self.lexicons = lexicons
    self.conflicts = conflicts
    self.classes = classes
  }

  public var allRules: [TagRule] { phases.flatMap(\.rules) }
}

/// The whole of `rules/`, loaded and checked.
public struct RuleSet: Sendable {
  public var directory: String
  public var ruleBook: RuleBook
  /// Decode tables by role: `punctuation`, `t2s-characters`, `t2s-phrases`, `t2s-overrides`,
  /// `protected`.
  public var decodeTables: [String: Lexicon]
  public var lineRules: [LineRule]
  /// Metadata labels (`发布时间` → date) for clean.
  public var metaLabels: Lexicon
  /// Known site banners and slogans for clean.
  public var siteFurniture: Lexicon
  /// Sentence-end and closing marks for segment.
  public var segmentMarks: Lexicon
  /// sha256 over every file read, in path order; changes whenever any rule or list changes.
  public var hash: String
  /// Warnings found while loading (errors stop the load).
  public var warnings: [Diagnostic]
  /// The other tables of clean by their key in pipeline.yaml (`features`, `surnames`,
  /// `bylines`, `html-tags`).
  public var cleanTables: [String: Lexicon] = [:]
}
