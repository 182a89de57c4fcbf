// Paths and process helpers shared by the test targets.
import Foundation

/// Where the package and the shared material are, found from this file's path.
public enum Fixtures {
  /// The package root (the folder holding Package.swift).
  public static let root: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
      url.deleteLastPathComponent()
      if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        return url
      }
    }
    fatalError("Package.swift not found above \(#filePath)")
  }()

  /// `../shared`, beside the checkout.
  public static let shared = root.deletingLastPathComponent().appendingPathComponent("shared")

  public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

  /// The seeds, sorted.
  public static var seedPaths: [String] {
    let folder = root.appendingPathComponent("seeds").path
    return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
      .filter { !$0.hasPrefix(".") }.map { folder + "/" + $0 }
  }

  /// The dev corpus articles (`../shared/corpus/dev/dev_NNN.txt`), sorted. Stops the tests
  /// when the shared folder is missing, so that no test passes on an empty corpus.
  public static var devCorpusPaths: [String] {
    let folder = shared.appendingPathComponent("corpus/dev").path
    let paths = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
      .filter { $0.hasPrefix("dev_") && $0.hasSuffix(".txt") }.map { folder + "/" + $0 }
    precondition(paths.count >= 90, "the dev corpus is missing: expected ../shared/corpus/dev beside the checkout (\(folder))")
    return paths
  }

  public static func bytes(_ path: String) -> [UInt8] {
    Array(FileManager.default.contents(atPath: path) ?? Data())
  }

  public static func text(_ path: String) -> String {
    String(decoding: bytes(path), as: UTF8.self)
  }

  /// A fresh temporary directory.
  public static func temporaryDirectory(_ name: String = "zhtag-test") -> String {
    let path = NSTemporaryDirectory() + name + "-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }
}

/// The outcome of running a program.
public struct ProcessResult: Sendable {
  public var status: Int32
  public var stdout: String
  public var stderr: String
}

public enum Processes {
  /// The `zhtag` binary built beside the test bundle.
  public static var zhtag: String {
    let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [products.appendingPathComponent("zhtag").path,
                      products.deletingLastPathComponent().appendingPathComponent("zhtag").path,
                      Fixtures.path(".build/debug/zhtag")]
    where FileManager.default.isExecutableFile(atPath: candidate) {
      return candidate
    }
    return Fixtures.path(".build/debug/zhtag")
  }

  /// Runs `executable` with `arguments` in `directory`, waiting for it to end.
  public static func run(_ executable: String, _ arguments: [String], in directory: String? = nil,
                         stdin: Data? = nil) throws -> ProcessResult
  {
    let process = Process()
    if executable.contains("/") {
      process.executableURL = URL(fileURLWithPath: executable)
      process.arguments = arguments
    } else {
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = [executable] + arguments
    }
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = Pipe()
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    // Read before waiting so a full pipe cannot block the child.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus,
                         stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
  }
}
