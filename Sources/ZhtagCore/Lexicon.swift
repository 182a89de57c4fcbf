// Word lists and tables as plain data, the shape every stage receives them in.

/// One line of a lexicon: a key and its tab-separated fields, with the line it came from.
public struct LexiconEntry: Hashable, Sendable {
  public var key: String
  public var fields: [String]
  public var line: Int

  public init(key: String, fields: [String] = [], line: Int = 0) {
    self.key = key
    self.fields = fields
    self.line = line
  }

  /// The field named `name`, using the column names of the lexicon header.
  public func field(_ index: Int) -> String? { index < fields.count ? fields[index] : nil }
}

/// A list loaded from `rules/`: a name, the file it came from, column names, and entries.
///
/// Lexicon files open with a header (`# name:`, `# columns:`, `# source:`, `# used-by:`); the
/// loader in ZhtagRules reads and checks it. Stages only see this value.
public struct Lexicon: Hashable, Sendable {
  public var name: String
  public var file: String
  /// Names of the tab-separated columns after the key.
  public var columns: [String]
  public var entries: [LexiconEntry]

  public init(name: String, file: String, columns: [String] = [], entries: [LexiconEntry]) {
    self.name = name
    self.file = file
    self.columns = columns
    self.entries = entries
  }

  /// Index of a named column among the fields, if the header declares it.
  public func column(_ name: String) -> Int? { columns.firstIndex(of: name) }
}
