// `zhtag explain`: every candidate, which rule made it, which won and why the others lost.
import ZhtagCore
import ZhtagTag

extension Pipeline {
  /// A readable report of how the rules read `text`: repaired and normalised as decode does,
  /// but not cleaned (a metadata line is explained, not removed).
  public func explain(_ text: String) -> String {
    var document = Document(id: "explain", source: SourceInfo(path: "explain", sha256: "", byteCount: 0),
                            sourceText: text.scalars)
    decoder.repair(&document)
    var lines: [String] = []
    lines.append("text: \(document.text.string)")
    if !document.repairs.isEmpty {
      lines.append("repairs: \(document.repairs.count) (\(Set(document.repairs.map(\.kind)).sorted().joined(separator: ", ")))")
    }
    let result = tagger.tag(document.text, keepCandidates: true)
    var phase = ""
    for (index, candidate) in result.candidates.enumerated() {
      let annotation = candidate.annotation
      if annotation.phase != phase {
        phase = annotation.phase
        lines.append("phase \(phase):")
      }
      let surface = document.text.string(annotation.range)
      var line = "  [\(index + 1)] \(annotation.label) ⟦\(surface)⟧ \(annotation.range) by \(annotation.rule.id) (\(annotation.rule.place))"
      if !annotation.attributes.isEmpty {
        line += " {" + annotation.attributes.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
      }
      if let entry = candidate.entry { line += " entry \(entry)" }
      switch candidate.outcome {
      case .won: line += " — won"
      case .lost(let winner, let reason): line += " — lost to [\(winner + 1 + (index - indexInPhase(result.candidates, index)))]: \(reason)"
      }
      lines.append(line)
    }
    if result.candidates.isEmpty { lines.append("no rule matched") }
    return lines.joined(separator: "\n")
  }

  /// Offset of a candidate inside its phase (candidates are numbered across phases).
  private func indexInPhase(_ candidates: [Candidate], _ index: Int) -> Int {
    var start = index
    while start > 0, candidates[start - 1].annotation.phase == candidates[index].annotation.phase {
      start -= 1
    }
    return index - start
  }
}
