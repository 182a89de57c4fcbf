// Runs the pipeline over many inputs: in parallel, in bounded memory, written in input order;
// a broken article is reported and the batch goes on; a run can be resumed.
import Dispatch
import Foundation
import ZhtagCore
import ZhtagWrite

/// What a batch did.
public struct BatchReport: Sendable {
  public var succeeded = 0
  public var skipped = 0
  public var failures: [ArticleFailure] = []
  public var bytes = 0
  public var total: Int { succeeded + skipped + failures.count }

  /// 0 when every article succeeded (or was already done), 1 when some failed.
  public var exitCode: Int32 { failures.isEmpty ? 0 : 1 }
}

/// An output file could not be written: the run stops (exit code 3).
public struct OutputError: Error, Sendable, CustomStringConvertible {
  public var path: String
  public var reason: String
  public var description: String { "\(path): error: cannot write output: \(reason)" }
}

/// Progress after each group of articles, for a terminal line.
public struct BatchProgress: Sendable {
  public var done: Int
  public var total: Int
  public var bytesDone: Int
  public var bytesTotal: Int
  public var seconds: Double
}

public struct Batch {
  public var pipeline: Pipeline
  /// The output folder, or nil to write JSONL records to standard output (no XML, no
  /// manifest): the mode for Spark and Hadoop Streaming pipes.
  public var outputDirectory: String?
  public var writeXML = true
  /// Worker threads; output bytes and order are the same for every value.
  public var jobs = ProcessInfo.processInfo.activeProcessorCount
  /// Skip inputs whose outputs exist from an earlier run with the same input and rules.
  public var resume = false
  /// Called with each failure as it happens (the CLI prints it to stderr).
  public var onFailure: (ArticleFailure) -> Void = { _ in }
  public var onProgress: (BatchProgress) -> Void = { _ in }

  public init(pipeline: Pipeline, outputDirectory: String?) {
    self.pipeline = pipeline
    self.outputDirectory = outputDirectory
  }

  /// One finished input, ready to be written.
  struct Outcome {
    var id: String
    var path: String
    var bytes: Int
    var sha256: String?
    var milliseconds: Int
    var jsonl: [UInt8]
    var xml: [UInt8]?
    var failure: ArticleFailure?
  }

  /// Processes every input; throws only when outputs cannot be written.
  public func run(_ inputs: [BatchInput]) throws(OutputError) -> BatchReport {
    let sink = try OutputSink(directory: outputDirectory, resume: resume)
    var report = BatchReport()
    let started = DispatchTime.now().uptimeNanoseconds
    let bytesTotal = inputs.reduce(0) { $0 + $1.knownSize }
    // Groups of a few articles per worker keep memory bounded and the order fixed.
    let group = max(1, jobs) * 8
    var index = 0
    while index < inputs.count {
      let slice = Array(inputs[index..<min(inputs.count, index + group)])
      index += slice.count
      for outcome in process(slice, sink: sink) {
        if let failure = outcome.failure {
          report.failures.append(failure)
          onFailure(failure)
        } else if outcome.jsonl.isEmpty {
          report.skipped += 1
        } else {
          report.succeeded += 1
        }
        report.bytes += outcome.bytes
        try sink.write(outcome, rulesHash: pipeline.ruleSet.hash, writeXML: writeXML)
      }
      try sink.flush()
      onProgress(BatchProgress(
        done: index, total: inputs.count, bytesDone: report.bytes, bytesTotal: bytesTotal,
        seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9))
    }
    try sink.finish()
    return report
  }

  /// Processes a group of inputs on `jobs` threads; results come back in input order.
  private func process(_ slice: [BatchInput], sink: OutputSink) -> [Outcome] {
    // Each worker writes only its own slots, so the buffer needs no lock.
    let results = Slots<Outcome>(count: slice.count)
    defer { results.deallocate() }
    let workers = min(max(1, jobs), slice.count)
    let pipeline = self.pipeline
    let writeXML = self.writeXML && sink.directory != nil
    let rulesHash = pipeline.ruleSet.hash
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      var position = worker
      while position < slice.count {
        let input = slice[position]
        let start = DispatchTime.now().uptimeNanoseconds
        var outcome: Outcome
        switch Self.read(input) {
        case .failure(let failure):
          outcome = Outcome(id: input.id, path: input.path, bytes: 0, sha256: nil, milliseconds: 0,
                            jsonl: JSONLRecord.encode(failure), xml: writeXML ? XMLArticle.encode(failure) : nil,
                            failure: failure)
        case .success(let bytes):
          let sha = Pipeline.sha256(bytes)
          if sink.canSkip(id: input.id, sha256: sha, rulesHash: rulesHash, needsXML: writeXML) {
            outcome = Outcome(id: input.id, path: input.path, bytes: bytes.count, sha256: sha, milliseconds: 0,
                              jsonl: [], xml: nil, failure: nil)
          } else {
            switch pipeline.process(bytes, id: input.id, path: input.path) {
            case .success(let document):
              outcome = Outcome(id: input.id, path: input.path, bytes: bytes.count, sha256: sha, milliseconds: 0,
                                jsonl: JSONLRecord.encode(document), xml: writeXML ? XMLArticle.encode(document) : nil,
                                failure: nil)
            case .failure(let failure):
              outcome = Outcome(id: input.id, path: input.path, bytes: bytes.count, sha256: sha, milliseconds: 0,
                                jsonl: JSONLRecord.encode(failure), xml: writeXML ? XMLArticle.encode(failure) : nil,
                                failure: failure)
            }
          }
        }
        outcome.milliseconds = Int((DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
        results.buffer[position] = outcome
        position += workers
      }
    }
    return results.buffer.map { $0! }
  }
}

/// Result slots shared by the workers of one group; each slot is written by one worker.
final class Slots<Element>: @unchecked Sendable {
  let buffer: UnsafeMutableBufferPointer<Element?>

  init(count: Int) {
    buffer = .allocate(capacity: count)
    buffer.initialize(repeating: nil)
  }

  func deallocate() {
    _ = buffer.deinitialize()
    buffer.deallocate()
  }
}
