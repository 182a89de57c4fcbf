// Runs the pipeline over files, folders and stdin, writing one XML per article and one
// JSONL line per input; a broken article is reported and the batch goes on.
import Foundation
import ZhtagCore
import ZhtagWrite

/// One input to process: where its bytes come from and the id its outputs get.
public struct BatchInput: Sendable, Hashable {
  public var path: String
  public var id: String
}

/// What a batch did.
public struct BatchReport: Sendable {
  public var succeeded = 0
  public var failures: [ArticleFailure] = []
  public var total: Int { succeeded + failures.count }

  /// 0 when every article succeeded, 1 when some failed (DESIGN: exit codes in README).
  public var exitCode: Int32 { failures.isEmpty ? 0 : 1 }
}

/// An output file could not be written: the run stops (exit code 3).
public struct OutputError: Error, Sendable, CustomStringConvertible {
  public var path: String
  public var reason: String
  public var description: String { "\(path): error: cannot write output: \(reason)" }
}

public struct Batch {
  public var pipeline: Pipeline
  public var outputDirectory: String
  public var writeXML = true
  /// Called with each failure as it happens (the CLI prints it to stderr).
  public var onFailure: (ArticleFailure) -> Void = { _ in }

  public init(pipeline: Pipeline, outputDirectory: String) {
    self.pipeline = pipeline
    self.outputDirectory = outputDirectory
  }

  /// Expands files, folders (recursively, sorted, hidden files skipped) and `-` (stdin) into
  /// inputs with unique ids. Paths that do not exist are kept: they fail when read, so they
  /// still get their line in the output.
  public static func inputs(_ arguments: [String]) -> [BatchInput] {
    var paths: [String] = []
    let manager = FileManager.default
    for argument in arguments {
      var isDirectory: ObjCBool = false
      if argument != "-", manager.fileExists(atPath: argument, isDirectory: &isDirectory),
        isDirectory.boolValue
      {
        let base = argument.hasSuffix("/") ? String(argument.dropLast()) : argument
        var found: [String] = []
        if let walker = manager.enumerator(atPath: base) {
          while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
              walker.skipDescendants()
              continue
            }
            var childIsDirectory: ObjCBool = false
            let full = base + "/" + relative
            if manager.fileExists(atPath: full, isDirectory: &childIsDirectory), !childIsDirectory.boolValue {
              found.append(full)
            }
          }
        }
        paths += found.sorted()
      } else {
        paths.append(argument)
      }
    }
    var used: [String: Int] = [:]
    return paths.map { path in
      let base = path == "-" ? "stdin" : Self.id(for: path)
      let count = used[base, default: 0] + 1
      used[base] = count
      return BatchInput(path: path, id: count == 1 ? base : "\(base)~\(count)")
    }
  }

  /// The file name without its extension, with characters unsafe in file names replaced.
  static func id(for path: String) -> String {
    var name = (path as NSString).lastPathComponent
    if let dot = name.lastIndex(of: "."), dot != name.startIndex { name = String(name[..<dot]) }
    let safe = name.unicodeScalars.map { scalar -> Character in
      scalar == "/" || scalar == "\\" || scalar.value < 0x20 || scalar == ":" ? "_" : Character(scalar)
    }
    return safe.isEmpty ? "article" : String(safe)
  }

  /// Processes every input in order; throws only when outputs cannot be written.
  public func run(_ inputs: [BatchInput]) throws(OutputError) -> BatchReport {
    do {
      try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
    } catch {
      throw OutputError(path: outputDirectory, reason: error.localizedDescription)
    }
    var report = BatchReport()
    // JSONL goes to a temporary file as articles finish, and is renamed at the end.
    let jsonlPath = outputDirectory + "/annotations.jsonl"
    let jsonlPartial = outputDirectory + "/.annotations.jsonl.partial"
    guard FileManager.default.createFile(atPath: jsonlPartial, contents: nil),
      let jsonl = FileHandle(forWritingAtPath: jsonlPartial)
    else { throw OutputError(path: jsonlPartial, reason: "cannot create file") }
    func append(_ bytes: [UInt8]) throws(OutputError) {
      do { try jsonl.write(contentsOf: bytes) } catch {
        throw OutputError(path: jsonlPartial, reason: error.localizedDescription)
      }
    }
    for input in inputs {
      let outcome: Result<Document, ArticleFailure>
      switch Self.read(input) {
      case .success(let bytes): outcome = pipeline.process(bytes, id: input.id, path: input.path)
      case .failure(let failure): outcome = .failure(failure)
      }
      switch outcome {
      case .success(let document):
        report.succeeded += 1
        try append(JSONLRecord.encode(document))
        if writeXML { try write(XMLArticle.encode(document), to: input.id + ".xml") }
      case .failure(let failure):
        report.failures.append(failure)
        onFailure(failure)
        try append(JSONLRecord.encode(failure))
        if writeXML { try write(XMLArticle.encode(failure), to: input.id + ".xml") }
      }
    }
    do {
      try jsonl.close()
      if FileManager.default.fileExists(atPath: jsonlPath) { try FileManager.default.removeItem(atPath: jsonlPath) }
      try FileManager.default.moveItem(atPath: jsonlPartial, toPath: jsonlPath)
    } catch {
      throw OutputError(path: jsonlPath, reason: error.localizedDescription)
    }
    return report
  }

  static func read(_ input: BatchInput) -> Result<[UInt8], ArticleFailure> {
    func failure(_ message: String) -> Result<[UInt8], ArticleFailure> {
      .failure(ArticleFailure(
        id: input.id, path: input.path, sha256: nil, byteCount: nil,
        error: Diagnostic(.error, "input.unreadable", message, at: SourceLocation(file: input.path))))
    }
    if input.path == "-" {
      return .success(Array(FileHandle.standardInput.readDataToEndOfFile()))
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: input.path, isDirectory: &isDirectory) else {
      return failure("no such file")
    }
    if isDirectory.boolValue { return failure("is a directory") }
    guard let data = FileManager.default.contents(atPath: input.path) else {
      return failure("cannot read file (permission denied or not a regular file)")
    }
    return .success(Array(data))
  }

  /// Writes through a temporary file and a rename, so an interrupted run never leaves a
  /// truncated file that looks complete.
  func write(_ bytes: [UInt8], to name: String) throws(OutputError) {
    let path = outputDirectory + "/" + name
    let temporary = outputDirectory + "/." + name + ".partial"
    do {
      try Data(bytes).write(to: URL(fileURLWithPath: temporary))
      if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
      try FileManager.default.moveItem(atPath: temporary, toPath: path)
    } catch {
      throw OutputError(path: path, reason: error.localizedDescription)
    }
  }
}
