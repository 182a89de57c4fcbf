// Lexicon matching cost against lexicon size, and the peer-bench lexicon for spaCy's numbers.
import Foundation
import ZhtagCore
import ZhtagRules
import ZhtagTag

/// `lexicon-1k` / `lexicon-100k`: the same 1,000 Han n-grams of the corpus (2–6 characters, so
/// that entries really match) plus, for the large one, 99,000 random 4–8-character Han strings
/// that almost never match: both find nearly the same annotations, so the difference in time is
/// what the automaton pays for its size, which must stay small.
/// `lexicon-peer`: ../shared/peer-bench/lexicon.tsv (2,000 terms), as spaCy's EntityRuler
/// uses it in scripts/bench_tag.sh.
func lexiconBenchmarks(_ documents: [Document], wanted: Set<String>, measure: (String, () -> Int) -> Void) {
  func tagger(_ entries: [LexiconEntry]) -> Tagger {
    let lexicon = Lexicon(name: "terms", file: "bench", columns: ["type"], entries: entries)
    let rule = TagRule(reference: RuleReference(id: "term", file: "bench", line: 1), label: "TERM", priority: 0,
                       matcher: .lexicon("terms"), attributes: ["type": .column("type")], attributeOrder: ["type"],
                       examples: [], rejects: [])
    return Tagger(ruleBook: RuleBook(phases: [Phase(name: "terms", rules: [rule])], lexicons: ["terms": lexicon]))
  }
  func ngrams(_ count: Int) -> [LexiconEntry] {
    var seed: UInt64 = 12345
    var seen = Set<String>()
    var entries: [LexiconEntry] = []
    let texts = documents.map(\.text).filter { $0.count > 10 }
    while entries.count < count {
      seed = seed &* 6364136223846793005 &+ 1442695040888963407
      let text = texts[Int(seed >> 33) % texts.count]
      let length = 2 + Int(seed >> 20) % 5
      let start = Int(seed >> 40) % (text.count - length)
      let slice = text[start..<start + length]
      guard slice.allSatisfy(\.isHan) else { continue }
      let key = String(String.UnicodeScalarView(slice))
      if seen.insert(key).inserted { entries.append(LexiconEntry(key: key, fields: ["X"], line: entries.count + 1)) }
    }
    return entries
  }
  func random(_ count: Int) -> [LexiconEntry] {
    let alphabet = Array(Set(documents.flatMap { $0.text.filter(\.isHan) }))
    var seed: UInt64 = 777
    var entries: [LexiconEntry] = []
    for index in 0..<count {
      seed = seed &* 6364136223846793005 &+ 1442695040888963407
      let length = 4 + Int(seed >> 20) % 5
      var key = String.UnicodeScalarView()
      for _ in 0..<length {
        seed = seed &* 6364136223846793005 &+ 1442695040888963407
        key.append(alphabet[Int(seed >> 33) % alphabet.count])
      }
      entries.append(LexiconEntry(key: String(key), fields: ["Y"], line: 1_000_000 + index))
    }
    return entries
  }
  for (stage, size) in [("lexicon-1k", 1_000), ("lexicon-100k", 100_000)] where wanted.contains(stage) {
    var entries = ngrams(1_000)
    let known = Set(entries.map(\.key))
    entries += random(size - 1_000).filter { !known.contains($0.key) }
    let compiled = tagger(entries)
    measure(stage) { documents.reduce(0) { $0 + compiled.tag($1.text).annotations.count } }
  }
  if wanted.contains("lexicon-peer") {
    let path = "../shared/peer-bench/lexicon.tsv"
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    let entries = text.split(separator: "\n").enumerated().compactMap { index, line -> LexiconEntry? in
      let parts = line.split(separator: "\t").map(String.init)
      return parts.count == 2 ? LexiconEntry(key: parts[1], fields: [parts[0]], line: index + 1) : nil
    }
    var unique: [String: LexiconEntry] = [:]
    for entry in entries where unique[entry.key] == nil { unique[entry.key] = entry }
    let compiled = tagger(unique.values.sorted { $0.line < $1.line })
    measure("lexicon-peer") { documents.reduce(0) { $0 + compiled.tag($1.text).annotations.count } }
  }
}
