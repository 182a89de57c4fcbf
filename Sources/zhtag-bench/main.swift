// zhtag-bench: single-core throughput of each stage over a corpus folder (release build).
//
//   swift build -c release --product zhtag-bench
//   .build/release/zhtag-bench CORPUS_DIR [stage …]
//
// Stages: read (bytes only), decode, clean, segment, tag, write, pipeline (all of them);
// decode-stream (decode, each document dropped; only when named); write-jsonl, write-xml (each
// writer of the write stage alone), write-xml-libxml2 (the XML through libxml2; only when named);
// icu-sentences, icu-sentences-utf8 (ICU's BreakIterator, only when named).
// Input bytes are read into memory first; each stage is timed on its own, on the output of
// the stage before, and reported as MB/s of input bytes. scripts/bench.sh builds the corpus.
import CZhtagICU
import Foundation
import ZhtagCore
import ZhtagPipeline
import ZhtagWrite

let arguments = CommandLine.arguments.dropFirst()
guard let corpus = arguments.first else {
  FileHandle.standardError.write(Data("usage: zhtag-bench CORPUS_DIR [stage …]\n".utf8))
  exit(2)
}
let wanted = Set(arguments.dropFirst().isEmpty ? ["decode", "clean", "segment", "tag", "write", "pipeline"] : Array(arguments.dropFirst()))
let pipeline: Pipeline
do {
  pipeline = try Pipeline(options: PipelineOptions(rulesDirectory: "rules"))
} catch {
  FileHandle.standardError.write(Data("rules do not load\n".utf8))
  exit(2)
}

let inputs = Batch.inputs([corpus]).map { ($0, Array(FileManager.default.contents(atPath: $0.path) ?? Data())) }
let totalBytes = inputs.reduce(0) { $0 + $1.1.count }
print("corpus: \(inputs.count) files, \(String(format: "%.1f", Double(totalBytes) / 1e6)) MB")

func measure(_ name: String, _ body: () -> Int) {
  guard wanted.contains(name) else { return }
  let start = DispatchTime.now().uptimeNanoseconds
  let cpuStart = clock()
  let checksum = body()
  let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  // CPU time too: on a shared machine the wall clock also counts other processes' turns.
  let cpuSeconds = Double(clock() - cpuStart) / Double(CLOCKS_PER_SEC)
  print(String(format: "%-9@ %8.1f MB/s  %6.2f s  (check %d)  cpu %.1f MB/s", name as NSString, Double(totalBytes) / 1e6 / seconds, seconds, checksum, Double(totalBytes) / 1e6 / max(cpuSeconds, 1e-9)))
}

// Each stage runs on the previous stage's output, prepared outside the timed section.
var documents: [Document] = []
// decode-stream: each article decoded and dropped, as `zhtag run` does (no 28,000 documents
// kept in memory for the stages below); scripts/bench_decode.sh reports it.
measure("decode-stream") {
  var check = 0
  for (input, bytes) in inputs {
    if let document = try? pipeline.decoder.decode(bytes, id: input.id, source: SourceInfo(path: input.path, sha256: "", byteCount: bytes.count)) {
      check += document.text.count
    }
  }
  return check
}
measure("decode") {
  documents = inputs.compactMap { input, bytes in
    try? pipeline.decoder.decode(bytes, id: input.id, source: SourceInfo(path: input.path, sha256: "", byteCount: bytes.count))
  }
  return documents.reduce(0) { $0 + $1.text.count }
}
if documents.isEmpty {
  documents = inputs.compactMap { input, bytes in
    try? pipeline.decoder.decode(bytes, id: input.id, source: SourceInfo(path: input.path, sha256: "", byteCount: bytes.count))
  }
}
measure("clean") {
  for index in documents.indices {
    pipeline.cleaner.clean(&documents[index])
    documents[index].remapRepairs()
  }
  return documents.reduce(0) { $0 + $1.text.count }
}
measure("segment") {
  for index in documents.indices { pipeline.segmenter.segment(&documents[index]) }
  return documents.reduce(0) { $0 + $1.sentences.count }
}
// ICU's sentence BreakIterator over the same texts, for comparison with segment (stages
// icu-sentences: UTF-16, icu-sentences-utf8: UTF-8 through a UText; converted outside the timing).
for (stage, utf8) in [("icu-sentences", false), ("icu-sentences-utf8", true)] where wanted.contains(stage) {
  let texts = documents.map { String(String.UnicodeScalarView($0.text)) }
  let utf16 = utf8 ? [] : texts.map { Array($0.utf16) }
  let bytes = utf8 ? texts.map { Array($0.utf8) } : []
  let breaker = zhtag_icu_sentence_breaker_open("zh")
  var boundaries = [Int32](repeating: 0, count: 4096)
  measure(stage) {
    var total = 0
    for index in documents.indices {
      total += Int(utf8
        ? zhtag_icu_sentence_breaks_utf8(breaker, bytes[index], Int32(bytes[index].count), &boundaries, 4096)
        : zhtag_icu_sentence_breaks_utf16(breaker, utf16[index], Int32(utf16[index].count), &boundaries, 4096))
    }
    return total
  }
  zhtag_icu_sentence_breaker_close(breaker)
}
// The tag stage reads what clean and segment make, as in `zhtag run`: when they were not
// measured above, they run here, untimed (tagging the raw pages would time another workload).
if !wanted.contains("clean") && !wanted.contains("segment") {
  for index in documents.indices {
    pipeline.cleaner.clean(&documents[index])
    documents[index].remapRepairs()
    pipeline.segmenter.segment(&documents[index])
  }
}
measure("tag") {
  for index in documents.indices { documents[index].entities = pipeline.tagger.tag(documents[index].text).annotations }
  return documents.reduce(0) { $0 + $1.entities.count }
}
// Pattern VM steps over the corpus (the engine's work, independent of the machine).
measure("tag-steps") {
  documents.reduce(0) { $0 + pipeline.tagger.tag($1.text).patternSteps }
}
lexiconBenchmarks(documents, wanted: wanted, measure: measure)
measure("write") {
  var bytes = 0
  for document in documents {
    bytes += JSONLRecord.encode(document).count
    bytes += XMLArticle.encode(document).count
  }
  return bytes
}
// The two writers of the write stage on their own, and the XML through libxml2's xmlTextWriter
// (the reference the byte writer is tested against; only when named).
measure("write-jsonl") { documents.reduce(0) { $0 + JSONLRecord.encode($1).count } }
measure("write-xml") { documents.reduce(0) { $0 + XMLArticle.encode($1).count } }
measure("write-xml-libxml2") { documents.reduce(0) { $0 + XMLArticle.encodeWithLibXML($1).count } }
measure("pipeline") {
  var bytes = 0
  for (input, data) in inputs {
    if case .success(let document) = pipeline.process(data, id: input.id, path: input.path) {
      bytes += JSONLRecord.encode(document).count + XMLArticle.encode(document).count
    }
  }
  return bytes
}
