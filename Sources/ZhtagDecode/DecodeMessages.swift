// Every diagnostic the decode stage emits, in one place.
import ZhtagCore

enum DecodeMessages {
  static func empty(_ file: String) -> Diagnostic {
    Diagnostic(.error, "decode.empty", "input is empty (0 bytes)", at: SourceLocation(file: file))
  }

  static func binary(_ file: String, offset: Int, reason: String) -> Diagnostic {
    Diagnostic(
      .error, "decode.binary", "input looks binary, not text (\(reason))",
      at: SourceLocation(file: file, offset: offset))
  }

  static func unknownCharset(_ file: String, _ name: String, detail: String) -> Diagnostic {
    Diagnostic(
      .error, "decode.unknown-charset", "cannot decode as '\(name)': \(detail)",
      at: SourceLocation(file: file))
  }

  static func undecodable(_ file: String, count: Int, charset: String, offsets: [Int])
    -> Diagnostic
  {
    let shown = offsets.prefix(8).map(String.init).joined(separator: ", ")
    let more = count > offsets.prefix(8).count ? ", …" : ""
    return Diagnostic(
      .warning, "decode.undecodable-bytes",
      "\(count) byte sequence(s) not valid in \(charset) were replaced by U+FFFD"
        + " (at byte \(shown)\(more))",
      at: SourceLocation(file: file, offset: offsets.first))
  }

  static func lowConfidence(_ file: String, charset: String, confidence: Int) -> Diagnostic {
    Diagnostic(
      .warning, "decode.low-confidence",
      "charset guessed as \(charset) with low confidence (\(confidence)%); use --encoding to set it",
      at: SourceLocation(file: file))
  }
}
