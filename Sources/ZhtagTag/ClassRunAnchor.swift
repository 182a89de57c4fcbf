// Where patterns can start, found before any attempt. A pattern anchored on an annotation with
// attribute tests (<GPE zone=new-area>) is tried only at the annotations that pass them.
// A pattern that begins with a run of one character class can start only inside that run. For
// `name:[^breaker punct]{2,14} suffix:@org-suffixes` the anchor (the suffix) proposes every start
// from 2 to 14 characters back; a match can only start inside the unbroken run of that class
// right before the suffix, so the tagger proposes just those starts (exactly the same matches,
// far fewer attempts: the run usually ends a few characters back, at punctuation).
import ZhtagCore
import ZhtagRules

extension Tagger {
  /// The class of the run, when everything before the pattern's anchor is one repetition of
  /// one character class and the anchor (a text, texts or a lexicon) comes right after it.
  static func leadingRun(_ node: PatternNode, classes definitions: [String: CharacterClassDefinition])
    -> ClassMatcher?
  {
    func unwrap(_ node: PatternNode) -> PatternNode { node.withoutCaptures }
    guard case .sequence = node.withoutCaptures else { return nil }
    let flat = node.topLevelElements
    guard flat.count >= 2, case .repetition(let repeated, _, _) = unwrap(flat[0]),
      case .characterClass(let names, let negated) = unwrap(repeated)
    else { return nil }
    switch unwrap(flat[1]) {
    case .literal, .lexicon: break
    case .alternation(let options):
      for option in options {
        guard case .literal = unwrap(option) else { return nil }
      }
    default: return nil
    }
    var scalars: Set<Unicode.Scalar> = []
    var builtIns: Set<String> = []
    for name in names {
      if let definition = definitions[name] { scalars.formUnion(definition.scalars) } else { builtIns.insert(name) }
    }
    return ClassMatcher(builtIns: builtIns, scalars: scalars, negated: negated)
  }

  /// The attribute tests of the first annotation reference of the top-level sequence (the
  /// anchor, when the anchor is an annotation).
  static func anchorTests(_ node: PatternNode) -> [AttributeTest] {
    func unwrap(_ node: PatternNode) -> PatternNode { node.withoutCaptures }
    let flat = node.topLevelElements
    for item in flat {
      switch unwrap(item) {
      case .annotation(_, let tests): return tests
      case .literal, .lexicon: return []
      default: continue
      }
    }
    return []
  }
}
