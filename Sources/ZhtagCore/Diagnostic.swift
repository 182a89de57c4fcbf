// Diagnostics: one type for rule-file errors, bad-input errors and per-article notes.

/// Where a diagnostic points: a file with line and column, or an offset in an article.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
  public var file: String
  /// 1-based; 0 when unknown.
  public var line: Int
  /// 1-based, counted in characters; 0 when unknown.
  public var column: Int
  /// A byte or code point offset in the file, when that is the natural place (decode errors).
  public var offset: Int?

  public init(file: String, line: Int = 0, column: Int = 0, offset: Int? = nil) {
    self.file = file
    self.line = line
    self.column = column
    self.offset = offset
  }

  public var description: String {
    var text = file
    if line > 0 {
      text += ":\(line)"
      if column > 0 { text += ":\(column)" }
    } else if let offset {
      text += ":@\(offset)"
    }
    return text
  }
}

/// A problem or a note, with a stable code (e.g. `decode.undecodable-bytes`) and a message in
/// lower case without a final period.
public struct Diagnostic: Hashable, Sendable, Error, CustomStringConvertible {
  public enum Severity: String, Sendable, Comparable {
    case note, warning, error
    public static func < (a: Severity, b: Severity) -> Bool {
      let order: [Severity] = [.note, .warning, .error]
      return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
  }

  public var severity: Severity
  public var code: String
  public var message: String
  public var location: SourceLocation?
  /// The source line the location points into, for the caret display.
  public var sourceLine: String?

  public init(
    _ severity: Severity, _ code: String, _ message: String, at location: SourceLocation? = nil,
    sourceLine: String? = nil
  ) {
    self.severity = severity
    self.code = code
    self.message = message
    self.location = location
    self.sourceLine = sourceLine
  }

  /// `file:line:col: error: message`, then the source line and a caret when known.
  public var description: String {
    var text = ""
    if let location { text += "\(location): " }
    text += "\(severity.rawValue): \(message)"
    if let sourceLine, let location, location.column > 0 {
      text += "\n" + sourceLine + "\n"
      // The caret sits under the character; wide (Han) characters take two columns.
      var pad = ""
      for scalar in sourceLine.unicodeScalars.prefix(location.column - 1) {
        pad += scalar == "\t" ? "\t" : (scalar.isWide ? "  " : " ")
      }
      text += pad + "^"
    }
    return text
  }
}

extension Unicode.Scalar {
  /// Takes two columns in a terminal (CJK and full-width forms).
  var isWide: Bool {
    let v = value
    return (v >= 0x1100 && v <= 0x115F) || (v >= 0x2E80 && v <= 0xA4CF)
      || (v >= 0xAC00 && v <= 0xD7A3) || (v >= 0xF900 && v <= 0xFAFF)
      || (v >= 0xFE30 && v <= 0xFE4F) || (v >= 0xFF00 && v <= 0xFF60)
      || (v >= 0xFFE0 && v <= 0xFFE6) || (v >= 0x20000 && v <= 0x3FFFD)
  }
}
