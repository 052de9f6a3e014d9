// swift-tools-version: 6.0
import PackageDescription

/// One system-library target per C library (a module map plus a shim header for macros),
/// the Zarr core, the conformance harness and the CLI.
let package = Package(
    name: "zarr-conformance",
    products: [
        .library(name: "ZarrCore", targets: ["ZarrCore"]),
        .library(name: "ZarrConformance", targets: ["ZarrConformance"]),
        .library(name: "ZarrFuzzing", targets: ["ZarrFuzzing"]),
        .library(name: "ZarrTestSupport", targets: ["ZarrTestSupport"]),
        .library(name: "ZarrRemote", targets: ["ZarrRemote"]),
        .executable(name: "zarr-conformance", targets: ["zarr-conformance"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // `swift package generate-documentation --target ZarrCore` builds the DocC catalog.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CZarrZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZarrZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZarrBlosc", pkgConfig: "blosc", providers: [.apt(["libblosc-dev"])]),
        .systemLibrary(name: "CZarrLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CZarrBzip2", providers: [.apt(["libbz2-dev"])]),
        .systemLibrary(name: "CZarrLZMA", pkgConfig: "liblzma", providers: [.apt(["liblzma-dev"])]),
        .systemLibrary(name: "CZarrXXHash", pkgConfig: "libxxhash", providers: [.apt(["libxxhash-dev"])]),
        .systemLibrary(name: "CZarrISAL", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
        .systemLibrary(name: "CZarrDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "CZarrZFP", providers: [.apt(["libzfp-dev"])]),
        .target(
            name: "ZarrCore",
            dependencies: [
                "CZarrZlib", "CZarrZstd", "CZarrBlosc", "CZarrLZ4", "CZarrBzip2", "CZarrLZMA",
                "CZarrXXHash", "CZarrISAL", "CZarrDeflate", "CZarrZFP",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "ZarrConformance", dependencies: ["ZarrCore"]),
        // Stores where the data lives: HTTP(S), S3, GCS and zip, and location strings.
        .target(
            name: "ZarrRemote",
            dependencies: [
                "ZarrCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // What the fuzz targets run (Fuzz/ builds them with libFuzzer; tests replay past crashes).
        .target(name: "ZarrFuzzing", dependencies: ["ZarrCore"]),
        .executableTarget(
            name: "zarr-conformance",
            dependencies: [
                "ZarrCore", "ZarrConformance", "ZarrRemote",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The shared checkers every store and codec passes (StoreConformance, CodecProperties).
        .target(name: "ZarrTestSupport", dependencies: ["ZarrCore", "ZarrConformance"]),
        .testTarget(name: "ZarrCoreTests", dependencies: ["ZarrCore", "ZarrFuzzing", "ZarrTestSupport"]),
        .testTarget(name: "ZarrRemoteTests", dependencies: ["ZarrRemote", "ZarrCore", "ZarrTestSupport", "ZarrConformance"]),
        .testTarget(name: "ZarrConformanceTests", dependencies: ["ZarrConformance", "ZarrCore", "zarr-conformance"]),
    ],
    swiftLanguageModes: [.v6]
)
