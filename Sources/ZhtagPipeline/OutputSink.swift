// Writes a batch's outputs: XML files and the JSONL through temporary files and renames, a
// manifest of every input, and what an interrupted or earlier run left, for --resume.
import Foundation
import ZhtagCore
import ZhtagWrite

/// The output side of a batch. In directory mode:
/// - `<id>.xml` are written to `.<id>.xml.partial`, then renamed;
/// - `annotations.jsonl`, `manifest.jsonl` and `quotas.csv` grow as `.annotations.jsonl.partial`,
///   `.manifest.jsonl.partial` and `.quotas.csv.partial` and are renamed when the run ends, so an
///   interrupted run never leaves a truncated file under the final name. quotas.csv is made from
///   the JSONL lines, copied ones included, so a resumed run writes the same rows.
/// With resume, the previous run's manifest and JSONL (final or partial) are read first; an
/// input whose id, input sha256 and rules hash match an `ok` entry, whose XML exists and whose
/// JSONL line is found, is skipped and its old line copied.
final class OutputSink: @unchecked Sendable {
  let directory: String?
  private var jsonl: FileHandle
  private var manifest: FileHandle?
  /// quotas.csv, made from the JSONL lines (QuotaCSV.swift), so skipped articles keep their rows.
  private var csv: FileHandle?
  private var buffer: [UInt8] = []
  private var manifestBuffer: [UInt8] = []
  private var csvBuffer: [UInt8] = []
  /// id → (sha256, rules hash) of inputs an earlier run finished well.
  private var previous: [String: (String, String)] = [:]
  /// The earlier run's JSONL, read forward as inputs come in the same order.
  private var previousLines: LineReader?
  private var moved: [String] = []

  init(directory: String?, resume: Bool) throws(OutputError) {
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
      if let data = manager.contents(atPath: directory + "/.manifest.jsonl.previous") {
        for line in data.split(separator: UInt8(ascii: "\n")) {
          guard let entry = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
            entry["status"] as? String == "ok" || entry["status"] as? String == "skipped",
            let id = entry["id"] as? String, let sha = entry["sha256"] as? String,
            let rules = entry["rules"] as? String
          else { continue }
          previous[id] = (sha, rules)
        }
      }
      previousLines = LineReader(path: directory + "/.annotations.jsonl.previous")
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

  /// True when an earlier run finished this input with the same bytes and rules.
  func canSkip(id: String, sha256: String, rulesHash: String, needsXML: Bool) -> Bool {
    guard let directory, let (sha, rules) = previous[id], sha == sha256, rules == rulesHash else { return false }
    return !needsXML || FileManager.default.fileExists(atPath: directory + "/" + id + ".xml")
  }

  func write(_ outcome: Batch.Outcome, rulesHash: String, writeXML: Bool) throws(OutputError) {
    var outcome = outcome
    var status = outcome.failure == nil ? "ok" : "failed"
    if outcome.jsonl.isEmpty {
      // Skipped: copy the earlier line, or say why it could not be.
      if let line = previousLines?.line(for: outcome.id) {
        outcome.jsonl = line
        status = "skipped"
      } else {
        outcome.jsonl = Array("{\"id\":\"\(outcome.id)\",\"status\":\"failed\"}\n".utf8)
        status = "failed"
      }
    }
    buffer += outcome.jsonl
    if csv != nil { csvBuffer += QuotaCSV.rows(jsonLine: outcome.jsonl) }
    if let directory, let xml = outcome.xml, writeXML {
      try Self.atomicWrite(xml, to: directory + "/" + outcome.id + ".xml", in: directory)
    }
    guard manifest != nil else { return }
    var json = JSONWriter()
    json.beginObject()
    json.field("id", outcome.id)
    json.field("path", outcome.path)
    json.field("status", status)
    json.field("bytes", outcome.bytes)
    json.field("sha256", outcome.sha256)
    json.field("rules", rulesHash)
    json.field("ms", outcome.milliseconds)
    json.field("error", outcome.failure?.error.description)
    json.endObject()
    manifestBuffer += json.bytes
    manifestBuffer.append(0x0A)
  }

  func flush() throws(OutputError) {
    do {
      try jsonl.write(contentsOf: buffer)
      try manifest?.write(contentsOf: manifestBuffer)
      try csv?.write(contentsOf: csvBuffer)
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
        let final = directory + "/" + name
        if manager.fileExists(atPath: final) { try manager.removeItem(atPath: final) }
        try manager.moveItem(atPath: directory + "/." + name + ".partial", toPath: final)
      }
      for path in moved { try? manager.removeItem(atPath: path) }
    } catch {
      throw OutputError(path: directory, reason: error.localizedDescription)
    }
  }

  static func atomicWrite(_ bytes: [UInt8], to path: String, in directory: String) throws(OutputError) {
    let name = (path as NSString).lastPathComponent
    let temporary = directory + "/." + name + ".partial"
    do {
      try Data(bytes).write(to: URL(fileURLWithPath: temporary))
      if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
      try FileManager.default.moveItem(atPath: temporary, toPath: path)
    } catch {
      throw OutputError(path: path, reason: error.localizedDescription)
    }
  }
}

/// Reads a JSONL file forward, finding the line of an id; lines of ids not asked for are
/// passed over. Inputs come in the same order as in the earlier run, so one pass suffices.
final class LineReader {
  private let handle: FileHandle?
  private var pending: [UInt8] = []
  private var finished = false

  init(path: String) { handle = FileHandle(forReadingAtPath: path) }

  func line(for id: String) -> [UInt8]? {
    let prefix = Array("{\"id\":\"\(id)\",".utf8)
    while let line = nextLine() {
      if line.starts(with: prefix) { return line }
    }
    return nil
  }

  private func nextLine() -> [UInt8]? {
    while true {
      if let newline = pending.firstIndex(of: 0x0A) {
        let line = Array(pending[...newline])
        pending.removeSubrange(...newline)
        return line
      }
      guard let handle, !finished else { return nil }
      let chunk = handle.readData(ofLength: 1 << 20)
      if chunk.isEmpty {
        // A last line without its newline (a cut-off run) is not trusted.
        finished = true
        return nil
      }
      pending += chunk
    }
  }
}
