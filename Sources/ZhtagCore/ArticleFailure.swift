// An article that could not be processed: it still gets its line in every output.

/// The record of a failed article: enough to find the input again and the reason.
public struct ArticleFailure: Error, Sendable {
  public var id: String
  public var path: String
  /// Known when the bytes could be read.
  public var sha256: String?
  public var byteCount: Int?
  public var error: Diagnostic
  public var diagnostics: [Diagnostic]

  public init(id: String, path: String, sha256: String?, byteCount: Int?, error: Diagnostic,
              diagnostics: [Diagnostic] = []) {
    self.id = id
    self.path = path
    self.sha256 = sha256
    self.byteCount = byteCount
    self.error = error
    self.diagnostics = diagnostics
  }
}
