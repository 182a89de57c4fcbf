// zhtag-bench: single-core throughput of each stage over a corpus folder (release build).
//
//   swift build -c release --product zhtag-bench
//   .build/release/zhtag-bench CORPUS_DIR [stage …]
//
// Stages: read (bytes only), decode, clean, segment, tag, write, pipeline (all of them).
// Input bytes are read into memory first; each stage is timed on its own, on the output of
// the stage before, and reported as MB/s of input bytes. scripts/bench.sh builds the corpus.
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
  let checksum = body()
  let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  print(String(format: "%-9@ %8.1f MB/s  %6.2f s  (check %d)", name as NSString, Double(totalBytes) / 1e6 / seconds, seconds, checksum))
}

// Each stage runs on the previous stage's output, prepared outside the timed section.
var documents: [Document] = []
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
measure("tag") {
  for index in documents.indices { documents[index].entities = pipeline.tagger.tag(documents[index].text).annotations }
  return documents.reduce(0) { $0 + $1.entities.count }
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
measure("pipeline") {
  var bytes = 0
  for (input, data) in inputs {
    if case .success(let document) = pipeline.process(data, id: input.id, path: input.path) {
      bytes += JSONLRecord.encode(document).count + XMLArticle.encode(document).count
    }
  }
  return bytes
}
