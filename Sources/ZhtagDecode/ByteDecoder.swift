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
  /// How many undecodable byte sequences became U+FFFD.
  public var substitutions = 0
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
      if charset == "UTF-8", let scalars = UTF8Scalars.decode(body) {
        return DecodedBytes(scalars: scalars, encoding: charset, confidence: 1, method: "bom",
                            diagnostics: [])
      }
      if body.isEmpty {
        return DecodedBytes(scalars: [], encoding: charset, confidence: 1, method: "bom",
                            diagnostics: [])
      }
      return try convert(body, charset: charset, method: "bom", confidence: 1, file: file)
    }
    // The common case in one pass: valid UTF-8 without NULs, escapes or many controls.
    var counts = ControlBytes()
    if let scalars = bytes.withUnsafeBufferPointer({ UTF8Scalars.decode($0, counting: &counts) }),
      counts.nuls == 0, counts.escapes == 0, (counts.controls + counts.shifts) * 20 <= counts.sampled
    {
      return DecodedBytes(scalars: scalars, encoding: "UTF-8", confidence: 1, method: "utf-8",
                          diagnostics: [])
    }
    let controls = try Self.refuseBinary(bytes, file: file)
    // UTF-16 holding ASCII is also valid UTF-8 (NULs and all): it is checked first, and so is
    // 7-bit ISO-2022 text (its escape sequences are ASCII).
    if controls.nuls > 0, let utf16 = Self.utf16WithoutBOM(bytes) {
      return try convert(bytes, charset: utf16, method: "detected", confidence: 0.9, file: file)
    }
    if controls.escapes > 0, Self.hasISO2022Escapes(bytes) {
      let detected = try detect(bytes, file: file)
      if detected.encoding.uppercased().hasPrefix("ISO-2022") { return detected }
    }
    if let scalars = UTF8Scalars.decode(bytes) {
      return DecodedBytes(scalars: scalars, encoding: "UTF-8", confidence: 1, method: "utf-8",
                          diagnostics: [])
    }
    if let declared = Self.declaredCharset(bytes) {
      let charset = Self.preferredName(declared)
      if let result = try? convert(bytes, charset: charset, method: "declared", confidence: 1,
                                   file: file)
      {
        // A declaration is trusted unless the bytes disagree with it.
        if result.substitutions <= max(2, bytes.count / 200) { return result }
        let detected = try detect(bytes, file: file)
        return detected.substitutions < result.substitutions ? detected : result
      }
    }
    return try detect(bytes, file: file)
  }

  /// Detection: uchardet first (it reads short Chinese texts and EUC-TW that ICU misses), ICU's
  /// guesses for the confidence and as the fallback, with a Chinese-aware choice; a Big5 text
  /// that only decodes cleanly as Big5-HKSCS is read as Big5-HKSCS.
  func detect(_ bytes: [UInt8], file: String) throws(Diagnostic) -> DecodedBytes {
    let (charset, confidence) = Self.detectCharset(bytes)
    var result = try convert(bytes, charset: charset, method: "detected",
                             confidence: Double(confidence) / 100, file: file)
    if charset == "Big5", result.substitutions > 0,
      let hkscs = try? convert(bytes, charset: "Big5-HKSCS", method: "detected",
                               confidence: Double(confidence) / 100, file: file),
      hkscs.substitutions < result.substitutions
    {
      result = hkscs
    }
    if confidence < 30 {
      result.diagnostics.append(
        DecodeMessages.lowConfidence(file, charset: result.encoding, confidence: confidence))
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
    if bytes.starts(with: [0x84, 0x31, 0x95, 0x33]) { return ("GB18030", 4) }
    return nil
  }

  /// Every GB label is read as GB18030: pages labelled GB2312 or GBK routinely hold
  /// GB18030-only characters (DESIGN §6).
  static func preferredName(_ label: String) -> String {
    switch String(label.lowercased().map { $0 == "_" ? "-" : $0 }) {
    case "gb2312", "gbk", "gb-2312", "cp936", "x-gbk", "euc-cn", "hz-gb-2312", "gb18030":
      return "GB18030"
    case "big5", "big-5", "cn-big5", "x-x-big5": return "Big5"
    case "big5-hkscs", "big5hkscs": return "Big5-HKSCS"
    case "uhc", "cp949", "windows-949", "ks-c-5601-1987": return "windows-949"
    case "euc-tw", "x-euc-tw", "cns11643": return "EUC-TW"
    case "utf-16": return "UTF-16"
    case "utf-32": return "UTF-32"
    case "utf8": return "UTF-8"
    default: return label
    }
  }

  /// What `refuseBinary` saw: NULs (UTF-16 without BOM) and ISO-2022 escape sequences.
  struct ControlBytes {
    var controls = 0
    var nulEven = 0
    var nulOdd = 0
    var firstNul: Int?
    var escapes = 0
    var shifts = 0
    var sampled = 0
    var nuls: Int { nulEven + nulOdd }
  }

  /// Text has no NUL bytes and few C0 control bytes; UTF-16 without BOM is let through
  /// because its NULs sit at every other byte, and ISO-2022 text because its shift bytes
  /// come with escape sequences.
  @discardableResult
  static func refuseBinary(_ bytes: [UInt8], file: String) throws(Diagnostic) -> ControlBytes {
    let counts = controlCounts(bytes)
    if counts.nuls > 0
      && utf16Parity(nulEven: counts.nulEven, nulOdd: counts.nulOdd, sampled: counts.sampled) == nil
    {
      throw DecodeMessages.binary(file, offset: counts.firstNul ?? 0, reason: "\(counts.nuls) NUL byte(s)")
    }
    let controls = counts.controls + (counts.escapes > 0 ? 0 : counts.shifts)
    if controls * 20 > counts.sampled {
      throw DecodeMessages.binary(file, offset: 0,
                                  reason: "\(controls) control bytes in \(counts.sampled)")
    }
    return counts
  }

  /// Counts, over the first 64 KB, C0 control bytes other than tab, LF, FF, CR, ESC, SO and
  /// SI, NUL bytes at even and odd offsets, escapes and shifts.
  static func controlCounts(_ bytes: [UInt8]) -> ControlBytes {
    var counts = ControlBytes()
    counts.sampled = min(bytes.count, 65536)
    let sampled = counts.sampled
    bytes.withUnsafeBufferPointer { buffer in
      for index in 0..<sampled {
        let byte = buffer[index]
        if byte >= 0x20 { continue }
        switch byte {
        case 0x09, 0x0A, 0x0C, 0x0D: continue
        case 0x1B: counts.escapes += 1
        case 0x0E, 0x0F: counts.shifts += 1
        case 0x00:
          if counts.firstNul == nil { counts.firstNul = index }
          if index & 1 == 0 { counts.nulEven += 1 } else { counts.nulOdd += 1 }
        default: counts.controls += 1
        }
      }
    }
    return counts
  }

  /// UTF-16 text with ASCII in it has NULs at one parity only: even offsets for big-endian.
  static func utf16Parity(nulEven: Int, nulOdd: Int, sampled: Int) -> String? {
    let nuls = nulEven + nulOdd
    guard nuls > sampled / 16 else { return nil }
    // CJK characters such as 一 (U+4E00) put a few NULs on the other side.
    if nulOdd * 10 <= nulEven { return "UTF-16BE" }
    if nulEven * 10 <= nulOdd { return "UTF-16LE" }
    return nil
  }

  /// `ESC $` or `ESC (` (ISO-2022 designations) somewhere in the first 64 KB.
  static func hasISO2022Escapes(_ bytes: [UInt8]) -> Bool {
    let limit = min(bytes.count, 65536) - 1
    var index = 0
    while index < limit {
      if bytes[index] == 0x1B, bytes[index + 1] == 0x24 || bytes[index + 1] == 0x28 { return true }
      index += 1
    }
    return false
  }

  /// UTF-16 without a BOM, recognised by its NULs and checked to decode cleanly.
  static func utf16WithoutBOM(_ bytes: [UInt8]) -> String? {
    guard bytes.count >= 4, bytes.count % 2 == 0 else { return nil }
    let counts = controlCounts(bytes)
    guard let charset = utf16Parity(nulEven: counts.nulEven, nulOdd: counts.nulOdd,
                                    sampled: counts.sampled)
    else { return nil }
    let bigEndian = charset == "UTF-16BE"
    var units: [UInt16] = []
    units.reserveCapacity(bytes.count / 2)
    var index = 0
    while index + 1 < bytes.count {
      let (high, low) = bigEndian ? (bytes[index], bytes[index + 1]) : (bytes[index + 1], bytes[index])
      units.append(UInt16(high) << 8 | UInt16(low))
      index += 2
    }
    var iterator = units.makeIterator()
    var decoder = UTF16()
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue: continue
      case .emptyInput: return charset
      case .error: return nil
      }
    }
  }

  /// `<meta charset=…>`, `http-equiv` `content="…; charset=…"`, or the XML declaration's
  /// `encoding="…"`, in the first 4 KB.
  static func declaredCharset(_ bytes: [UInt8]) -> String? {
    let head = bytes.prefix(4096).map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }
    if head.starts(with: Array("<?xml".utf8)), let end = head.firstIndex(of: UInt8(ascii: ">")),
      let name = value(after: Array("encoding".utf8), in: Array(head[..<end]))
    {
      return name
    }
    return value(after: Array("charset".utf8), in: head)
  }

  /// The charset name after the first `needle` `=` in `head` (quotes and spaces skipped).
  private static func value(after needle: [UInt8], in head: [UInt8]) -> String? {
    var index = 0
    while index + needle.count < head.count {
      if head[index] == needle[0], head[index..<index + needle.count].elementsEqual(needle) {
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
            || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A
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

  /// Charsets a Chinese page is written in; a detector's other answers are doubted.
  static let chineseCharsets: Set<String> = [
    "GB18030", "Big5", "Big5-HKSCS", "EUC-TW", "ISO-2022-CN", "HZ-GB-2312", "UTF-8",
    "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE", "UTF-16", "UTF-32",
  ]

  /// The charset to read undeclared, non-UTF-8 bytes in, and a confidence 0–100.
  ///
  /// uchardet answers first. A Chinese answer is taken; a non-Chinese one (Japanese, Korean,
  /// a Latin code page) is taken when ICU's best guess agrees, else a Chinese charset that ICU
  /// also finds plausible (≥ 10) and that decodes the bytes without error wins: short Chinese
  /// texts are often read as Korean or Latin by one detector (DESIGN §6). The confidence is
  /// ICU's for the chosen charset, at least 60 when both detectors agree, 50 when only
  /// uchardet had it.
  static func detectCharset(_ bytes: [UInt8]) -> (String, Int) {
    let sample = Array(bytes.prefix(1 << 20))
    let icu = icuGuesses(sample)
    var name = [CChar](repeating: 0, count: 64)
    let length = sample.withUnsafeBufferPointer {
      zhtag_uchardet_detect($0.baseAddress, Int32($0.count), &name, Int32(name.count))
    }
    let uchardet = length > 0
      ? preferredName(String(decoding: name.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
      : nil
    func icuConfidence(_ charset: String) -> Int? {
      icu.first { preferredName($0.0).lowercased() == charset.lowercased() }?.1
    }
    if let uchardet {
      let agreed = icuConfidence(uchardet)
      let confidence = agreed.map { icu.first?.0 == uchardet || $0 >= 50 ? max($0, 60) : 50 } ?? 50
      if chineseCharsets.contains(uchardet) { return (uchardet, confidence) }
      if let top = icu.first, family(preferredName(top.0)) == family(uchardet) {
        return (uchardet, max(confidence, top.1))
      }
      if let chinese = icu.first(where: { chineseCharsets.contains(preferredName($0.0)) && $0.1 >= 10 }),
        decodesCleanly(sample, preferredName(chinese.0))
      {
        return (preferredName(chinese.0), chinese.1)
      }
      return (uchardet, confidence)
    }
    guard let top = icu.first else { return ("GB18030", 0) }
    if chineseCharsets.contains(preferredName(top.0)) { return (preferredName(top.0), top.1) }
    if let best = icu.first(where: { chineseCharsets.contains(preferredName($0.0)) && $0.1 >= 10 }),
      decodesCleanly(sample, preferredName(best.0))
    {
      return (preferredName(best.0), best.1)
    }
    return (preferredName(top.0), top.1)
  }

  /// Charsets of one language agree with each other (ICU says EUC-KR where uchardet says UHC).
  static func family(_ charset: String) -> String {
    switch charset.lowercased() {
    case "euc-kr", "windows-949", "iso-2022-kr": return "ko"
    case "shift_jis", "euc-jp", "iso-2022-jp", "windows-31j": return "ja"
    default: return charset.lowercased()
    }
  }

  /// ICU's charset guesses, best first, with confidences 0–100.
  static func icuGuesses(_ bytes: [UInt8]) -> [(String, Int)] {
    var guesses = [zhtag_charset_guess](repeating: zhtag_charset_guess(), count: 16)
    let count = bytes.withUnsafeBufferPointer { input in
      guesses.withUnsafeMutableBufferPointer { out in
        zhtag_icu_detect(input.baseAddress, Int32(input.count), out.baseAddress, Int32(out.count))
      }
    }
    guard count > 0 else { return [] }
    return guesses.prefix(Int(count)).map { guess in
      let name = withUnsafeBytes(of: guess.name) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      return (name, Int(guess.confidence))
    }
  }

  /// True when ICU reads `bytes` as `charset` without substituting anything.
  static func decodesCleanly(_ bytes: [UInt8], _ charset: String) -> Bool {
    guard let result = bytes.withUnsafeBufferPointer({
      zhtag_icu_convert(charset, $0.baseAddress, Int32($0.count))
    }) else { return false }
    defer { zhtag_icu_conversion_free(result) }
    return result.pointee.error.0 == 0 && result.pointee.substitutions == 0
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
    var scalars = UTF8Scalars.decodeTrusted(utf8)
    // A BOM inside the bytes (GB18030's, or UTF-16 read by the BOM-detecting converter).
    if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
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
    var decoded = DecodedBytes(scalars: scalars, encoding: charset, confidence: confidence,
                               method: method, diagnostics: diagnostics)
    decoded.substitutions = substitutions
    return decoded
  }
}
