// Where articles come from: files and folders, stdin, or JSONL records (for Spark pipes).
import Foundation
import ZhtagCore

/// One input to process: where its bytes come from and the id its outputs get.
public struct BatchInput: Sendable {
  public enum Content: Sendable {
    case file(String)
    case stdin
    /// Bytes given inline (JSONL input); `html` says the record used the `html` field.
    case inline([UInt8], html: Bool)
    /// A JSONL input line that could not be read: the article fails with this error.
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

  /// Size in bytes when known without reading (files: from the file system).
  var knownSize: Int {
    switch content {
    case .file(let path):
      return ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    case .inline(let bytes, _): return bytes.count
    case .stdin, .invalid: return 0
    }
  }
}

extension Batch {
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
    var ids = UniqueIDs()
    return paths.map { path in
      BatchInput(id: ids.make(path == "-" ? "stdin" : Self.id(for: path)), path: path,
                 content: path == "-" ? .stdin : .file(path))
    }
  }

  /// Reads JSONL input: one `{"id": …, "text" | "html" | "base64": …}` per line. A line that
  /// is not such a record becomes an input that fails with the reason (its line still
  /// appears in the output). `source` names the stream in paths (`-` for stdin).
  public static func jsonlInputs(_ data: Data, source: String) -> [BatchInput] {
    var ids = UniqueIDs()
    var inputs: [BatchInput] = []
    var lineNumber = 0
    for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      lineNumber += 1
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
      let path = "\(source):\(lineNumber)"
      func invalid(_ message: String, id: String? = nil) -> BatchInput {
        BatchInput(id: ids.make(id.map(Self.safeID) ?? "line-\(lineNumber)"), path: path,
                   content: .invalid(Diagnostic(.error, "input.jsonl", message,
                                                at: SourceLocation(file: source, line: lineNumber))))
      }
      guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
        inputs.append(invalid("not a JSON object"))
        continue
      }
      let id = (object["id"] as? String) ?? (object["id"] as? NSNumber)?.stringValue ?? "line-\(lineNumber)"
      let content: BatchInput.Content
      if let text = object["text"] as? String {
        content = .inline(Array(text.utf8), html: false)
      } else if let html = object["html"] as? String {
        content = .inline(Array(html.utf8), html: true)
      } else if let encoded = object["base64"] as? String, let bytes = Data(base64Encoded: encoded) {
        content = .inline(Array(bytes), html: false)
      } else {
        inputs.append(invalid("needs a string field 'text', 'html' or 'base64'", id: object["id"] == nil ? nil : id))
        continue
      }
      inputs.append(BatchInput(id: ids.make(Self.safeID(id)), path: path, content: content))
    }
    return inputs
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

  /// Makes ids unique within a run: the second `a` is `a~2`.
  struct UniqueIDs {
    var used: [String: Int] = [:]
    mutating func make(_ base: String) -> String {
      let count = used[base, default: 0] + 1
      used[base] = count
      return count == 1 ? base : "\(base)~\(count)"
    }
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
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        return failure("no such file")
      }
      if isDirectory.boolValue { return failure("is a directory") }
      guard let data = FileManager.default.contents(atPath: path) else {
        return failure("cannot read file (permission denied or not a regular file)")
      }
      return .success(Array(data))
    }
  }
}
