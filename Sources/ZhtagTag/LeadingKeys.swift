// Anchoring patterns that begin with a small character class ([digit], [cn-digit]…): their
// matches must start with one of the class's characters, so each character becomes a key of
// the shared automaton, and attempts start only where one occurs instead of at every
// character. Used only when a pattern has no fixed text, lexicon or annotation to anchor on.
import ZhtagCore
import ZhtagRules

extension Tagger {
  /// Built-in classes small enough to list (ASCII only).
  static let listableBuiltIns: [String: [Unicode.Scalar]] = [
    "digit": (0x30...0x39).map { Unicode.Scalar(UInt8($0)) },
    "upper": (0x41...0x5A).map { Unicode.Scalar(UInt8($0)) },
    "lower": (0x61...0x7A).map { Unicode.Scalar(UInt8($0)) },
    "latin": ((0x41...0x5A).map { $0 } + (0x61...0x7A).map { $0 }).map { Unicode.Scalar(UInt8($0)) },
  ]

  /// At most this many keys per pattern: beyond that, a class is no better than `everywhere`.
  static let maxLeadingKeys = 512

  /// The texts every match of `node` must begin with, or nil when they cannot be listed
  /// (negated or open-ended classes such as [han], an annotation). Optional elements at the
  /// start add their own first characters to those of the element after them.
  static func leadingKeys(_ node: PatternNode, classes: [String: CharacterClassDefinition])
    -> [[Unicode.Scalar]]?
  {
    var keys: [[Unicode.Scalar]] = []
    var seen: Set<[Unicode.Scalar]> = []
    func collect(_ node: PatternNode) -> Bool {
      switch node {
      case .literal(let scalars):
        guard let first = scalars.first else { return false }
        if seen.insert([first]).inserted { keys.append([first]) }
        return true
      case .characterClass(let names, let negated):
        guard !negated else { return false }
        for name in names {
          let members: [Unicode.Scalar]
          if let definition = classes[name] {
            members = definition.scalars.sorted { $0.value < $1.value }
          } else if let listed = listableBuiltIns[name] {
            members = listed
          } else {
            return false
          }
          for scalar in members where seen.insert([scalar]).inserted { keys.append([scalar]) }
        }
        return true
      case .sequence(let items):
        // The first element that cannot be empty, with the optional ones before it.
        for item in items {
          if case .repetition(let inner, 0, _) = item {
            guard collect(inner) else { return false }
            continue
          }
          guard item.lengthBounds().min >= 1 else { return false }
          return collect(item)
        }
        return false
      case .alternation(let options):
        return options.allSatisfy(collect)
      case .repetition(let inner, let min, _):
        return min >= 1 && collect(inner)
      case .capture(_, let inner):
        return collect(inner)
      case .lexicon, .annotation, .macro:
        return false
      }
    }
    guard collect(node), !keys.isEmpty, keys.count <= maxLeadingKeys else { return nil }
    return keys
  }
}
