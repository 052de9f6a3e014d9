import CZarrLZ4
import Foundation
import XCTest
@testable import ZarrConformance
@testable import ZarrCore

/// Every rule: a clean store passes it, a store broken in one way fails it.
final class ValidatorTests: XCTestCase {
    enum Base { case v2, v3, n5 }

    var roots: [String] = []
    override func tearDown() { for r in roots { try? FileManager.default.removeItem(atPath: r) } }

    func newRoot() -> String {
        let r = NSTemporaryDirectory() + "validate-\(UUID().uuidString)"
        roots.append(r)
        return r
    }

    func put(_ root: String, _ key: String, _ text: String) throws { try FilesystemStore(root: root).set(key, Array(text.utf8)) }
    func bytes(_ root: String, _ key: String) throws -> [UInt8] { try XCTUnwrap(try FilesystemStore(root: root).get(key)) }
    func edit(_ root: String, _ key: String, _ change: (inout JSONObject) -> Void) throws {
        var o = try XCTUnwrap(try FilesystemStore(root: root).getJSON(key)?.objectValue)
        change(&o)
        try FilesystemStore(root: root).set(key, JSON.object(o).bytes())
    }

    func ints(_ n: Int) -> ChunkData { .fixed((0..<n).flatMap { withUnsafeBytes(of: Int32($0).littleEndian, Array.init) }) }

    /// v2: root group, array `a` (zlib) and array `c` (crc32 as the compressor). v3: group `g`, sharded array `g/a`.
    /// N5: dataset `d` (gzip).
    func makeBase(_ base: Base) throws -> String {
        let root = newRoot()
        let store = FilesystemStore(root: root)
        switch base {
        case .v2:
            let a = try ZarrArray.create(store: store, path: "a", metadata: ArrayMetadataV2(shape: [4, 4], chunks: [2, 2], dtype: try V2DataType.parse("<i4"), compressor: ["id": "zlib", "level": 1]))
            try a.write(ints(16))
            let c = try ZarrArray.create(store: store, path: "c", metadata: ArrayMetadataV2(shape: [4], chunks: [4], dtype: try V2DataType.parse("<i4"), compressor: ["id": "crc32"]))
            try c.write(ints(4))
        case .v3:
            let meta = try ArrayMetadataV3.parse(try JSON.parse(#"{"zarr_format":3,"node_type":"array","shape":[4,4],"data_type":"int32","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[4,4]}},"chunk_key_encoding":{"name":"default"},"fill_value":0,"codecs":[{"name":"sharding_indexed","configuration":{"chunk_shape":[2,2],"codecs":[{"name":"bytes","configuration":{"endian":"little"}}],"index_codecs":[{"name":"bytes","configuration":{"endian":"little"}},{"name":"crc32c"}]}}]}"#))
            try ZarrArray.create(store: store, path: "g/a", metadata: .v3(meta)).write(ints(16))
        case .n5:
            let attrs = DatasetAttributesN5(dimensions: [4, 4], blockSize: [2, 2], dataType: "int32", compression: JSONObject([("type", "gzip")]))
            try ZarrArray.create(store: store, path: "d", metadata: .n5(attrs, reversed: false)).write(ints(16))
        }
        return root
    }

    /// The findings that are problems (info findings, such as the stored-chunk counts, left out
    /// unless asked for).
    func validate(_ root: String, spec: SpecVersion = .latest, expect: ChunkExpectation = .fillIsFine, info: Bool = false) throws -> [Finding] {
        var validator = Validator()
        validator.spec = spec
        validator.expectChunks = expect
        return try validator.validate(root: root).findings.filter { info || $0.severity != .info }
    }

    /// How a rule's breach is validated, where the default does not show it.
    func expectation(for rule: String, root: String) throws -> ChunkExpectation {
        switch rule {
        case "data.chunks.missing": return .all
        case "data.chunks.extra", "data.chunks.changed": return .manifest(try StoreManifest.make(root: root + ".before"))
        default: return .fillIsFine
        }
    }

    /// One breach per rule, on the baseline it applies to.
    var breaches: [(rule: String, base: Base, mutate: (String) throws -> Void)] {
        [
            ("v2.metadata.json", .v2, { try self.put($0, "a/.zarray", "{") }),
            ("v2.metadata.required", .v2, { try self.edit($0, "a/.zarray") { $0["order"] = nil } }),
            ("v2.zarr-format", .v2, { try self.edit($0, "a/.zarray") { $0["zarr_format"] = 3 } }),
            ("v2.shape.invalid", .v2, { try self.edit($0, "a/.zarray") { $0["shape"] = [-1, 4] } }),
            ("v2.dtype.invalid", .v2, { try self.edit($0, "a/.zarray") { $0["dtype"] = "<q8" } }),
            ("v2.compressor.invalid", .v2, { try self.edit($0, "a/.zarray") { $0["compressor"] = "zlib" } }),
            ("v2.filters.invalid", .v2, { try self.edit($0, "a/.zarray") { $0["filters"] = ["id": "x"] } }),
            ("v2.order.invalid", .v2, { try self.edit($0, "a/.zarray") { $0["order"] = "K" } }),
            ("v2.dimension-separator.invalid", .v2, { try self.edit($0, "a/.zarray") { $0["dimension_separator"] = "-" } }),
            ("v2.fill-value.invalid", .v2, { try self.edit($0, "a/.zarray") { $0["fill_value"] = "abc" } }),
            ("v2.codec.unknown", .v2, { try self.edit($0, "a/.zarray") { $0["compressor"] = ["id": "nope"] } }),
            ("v2.codec.pickle", .v2, { try self.edit($0, "a/.zarray") { $0["filters"] = [["id": "pickle"]] } }),
            ("v2.object.no-codec", .v2, { try self.edit($0, "a/.zarray") { $0["dtype"] = "|O" } }),
            ("v2.group.invalid", .v2, { try self.put($0, ".zgroup", #"{"zarr_format":3}"#) }),
            ("v2.metadata.invalid", .v2, { try self.edit($0, "a/.zarray") { $0["shape"] = [4_611_686_018_427_387_904, 4]; $0["chunks"] = [1, 1] } }),
            ("v3.metadata.json", .v3, { try self.put($0, "g/a/zarr.json", "{") }),
            ("v3.metadata.required", .v3, { try self.edit($0, "g/a/zarr.json") { $0["fill_value"] = nil } }),
            ("v3.zarr-format", .v3, { try self.edit($0, "g/a/zarr.json") { $0["zarr_format"] = 2 } }),
            ("v3.node-type", .v3, { try self.edit($0, "g/a/zarr.json") { $0["node_type"] = "grup" } }),
            ("v3.draft-layout", .v3, { try self.edit($0, "g/a/zarr.json") { $0["zarr_format"] = "https://purl.org/zarr/spec/protocol/core/3.0" } }),
            ("v3.metadata.unknown-member", .v3, { try self.edit($0, "g/a/zarr.json") { $0["extra"] = 1 } }),
            ("v3.shape.invalid", .v3, { try self.edit($0, "g/a/zarr.json") { $0["shape"] = [-1, 4] } }),
            ("v3.data-type.invalid", .v3, { try self.edit($0, "g/a/zarr.json") { $0["data_type"] = ["name": "fixed_length_utf32", "configuration": ["length_bytes": 3]] } }),
            ("v3.chunk-grid.invalid", .v3, { try self.edit($0, "g/a/zarr.json") { $0["chunk_grid"] = ["name": "regular"] } }),
            ("v3.chunk-key-encoding.invalid", .v3, { try self.edit($0, "g/a/zarr.json") { $0["chunk_key_encoding"] = ["name": "default", "configuration": ["separator": "-"]] } }),
            ("v3.fill-value.invalid", .v3, { try self.edit($0, "g/a/zarr.json") { $0["fill_value"] = .number("0.5") } }),
            ("v3.codecs.invalid", .v3, { try self.edit($0, "g/a/zarr.json") { $0["codecs"] = [["name": "transpose", "configuration": ["order": [0, 0]]], "bytes"] } }),
            ("v3.codecs.unknown", .v3, { try self.edit($0, "g/a/zarr.json") { $0["codecs"] = [["name": "bytes", "configuration": ["endian": "little"]], ["name": "numcodecs.nope"]] } }),
            ("v3.extension.not-registered", .v3, { try self.edit($0, "g/a/zarr.json") { $0["data_type"] = "int3" } }),
            ("v3.extension.form-3.0", .v3, { try self.edit($0, "g/a/zarr.json") { $0["chunk_key_encoding"] = "default" } }),
            ("v3.chunk-grid.zero-size", .v3, { try self.edit($0, "g/a/zarr.json") { $0["shape"] = [0, 4]; $0["chunk_grid"] = ["name": "regular", "configuration": ["chunk_shape": [0, 4]]] } }),
            ("v3.fill-value.rounding-tie", .v3, { try self.retype($0, "float16", fill: .number("1.00048828125")) }),
            ("structure.v3.node-name", .v3, { try FileManager.default.moveItem(atPath: $0 + "/g/a", toPath: $0 + "/g/__a") }),
            ("structure.v3.node-name-zarr-json", .v3, { root in
                try FileManager.default.removeItem(atPath: root + "/g/zarr.json")
                try FileManager.default.moveItem(atPath: root + "/g/a", toPath: root + "/g/zarr.json")
            }),
            ("v3.storage-transformer", .v3, { try self.edit($0, "g/a/zarr.json") { $0["storage_transformers"] = [["name": "t"]] } }),
            ("v3.dimension-names.invalid", .v3, { try self.edit($0, "g/a/zarr.json") { $0["dimension_names"] = ["x"] } }),
            ("v3.attributes.invalid", .v3, { try self.edit($0, "g/a/zarr.json") { $0["attributes"] = [1] } }),
            ("v3.consolidated.invalid", .v3, { try self.edit($0, "g/zarr.json") { $0["consolidated_metadata"] = ["kind": "remote", "must_understand": false, "metadata": [:]] } }),
            ("v3.metadata.invalid", .v3, { try self.edit($0, "g/a/zarr.json") { $0["shape"] = [4_611_686_018_427_387_904, 4] } }),
            ("n5.version", .n5, { try self.put($0, "attributes.json", #"{"n5":"5.0.0"}"#) }),
            ("n5.attributes.invalid", .n5, { try self.edit($0, "d/attributes.json") { $0["blockSize"] = [2] } }),
            ("n5.data-type", .n5, { try self.edit($0, "d/attributes.json") { $0["dataType"] = "complex64" } }),
            ("n5.compression", .n5, { try self.edit($0, "d/attributes.json") { $0["compression"] = ["type": "snappy"] } }),
            ("structure.markers.conflict", .v2, { try self.put($0, "a/.zgroup", #"{"zarr_format":2}"#) }),
            ("structure.v3.ancestor-missing", .v3, { try FileManager.default.removeItem(atPath: $0 + "/g/zarr.json") }),
            ("structure.v2.ancestor-missing", .v2, { try FileManager.default.removeItem(atPath: $0 + "/.zgroup") }),
            ("structure.key.invalid", .v2, { _ = FileManager.default.createFile(atPath: $0 + "/a/x\\y", contents: Data([1])) }),
            ("structure.key.malformed", .v2, { _ = FileManager.default.createFile(atPath: $0 + "/a/notes.txt", contents: Data([1])) }),
            ("structure.key.leading-zero", .v2, { try FileManager.default.copyItem(atPath: $0 + "/a/0.0", toPath: $0 + "/a/0.01") }),
            ("structure.key.outside-grid", .v2, { try FileManager.default.copyItem(atPath: $0 + "/a/0.0", toPath: $0 + "/a/5.0") }),
            ("structure.partial-write", .v2, { _ = FileManager.default.createFile(atPath: $0 + "/a/.0.0.1234.partial", contents: Data([1])) }),
            ("structure.depth", .v2, { root in
                let deep = root + "/deep" + String(repeating: "/x", count: 70)
                try FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)
                _ = FileManager.default.createFile(atPath: deep + "/f", contents: Data([1]))
            }),
            ("structure.symlink-loop", .v2, { try FileManager.default.createSymbolicLink(atPath: $0 + "/loop", withDestinationPath: $0) }),
            ("consolidated.invalid", .v2, { try self.put($0, ".zmetadata", #"{"zarr_consolidated_format":2,"metadata":{}}"#) }),
            ("consolidated.path-invalid", .v2, { try self.put($0, ".zmetadata", #"{"zarr_consolidated_format":1,"metadata":{"../x/.zarray":{}}}"#) }),
            ("consolidated.stale", .v2, { root in
                try ConsolidatedV2.write(store: FilesystemStore(root: root))
                try self.put(root, "a/.zattrs", #"{"changed":true}"#)
            }),
            ("data.chunk.decode", .v2, { root in try FilesystemStore(root: root).set("a/0.0", Array(try self.bytes(root, "a/0.0").dropLast(4))) }),
            ("data.chunk.size", .v2, { root in try FilesystemStore(root: root).set("a/0.0", try Zlib.compress([1, 2, 3, 4], level: 1, container: .zlib)) }),
            ("data.checksum", .v2, { root in
                var b = try self.bytes(root, "c/0")
                b[b.count - 1] ^= 1
                try FilesystemStore(root: root).set("c/0", b)
            }),
            ("shard.index", .v3, { root in try FilesystemStore(root: root).set("g/a/c/0/0", Array(try self.bytes(root, "g/a/c/0/0").prefix(10))) }),
            ("n5.block.header", .n5, { root in
                var b = try self.bytes(root, "d/0/0")
                b[3] = 3
                try FilesystemStore(root: root).set("d/0/0", b)
            }),
            ("producer.numcodecs.zstd-checksum", .v2, { try self.edit($0, "a/.zarray") { $0["compressor"] = ["id": "zstd", "level": 1, "checksum": false] }; try self.clearChunks($0, "a") }),
            ("producer.filters-empty-list", .v2, { try self.edit($0, "a/.zarray") { $0["filters"] = [] } }),
            ("producer.zarr-python-3.0.consolidated-null", .v3, { try self.edit($0, "g/zarr.json") { $0["consolidated_metadata"] = .null } }),
            ("producer.zarr-python.unregistered-data-type", .v3, { try self.retype($0, ["name": "null_terminated_bytes", "configuration": ["length_bytes": 4]], fill: "") }),
            ("producer.tensorstore.float8-e4m3fn", .v3, { try self.retype($0, "float8_e4m3fn", fill: .number("0.0")) }),
            ("producer.legacy-structured", .v3, { try self.retype($0, ["name": "structured", "configuration": ["fields": [["a", "int32"]]]], fill: "AAAAAA==") }),
            ("producer.z5py.float-fill-for-int", .v2, { try self.edit($0, "a/.zarray") { $0["fill_value"] = .number("0.0") } }),
            ("producer.z5py.n5-lz4-bare", .n5, { root in
                try self.edit(root, "d/attributes.json") { $0["compression"] = ["type": "lz4", "blockSize": 65536] }
                for key in try FilesystemStore(root: root).list(prefix: "d/") where !key.hasSuffix("attributes.json") {
                    let block = try self.bytes(root, key)
                    let body = try Gzip.decode(Array(block.dropFirst(12)))
                    try FilesystemStore(root: root).set(key, Array(block.prefix(12)) + Array(try LZ4.compress(body, acceleration: 1).dropFirst(4)))
                }
            }),
            ("structure.link-outside", .v2, { root in
                try FileManager.default.createSymbolicLink(atPath: root + "/a/linked", withDestinationPath: "/etc/hostname")
            }),
            ("structure.special-file", .v2, { root in XCTAssertEqual(mkfifo(root + "/a/fifo", 0o644), 0) }),
            ("structure.unreadable", .v2, { root in  // as root, permissions cannot deny a read: a link loop cannot be read either
                try FileManager.default.createSymbolicLink(atPath: root + "/a/loop", withDestinationPath: "loop")
            }),
            ("structure.no-metadata", .v2, { root in
                for name in try FileManager.default.contentsOfDirectory(atPath: root) { try FileManager.default.removeItem(atPath: root + "/" + name) }
                try self.put(root, "notes.txt", "no Zarr here")
            }),
            ("producer.numcodecs.unknown-member", .v2, { try self.edit($0, "a/.zarray") { $0["compressor"] = ["id": "zlib", "level": 1, "delta": 1] } }),
            ("producer.blosc-shuffle-name", .v2, { root in  // GDAL's spelling (NC-01)
                try self.edit(root, "a/.zarray") { $0["compressor"] = ["id": "blosc", "cname": "zstd", "clevel": 5, "shuffle": "BIT", "blocksize": 0] }
                try self.clearChunks(root, "a")
            }),
            ("producer.zgroup-extra-keys", .v2, { try self.put($0, ".zgroup", #"{"zarr_format":2,"consolidated_metadata":null}"#) }),
            ("v3.codecs.pickle", .v3, { try self.edit($0, "g/a/zarr.json") { $0["codecs"] = [["name": "numcodecs.pickle"], ["name": "bytes", "configuration": ["endian": "little"]]] } }),
            ("n5.version.missing", .n5, { try self.put($0, "attributes.json", #"{"title":"no version"}"#) }),
            ("structure.markers.dual-format", .v2, { try self.put($0, "a/zarr.json", Self.v3TwinOfA) }),
            ("structure.v2.nested-keys-undeclared", .v2, { root in  // a/0.0 → a/0/0 …, .zarray unchanged
                for i in 0..<2 {
                    try FileManager.default.createDirectory(atPath: root + "/a/\(i)", withIntermediateDirectories: true)
                    for j in 0..<2 { try FileManager.default.moveItem(atPath: root + "/a/\(i).\(j)", toPath: root + "/a/\(i)/\(j)") }
                }
            }),
            ("data.chunks.stored", .v2, { _ in }),
            ("data.chunks.missing", .v2, { try FileManager.default.removeItem(atPath: $0 + "/a/1.1") }),
            ("data.chunks.extra", .v2, { try FileManager.default.copyItem(atPath: $0 + "/a/0.0", toPath: $0 + "/a/copy-of-0.0") }),
            ("data.chunks.changed", .v2, { root in try FilesystemStore(root: root).set("a/0.1", try self.bytes(root, "a/0.0")) }),
            ("producer.zarr-python-2.fill-value-zero", .v2, { root in
                try self.edit(root, "a/.zarray") { $0["dtype"] = "|b1"; $0["fill_value"] = 0 }
                try self.clearChunks(root, "a")
            }),
        ]
    }

    /// The v2 baseline's array `a` as v3 metadata: same chunks, keys and zlib bytes.
    static let v3TwinOfA = #"{"zarr_format":3,"node_type":"array","shape":[4,4],"data_type":"int32","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[2,2]}},"chunk_key_encoding":{"name":"v2","configuration":{"separator":"."}},"fill_value":0,"codecs":[{"name":"bytes","configuration":{"endian":"little"}},{"name":"numcodecs.zlib","configuration":{"level":1}}]}"#

    enum Gzip { static func decode(_ b: [UInt8]) throws -> [UInt8] { try Zlib.decompress(b, container: .gzip, expectedSize: nil, limit: 1 << 20) } }

    func clearChunks(_ root: String, _ array: String) throws {
        for key in try FilesystemStore(root: root).list(prefix: array + "/") where !key.hasSuffix(".zarray") && !key.hasSuffix("zarr.json") {
            try FilesystemStore(root: root).erase(key)
        }
    }

    /// Gives the v3 baseline a new data type with a bytes codec and no chunks.
    func retype(_ root: String, _ type: JSON, fill: JSON) throws {
        try edit(root, "g/a/zarr.json") {
            $0["data_type"] = type
            $0["fill_value"] = fill
            $0["codecs"] = [["name": "bytes", "configuration": ["endian": "little"]]]
        }
        try clearChunks(root, "g/a")
    }

    /// Verdicts come from the typed problem, field and codec of an error, never from its text:
    /// every error here carries the same meaningless message.
    func testVerdictsDoNotDependOnMessages() {
        func rule(_ kind: ZarrError.Kind, _ problem: ZarrError.Problem = .general, field: String? = nil, codec: String? = nil,
                  _ stage: Diagnosis.Stage) -> String {
            Diagnosis.rule(ZarrError(kind, "reworded", codec: codec, field: field, problem: problem), stage)
        }
        XCTAssertEqual(rule(.invalidMetadata, .invalidJSON, .metadata(.v2)), "v2.metadata.json")
        XCTAssertEqual(rule(.invalidMetadata, .missingMember, field: "level", codec: "gzip", .metadata(.v3)), "v3.metadata.required")
        XCTAssertEqual(rule(.unsupported, .refusedCodec, codec: "pickle", .metadata(.v2)), "v2.codec.pickle")
        XCTAssertEqual(rule(.unsupported, .unknownCodec, codec: "frobnicate", .metadata(.v2)), "v2.codec.unknown")
        XCTAssertEqual(rule(.unsupported, .unknownCodec, codec: "numcodecs.x", .metadata(.v3)), "v3.codecs.unknown")
        XCTAssertEqual(rule(.unsupported, .unregisteredExtension, field: "data_type", .metadata(.v3)), "v3.extension.not-registered")
        XCTAssertEqual(rule(.unsupported, .unregisteredExtension, field: "storage_transformers", .metadata(.v3)), "v3.storage-transformer")
        XCTAssertEqual(rule(.invalidMetadata, .unknownMember, field: "extra", .metadata(.v3)), "v3.metadata.unknown-member")
        XCTAssertEqual(rule(.invalidMetadata, .unknownMember, field: "x", codec: "chunk_key_encoding", .metadata(.v3)), "v3.chunk-key-encoding.invalid")
        XCTAssertEqual(rule(.invalidMetadata, field: "fill_value", .metadata(.v2)), "v2.fill-value.invalid")
        XCTAssertEqual(rule(.invalidMetadata, field: "level", codec: "gzip", .metadata(.v3)), "v3.codecs.invalid")
        XCTAssertEqual(rule(.invalidMetadata, .objectCodecMissing, field: "dtype", .metadata(.v2)), "v2.object.no-codec")
        XCTAssertEqual(rule(.unsupported, .newerVersion, field: "n5", .metadata(.n5)), "n5.version")
        XCTAssertEqual(rule(.invalidMetadata, .missingMember, field: "dataType", .metadata(.n5)), "n5.data-type")
        XCTAssertEqual(rule(.invalidMetadata, .invalidPath, .consolidated), "consolidated.path-invalid")
        XCTAssertEqual(rule(.invalidMetadata, .general, .consolidated), "consolidated.invalid")
        XCTAssertEqual(rule(.corruptData, .checksumMismatch, codec: "crc32c", .chunk), "data.checksum")
        XCTAssertEqual(rule(.corruptData, .shardIndex, codec: "sharding_indexed", .chunk), "shard.index")
        XCTAssertEqual(rule(.corruptData, .sizeMismatch, codec: "zstd", .chunk), "data.chunk.size")
        XCTAssertEqual(rule(.corruptData, .valueTooLarge, .chunk), "data.chunk.size")
        XCTAssertEqual(rule(.corruptData, codec: "n5", .chunk), "n5.block.header")
        XCTAssertEqual(rule(.storage, .general, .chunk), "structure.unreadable")
        XCTAssertEqual(rule(.corruptData, codec: "gzip", .chunk), "data.chunk.decode")
    }

    /// A store with no listing (as HTTP): nodes from consolidated metadata, chunks from the grid
    /// (V3-103); a corrupt chunk is still found, an absent one is fill.
    func testAStoreThatCannotList() throws {
        struct Unlisted: ReadableStore {  // a directory seen through reads alone
            let base: FilesystemStore
            func get(_ key: String, range: ByteRange) throws -> [UInt8]? { try base.get(key, range: range) }
            func size(_ key: String) throws -> Int? { try base.size(key) }
            func get(_ key: String, range: ByteRange, limit: Int) throws -> [UInt8]? { try base.get(key, range: range, limit: limit) }
        }
        let root = try makeBase(.v2)
        let store = FilesystemStore(root: root)
        try ConsolidatedV2.write(store: store)
        try store.set("a/0.1", [1, 2, 3])  // not a zlib stream
        try store.erase("a/1.1")
        try store.set("a/stray", [0])      // invisible without a listing
        let report = try Validator().validate(store: Unlisted(base: store))
        XCTAssertEqual(report.nodes, 3, "the root and the two arrays .zmetadata names")
        XCTAssertEqual(report.chunks, 4, "a: three of four chunks stored, c: one")
        XCTAssertEqual(Set(report.findings.map(\.rule)), ["structure.no-listing", "data.chunk.decode", "data.chunks.stored"], "\(report.findings)")
        XCTAssertTrue(report.findings.contains { $0.rule == "data.chunks.stored" && $0.message.hasPrefix("3 of 4 chunks stored") })
        XCTAssertEqual(report.findings.first { $0.rule == "data.chunk.decode" }?.path, "a/0.1")
        var metadataOnly = Validator()
        metadataOnly.metadataOnly = true
        XCTAssertEqual(try metadataOnly.validate(store: Unlisted(base: store)).findings.filter { $0.rule != "data.chunks.stored" }.map(\.rule), ["structure.no-listing"])
    }

    func testBaselinesPassEveryRule() throws {
        for base in [Base.v2, .v3, .n5] {
            XCTAssertEqual(try validate(try makeBase(base)), [], "\(base)")
        }
    }

    func testEveryRuleHasAStoreThatFailsIt() throws {
        let table = breaches
        for rule in Rules.all where rule.id != "structure.no-listing" {  // testAStoreThatCannotList
            guard let breach = table.first(where: { $0.rule == rule.id }) else { XCTFail("no failing store for \(rule.id)"); continue }
            let root = try makeBase(breach.base)
            try? FileManager.default.copyItem(atPath: root, toPath: root + ".before")
            roots.append(root + ".before")
            try breach.mutate(root)
            let findings = try validate(root, spec: rule.versions?.first ?? .latest, expect: try expectation(for: rule.id, root: root), info: true)
            XCTAssertTrue(findings.contains { $0.rule == rule.id }, "\(rule.id): found \(findings.map { "\($0.rule): \($0.message)" })")
        }
    }

    func testCommittedStoresRaiseNoFalseAlarms() throws {
        // Every readable fixture of every writer validates without an error; every store that must be refused has one.
        for c in try Catalog.load(vectors: FixtureTests.vectors) {
            // A readable store validate must still flag, and a refused case whose store is valid
            // (its node path is refused), say so in `expected.validate`.
            let findings = try validate(c.storePath(vectors: FixtureTests.vectors))
            let errors = findings.filter { $0.severity == .error && !(c.validateFindings ?? []).contains($0.rule) }
            for rule in c.validateFindings ?? [] { XCTAssertTrue(findings.contains { $0.rule == rule }, "\(c.id): \(rule)") }
            if c.expected.isRefusal && c.validateFindings == nil { XCTAssertFalse(errors.isEmpty, "\(c.id) must be refused") }
            else { XCTAssertEqual(errors, [], c.id) }
        }
    }

    /// GDAL 3.6's FORMAT=ZARR_V3 store is named for what it is, not for a missing node_type.
    func testTheDraftV3LayoutIsNamed() throws {
        let findings = try validate(FixtureTests.vectors + "/fixtures/v3/gdal-3.6.2/draft-v3-layout.zarr")
        let errors = findings.filter { $0.severity == .error }
        XCTAssertEqual(errors.map(\.rule), ["v3.draft-layout"])
        XCTAssertTrue(errors.first?.message.contains("the protocol URL of the pre-release Zarr v3 draft; its metadata is under meta/") ?? false, "\(errors)")
    }

    func testMetadataOnlySkipsChunks() throws {
        let root = try makeBase(.v2)
        try FilesystemStore(root: root).set("a/0.0", [1, 2, 3])
        var validator = Validator()
        validator.metadataOnly = true
        XCTAssertEqual(try validator.validate(root: root).findings.filter { $0.severity != .info }, [])
        XCTAssertEqual(try validate(root).map(\.rule), ["data.chunk.decode"])
    }

    func testRulesDocumentIsCurrent() throws {
        let committed = try String(contentsOfFile: FixtureTests.root + "/docs/validation-rules.md", encoding: .utf8)
        XCTAssertEqual(committed, Rules.markdown, "regenerate with: zarr-conformance validate --list-rules > docs/validation-rules.md")
        XCTAssertEqual(Set(Rules.all.map(\.id)).count, Rules.all.count, "rule ids are unique")
    }

    func testCommandLineFormatsAndExitCodes() throws {
        struct CLI { func run(_ a: [String]) throws -> (status: Int32, out: String, err: String) { try runCLI(a) } }
        let cli = CLI()
        let corrupt = FixtureTests.vectors + "/fixtures/corrupt/v2/truncated-gzip-level1.zarr"
        let json = try cli.run(["validate", "--format", "json", corrupt])
        XCTAssertEqual(json.status, 1)
        let parsed = try JSON.parse(json.out)
        XCTAssertEqual(parsed["valid"], false)
        XCTAssertEqual(parsed["findings"]?.arrayValue?.first?["rule"], "data.chunk.decode")
        XCTAssertEqual(parsed["findings"]?.arrayValue?.first?["spec"], "V3-84")
        let sarif = try cli.run(["validate", "--format", "sarif", corrupt])
        XCTAssertEqual(try JSON.parse(sarif.out)["version"], "2.1.0")
        XCTAssertTrue(try cli.run(["validate", "--format", "junit", corrupt]).out.contains("<failure message="))
        XCTAssertEqual(try cli.run(["validate", "--fail-on", "never", corrupt]).status, 0)
        let warned = FixtureTests.vectors + "/fixtures/v2/zarr-python-2.18.7/zstd-checksum.zarr"
        XCTAssertEqual(try cli.run(["validate", warned]).status, 0, "warnings do not fail by default")
        XCTAssertEqual(try cli.run(["validate", "--fail-on", "warning", warned]).status, 1)
        XCTAssertEqual(try cli.run(["validate"]).status, 2)
        XCTAssertEqual(try cli.run(["validate", "/nonexistent/store"]).status, 3)
        let text = try cli.run(["validate", FixtureTests.vectors + "/fixtures/v3/tensorstore-0.1.86/shard-nested.zarr"])
        XCTAssertEqual(text.status, 0)
        XCTAssertTrue(text.out.hasSuffix("0 errors, 0 warnings\n"), text.out)
    }
}

extension ValidatorTests {
    func testSpecVersionChoosesTheRulesAndNamesItself() throws {
        // Zarr 3.1 short-hand codecs are valid 3.1 and a breach of the 3.0 form (V31-07).
        let shorthand = FixtureTests.vectors + "/fixtures/spec/zarr-python-3.1.6/ext-codecs-shorthand.zarr"
        let v30 = try runCLI(["validate", "--format", "json", "--spec", "3.0", shorthand])
        XCTAssertEqual(v30.status, 1)
        let findings = try XCTUnwrap(try JSON.parse(v30.out)["findings"]?.arrayValue)
        XCTAssertEqual(findings.map { $0["rule"] }, ["v3.extension.form-3.0", "v3.extension.form-3.0", "data.chunks.stored"])
        XCTAssertEqual(findings.first?["spec_version"], "3.0")
        let v31 = try runCLI(["validate", "--format", "json", shorthand])
        XCTAssertEqual(v31.status, 0)
        XCTAssertEqual(try JSON.parse(v31.out)["findings"]?.arrayValue?.map { $0["rule"] }, ["data.chunks.stored"])
        XCTAssertTrue(try runCLI(["validate", "--spec", "3.0", shorthand]).out.contains("[V31-07; Zarr 3.0]"))
        XCTAssertEqual(try runCLI(["validate", "--spec", "3.2", shorthand]).status, 2)
        // A node named zarr.json is a finding under 3.1 only; a v2 finding names version 2.
        let named = FixtureTests.vectors + "/fixtures/spec/zarr-python-3.1.6/node-name-zarr-json.zarr"
        XCTAssertTrue(try runCLI(["validate", named]).out.contains("structure.v3.node-name-zarr-json"))
        XCTAssertFalse(try runCLI(["validate", "--spec", "3.0", named]).out.contains("structure.v3.node-name-zarr-json"))
        let v2 = try runCLI(["validate", "--format", "json", FixtureTests.vectors + "/fixtures/corrupt/v2/truncated-gzip-level1.zarr"])
        XCTAssertEqual(try JSON.parse(v2.out)["findings"]?.arrayValue?.first?["spec_version"], "2")
    }

    func testExpectedChunksOnTheRealBinary() throws {
        // Issue 16: missing chunks are reported per array; --expect-chunks all or a manifest makes them errors.
        let root = try makeBase(.v2)
        let stored = try runCLI(["validate", root])
        XCTAssertEqual(stored.status, 0)
        XCTAssertTrue(stored.out.contains("info: data.chunks.stored [E-15] a/.zarray: 4 of 4 chunks stored\n"), stored.out)
        let manifestFile = root + ".manifest.json"
        roots.append(manifestFile)
        let manifest = try runCLI(["manifest", root])
        XCTAssertEqual(manifest.status, 0)
        try Data(manifest.out.utf8).write(to: URL(fileURLWithPath: manifestFile))
        let listed = try XCTUnwrap(try JSON.parse(manifest.out)["keys"]?.objectValue)
        XCTAssertEqual(listed.keys.sorted(), [".zgroup", "a/.zarray", "a/0.0", "a/0.1", "a/1.0", "a/1.1", "c/.zarray", "c/0"])
        XCTAssertEqual(listed["a/0.0"]?["size"]?.intValue, try bytes(root, "a/0.0").count)
        XCTAssertEqual(listed["a/0.0"]?["sha256"]?.stringValue, CanonicalDigest.of(.fixed(try bytes(root, "a/0.0"))))
        XCTAssertEqual(try runCLI(["validate", "--expect-chunks", manifestFile, root]).status, 0, "an unchanged store matches its manifest")
        // A chunk lost, one changed, one added.
        try FileManager.default.removeItem(atPath: root + "/a/1.1")
        try FilesystemStore(root: root).set("a/0.1", try bytes(root, "a/0.0"))
        try FilesystemStore(root: root).set("a/notes", [1])
        let after = try runCLI(["validate", "--format", "json", "--expect-chunks", manifestFile, root])
        XCTAssertEqual(after.status, 1)
        let found = Set(try XCTUnwrap(try JSON.parse(after.out)["findings"]?.arrayValue).compactMap { f -> String? in
            guard let rule = f["rule"]?.stringValue, rule.hasPrefix("data.chunks.") else { return nil }
            return rule + " " + (f["path"]?.stringValue ?? "")
        })
        XCTAssertEqual(found, ["data.chunks.stored a/.zarray", "data.chunks.stored c/.zarray", "data.chunks.missing a/1.1", "data.chunks.changed a/0.1", "data.chunks.extra a/notes"])
        XCTAssertTrue(try runCLI(["validate", root]).out.contains("3 of 4 chunks stored; 1 missing"))
        let all = try runCLI(["validate", "--expect-chunks", "all", root])
        XCTAssertEqual(all.status, 1)
        XCTAssertTrue(all.out.contains("error: data.chunks.missing [E-15] a/1.1: chunk [1, 1] is not stored"), all.out)
        // A manifest that is not one is a usage of the wrong file: exit 3, naming it.
        try Data("{}".utf8).write(to: URL(fileURLWithPath: manifestFile))
        let bad = try runCLI(["validate", "--expect-chunks", manifestFile, root])
        XCTAssertEqual(bad.status, 3)
        XCTAssertTrue(bad.err.contains("manifest_version"), bad.err)
        XCTAssertEqual(try runCLI(["manifest", "/nonexistent/store"]).status, 3)
    }

    func testHostileStoresGiveFindingsNotCrashes() throws {
        // A 16-element chunk whose zlib stream inflates to 64 MiB: refused at the chunk's size.
        let bomb = try makeBase(.v2)
        try FilesystemStore(root: bomb).set("a/0.0", try Zlib.compress([UInt8](repeating: 0, count: 64 << 20), level: 9, container: .zlib))
        XCTAssertEqual(try validate(bomb).map(\.rule), ["data.chunk.size"])
        // Consolidated keys that escape the store, are absolute, or hold a NUL.
        for key in ["../../etc/.zarray", "/abs/.zarray", "a\\u0000b/.zarray", "a/./.zarray"] {
            let root = try makeBase(.v2)
            try put(root, ".zmetadata", #"{"zarr_consolidated_format":1,"metadata":{"\#(key)":{}}}"#)
            XCTAssertTrue(try validate(root).contains { $0.rule == "consolidated.path-invalid" || $0.rule == "consolidated.stale" }, key)
        }
        // Shapes whose element count overflows 64 bits, in both formats.
        let v3 = try makeBase(.v3)
        try edit(v3, "g/a/zarr.json") { $0["shape"] = [4_294_967_296, 4_294_967_296, 4_294_967_296] ; $0["chunk_grid"] = ["name": "regular", "configuration": ["chunk_shape": [1, 1, 1]]] }
        XCTAssertTrue(try validate(v3).contains { $0.severity == .error })
    }
}

extension ValidatorTests {
    func testZarrPython3HierarchiesAreNotMislabelled() throws {
        let fixtures = FixtureTests.vectors + "/fixtures/v2/zarr-python-3.1.6"
        // Nested groups consolidated by zarr-python 3: its extra inline members are not staleness.
        XCTAssertEqual(try validate(fixtures + "/consolidated-nested-groups.zarr"), [])
        // A write killed mid-way leaves `0.<hex>.partial`: a leftover temporary, not a malformed key.
        let findings = try validate(fixtures + "/leftover-partial-write.zarr")
        XCTAssertEqual(findings.map(\.rule), ["structure.partial-write"])
        XCTAssertTrue(findings.first?.path.hasSuffix(".partial") ?? false)
    }
}

extension ValidatorTests {
    func testEveryMetadataProblemOfANodeIsReported() throws {
        let v2 = try makeBase(.v2)
        try edit(v2, "a/.zarray") {
            $0["dtype"] = "<q8"; $0["compressor"] = "zlib"; $0["order"] = "K"; $0["dimension_separator"] = "-"
        }
        XCTAssertEqual(Set(try validate(v2).filter { $0.path == "a/.zarray" }.map(\.rule)),
                       ["v2.dtype.invalid", "v2.compressor.invalid", "v2.order.invalid", "v2.dimension-separator.invalid"])
        let v3 = try makeBase(.v3)
        try edit(v3, "g/a/zarr.json") {
            $0["data_type"] = "int33"; $0["chunk_key_encoding"] = ["name": "default", "configuration": ["separator": ":"]]; $0["attributes"] = []
        }
        XCTAssertEqual(Set(try validate(v3).filter { $0.path == "g/a/zarr.json" }.map(\.rule)),
                       ["v3.extension.not-registered", "v3.chunk-key-encoding.invalid", "v3.attributes.invalid"])
    }
}
