import Foundation
import XCTest
import ZarrFuzzing

/// Replays what the fuzz targets (Fuzz/, `make fuzz`) found, without sanitizers: every file in
/// Vectors/fuzz-crashes/<target>/ goes through its harness, which must return. Plus a few
/// hand-made hostile inputs per harness.
final class FuzzReplayTests: XCTestCase {
    static let harnesses: [String: @Sendable ([UInt8]) -> Void] = [
        "FuzzMetadata": FuzzHarness.metadata,
        "FuzzCodecChain": FuzzHarness.codecChain,
        "FuzzShardIndex": FuzzHarness.shardIndex,
        "FuzzArrayRead": FuzzHarness.arrayRead,
    ]

    static let crashes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Vectors/fuzz-crashes")

    func testSavedCrashInputsReplay() throws {
        let fm = FileManager.default
        let targets = (try? fm.contentsOfDirectory(atPath: Self.crashes.path)) ?? []
        for target in targets.sorted() {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: Self.crashes.appendingPathComponent(target).path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            let harness = try XCTUnwrap(Self.harnesses[target], "Vectors/fuzz-crashes/\(target)/ names no fuzz target")
            let dir = Self.crashes.appendingPathComponent(target)
            for name in try fm.contentsOfDirectory(atPath: dir.path).sorted() where !name.hasPrefix(".") {
                harness([UInt8](try Data(contentsOf: dir.appendingPathComponent(name))))
            }
        }
    }

    func testMetadataHostileInputs() {
        let documents = [
            "", "{", "[", "\"", "nul", "{\"zarr_format\": 2, \"shape\": [1", "{\"zarr_format\":", String(repeating: "[", count: 5000),
            String(repeating: "{\"a\":", count: 2000), "NaN", "-Infinity", "1e999999", "-0", "\"\\ud800\"", "\"\\u0000\"",
            #"{"zarr_format":2,"shape":[9223372036854775807],"chunks":[1],"dtype":"<i4","compressor":null,"fill_value":0,"order":"C","filters":null}"#,
            #"{"zarr_format":2,"shape":[4294967296,4294967296],"chunks":[4294967296,4294967296],"dtype":"<f8","compressor":null,"fill_value":"NaN","order":"F","filters":null}"#,
            #"{"zarr_format":2,"shape":[99999999999999999999],"chunks":[1],"dtype":"<i4","compressor":null,"fill_value":0,"order":"C","filters":null}"#,
            #"{"zarr_format":2,"shape":[100],"chunks":[0],"dtype":"|O","compressor":null,"fill_value":"","order":"C","filters":[{"id":"vlen-utf8"}]}"#,
            #"{"zarr_format":2,"shape":[3],"chunks":[3],"dtype":[["a","<i4",[1073741824,1073741824]]],"compressor":null,"fill_value":null,"order":"C","filters":null}"#,
            #"{"zarr_format":3,"node_type":"array","shape":[1e3],"data_type":"int8","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[1]}},"chunk_key_encoding":{"name":"default"},"fill_value":0,"codecs":[{"name":"bytes"}]}"#,
            #"{"zarr_format":3,"node_type":"array","shape":[9223372036854775807,2],"data_type":"uint8","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[1,1]}},"chunk_key_encoding":{"name":"default"},"fill_value":0,"codecs":[{"name":"bytes"}]}"#,
            #"{"zarr_format":3,"node_type":"array","shape":[10],"data_type":"uint8","chunk_grid":{"name":"rectilinear","configuration":{"kind":"inline","chunk_shapes":[[[1,9223372036854775807]]]}},"chunk_key_encoding":{"name":"default"},"fill_value":0,"codecs":[{"name":"bytes"}]}"#,
            #"{"zarr_format":3,"node_type":"group","consolidated_metadata":{"kind":"inline","metadata":{"a":{"zarr_format":3,"node_type":"array","shape":[4294967296],"data_type":"uint8","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[4294967296]}},"chunk_key_encoding":{"name":"default"},"fill_value":0,"codecs":[{"name":"bytes"}]}}}}"#,
            #"{"zarr_consolidated_format":1,"metadata":{".zgroup":{"zarr_format":2},"../a/.zarray":{},"a/.zarray":{"zarr_format":2,"shape":[-1]}}}"#,
            #"{"dimensions":[9223372036854775807,9223372036854775807],"blockSize":[1,1],"dataType":"uint8","compression":{"type":"raw"}}"#,
            #"{"dimensions":[10],"blockSize":[0],"dataType":"object","compression":{"type":"lz4","blockSize":-1}}"#,
            #"{"n5":"99.0.0","dimensions":[4],"blockSize":[4],"dataType":"float64","compressionType":"xz"}"#,
        ]
        for document in documents { FuzzHarness.metadata(Array(document.utf8)) }
    }

    func testCodecChainHostileInputs() {
        for selector in 0..<FuzzHarness.codecChainCaseCount {
            let s = UInt8(selector)
            for chunk: [UInt8] in [[], [0], [0xFF], [UInt8](repeating: 0xFF, count: 64), [UInt8](repeating: 0, count: 300),
                                   [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0], [0x28, 0xB5, 0x2F, 0xFD, 0xFF, 0xFF], [2, 1, 0x21, 8, 0xFF, 0xFF, 0xFF, 0x7F]] {
                FuzzHarness.codecChain([s] + chunk)
            }
        }
        FuzzHarness.codecChain([])
    }

    func testShardIndexHostileInputs() {
        func u64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
        for selector in 0..<FuzzHarness.shardIndexCaseCount {
            let s = UInt8(selector)
            let shards: [[UInt8]] = [
                [], [0], [UInt8](repeating: 0xFF, count: 4096),  // every entry empty (and a wrong checksum)
                (0..<256).flatMap { _ in u64(0) + u64(UInt64.max) },  // zero offset, huge length
                (0..<256).flatMap { _ in u64(UInt64.max - 7) + u64(16) },  // offset + length overflows
                (0..<256).flatMap { i in u64(UInt64(i % 3)) + u64(8) },  // overlapping entries
                [UInt8](repeating: 0, count: 16 * 1024),
            ]
            for shard in shards { FuzzHarness.shardIndex([s] + shard) }
        }
        FuzzHarness.shardIndex([])
    }

    func testArrayReadHostileInputs() {
        let v2 = Array(#"{"zarr_format":2,"shape":[4,4],"chunks":[2,2],"dtype":"<i2","compressor":{"id":"zlib","level":1},"fill_value":3,"order":"C","filters":null}"#.utf8)
        let huge = Array(#"{"zarr_format":2,"shape":[4294967296,4294967296],"chunks":[1,1],"dtype":"<i2","compressor":null,"fill_value":0,"order":"C","filters":null}"#.utf8)
        let archives: [[UInt8]] = [
            [], [0], [5, 0, 0x61], [1, 0, 0x61, 0xFF, 0xFF, 0xFF, 0xFF],  // truncated records
            FuzzHarness.archive([(".zgroup", Array(#"{"zarr_format":2}"#.utf8)), ("a/.zarray", v2), ("a/0.0", [1, 2, 3]), ("a/1.1", [])]),
            FuzzHarness.archive([(".zgroup", Array(#"{"zarr_format":2}"#.utf8)), ("big/.zarray", huge), ("../x", [1]), ("/abs", [2]), ("a//b", [3])]),
            FuzzHarness.archive([(".zmetadata", Array(#"{"zarr_consolidated_format":1,"metadata":{".zgroup":{"zarr_format":2},"a/.zarray":{"zarr_format":2}}}"#.utf8)),
                                 (".zgroup", Array(#"{"zarr_format":2}"#.utf8)), ("a/.zarray", v2)]),
            FuzzHarness.archive([("attributes.json", Array(#"{"n5":"4.0.0"}"#.utf8)),
                                 ("d/attributes.json", Array(#"{"dimensions":[3,2],"blockSize":[2,2],"dataType":"int16","compression":{"type":"gzip"}}"#.utf8)),
                                 ("d/0/0", [0, 0, 0, 2, 0, 0, 0, 9, 0, 0, 0, 9])]),
            FuzzHarness.archive([("zarr.json", Array(#"{"zarr_format":3,"node_type":"group"}"#.utf8)), (".zgroup", Array(#"{"zarr_format":2}"#.utf8))]),
        ]
        for archive in archives { FuzzHarness.arrayRead(archive) }
    }

    func testArchiveFormatRoundTrips() {
        let entries: [(key: String, value: [UInt8])] = [("a/.zarray", [1, 2, 3]), ("ünïcode/0.0", []), ("k", [UInt8](repeating: 7, count: 70_000))]
        let back = FuzzHarness.unarchive(FuzzHarness.archive(entries))
        XCTAssertEqual(back.map(\.key), entries.map(\.key))
        XCTAssertEqual(back.map(\.value), entries.map(\.value))
        // A truncated record ends the archive; the records before it are kept.
        XCTAssertEqual(FuzzHarness.unarchive(Array(FuzzHarness.archive(entries).dropLast())).count, 2)
    }
}
