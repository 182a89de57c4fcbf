// SHA-256 through OpenSSL's libcrypto: input fingerprints and the rules hash.
import COpenSSL

/// Hex SHA-256 digests.
public enum Digest {
  /// The SHA-256 of the concatenation of `chunks`, as 64 lower-case hex digits.
  public static func sha256Hex(_ chunks: [[UInt8]]) -> String {
    let context = EVP_MD_CTX_new()
    defer { EVP_MD_CTX_free(context) }
    EVP_DigestInit_ex(context, EVP_sha256(), nil)
    for chunk in chunks {
      chunk.withUnsafeBytes { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
    }
    var digest = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    EVP_DigestFinal_ex(context, &digest, &length)
    let hex = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(64)
    for byte in digest { text += [hex[Int(byte >> 4)], hex[Int(byte & 15)]] }
    return String(decoding: text, as: UTF8.self)
  }
}
