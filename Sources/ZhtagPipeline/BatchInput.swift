// Where articles come from: files and folders, stdin, or JSONL records (for Spark pipes).
// Inputs are produced one at a time, so a run over millions of files never holds their list.
import Foundation
import ZhtagCore

/// One input to process: where its bytes come from and the id its outputs get.
public struct BatchInput: Sendable {
  public enum Content: Sendable {
    case file(String)
    case stdin
    /// Bytes given inline (JSONL input); `html` says the record used the `html` field.
    case inline([UInt8], html: Bool)
    /// An input that could not be read as such (a bad JSONL line, an unreadable JSONL file or
    /// folder): the article fails with this error, and so still gets its line in the output.
    case invalid(Diagnostic)
  }

  public var id: String
  /// Written as `source.path`: the file path, `-`, or `<jsonl-file>:<line>`.
  public var path: String
  public var content: Content

  public init(id: String, path: String, content: Content) {
    self.id = id
    self.path = path
    self.content = content
  }
}

/// The inputs of a run, read lazily in a fixed order: arguments in the order given; a folder
/// recursively, each folder's entries in byte order of their names (a subfolder sorts as
/// `name/`, so the order is that of the full paths sorted), hidden names skipped, symbolic
/// links to files read and to folders not followed; `-` is stdin. With `jsonl`, each line of
/// each argument is one article. Iterating twice gives the same inputs (except from stdin).
///
/// Memory: the names of the folders being walked (about 40 bytes an entry, for the largest
/// folder and its parents) and 16 bytes an input to keep ids unique; nothing else grows with
/// the number of inputs.
public struct BatchInputs: Sequence, Sendable {
  public enum Format: Sendable { case files, jsonl }

  public var arguments: [String]
  public var format: Format

  public init(_ arguments: [String], format: Format = .files) {
    self.arguments = arguments
    self.format = format
  }

  public func makeIterator() -> Iterator { Iterator(arguments: arguments, format: format) }

  /// The number of inputs and their bytes, for a progress line's ETA: a second, unsorted walk
  /// that stats each file (run it beside the batch, not before). Nil when the inputs cannot be
  /// counted without reading them (stdin, JSONL).
  public func totals() -> (count: Int, bytes: Int)? {
    guard format == .files, !arguments.contains("-") else { return nil }
    var count = 0
    var bytes = 0
    for argument in arguments {
      var info = stat()
      if stat(argument, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
        DirectoryListing.count(argument.hasSuffix("/") ? String(argument.dropLast()) : argument, &count, &bytes)
      } else {
        count += 1
        bytes += Int(info.st_size)
      }
    }
    return (count, bytes)
  }

  public final class Iterator: IteratorProtocol {
    private var arguments: IndexingIterator<[String]>
    private let format: Format
    /// The folders being walked, innermost last.
    private var folders: [DirectoryListing] = []
    private var lines: JSONLReader?
    private var ids = UniqueIDs()

    init(arguments: [String], format: Format) {
      self.arguments = arguments.makeIterator()
      self.format = format
    }

    public func next() -> BatchInput? {
      while true {
        if let reader = lines {
          if let input = reader.next(&ids) { return input }
          lines = nil
          continue
        }
        if let folder = folders.last {
          guard let entry = folder.next() else {
            folders.removeLast()
            continue
          }
          let path = folder.path + "/" + entry.name
          if entry.isDirectory {
            if let failure = enter(path) { return failure }
            continue
          }
          return BatchInput(id: ids.make(Batch.id(for: entry.name)), path: path, content: .file(path))
        }
        guard let argument = arguments.next() else { return nil }
        if format == .jsonl {
          if let reader = JSONLReader(path: argument) {
            lines = reader
            continue
          }
          return invalid(argument, "cannot read file")
        }
        if argument == "-" { return BatchInput(id: ids.make("stdin"), path: "-", content: .stdin) }
        var info = stat()
        if stat(argument, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
          if let failure = enter(argument.hasSuffix("/") ? String(argument.dropLast()) : argument) { return failure }
          continue
        }
        // Paths that do not exist are kept: they fail when read, so they get their line.
        return BatchInput(id: ids.make(Batch.id(for: argument)), path: argument, content: .file(argument))
      }
    }

    /// Starts walking a folder; a folder that cannot be listed becomes a failed input.
    private func enter(_ path: String) -> BatchInput? {
      guard let listing = DirectoryListing(path: path) else { return invalid(path, "cannot read folder") }
      folders.append(listing)
      return nil
    }

    private func invalid(_ path: String, _ message: String) -> BatchInput {
      BatchInput(id: ids.make(Batch.id(for: path)), path: path,
                 content: .invalid(Diagnostic(.error, "input.unreadable", message, at: SourceLocation(file: path))))
    }
  }
}

/// The entries of one folder, sorted, with their names packed in one byte array (a `String`
/// per name would cost about twice as much for a folder of a million files).
final class DirectoryListing {
  struct Entry {
    var offset: UInt32
    var length: UInt16
    var isDirectory: Bool
  }

  let path: String
  private var names: [UInt8] = []
  private var entries: [Entry] = []
  private var position = 0

  /// Nil when the folder cannot be opened.
  init?(path: String) {
    self.path = path
    guard let directory = opendir(path) else { return nil }
    defer { closedir(directory) }
    // A first pass sizes the arrays, so that a folder of a million names is not copied as the
    // arrays grow (which would briefly hold it twice).
    var count = 0
    var bytes = 0
    while let pointer = readdir(directory) {
      count += 1
      bytes += withUnsafeBytes(of: pointer.pointee.d_name) { $0.prefix { $0 != 0 }.count } + 1
    }
    names.reserveCapacity(bytes)
    entries.reserveCapacity(count)
    rewinddir(directory)
    while let pointer = readdir(directory) {
      guard let kind = Self.kind(pointer, in: path) else { continue }
      let isDirectory = kind == .directory
      let offset = names.count
      precondition(offset < Int(UInt32.max) - 512, "\(path): too many names in one folder")
      withUnsafeBytes(of: pointer.pointee.d_name) { raw in
        names.append(contentsOf: raw.prefix { $0 != 0 })
      }
      // A subfolder sorts as `name/`, so that this order is the order of the full paths.
      if isDirectory { names.append(UInt8(ascii: "/")) }
      entries.append(Entry(offset: UInt32(offset), length: UInt16(names.count - offset), isDirectory: isDirectory))
    }
    names.withUnsafeBufferPointer { bytes in
      let base = bytes.baseAddress!
      entries.sort { a, b in
        let common = Int(min(a.length, b.length))
        let order = memcmp(base + Int(a.offset), base + Int(b.offset), common)
        return order != 0 ? order < 0 : a.length < b.length
      }
    }
  }

  func next() -> (name: String, isDirectory: Bool)? {
    guard position < entries.count else {
      // Done: give the memory back before the parent folder goes on.
      names = []
      entries = []
      return nil
    }
    let entry = entries[position]
    position += 1
    let length = Int(entry.length) - (entry.isDirectory ? 1 : 0)
    let start = Int(entry.offset)
    return (String(decoding: names[start..<(start + length)], as: UTF8.self), entry.isDirectory)
  }

  enum Kind { case file, directory }

  /// What an entry is, from the type readdir gives (a stat only when it gives none): hidden
  /// names are skipped, links to folders are not followed (no loops), anything else is a file
  /// (and fails when read if it is not a regular one).
  static func kind(_ entry: UnsafeMutablePointer<dirent>, in folder: String) -> Kind? {
    let first = entry.pointee.d_name.0
    if first == CChar(UInt8(ascii: ".")) { return nil }
    switch Int32(entry.pointee.d_type) {
    case Int32(DT_DIR): return .directory
    case Int32(DT_REG): return .file
    case Int32(DT_UNKNOWN):
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      var info = stat()
      guard lstat(folder + "/" + name, &info) == 0 else { return .file }
      switch info.st_mode & S_IFMT {
      case S_IFDIR: return .directory
      case S_IFLNK:
        return stat(folder + "/" + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR ? nil : .file
      default: return .file
      }
    case Int32(DT_LNK):
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      var info = stat()
      return stat(folder + "/" + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR ? nil : .file
    default: return .file
    }
  }

  /// Counts the files under a folder and adds up their sizes, without sorting or keeping names.
  static func count(_ path: String, _ count: inout Int, _ bytes: inout Int) {
    guard let directory = opendir(path) else { return }
    defer { closedir(directory) }
    while let pointer = readdir(directory) {
      guard let kind = kind(pointer, in: path) else { continue }
      let name = withUnsafeBytes(of: pointer.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      if kind == .directory {
        Self.count(path + "/" + name, &count, &bytes)
      } else {
        var info = stat()
        if stat(path + "/" + name, &info) == 0 { bytes += Int(info.st_size) }
        count += 1
      }
    }
  }
}

/// Reads JSONL input one line at a time: `{"id": …, "text" | "html" | "base64": …}`. A line
/// that is not such a record becomes an input that fails with the reason (its line still
/// appears in the output).
final class JSONLReader {
  private let handle: FileHandle
  /// Names the stream in paths (`-` for stdin).
  private let source: String
  private var pending: [UInt8] = []
  private var start = 0
  private var finished = false
  private var lineNumber = 0

  init?(path: String) {
    if path == "-" {
      handle = FileHandle.standardInput
    } else {
      var info = stat()
      guard stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR,
        let file = FileHandle(forReadingAtPath: path)
      else { return nil }
      handle = file
    }
    source = path
  }

  func next(_ ids: inout UniqueIDs) -> BatchInput? {
    while let line = nextLine() {
      lineNumber += 1
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
      return Batch.jsonlInput(line, number: lineNumber, source: source, ids: &ids)
    }
    return nil
  }

  private func nextLine() -> ArraySlice<UInt8>? {
    while true {
      if let newline = pending[start...].firstIndex(of: 0x0A) {
        let line = pending[start..<newline]
        start = newline + 1
        return line
      }
      if finished {
        guard start < pending.count else { return nil }
        let line = pending[start...]
        start = pending.count
        return line
      }
      // Keep only the unread part, then read on.
      pending.removeSubrange(0..<start)
      start = 0
      let chunk = handle.readData(ofLength: 1 << 20)
      if chunk.isEmpty { finished = true } else { pending += chunk }
    }
  }
}

extension Batch {
  /// Files, folders (recursively) and `-` (stdin), read lazily: see `BatchInputs`.
  public static func inputs(_ arguments: [String]) -> BatchInputs { BatchInputs(arguments) }

  /// JSONL files (or `-`), one article a line, read lazily: see `BatchInputs`.
  public static func jsonlInputs(_ arguments: [String]) -> BatchInputs { BatchInputs(arguments, format: .jsonl) }

  /// One JSONL input line (its number counts from 1) as an input.
  static func jsonlInput(_ line: ArraySlice<UInt8>, number: Int, source: String, ids: inout UniqueIDs) -> BatchInput {
    let path = "\(source):\(number)"
    func invalid(_ message: String, id: String? = nil) -> BatchInput {
      BatchInput(id: ids.make(id.map(Self.safeID) ?? "line-\(number)"), path: path,
                 content: .invalid(Diagnostic(.error, "input.jsonl", message,
                                              at: SourceLocation(file: source, line: number))))
    }
    guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
      return invalid("not a JSON object")
    }
    let id = (object["id"] as? String) ?? (object["id"] as? NSNumber)?.stringValue ?? "line-\(number)"
    let content: BatchInput.Content
    if let text = object["text"] as? String {
      content = .inline(Array(text.utf8), html: false)
    } else if let html = object["html"] as? String {
      content = .inline(Array(html.utf8), html: true)
    } else if let encoded = object["base64"] as? String, let bytes = Data(base64Encoded: encoded) {
      content = .inline(Array(bytes), html: false)
    } else {
      return invalid("needs a string field 'text', 'html' or 'base64'", id: object["id"] == nil ? nil : id)
    }
    return BatchInput(id: ids.make(Self.safeID(id)), path: path, content: content)
  }

  /// The file name without its extension, with characters unsafe in file names replaced.
  static func id(for path: String) -> String {
    var name = (path as NSString).lastPathComponent
    if let dot = name.lastIndex(of: "."), dot != name.startIndex { name = String(name[..<dot]) }
    return safeID(name)
  }

  static func safeID(_ name: String) -> String {
    let safe = name.unicodeScalars.map { scalar -> Character in
      scalar == "/" || scalar == "\\" || scalar.value < 0x20 || scalar == ":" ? "_" : Character(scalar)
    }
    return safe.isEmpty ? "article" : String(safe)
  }

  /// The bytes of an input, or the failure that stands for it.
  static func read(_ input: BatchInput) -> Result<[UInt8], ArticleFailure> {
    func failure(_ message: String) -> Result<[UInt8], ArticleFailure> {
      .failure(ArticleFailure(
        id: input.id, path: input.path, sha256: nil, byteCount: nil,
        error: Diagnostic(.error, "input.unreadable", message, at: SourceLocation(file: input.path))))
    }
    switch input.content {
    case .stdin:
      return .success(Array(FileHandle.standardInput.readDataToEndOfFile()))
    case .inline(let bytes, _):
      return .success(bytes)
    case .invalid(let diagnostic):
      return .failure(ArticleFailure(id: input.id, path: input.path, sha256: nil, byteCount: nil, error: diagnostic))
    case .file(let path):
      switch readFile(path) {
      case .success(let bytes): return .success(bytes)
      case .failure(let error): return failure(error.message)
      }
    }
  }

  struct ReadError: Error { var message: String }

  /// A file's bytes with one open, fstat and read (no Data in between: this runs once per
  /// article, on the workers).
  static func readFile(_ path: String) -> Result<[UInt8], ReadError> {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      return .failure(ReadError(message: errno == ENOENT || errno == ENOTDIR
        ? "no such file" : "cannot read file (permission denied or not a regular file)"))
    }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { return .failure(ReadError(message: "cannot read file")) }
    if (info.st_mode & S_IFMT) == S_IFDIR { return .failure(ReadError(message: "is a directory")) }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      return .failure(ReadError(message: "cannot read file (permission denied or not a regular file)"))
    }
    // Read up to the size fstat gave, then on to the end (the file may have grown).
    let size = max(Int(info.st_size), 0)
    var failed = false
    var bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
      count = 0
      while count < size {
        let got = Glibc.read(descriptor, buffer.baseAddress! + count, size - count)
        if got > 0 {
          count += got
        } else if got < 0, errno == EINTR {
          continue
        } else {
          failed = got < 0
          break
        }
      }
    }
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1 << 16) { chunk in
      while !failed {
        let got = Glibc.read(descriptor, chunk.baseAddress!, chunk.count)
        if got > 0 {
          bytes += chunk[0..<got]
        } else if got < 0, errno == EINTR {
          continue
        } else {
          failed = got < 0
          break
        }
      }
    }
    return failed ? .failure(ReadError(message: "cannot read file")) : .success(bytes)
  }
}

/// Makes ids unique within a run: the second `a` is `a~2` (and never an id given out before,
/// even one that came from a file named `a~2`). Only a 128-bit hash of each id is kept,
/// 16 bytes an input instead of the string; two different ids share one with odds of about
/// n²/2¹²⁹ (10⁻²⁶ for a million inputs).
struct UniqueIDs {
  private var given: Set<UInt128> = []
  /// The last suffix given to a name that came more than once, so that the n-th copy of a
  /// name costs one step, not n.
  private var suffixes: [UInt128: Int] = [:]

  mutating func make(_ base: String) -> String {
    let key = Self.hash(base)
    if given.insert(key).inserted { return base }
    var suffix = suffixes[key, default: 1]
    while true {
      suffix += 1
      let candidate = "\(base)~\(suffix)"
      if given.insert(Self.hash(candidate)).inserted {
        suffixes[key] = suffix
        return candidate
      }
    }
  }

  /// FNV-1a, 128 bits: fixed (Swift's Hasher is seeded per process), so ids do not depend on
  /// the run.
  static func hash(_ string: String) -> UInt128 {
    var hash: UInt128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d
    let prime: UInt128 = (1 << 88) | 0x13b
    for byte in string.utf8 {
      hash ^= UInt128(byte)
      hash = hash &* prime
    }
    return hash
  }
}
