// swift-tools-version: 6.0
import PackageDescription

/// libFuzzer targets over ZarrCore, one executable per harness in the root package's
/// ZarrFuzzing library. Built only by scripts/fuzz.sh (`make fuzz`), never by the root
/// package's `swift build`:
///
///     swift build --package-path Fuzz --scratch-path .build-fuzz -c debug \
///       -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
///
/// Each target is one file with no `main.swift`: it exports `LLVMFuzzerTestOneInput` and an
/// `@main` that calls libFuzzer's `LLVMFuzzerRunDriver` (FuzzDriver), because SwiftPM links a
/// Swift executable with `--defsym main=<Target>_main`, so libFuzzer's own `main` never gets linked.
/// The root package is named (its identity is its directory's name, which varies by checkout).
let harnesses = ["FuzzMetadata", "FuzzCodecChain", "FuzzShardIndex", "FuzzArrayRead"]

let package = Package(
    name: "zarr-fuzz",
    dependencies: [.package(name: "zarr-conformance", path: "..")],
    targets: [.target(name: "FuzzDriver")] + harnesses.map {
        .executableTarget(name: $0, dependencies: ["FuzzDriver", .product(name: "ZarrFuzzing", package: "zarr-conformance")])
    },
    swiftLanguageModes: [.v5]
)
