// Loads rules/: pipeline.yaml, lexicons, tag rules, clean rules and tables; reports every
// problem at once as `file:line:col: error: …`.
import Foundation
import Yams
import ZhtagCore

/// The result of loading `rules/`: the rule set when there were no errors, and every
/// diagnostic found.
public struct RuleLoadResult: Sendable {
  public var ruleSet: RuleSet?
  public var diagnostics: [Diagnostic]
  public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
}

/// Reads a rules directory. Paths in diagnostics are shown relative to the directory's
/// parent, as the user typed it (`rules/entity/zone.yaml`).
public struct RuleLoader {
  public var directory: String
  /// Makes, from the decode tables, the function applied to lexicon entries, line patterns
  /// and inline words so that they match normalised text (width, script). The pipeline passes
  /// the decode stage's normaliser; lists are never kept in several variant copies.
  public typealias NormaliserFactory = @Sendable ([String: Lexicon]) -> @Sendable (String) -> String
  public var makeNormaliser: NormaliserFactory

  public init(directory: String, makeNormaliser: @escaping NormaliserFactory = { _ in { $0 } }) {
    self.directory = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    self.makeNormaliser = makeNormaliser
  }

  private final class State {
    var diagnostics: [Diagnostic] = []
    var hashedFiles: [(String, Data)] = []
    var normalise: @Sendable (String) -> String = { $0 }
  }

  /// Keys of pipeline.yaml sections that may be left out.
  static let optionalKeys = Set(["conflicts", "doc", "classes", "macros"] + cleanTableKeys + decodeOptionalKeys)
  /// Decode tables a rules folder may leave out (no regional variants, no markup repair, ICU's
  /// readings only).
  static let decodeOptionalKeys = ["tw-variants", "tw-variant-phrases", "hk-variants", "hk-variant-phrases",
                                   "pinyin-readings", "pinyin-syllables", "html-entities", "html-tags"]
  /// Tables of the clean stage besides its rules, labels and furniture (optional; clean has
  /// built-in fallbacks), handed over in `RuleSet.cleanTables` by key.
  static let cleanTableKeys = ["features", "surnames", "bylines", "html-tags"]

  public func load() -> RuleLoadResult {
    let state = State()
    let pipelinePath = directory + "/pipeline.yaml"
    guard let (pipelineReader, root) = readYAML(pipelinePath, state) else {
      return RuleLoadResult(ruleSet: nil, diagnostics: state.diagnostics)
    }
    var config: [String: Node] = [:]
    for pair in pipelineReader.mapping(root, "pipeline.yaml", known: ["decode", "clean", "segment", "tag"]) ?? [] {
      config[pair.key] = pair.value
    }
    func section(_ name: String, known: [String]) -> [String: Node] {
      guard let node = config[name] else {
        pipelineReader.error(RuleMessages.missingKey(name, in: "pipeline.yaml"), line: 1, column: 1)
        return [:]
      }
      var result: [String: Node] = [:]
      for pair in pipelineReader.mapping(node, "'\(name)'", known: known) ?? [] {
        result[pair.key] = pair.value
      }
      for key in known where result[key] == nil && !Self.optionalKeys.contains(key) {
        pipelineReader.error(RuleMessages.missingKey(key, in: "'\(name)'"), at: node)
      }
      return result
    }
    func lexicon(_ node: Node?, _ what: String, normalised: Bool = false) -> Lexicon {
      guard let node, let relative = pipelineReader.text(node, what) else {
        return Lexicon(name: what, file: what, entries: [])
      }
      return readLexicon(relative, named: node, reader: pipelineReader, normalised: normalised, state)
    }

    // decode
    let decodeKeys = ["punctuation", "t2s-characters", "t2s-phrases", "t2s-overrides", "protected",
                      "tw-variants", "tw-variant-phrases", "hk-variants", "hk-variant-phrases",
                      "pinyin-readings", "pinyin-syllables", "html-entities", "html-tags"]
    let decodeConfig = section("decode", known: decodeKeys)
    var decodeTables: [String: Lexicon] = [:]
    for key in decodeKeys { decodeTables[key] = lexicon(decodeConfig[key], key) }
    if !state.diagnostics.contains(where: { $0.severity == .error }) {
      state.normalise = makeNormaliser(decodeTables)
    }

    // clean
    let cleanConfig = section("clean", known: ["rules", "meta-labels", "site-furniture"] + Self.cleanTableKeys)
    var lineRules: [LineRule] = []
    var ids: [String: String] = [:]
    if let files = cleanConfig["rules"] {
      for node in pipelineReader.list(files, "'clean.rules'") ?? [] {
        guard let relative = pipelineReader.text(node, "a clean rule file") else { continue }
        lineRules += readLineRules(relative, named: node, pipeline: pipelineReader, ids: &ids, state)
      }
    }
    let metaLabels = lexicon(cleanConfig["meta-labels"], "meta-labels", normalised: true)
    let furniture = lexicon(cleanConfig["site-furniture"], "site-furniture", normalised: true)
    var cleanTables: [String: Lexicon] = [:]
    for key in Self.cleanTableKeys where cleanConfig[key] != nil {
      cleanTables[key] = lexicon(cleanConfig[key], key, normalised: true)
    }

    // segment
    let segmentConfig = section("segment", known: ["marks"])
    let segmentMarks = lexicon(segmentConfig["marks"], "marks")

    // tag
    let tagConfig = section("tag", known: ["conflicts", "lexicons", "phases", "classes", "macros"])
    var conflicts = ConflictMode.best
    if let node = tagConfig["conflicts"], let text = pipelineReader.text(node, "'conflicts'") {
      if let mode = ConflictMode(rawValue: text) { conflicts = mode } else {
        pipelineReader.error(RuleMessages.badConflictMode(text), at: node)
      }
    }
    var lexicons: [String: Lexicon] = [:]
    if let node = tagConfig["lexicons"], let folder = pipelineReader.text(node, "'lexicons'") {
      let url = URL(fileURLWithPath: directory + "/" + folder)
      let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
      if names.isEmpty { pipelineReader.error(RuleMessages.missingFile(folder), at: node) }
      for name in names.sorted() where name.hasSuffix(".txt") || name.hasSuffix(".tsv") {
        let relative = (folder.hasSuffix("/") ? folder : folder + "/") + name
        let loaded = readLexicon(relative, named: node, reader: pipelineReader, normalised: true, state)
        lexicons[loaded.name] = loaded
      }
    }
    var classes: [String: CharacterClassDefinition] = [:]
    if let node = tagConfig["classes"] {
      let table = lexicon(node, "classes")
      for entry in table.entries {
        classes[entry.key] = CharacterClassDefinition(
          name: entry.key, scalars: Set((entry.fields.first ?? "").unicodeScalars.filter { $0 != " " }))
      }
    }

    checkLinkClasses(lexicons["mention-links"], classes: classes, state)

    // Read every rule file first: macros may be used in any file, whichever phase defines them.
    struct RuleFile { var phase: Int; var reader: RuleFileReader; var root: Node }
    var phaseNames: [String] = []
    var files: [RuleFile] = []
    var macroFiles: [(RuleFileReader, Node)] = []
    if let node = tagConfig["macros"] {
      for fileNode in pipelineReader.list(node, "'macros'") ?? [] {
        guard let relative = pipelineReader.text(fileNode, "a macro file") else { continue }
        guard FileManager.default.fileExists(atPath: display(relative)) else {
          pipelineReader.error(RuleMessages.missingFile(relative), at: fileNode)
          continue
        }
        if let (reader, root) = readYAML(display(relative), state) { macroFiles.append((reader, root)) }
      }
    }
    if let node = tagConfig["phases"] {
      for phaseNode in pipelineReader.list(node, "'phases'") ?? [] {
        var name: String?
        var fileNodes: [Node] = []
        for pair in pipelineReader.mapping(phaseNode, "a phase", known: ["name", "files"]) ?? [] {
          if pair.key == "name" { name = pipelineReader.text(pair.value, "'name'") }
          if pair.key == "files" { fileNodes = pipelineReader.list(pair.value, "'files'") ?? [] }
        }
        guard let name else {
          pipelineReader.error(RuleMessages.missingKey("name", in: "a phase"), at: phaseNode)
          continue
        }
        if phaseNames.contains(name) { pipelineReader.error(RuleMessages.duplicatePhase(name), at: phaseNode) }
        phaseNames.append(name)
        for fileNode in fileNodes {
          guard let relative = pipelineReader.text(fileNode, "a rule file") else { continue }
          guard FileManager.default.fileExists(atPath: display(relative)) else {
            pipelineReader.error(RuleMessages.missingFile(relative), at: fileNode)
            continue
          }
          if let (reader, root) = readYAML(display(relative), state) {
            files.append(RuleFile(phase: phaseNames.count - 1, reader: reader, root: root))
          }
        }
      }
    }
    var macros: [String: PatternNode] = [:]
    var macroPlaces: [String: String] = [:]
    for (reader, root) in macroFiles + files.map({ ($0.reader, $0.root) }) {
      guard case .mapping(let mapping) = root, let node = mapping["macros"] else { continue }
      guard case .mapping(let definitions) = node else {
        reader.error(RuleMessages.expectedMapping("'macros'"), at: node)
        continue
      }
      for (keyNode, valueNode) in definitions {
        guard let name = keyNode.string else { continue }
        if let first = macroPlaces[name] {
          reader.error(RuleMessages.duplicateMacro(name, first: first), at: keyNode)
          continue
        }
        macroPlaces[name] = "\(reader.path):\(keyNode.mark?.line ?? 0)"
        if let pattern = PatternReader.parse(valueNode, reader: reader) { macros[name] = pattern }
      }
    }
    var phases = phaseNames.map { Phase(name: $0, rules: []) }
    var earlierLabels: Set<String> = []
    for index in phases.indices {
      let context = TagRuleContext(lexicons: lexicons, classes: classes, macros: macros,
                                   earlierLabels: earlierLabels, normalise: state.normalise)
      for file in files where file.phase == index {
        let reader = file.reader
        for pair in reader.mapping(file.root, reader.path, known: ["doc", "rules", "macros"]) ?? []
        where pair.key == "rules" {
          for ruleNode in reader.list(pair.value, "'rules'") ?? [] {
            if let rule = TagRuleReader.read(ruleNode, reader: reader, context: context, ids: &ids) {
              phases[index].rules.append(rule)
            }
          }
        }
      }
      earlierLabels.formUnion(phases[index].rules.map(\.label))
    }
    for (reader, root) in macroFiles {
      _ = reader.mapping(root, reader.path, known: ["doc", "macros"])
    }
    state.diagnostics += (macroFiles.map(\.0) + files.map(\.reader)).flatMap(\.diagnostics)
    state.diagnostics = pipelineReader.diagnostics + state.diagnostics

    let hash = Digest.sha256Hex(
      state.hashedFiles.sorted(by: { $0.0 < $1.0 }).flatMap { [Array($0.0.utf8), Array($0.1)] })
    let errors = state.diagnostics.filter { $0.severity == .error }
    let ruleSet = RuleSet(
      directory: directory,
      ruleBook: RuleBook(phases: phases, lexicons: lexicons, conflicts: conflicts, classes: classes),
      decodeTables: decodeTables, lineRules: lineRules, metaLabels: metaLabels,
      siteFurniture: furniture, segmentMarks: segmentMarks, hash: hash,
      warnings: state.diagnostics.filter { $0.severity != .error }, cleanTables: cleanTables)
    return RuleLoadResult(ruleSet: errors.isEmpty ? ruleSet : nil, diagnostics: state.diagnostics)
  }

  // MARK: - Files

  /// `rules/x/y.yaml` as the user sees it.
  private func display(_ relative: String) -> String { directory + "/" + relative }

  private func readText(_ path: String, _ state: State) -> String? {
    guard let data = FileManager.default.contents(atPath: path) else {
      state.diagnostics.append(
        Diagnostic(.error, "rules.unreadable", RuleMessages.unreadable("no such file"),
                   at: SourceLocation(file: path)))
      return nil
    }
    state.hashedFiles.append((path, data))
    guard let text = String(data: data, encoding: .utf8) else {
      state.diagnostics.append(
        Diagnostic(.error, "rules.unreadable", RuleMessages.unreadable("not UTF-8"),
                   at: SourceLocation(file: path)))
      return nil
    }
    return text
  }

  private func readYAML(_ path: String, _ state: State) -> (RuleFileReader, Node)? {
    guard let text = readText(path, state) else { return nil }
    let reader = RuleFileReader(path: path, text: text)
    guard let root = reader.compose(text) else {
      state.diagnostics += reader.diagnostics
      return nil
    }
    return (reader, root)
  }

  private func readLexicon(_ relative: String, named node: Node, reader: RuleFileReader,
                           normalised: Bool, _ state: State) -> Lexicon
  {
    let path = display(relative)
    guard FileManager.default.fileExists(atPath: path) else {
      reader.error(RuleMessages.missingFile(relative), at: node)
      return Lexicon(name: relative, file: path, entries: [])
    }
    guard let text = readText(path, state) else { return Lexicon(name: relative, file: path, entries: []) }
    let lexiconReader = RuleFileReader(path: path, text: text)
    let lexicon = LexiconLoader.parse(text, path: path, normalise: normalised ? state.normalise : { $0 },
                                      into: lexiconReader)
    state.diagnostics += lexiconReader.diagnostics
    return lexicon
  }

  /// The character classes named in the `between` column of the mention-links table
  /// (Sources/ZhtagTag/MentionLinker.swift) must exist, as those of patterns must: an unknown
  /// name would match nothing, silently.
  private func checkLinkClasses(_ links: Lexicon?, classes: [String: CharacterClassDefinition], _ state: State) {
    guard let links, let column = links.column("between") else { return }
    let known = CharacterClassDefinition.builtIn.union(classes.keys)
    var reader: RuleFileReader?
    var lines: [Substring] = []
    for entry in links.entries {
      for name in (entry.field(column) ?? "").split(separator: " ").map(String.init) where !known.contains(name) {
        if reader == nil, let data = FileManager.default.contents(atPath: links.file),
          let text = String(data: data, encoding: .utf8)
        {
          reader = RuleFileReader(path: links.file, text: text)
          lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        }
        let line = entry.line >= 1 && entry.line <= lines.count ? lines[entry.line - 1] : ""
        let column = line.range(of: name).map { line.distance(from: line.startIndex, to: $0.lowerBound) + 1 } ?? 1
        reader?.error(RuleMessages.unknownClass(name, known: known.sorted()), line: entry.line, column: column)
      }
    }
    state.diagnostics += reader?.diagnostics ?? []
  }

  private func readLineRules(_ relative: String, named node: Node, pipeline: RuleFileReader,
                             ids: inout [String: String], _ state: State) -> [LineRule]
  {
    let path = display(relative)
    guard FileManager.default.fileExists(atPath: path) else {
      pipeline.error(RuleMessages.missingFile(relative), at: node)
      return []
    }
    guard let (reader, root) = readYAML(path, state) else { return [] }
    defer { state.diagnostics += reader.diagnostics }
    var rules: [LineRule] = []
    for pair in reader.mapping(root, relative, known: ["doc", "rules"]) ?? [] where pair.key == "rules" {
      for ruleNode in reader.list(pair.value, "'rules'") ?? [] {
        if let rule = LineRuleReader.read(ruleNode, reader: reader, normalise: state.normalise, ids: &ids) {
          rules.append(rule)
        }
      }
    }
    return rules
  }


}
