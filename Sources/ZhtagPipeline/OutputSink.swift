// Writes a batch's outputs: XML files and the JSONL through temporary files and renames, a
// manifest of every input, and what an interrupted or earlier run left, for --resume.
import Foundation
import ZhtagCore
import ZhtagWrite

/// The output side of a batch. In directory mode:
/// - `<id>.xml` are written to `.<id>.xml.partial`, then renamed (by the workers);
/// - `annotations.jsonl`, `manifest.jsonl` and `quotas.csv` grow as `.annotations.jsonl.partial`,
///   `.manifest.jsonl.partial` and `.quotas.csv.partial` and are renamed when the run ends, so an
///   interrupted run never leaves a truncated file under the final name. quotas.csv is made from
///   the JSONL lines, copied ones included, so a resumed run writes the same rows.
/// With resume, the previous run's manifest and JSONL (final or partial) are read forward as
/// the inputs come (`PreviousRun`); an input whose id, input sha256 and rules hash match an
/// `ok` or `skipped` entry, whose XML exists and whose JSONL line is there, is skipped and its
/// old line copied.
final class OutputSink: @unchecked Sendable {
  let directory: String?
  private var jsonl: FileHandle
  private var manifest: FileHandle?
  /// quotas.csv, made from the JSONL lines (QuotaCSV.swift), so skipped articles keep their rows.
  private var csv: FileHandle?
  private var buffer: [UInt8] = []
  private var manifestBuffer: [UInt8] = []
  private var csvBuffer: [UInt8] = []
  /// Buffers are written out past this size: large writes, and little lost to a kill.
  private static let flushSize = 256 << 10
  private var previousRun: PreviousRun?
  private var moved: [String] = []

  /// What an earlier run left for one input.
  struct Previous: Sendable {
    var sha256: String
    /// Its JSONL line, newline included.
    var line: [UInt8]
  }

  init(directory: String?, resume: Bool, rulesHash: String) throws(OutputError) {
    self.directory = directory
    guard let directory else {
      jsonl = FileHandle.standardOutput
      return
    }
    let manager = FileManager.default
    do { try manager.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
      throw OutputError(path: directory, reason: error.localizedDescription)
    }
    if resume {
      // The earlier run's files: final names when it ended, partial ones when it was cut off.
      for name in ["manifest.jsonl", "annotations.jsonl"] {
        let final = directory + "/" + name
        let partial = directory + "/." + name + ".partial"
        let keep = directory + "/." + name + ".previous"
        try? manager.removeItem(atPath: keep)
        if manager.fileExists(atPath: partial) {
          try? manager.moveItem(atPath: partial, toPath: keep)
        } else if manager.fileExists(atPath: final) {
          try? manager.copyItem(atPath: final, toPath: keep)
        }
        moved.append(keep)
      }
      previousRun = PreviousRun(manifest: directory + "/.manifest.jsonl.previous",
                                annotations: directory + "/.annotations.jsonl.previous", rulesHash: rulesHash)
    }
    jsonl = try Self.create(directory + "/.annotations.jsonl.partial")
    manifest = try Self.create(directory + "/.manifest.jsonl.partial")
    csv = try Self.create(directory + "/.quotas.csv.partial")
    csvBuffer = QuotaCSV.header
  }

  private static func create(_ path: String) throws(OutputError) -> FileHandle {
    guard FileManager.default.createFile(atPath: path, contents: nil),
      let handle = FileHandle(forWritingAtPath: path)
    else { throw OutputError(path: path, reason: "cannot create file") }
    return handle
  }

  /// What an earlier run left for this input, if it finished it with the current rules. Must be
  /// called once per input, in input order (WorkQueue does).
  func previous(for id: String) -> Previous? { previousRun?.lookup(id) }

  func hasXML(_ id: String) -> Bool {
    guard let directory else { return false }
    return access(directory + "/" + id + ".xml", F_OK) == 0
  }

  /// Writes `<id>.xml` (on a worker: files of different ids are independent).
  func writeXML(_ bytes: [UInt8], id: String) -> OutputError? {
    guard let directory else { return nil }
    return Self.atomicWrite(bytes, to: directory + "/" + id + ".xml", temporary: directory + "/." + id + ".xml.partial")
  }

  /// Appends one outcome; called in input order by the writer.
  func write(_ outcome: Batch.Outcome) throws(OutputError) {
    buffer += outcome.jsonl
    manifestBuffer += outcome.manifest
    csvBuffer += outcome.csv
    if buffer.count >= Self.flushSize || manifestBuffer.count >= Self.flushSize || csvBuffer.count >= Self.flushSize {
      try flush()
    }
  }

  /// Writes the buffers out: the JSONL first, then the manifest, so that an interrupted run's
  /// manifest never has a line whose JSONL line is missing (PreviousRun relies on it).
  func flush() throws(OutputError) {
    do {
      if !buffer.isEmpty { try jsonl.write(contentsOf: buffer) }
      if !manifestBuffer.isEmpty { try manifest?.write(contentsOf: manifestBuffer) }
      if !csvBuffer.isEmpty { try csv?.write(contentsOf: csvBuffer) }
    } catch {
      throw OutputError(path: directory ?? "-", reason: error.localizedDescription)
    }
    buffer.removeAll(keepingCapacity: true)
    manifestBuffer.removeAll(keepingCapacity: true)
    csvBuffer.removeAll(keepingCapacity: true)
  }

  /// Renames the partial files to their final names.
  func finish() throws(OutputError) {
    try flush()
    guard let directory else { return }
    let manager = FileManager.default
    do {
      try jsonl.close()
      try manifest?.close()
      try csv?.close()
      for name in ["annotations.jsonl", "manifest.jsonl", "quotas.csv"] {
        try Self.rename(directory + "/." + name + ".partial", to: directory + "/" + name)
      }
      for path in moved { try? manager.removeItem(atPath: path) }
    } catch let error as OutputError {
      throw error
    } catch {
      throw OutputError(path: directory, reason: error.localizedDescription)
    }
  }

  /// Writes to `temporary`, then renames it over `path` (rename replaces atomically).
  static func atomicWrite(_ bytes: [UInt8], to path: String, temporary: String) -> OutputError? {
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { return OutputError(path: path, reason: String(cString: strerror(errno))) }
    var written = 0
    let failure: Int32? = bytes.withUnsafeBytes { raw in
      while written < raw.count {
        let count = Glibc.write(descriptor, raw.baseAddress! + written, raw.count - written)
        if count < 0 {
          if errno == EINTR { continue }
          return errno
        }
        written += count
      }
      return nil
    }
    if close(descriptor) != 0, failure == nil { return OutputError(path: path, reason: String(cString: strerror(errno))) }
    if let failure { return OutputError(path: path, reason: String(cString: strerror(failure))) }
    do { try rename(temporary, to: path) } catch { return error }
    return nil
  }

  static func rename(_ from: String, to path: String) throws(OutputError) {
    if Glibc.rename(from, path) != 0 { throw OutputError(path: path, reason: String(cString: strerror(errno))) }
  }
}

/// What an earlier run into the same folder did, read forward alongside the inputs, in bounded
/// memory. Both of its files are in its input order, line k of the manifest standing for line k
/// of the JSONL (the JSONL is flushed first, so it is never shorter). A window of the next
/// `window` manifest entries absorbs inputs added or removed since: an id found in the window
/// drops the entries before it; an id not found leaves the window as it is (that input is
/// simply processed again).
final class PreviousRun {
  private let manifest: LineReader
  private let annotations: LineReader
  private let rulesHash: String
  /// Manifest entries from line `first` on; `sha256` is nil when that input cannot be reused
  /// (failed, other rules, a line that does not parse).
  private var entries: [(id: String, sha256: String?)] = []
  private var head = 0
  private var first = 0
  /// id → line number, for the entries in the window.
  private var lines: [String: Int] = [:]
  /// The number of JSONL lines read so far.
  private var annotationLine = 0
  static let window = 4096

  init?(manifest: String, annotations: String, rulesHash: String) {
    guard let manifest = LineReader(path: manifest), let annotations = LineReader(path: annotations) else { return nil }
    self.manifest = manifest
    self.annotations = annotations
    self.rulesHash = rulesHash
  }

  func lookup(_ id: String) -> OutputSink.Previous? {
    fill()
    guard let line = lines[id] else { return nil }
    let position = line - first
    // Entries before this one belong to inputs that are gone or came earlier: drop them.
    for index in head...position where lines[entries[index].id] == first + index {
      lines[entries[index].id] = nil
    }
    let sha = entries[position].sha256
    head = position + 1
    if head > Self.window {
      entries.removeFirst(head)
      first += head
      head = 0
    }
    guard let sha else { return nil }
    while annotationLine < line {
      guard annotations.skipLine() else { return nil }
      annotationLine += 1
    }
    guard let text = annotations.nextLine() else { return nil }
    annotationLine += 1
    guard text.starts(with: Array("{\"id\":\"\(id)\",".utf8)) else { return nil }
    return OutputSink.Previous(sha256: sha, line: text)
  }

  /// Reads manifest lines until the window is full.
  private func fill() {
    while entries.count - head < Self.window, let text = manifest.nextLine() {
      let line = first + entries.count
      guard let object = try? JSONSerialization.jsonObject(with: Data(text)) as? [String: Any],
        let id = object["id"] as? String, !id.isEmpty
      else {
        entries.append(("", nil))
        continue
      }
      let status = object["status"] as? String
      let reusable = (status == "ok" || status == "skipped") && object["rules"] as? String == rulesHash
      entries.append((id, reusable ? object["sha256"] as? String : nil))
      // An entry that cannot be reused still marks where its id was, so that it is dropped.
      lines[id] = line
    }
  }
}

/// Reads a file forward, one line at a time. A last line without its newline (a cut-off run)
/// is not trusted.
final class LineReader {
  private let handle: FileHandle
  private var pending: [UInt8] = []
  private var start = 0
  private var finished = false

  init?(path: String) {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    self.handle = handle
  }

  /// The next line, newline included.
  func nextLine() -> [UInt8]? {
    guard let end = nextNewline() else { return nil }
    let line = Array(pending[start...end])
    start = end + 1
    return line
  }

  /// Passes over the next line without copying it.
  func skipLine() -> Bool {
    guard let end = nextNewline() else { return false }
    start = end + 1
    return true
  }

  private func nextNewline() -> Int? {
    var searched = start
    while true {
      if let newline = pending[searched...].firstIndex(of: 0x0A) { return newline }
      guard !finished else { return nil }
      // Keep only the unread part, then read on.
      pending.removeSubrange(0..<start)
      start = 0
      searched = pending.count
      let chunk = handle.readData(ofLength: 1 << 20)
      if chunk.isEmpty {
        finished = true
        return nil
      }
      pending += chunk
    }
  }
}
