// A tagger keeps its workspaces (pattern VM, per-article lists, annotation index) from article
// to article: nothing of one article may leak into the next.
import Testing
import ZhtagCore
import ZhtagPipeline
@testable import ZhtagTag
import ZhtagTestSupport

@Suite struct WorkspaceReuseTests {
  /// The seeds and the dev corpus tagged forwards, then backwards with a very long text in the
  /// middle (its workspace is let go, not pooled): every article gets the same annotations.
  @Test func theOrderOfArticlesChangesNoAnnotation() throws {
    let pipeline = LinearTimeTests.pipeline
    let texts = (Fixtures.seedPaths + Fixtures.devCorpusPaths).compactMap { path -> [Unicode.Scalar]? in
      guard case .success(let document) = pipeline.process(Fixtures.bytes(path), id: path, path: path) else {
        return nil
      }
      return document.text
    }
    #expect(texts.count >= 100)
    var tagger = pipeline.tagger
    tagger.longText = 20_000
    let forwards = texts.map { tagger.tag($0).annotations }
    var long: [Unicode.Scalar] = []
    while long.count <= tagger.longText { long += texts[0] + ["\n"] }
    var backwards: [[Annotation]] = []
    for (position, text) in texts.enumerated().reversed() {
      if position == texts.count / 2 { #expect(!tagger.tag(long).annotations.isEmpty) }
      backwards.append(tagger.tag(text).annotations)
    }
    for (position, annotations) in backwards.reversed().enumerated() {
      #expect(annotations == forwards[position], "article \(position)")
    }
  }
}
