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
  public var failed = 0
  /// The first `BatchReport.keptFailures` failures. Every failure goes to `Batch.onFailure` as it
  /// happens; keeping them all would make memory grow with the number of inputs.
  public var failures: [ArticleFailure] = []
  public var bytes = 0
  public var total: Int { succeeded + skipped + failed }
  public static let keptFailures = 100

  /// 0 when every article succeeded (or was already done), 1 when some failed.
  public var exitCode: Int32 { failed == 0 ? 0 : 1 }
}

/// An output file could not be written: the run stops (exit code 3).
public struct OutputError: Error, Sendable, CustomStringConvertible {
  public var path: String
  public var reason: String
  public var description: String { "\(path): error: cannot write output: \(reason)" }
}

/// Progress, for a terminal line. The totals are nil until a count running beside the batch
/// has finished (and stay nil for inputs that cannot be counted without reading them).
public struct BatchProgress: Sendable {
  public var done: Int
  public var total: Int?
  public var bytesDone: Int
  public var bytesTotal: Int?
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
  /// Called with each failure, in input order (the CLI prints it to stderr).
  public var onFailure: (ArticleFailure) -> Void = { _ in }
  /// Called a few times a second and at the end; nil for no progress (and no counting).
  public var onProgress: ((BatchProgress) -> Void)?

  public init(pipeline: Pipeline, outputDirectory: String?) {
    self.pipeline = pipeline
    self.outputDirectory = outputDirectory
  }

  /// One finished input, ready to be appended to the outputs. Everything per article that
  /// costs CPU (encoding, the quota rows, the manifest line, the XML file) is done by the
  /// worker, so that the writer only appends bytes.
  struct Outcome: Sendable {
    var bytes: Int
    var jsonl: [UInt8]
    var csv: [UInt8]
    var manifest: [UInt8]
    var skipped: Bool
    var failure: ArticleFailure?
    /// The article's XML file could not be written: the run stops when the writer gets here.
    var writeError: OutputError?
  }

  /// Processes files, folders, stdin or JSONL as `inputs` lists them. While progress is
  /// shown, a second walk counts the inputs beside the run, for the ETA.
  public func run(_ inputs: BatchInputs) throws(OutputError) -> BatchReport {
    if onProgress == nil { return try run(inputs, totals: nil) }
    return try run(inputs, totals: { @Sendable in inputs.totals() })
  }

  /// Processes every input; throws only when outputs cannot be written.
  ///
  /// `jobs` workers take inputs one at a time, in order, from the shared iterator; a writer
  /// (the calling thread) appends their outcomes in input order. Workers never run more than
  /// `window` inputs ahead of the writer, so the outcomes waiting to be written are bounded
  /// whatever the number of inputs, and a long article delays no worker but its own.
  public func run<Inputs: Sequence>(
    _ inputs: Inputs, totals: (@Sendable () -> (count: Int, bytes: Int)?)? = nil
  ) throws(OutputError) -> BatchReport where Inputs.Element == BatchInput {
    let rulesHash = pipeline.ruleSet.hash
    let sink = try OutputSink(directory: outputDirectory, resume: resume, rulesHash: rulesHash)
    let workers = max(1, jobs)
    let queue = WorkQueue(AnyIterator(inputs.makeIterator()), window: workers * 8, workers: workers)
    let started = DispatchTime.now().uptimeNanoseconds
    if let totals {
      Thread.detachNewThread { queue.setTotals(totals()) }
    }
    let work = Work(pipeline: pipeline, sink: sink, rulesHash: rulesHash,
                    writeXML: writeXML && sink.directory != nil)
    for _ in 0..<workers {
      let thread = Thread { work.run(queue) }
      // The default stack of a secondary thread can be small; the stages recurse a little.
      thread.stackSize = 8 << 20
      thread.start()
    }

    var report = BatchReport()
    var lastProgress = started
    func progress(_ now: UInt64) {
      guard let onProgress else { return }
      lastProgress = now
      let totals = queue.totals
      onProgress(BatchProgress(
        done: report.total, total: totals?.count, bytesDone: report.bytes, bytesTotal: totals?.bytes,
        seconds: Double(now - started) / 1e9))
    }
    // Standard output is flushed whenever the writer has caught up, so a pipe gets its
    // records as they are made; files are flushed by size (OutputSink).
    var flushError: OutputError?
    let idle = sink.directory != nil ? {} : {
      do throws(OutputError) { try sink.flush() } catch { flushError = error }
    }
    do throws(OutputError) {
      while let outcome = queue.nextOutcome(idle: idle) {
        if let error = flushError ?? outcome.writeError { throw error }
        if let failure = outcome.failure {
          report.failed += 1
          if report.failures.count < BatchReport.keptFailures { report.failures.append(failure) }
          onFailure(failure)
        } else if outcome.skipped {
          report.skipped += 1
        } else {
          report.succeeded += 1
        }
        report.bytes += outcome.bytes
        try sink.write(outcome)
        if onProgress != nil {
          let now = DispatchTime.now().uptimeNanoseconds
          if now - lastProgress > 200_000_000 { progress(now) }
        }
      }
      queue.waitForWorkers()
      try sink.finish()
    } catch {
      queue.stop()
      throw error
    }
    progress(DispatchTime.now().uptimeNanoseconds)
    return report
  }

  /// What a worker does with one input.
  struct Work: Sendable {
    let pipeline: Pipeline
    let sink: OutputSink
    let rulesHash: String
    let writeXML: Bool

    func run(_ queue: WorkQueue) {
      while let (index, input, previous) = queue.nextInput(sink: sink) {
        queue.finished(index, outcome(input, previous: previous))
      }
      queue.workerDone()
    }

    func outcome(_ input: BatchInput, previous: OutputSink.Previous?) -> Outcome {
      let start = DispatchTime.now().uptimeNanoseconds
      var bytes = 0
      var sha: String?
      var skipped = false
      var jsonl: [UInt8]
      var xml: [UInt8]?
      var failure: ArticleFailure?
      switch Batch.read(input) {
      case .failure(let error):
        failure = error
        jsonl = JSONLRecord.encode(error)
        xml = writeXML ? XMLArticle.encode(error) : nil
      case .success(let content):
        bytes = content.count
        sha = Pipeline.sha256(content)
        if let previous, previous.sha256 == sha, !writeXML || sink.hasXML(input.id) {
          // An earlier run did this one: its line is copied, its XML kept.
          skipped = true
          jsonl = previous.line
        } else {
          switch pipeline.process(content, id: input.id, path: input.path, sha256: sha!) {
          case .success(let document):
            jsonl = JSONLRecord.encode(document)
            xml = writeXML ? XMLArticle.encode(document) : nil
          case .failure(let error):
            failure = error
            jsonl = JSONLRecord.encode(error)
            xml = writeXML ? XMLArticle.encode(error) : nil
          }
        }
      }
      var writeError: OutputError?
      if let xml { writeError = sink.writeXML(xml, id: input.id) }
      let milliseconds = Int((DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
      var manifest: [UInt8] = []
      var csv: [UInt8] = []
      if sink.directory != nil {
        // quotas.csv is made from the JSONL line, copied ones included, so a resumed run
        // writes the same rows.
        csv = QuotaCSV.rows(jsonLine: jsonl)
        var json = JSONWriter()
        json.beginObject()
        json.field("id", input.id)
        json.field("path", input.path)
        json.field("status", failure != nil ? "failed" : skipped ? "skipped" : "ok")
        json.field("bytes", bytes)
        json.field("sha256", sha)
        json.field("rules", rulesHash)
        json.field("ms", milliseconds)
        json.field("error", failure?.error.description)
        json.endObject()
        manifest = json.bytes
        manifest.append(0x0A)
      }
      return Outcome(bytes: bytes, jsonl: jsonl, csv: csv, manifest: manifest, skipped: skipped,
                     failure: failure, writeError: writeError)
    }
  }
}

/// What the workers and the writer share: the input iterator (inputs are numbered as they are
/// taken, so the order is the iterator's whatever the timing), behind `taking`, and a ring of
/// `window` slots for outcomes not yet written, behind `condition`.
final class WorkQueue: @unchecked Sendable {
  private let condition = NSCondition()
  private let taking = NSLock()
  private let inputs: AnyIterator<BatchInput>
  private var slots: [Batch.Outcome?]
  private var taken = 0
  private var written = 0
  private var exhausted = false
  private var stopped = false
  private var running: Int
  private var counted: (count: Int, bytes: Int)?

  init(_ inputs: AnyIterator<BatchInput>, window: Int, workers: Int) {
    self.inputs = inputs
    slots = Array(repeating: nil, count: window)
    running = workers
  }

  /// The next input for a worker, with what an earlier run left for it; nil when there are
  /// no more (or the run stopped). Waits while the worker would run `window` ahead of the
  /// writer. Taking an input has its own lock, so a worker waiting for stdin does not hold up
  /// the writer; the resume lookup is done under it because it reads the earlier run's files
  /// forward, in input order.
  func nextInput(sink: OutputSink) -> (Int, BatchInput, OutputSink.Previous?)? {
    taking.lock()
    defer { taking.unlock() }
    condition.lock()
    while !stopped, !exhausted, taken - written >= slots.count { condition.wait() }
    let open = !stopped && !exhausted
    condition.unlock()
    guard open else { return nil }
    guard let input = inputs.next() else {
      condition.lock()
      exhausted = true
      condition.broadcast()
      condition.unlock()
      return nil
    }
    let previous = sink.previous(for: input.id)
    condition.lock()
    let index = taken
    taken += 1
    condition.unlock()
    return (index, input, previous)
  }

  func finished(_ index: Int, _ outcome: Batch.Outcome) {
    condition.lock()
    slots[index % slots.count] = outcome
    condition.broadcast()
    condition.unlock()
  }

  /// The next outcome in input order, waiting for it; nil when every input has been written.
  /// `idle` runs (without the lock) before the writer waits, e.g. to flush a pipe.
  func nextOutcome(idle: () -> Void = {}) -> Batch.Outcome? {
    condition.lock()
    defer { condition.unlock() }
    var calledIdle = false
    while true {
      let slot = written % slots.count
      if let outcome = slots[slot] {
        slots[slot] = nil
        written += 1
        condition.broadcast()
        return outcome
      }
      if exhausted && written == taken { return nil }
      if !calledIdle {
        calledIdle = true
        condition.unlock()
        idle()
        condition.lock()
        continue
      }
      condition.wait()
    }
  }

  func workerDone() {
    condition.lock()
    running -= 1
    condition.broadcast()
    condition.unlock()
  }

  func waitForWorkers() {
    condition.lock()
    while running > 0 { condition.wait() }
    condition.unlock()
  }

  /// Stops handing out inputs and waits for the workers' current articles.
  func stop() {
    condition.lock()
    stopped = true
    condition.broadcast()
    condition.unlock()
    waitForWorkers()
  }

  func setTotals(_ totals: (count: Int, bytes: Int)?) {
    condition.lock()
    counted = totals
    condition.unlock()
  }

  var totals: (count: Int, bytes: Int)? {
    condition.lock()
    defer { condition.unlock() }
    return counted
  }
}
