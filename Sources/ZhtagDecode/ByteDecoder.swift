// Bytes to Unicode scalars: BOMs, strict UTF-8 first, declared and detected charsets via ICU.
import CZhtagICU
import ZhtagCore

/// The text of an input and how it was read.
public struct DecodedBytes: Sendable {
  public var scalars: [Unicode.Scalar]
  public var encoding: String
  public var confidence: Double
  /// `bom`, `utf-8`, `declared`, `detected`, `override`.
  public var method: String
  public var diagnostics: [Diagnostic]
}

/// Turns the bytes of one article into scalars, or refuses them with a diagnostic.
public struct ByteDecoder: Sendable {
  /// Charset to use instead of detection (`--encoding`); nil to detect.
  public var override: String?

  public init(override: String? = nil) { self.override = override }

  /// Decodes `bytes`; `file` names the input in diagnostics.
  public func decode(_ bytes: [UInt8], file: String) throws(Diagnostic) -> DecodedBytes {
    if bytes.isEmpty { throw DecodeMessages.empty(file) }

    if let override {
      return try convert(bytes, charset: Self.preferredName(override), method: "override",
                         confidence: 1, file: file)
    }
    if let (charset, length) = Self.byteOrderMark(bytes) {
      let body = Array(bytes[length...])
      if charset == "UTF-8", let text = String(validating: body, as: UTF8.self) {
        return DecodedBytes(scalars: Array(text.unicodeScalars), encoding: charset,
                            confidence: 1, method: "bom", diagnostics: [])
      }
      return try convert(body, charset: charset, method: "bom", confidence: 1, file: file)
    }
    try Self.refuseBinary(bytes, file: file)
    if let text = String(validating: bytes, as: UTF8.self) {
      return DecodedBytes(scalars: Array(text.unicodeScalars), encoding: "UTF-8",
                          confidence: 1, method: "utf-8", diagnostics: [])
    }
    if let declared = Self.declaredCharset(bytes) {
      return try convert(bytes, charset: Self.preferredName(declared), method: "declared",
                         confidence: 1, file: file)
    }
    let (charset, confidence) = Self.detect(bytes)
    var result = try convert(bytes, charset: charset, method: "detected",
                             confidence: Double(confidence) / 100, file: file)
    if confidence < 30 {
      result.diagnostics.append(
        DecodeMessages.lowConfidence(file, charset: charset, confidence: confidence))
    }
    return result
  }

  // MARK: - Steps

  static func byteOrderMark(_ bytes: [UInt8]) -> (String, Int)? {
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return ("UTF-8", 3) }
    if bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) { return ("UTF-32LE", 4) }
    if bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) { return ("UTF-32BE", 4) }
    if bytes.starts(with: [0xFF, 0xFE]) { return ("UTF-16LE", 2) }
    if bytes.starts(with: [0xFE, 0xFF]) { return ("UTF-16BE", 2) }
    return nil
  }

  /// Every GB label is read as GB18030: pages labelled GB2312 or GBK routinely hold
  /// GB18030-only characters (DESIGN §6).
  static func preferredName(_ label: String) -> String {
    switch String(label.lowercased().map { $0 == "_" ? "-" : $0 }) {
    case "gb2312", "gbk", "gb-2312", "cp936", "x-gbk", "euc-cn", "hz-gb-2312", "gb18030":
      return "GB18030"
    case "big5", "big-5", "cn-big5", "x-x-big5": return "Big5"
    case "big5-hkscs": return "Big5-HKSCS"
    default: return label
    }
  }

  /// Text has no NUL bytes and few C0 control bytes; UTF-16 without BOM is let through
  /// because its NULs sit at every other byte.
  static func refuseBinary(_ bytes: [UInt8], file: String) throws(Diagnostic) {
    let sample = bytes.prefix(65536)
    var controls = 0
    var nulEven = 0
    var nulOdd = 0
    var firstNul: Int?
    for (index, byte) in sample.enumerated() where byte < 0x20 {
      switch byte {
      case 0x09, 0x0A, 0x0C, 0x0D, 0x1B: continue
      case 0x00:
        if firstNul == nil { firstNul = index }
        if index % 2 == 0 { nulEven += 1 } else { nulOdd += 1 }
      default: controls += 1
      }
    }
    let nuls = nulEven + nulOdd
    let looksUTF16 = nuls > sample.count / 8 && (nulEven == 0 || nulOdd == 0)
    if nuls > 0 && !looksUTF16 {
      throw DecodeMessages.binary(file, offset: firstNul ?? 0, reason: "\(nuls) NUL byte(s)")
    }
    if controls * 20 > sample.count {
      throw DecodeMessages.binary(file, offset: 0,
                                  reason: "\(controls) control bytes in \(sample.count)")
    }
  }

  /// `<meta charset=…>` or `content="…; charset=…"` in the first 4 KB.
  static func declaredCharset(_ bytes: [UInt8]) -> String? {
    let head = bytes.prefix(4096).map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }
    let needle = Array("charset".utf8)
    var index = 0
    while index + needle.count < head.count {
      if head[index..<index + needle.count].elementsEqual(needle) {
        var cursor = index + needle.count
        while cursor < head.count, head[cursor] == 0x20 { cursor += 1 }
        guard cursor < head.count, head[cursor] == UInt8(ascii: "=") else {
          index += 1
          continue
        }
        cursor += 1
        while cursor < head.count, head[cursor] == 0x20 || head[cursor] == 0x22 || head[cursor] == 0x27 {
          cursor += 1
        }
        var name: [UInt8] = []
        while cursor < head.count, name.count < 40 {
          let byte = head[cursor]
          let ok = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x2D || byte == 0x5F
          if !ok { break }
          name.append(byte)
          cursor += 1
        }
        if !name.isEmpty { return String(decoding: name, as: UTF8.self) }
      }
      index += 1
    }
    return nil
  }

  /// ICU's guesses, with a Chinese-aware choice: when a Chinese charset is among the
  /// plausible guesses it wins over Korean/Japanese/Latin readings of short texts.
  static func detect(_ bytes: [UInt8]) -> (String, Int) {
    var guesses = [zhtag_charset_guess](repeating: zhtag_charset_guess(), count: 16)
    let count = bytes.withUnsafeBufferPointer { input in
      guesses.withUnsafeMutableBufferPointer { out in
        zhtag_icu_detect(input.baseAddress, Int32(min(input.count, 1 << 20)),
                         out.baseAddress, Int32(out.count))
      }
    }
    guard count > 0 else { return ("GB18030", 0) }
    let named: [(String, Int)] = guesses.prefix(Int(count)).map { guess in
      let name = withUnsafeBytes(of: guess.name) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      return (name, Int(guess.confidence))
    }
    let chinese = ["GB18030", "Big5", "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"]
    let top = named[0]
    if chinese.contains(top.0) { return (preferredName(top.0), top.1) }
    if let best = named.first(where: { chinese.contains($0.0) && $0.1 >= 10 }) {
      return (preferredName(best.0), best.1)
    }
    return (preferredName(top.0), top.1)
  }

  func convert(_ bytes: [UInt8], charset: String, method: String, confidence: Double,
               file: String) throws(Diagnostic) -> DecodedBytes
  {
    guard let result = bytes.withUnsafeBufferPointer({
      zhtag_icu_convert(charset, $0.baseAddress, Int32($0.count))
    }) else {
      throw DecodeMessages.unknownCharset(file, charset, detail: "out of memory")
    }
    defer { zhtag_icu_conversion_free(result) }
    let error = withUnsafeBytes(of: result.pointee.error) { raw in
      String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
    }
    if !error.isEmpty { throw DecodeMessages.unknownCharset(file, charset, detail: error) }
    let utf8 = UnsafeBufferPointer(start: result.pointee.utf8,
                                   count: Int(result.pointee.utf8_length))
    let text = String(decoding: utf8, as: UTF8.self)
    var diagnostics: [Diagnostic] = []
    let substitutions = Int(result.pointee.substitutions)
    if substitutions > 0 {
      let offsets = withUnsafeBytes(of: result.pointee.error_offsets) { raw in
        Array(raw.bindMemory(to: Int32.self).prefix(Int(result.pointee.error_offset_count)))
          .map(Int.init)
      }
      diagnostics.append(DecodeMessages.undecodable(file, count: substitutions, charset: charset,
                                                    offsets: offsets))
    }
    return DecodedBytes(scalars: Array(text.unicodeScalars), encoding: charset,
                        confidence: confidence, method: method, diagnostics: diagnostics)
  }
}
