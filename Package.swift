// swift-tools-version:6.0
// zhtag: Chinese development-zone news → clean, annotated XML and JSONL.
// Module cut and the reasons for it: Documentation/Architecture.md.
import PackageDescription

let package = Package(
  name: "zhtag",
  products: [
    .executable(name: "zhtag", targets: ["zhtag"]),
    .library(name: "ZhtagPipeline", targets: ["ZhtagPipeline"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
  ],
  targets: [
    // MARK: C libraries (Debian packages, found through pkg-config)
    .systemLibrary(
      name: "CICU", pkgConfig: "icu-i18n",
      providers: [.apt(["libicu-dev"])]),
    .systemLibrary(
      name: "CLibXML2", pkgConfig: "libxml-2.0",
      providers: [.apt(["libxml2-dev"])]),
    .systemLibrary(
      name: "COpenSSL", pkgConfig: "libcrypto",
      providers: [.apt(["libssl-dev"])]),
    // The ICU fence: ICU is called only from C behind an API with no ICU types, so no Swift
    // module ever sees system-ICU headers next to Foundation's own ICU (DESIGN §5).
    .systemLibrary(
      name: "CUchardet", pkgConfig: "uchardet",
      providers: [.apt(["libuchardet-dev"])]),
    .target(name: "CZhtagICU", dependencies: ["CICU", "CUchardet"]),

    // MARK: The library: a core model, one module per stage, a pipeline that wires them
    .target(name: "ZhtagCore"),
    .target(name: "ZhtagDecode", dependencies: ["ZhtagCore", "CZhtagICU"]),
    // libxml2's HTML parser behind an API of plain C types (offsets of every text run).
    .target(name: "CZhtagHTML", dependencies: ["CLibXML2"]),
    .target(name: "ZhtagClean", dependencies: ["ZhtagCore", "CZhtagHTML"]),
    .target(name: "ZhtagSegment", dependencies: ["ZhtagCore"]),
    .target(
      name: "ZhtagRules",
      dependencies: ["ZhtagCore", "Yams", "COpenSSL"]),
    .target(name: "ZhtagTag", dependencies: ["ZhtagCore", "ZhtagRules"]),
    .target(name: "ZhtagWrite", dependencies: ["ZhtagCore", "CLibXML2"]),
    .target(
      name: "ZhtagPipeline",
      dependencies: [
        "ZhtagCore", "ZhtagDecode", "ZhtagClean", "ZhtagSegment", "ZhtagRules", "ZhtagTag",
        "ZhtagWrite",
      ]),
    .executableTarget(
      name: "zhtag",
      dependencies: [
        "ZhtagPipeline", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // Throughput per stage over a corpus (scripts/bench.sh); not part of the library.
    .executableTarget(name: "zhtag-bench", dependencies: ["ZhtagPipeline", "ZhtagWrite", "ZhtagCore", "ZhtagRules", "ZhtagTag"]),

    // MARK: Tests
    .target(name: "ZhtagTestSupport", dependencies: ["ZhtagCore"], path: "Tests/ZhtagTestSupport"),
    .testTarget(name: "ZhtagCoreTests", dependencies: ["ZhtagCore", "ZhtagTestSupport"]),
    .testTarget(name: "ZhtagDecodeTests", dependencies: ["ZhtagDecode", "ZhtagPipeline", "ZhtagTestSupport"]),
    .testTarget(name: "ZhtagCleanTests", dependencies: ["ZhtagClean", "ZhtagPipeline", "ZhtagTestSupport"]),
    .testTarget(
      name: "ZhtagSegmentTests", dependencies: ["ZhtagSegment", "ZhtagPipeline", "ZhtagTestSupport"],
      exclude: ["Fixtures"]),
    .testTarget(name: "ZhtagRulesTests", dependencies: ["ZhtagRules", "ZhtagTag", "ZhtagTestSupport"]),
    .testTarget(
      name: "ZhtagTagTests", dependencies: ["ZhtagRules", "ZhtagTag", "ZhtagPipeline", "ZhtagTestSupport"],
      exclude: ["Fixtures"]),
    .testTarget(name: "ZhtagWriteTests", dependencies: ["ZhtagWrite", "ZhtagTestSupport"]),
    .testTarget(
      name: "ZhtagPipelineTests", dependencies: ["ZhtagPipeline", "ZhtagTestSupport"], exclude: ["Fixtures"]),
  ]
)
