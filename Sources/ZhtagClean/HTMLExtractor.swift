// HTML pages into text blocks, one a line, with an exact source map: libxml2's HTML parser
// (through the CZhtagHTML fence) gives every text run with its byte offsets; markup between
// runs is replaced by a newline (block boundary), a space or nothing, entities by what they
// stand for, and dropped elements (script, style, nav …) are listed as removed regions.
import CZhtagHTML
import ZhtagCore

/// What clean does with HTML elements (`rules/clean/html-tags.tsv`).
struct HTMLSettings: Sendable {
  enum Role: String, Sendable { case drop, block, heading, item, link, title }

  var roles: [String: (role: Role, line: Int)] = [:]
  /// Class and id words that mark page furniture (nav, footer, share …).
  var furnitureWords: [[UInt8]] = []
  var file = "rules/clean/html-tags.tsv"

  init(_ lexicon: Lexicon?) {
    guard let lexicon else { return }
    file = lexicon.file
    for entry in lexicon.entries {
      guard let field = entry.field(0) else { continue }
      if entry.key.hasPrefix(".") {
        if field == "furniture" { furnitureWords.append(Array(entry.key.dropFirst().lowercased().utf8)) }
      } else if let role = Role(rawValue: field) {
        roles[entry.key.lowercased()] = (role, entry.line)
      }
    }
  }

  var reference: RuleReference { RuleReference(id: "html", file: file, line: 0) }

  func reference(for name: String) -> RuleReference {
    RuleReference(id: "html-" + name, file: file, line: roles[name]?.line ?? 0)
  }

  /// True when a class or id value contains a furniture word.
  func isFurniture(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
    guard !value.isEmpty, !furnitureWords.isEmpty else { return false }
    for word in furnitureWords where word.count <= value.count {
      var index = 0
      while index + word.count <= value.count {
        var offset = 0
        while offset < word.count {
          var byte = value[index + offset]
          if byte >= 0x41 && byte <= 0x5A { byte += 0x20 }
          if byte != word[offset] { break }
          offset += 1
        }
        if offset == word.count { return true }
        index += 1
      }
    }
    return false
  }
}

/// What the HTML tells about one block of the extracted text.
struct HTMLBlockHint {
  var characters = 0
  var linkCharacters = 0
  var heading = false
  var furniture = false
  var linkDensity: Double { characters == 0 ? 0 : Double(linkCharacters) / Double(characters) }
}

/// The result of extracting an HTML page: hints per line of the new text, the page title and
/// <meta> values, with ranges in the source text.
struct HTMLExtraction {
  var blocks: [HTMLBlockHint] = [HTMLBlockHint()]
  var title: (text: String, range: TextRange)?
  var metaTags: [(field: String, value: String, range: TextRange)] = []
}

struct HTMLExtractor {
  let settings: HTMLSettings

  static let metaFields: [String: String] = [
    "publishdate": "date", "pubdate": "date", "publish_date": "date", "publishtime": "date",
    "article:published_time": "date", "og:release_date": "date", "dc.date": "date", "date": "date",
    "author": "author", "article:author": "author",
  ]

  /// Rewrites `document.text` (an HTML page) into its text blocks.
  func extract(_ document: inout Document) -> HTMLExtraction {
    let text = document.text
    var utf8: [UInt8] = []
    utf8.reserveCapacity(text.count * 3)
    // byteToScalar[b] = the scalar index that byte b belongs to (and text.count at the end).
    var byteToScalar: [Int32] = []
    byteToScalar.reserveCapacity(text.count * 3 + 1)
    for (index, scalar) in text.enumerated() {
      let before = utf8.count
      UTF8.encode(scalar) { utf8.append($0) }
      for _ in before..<utf8.count { byteToScalar.append(Int32(index)) }
    }
    byteToScalar.append(Int32(text.count))
    func scalar(_ byte: Int32) -> Int { Int(byteToScalar[max(0, min(Int(byte), byteToScalar.count - 1))]) }

    var extraction = HTMLExtraction()
    guard let result = utf8.withUnsafeBufferPointer({ buffer in
      zhtag_html_parse(UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), buffer.count)
    }) else { return extraction }
    defer { zhtag_html_free(result) }
    let count = zhtag_html_event_count(result)
    let events = UnsafeBufferPointer(start: zhtag_html_events(result), count: count)
    let strings = UnsafeRawPointer(zhtag_html_strings(result)).assumingMemoryBound(to: UInt8.self)
    func bytes(_ offset: Int32, _ length: Int32) -> UnsafeBufferPointer<UInt8> {
      UnsafeBufferPointer(start: strings + Int(offset), count: Int(length))
    }
    func string(_ offset: Int32, _ length: Int32) -> String {
      String(decoding: bytes(offset, length), as: UTF8.self)
    }

    var rewriter = TextRewriter(text)
    var cursor = 0
    var pendingBreak = false
    var pendingSpace = false
    var spaceHadNewline = false
    var last: Unicode.Scalar = "\n"
    struct Open { var name: String; var role: HTMLSettings.Role?; var furniture: Bool }
    var stack: [Open] = []
    var dropDepth = 0
    var dropStart = 0
    var linkDepth = 0
    var headingDepth = 0
    var furnitureDepth = 0
    var inTitle = false
    var titleText: [Unicode.Scalar] = []
    var titleRange: TextRange?
    var removed: [(TextRange, String, RuleReference, Int)] = []

    func isSpace(_ scalar: Unicode.Scalar) -> Bool {
      scalar == " " || scalar == "\n" || scalar == "\t" || scalar == "\r" || scalar == "\u{0C}" || scalar == "\u{A0}"
    }
    func isWide(_ scalar: Unicode.Scalar) -> Bool { scalar.isHan || (scalar.value >= 0x3000 && scalar.value <= 0x303F) || (scalar.value >= 0xFF00 && scalar.value <= 0xFFEF) }

    func visible(_ start: Int, _ end: Int, _ replacement: [Unicode.Scalar]?) {
      let first = replacement?.first ?? text[start]
      var separator: [Unicode.Scalar] = []
      if !rewriter.output.isEmpty {
        if pendingBreak {
          separator = ["\n"]
          extraction.blocks.append(HTMLBlockHint())
        } else if pendingSpace && !(spaceHadNewline && isWide(last) && isWide(first)) {
          separator = [" "]
        }
      }
      if start > cursor || !separator.isEmpty { rewriter.replace(TextRange(cursor, start), with: separator) }
      if let replacement { rewriter.replace(TextRange(start, end), with: replacement) }
      cursor = end
      let added = replacement?.count ?? (end - start)
      extraction.blocks[extraction.blocks.count - 1].characters += added
      if linkDepth > 0 { extraction.blocks[extraction.blocks.count - 1].linkCharacters += added }
      if headingDepth > 0 { extraction.blocks[extraction.blocks.count - 1].heading = true }
      if furnitureDepth > 0 { extraction.blocks[extraction.blocks.count - 1].furniture = true }
      last = replacement?.last ?? text[end - 1]
      pendingBreak = false
      pendingSpace = false
      spaceHadNewline = false
    }

    for event in events {
      switch Int(event.kind) {
      case Int(ZHTAG_HTML_START.rawValue):
        let name = string(event.value, event.value_length)
        let role = settings.roles[name]?.role
        // id and class are the first two attribute fields.
        let attributes = bytes(event.attributes, event.attributes_length)
        var furniture = false
        var fields: [UnsafeBufferPointer<UInt8>] = []
        var fieldStart = 0
        for index in 0...attributes.count {
          if index == attributes.count || attributes[index] == 0x1F {
            fields.append(UnsafeBufferPointer(rebasing: attributes[fieldStart..<index]))
            fieldStart = index + 1
          }
        }
        if fields.count >= 2 { furniture = settings.isFurniture(fields[0]) || settings.isFurniture(fields[1]) }
        if name == "meta", fields.count >= 5 {
          let key = (fields[2].isEmpty ? String(decoding: fields[3], as: UTF8.self)
            : String(decoding: fields[2], as: UTF8.self)).lowercased()
          if let field = Self.metaFields[key], !fields[4].isEmpty {
            let value = String(decoding: fields[4], as: UTF8.self)
            let at = scalar(event.start)
            var range = TextRange(at, at)
            let needle = Array(value.unicodeScalars)
            var probe = at - needle.count
            while probe >= max(0, at - 2000) {
              if text[probe..<probe + needle.count].elementsEqual(needle) {
                range = TextRange(probe, probe + needle.count)
                break
              }
              probe -= 1
            }
            extraction.metaTags.append((field, value, document.sourceMap.sourceRange(range)))
          }
        }
        stack.append(Open(name: name, role: role, furniture: furniture))
        if role == .title { inTitle = true }
        if role == .drop {
          if dropDepth == 0 { dropStart = scalar(event.end) }
          dropDepth += 1
        }
        guard dropDepth == 0 else { continue }
        switch role {
        case .block, .heading, .item: pendingBreak = true
        case .link: linkDepth += 1
        default: break
        }
        if role == .heading { headingDepth += 1 }
        if furniture { furnitureDepth += 1 }
      case Int(ZHTAG_HTML_END.rawValue):
        let name = string(event.value, event.value_length)
        guard let position = stack.lastIndex(where: { $0.name == name }) else { continue }
        // Elements left open inside this one close with it.
        for open in stack[position...].reversed() {
          if open.role == .title { inTitle = false }
          if open.role == .drop {
            dropDepth -= 1
            if dropDepth == 0 {
              let range = TextRange(min(dropStart, scalar(event.start)), scalar(event.start))
              if text[range.start..<range.end].contains(where: { !isSpace($0) }) {
                removed.append((range, "html-" + open.name, settings.reference(for: open.name), rewriter.output.count))
              }
            }
            continue
          }
          guard dropDepth == 0 else { continue }
          switch open.role {
          case .block, .heading, .item: pendingBreak = true
          case .link: linkDepth = max(0, linkDepth - 1)
          default: break
          }
          if open.role == .heading { headingDepth = max(0, headingDepth - 1) }
          if open.furniture { furnitureDepth = max(0, furnitureDepth - 1) }
        }
        stack.removeSubrange(position...)
      default:
        let start = scalar(event.start)
        let end = scalar(event.end)
        guard end >= start, start >= cursor || dropDepth > 0 || inTitle else { continue }
        let value = Array(string(event.value, event.value_length).unicodeScalars)
        if inTitle {
          titleText += value
          titleRange = TextRange(titleRange?.start ?? start, end)
          continue
        }
        guard dropDepth == 0, start >= cursor else { continue }
        let literal = end - start == value.count && text[start..<end].elementsEqual(value)
        if literal {
          for position in start..<end {
            let character = text[position]
            if isSpace(character) {
              pendingSpace = true
              if character == "\n" { spaceHadNewline = true }
            } else {
              visible(position, position + 1, nil)
            }
          }
        } else if value.allSatisfy(isSpace) {
          pendingSpace = true
        } else {
          visible(start, end, value.map { isSpace($0) ? " " : $0 })
        }
      }
    }
    if cursor < text.count { rewriter.replace(TextRange(cursor, text.count), with: []) }
    let (newText, map) = rewriter.finish()
    let before = document.sourceMap
    document.applyRewrite(text: newText, map: map)
    for (range, reason, rule, offset) in removed {
      document.removed.append(RemovedRegion(sourceRange: before.sourceRange(range), textOffset: offset,
                                            reason: reason, rule: rule))
    }
    if let titleRange {
      var collapsed: [Unicode.Scalar] = []
      for scalar in titleText {
        if isSpace(scalar) {
          if let tail = collapsed.last, tail != " " { collapsed.append(" ") }
        } else {
          collapsed.append(scalar)
        }
      }
      while collapsed.last == " " { collapsed.removeLast() }
      if !collapsed.isEmpty { extraction.title = (collapsed.string, before.sourceRange(titleRange)) }
    }
    return extraction
  }
}
