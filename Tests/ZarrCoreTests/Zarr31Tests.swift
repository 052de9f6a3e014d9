import XCTest
@testable import ZarrCore

/// Zarr 3.1 (Vectors/checklist-supplement.md) and the registered extensions added for issue 16:
/// extension forms, the 3.0-compatible form writers keep, node names, registry-aware errors,
/// `n5_default` and `conditional`.
final class Zarr31Tests: XCTestCase {
    func document(_ change: (inout JSONObject) -> Void = { _ in }) throws -> JSON {
        var o = try JSON.parse(#"{"zarr_format":3,"node_type":"array","shape":[5,7],"data_type":"int16","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[3,4]}},"chunk_key_encoding":{"name":"default"},"fill_value":0,"codecs":[{"name":"bytes","configuration":{"endian":"little"}}]}"#).objectValue!
        change(&o)
        return .object(o)
    }

    func error(_ body: () throws -> Any) -> ZarrError? {
        do { _ = try body(); return nil } catch { return error as? ZarrError }
    }

    func testEveryExtensionPointTakesTheExtensionDefinition() throws {
        // V31-01: short-hand names, objects, explicit must_understand true; false only on codecs (V3-45).
        let forms = try ArrayMetadataV3.parse(try document {
            $0["data_type"] = ["name": "int16", "configuration": [:], "must_understand": true]
            $0["chunk_grid"] = ["name": "regular", "configuration": ["chunk_shape": [3, 4]], "must_understand": true]
            $0["chunk_key_encoding"] = "default"
            $0["codecs"] = [["name": "bytes", "configuration": ["endian": "little"], "must_understand": true], "crc32c"]
        })
        XCTAssertEqual(forms.chunkKeyEncoding, .default(separator: "/"))
        XCTAssertEqual(try forms.codecChain().codecs.map(\.name), ["bytes", "crc32c"])
        XCTAssertEqual(error { try ArrayMetadataV3.parse(try self.document { $0["data_type"] = ["name": "int16", "must_understand": false] }) }?.field, "data_type")
        XCTAssertEqual(error { try ArrayMetadataV3.parse(try self.document { $0["chunk_key_encoding"] = ["name": "v2", "must_understand": false] }) }?.field,
                       "chunk_key_encoding")
    }

    func testWritersKeepTheZarr30Form() throws {
        // V3-17 / V31-07: objects with name and configuration; must_understand only where false is meant.
        let meta = try ArrayMetadataV3.parse(try document {
            $0["chunk_key_encoding"] = "default"
            $0["codecs"] = [["name": "sharding_indexed", "must_understand": true, "configuration": [
                "chunk_shape": [3, 2], "codecs": [["name": "bytes", "configuration": ["endian": "little"]], "crc32c"],
                "index_codecs": [["name": "bytes", "configuration": ["endian": "little"]], "crc32c"]]],
                            ["name": "made.up", "must_understand": false]]
        })
        let written = meta.json
        XCTAssertEqual(written["chunk_key_encoding"], ["name": "default"])
        let codecs = try XCTUnwrap(written["codecs"]?.arrayValue)
        XCTAssertNil(codecs[0]["must_understand"])
        XCTAssertEqual(codecs[0]["configuration"]?["codecs"]?.arrayValue?[1], ["name": "crc32c"])
        XCTAssertEqual(codecs[0]["configuration"]?["index_codecs"]?.arrayValue?[1], ["name": "crc32c"])
        XCTAssertEqual(codecs[1], ["name": "made.up", "must_understand": false], "dropping false would make the codec required")
        // A data type without configuration is written as its name (core types must be strings, V3-12).
        let typed = try ArrayMetadataV3.parse(try document { $0["data_type"] = ["name": "int16", "configuration": [:], "must_understand": true] })
        XCTAssertEqual(typed.json["data_type"], "int16")
        let utf32: JSON = ["name": "fixed_length_utf32", "configuration": ["length_bytes": 8]]
        XCTAssertEqual(try ArrayMetadataV3.parse(try document { $0["data_type"] = utf32; $0["fill_value"] = "" }).json["data_type"], utf32)
        // Through the store, as every v3 case of the matrix is rewritten.
        let store = MemoryStore()
        try ZarrArray.create(store: store, path: "a", metadata: .v3(meta)).write(.fixed([UInt8](repeating: 1, count: 70)))
        let stored = try XCTUnwrap(try store.getJSON("a/zarr.json"))
        XCTAssertFalse(stored.serialized().contains("\"must_understand\":true"))
        XCTAssertEqual(stored["chunk_key_encoding"], ["name": "default"])
        XCTAssertEqual(try ZarrArray.open(store: store, path: "a").read(), .fixed([UInt8](repeating: 1, count: 70)))
    }

    func testNodeNames() throws {
        // V3-110 / V31-05 / ST-04, on create and on open; v2 only refuses "." and ".." (V2-05).
        let store = MemoryStore()
        let meta = try ArrayMetadataV3.parse(try document())
        for path in ["g/zarr.json", "g/...", "__a", "g/__zarr/b"] {
            XCTAssertEqual(error { try ZarrArray.create(store: store, path: path, metadata: .v3(meta)) }?.field, "node_name", path)
            try store.set(path + "/zarr.json", meta.json.bytes())
            XCTAssertEqual(error { try ZarrArray.open(store: store, path: path) }?.field, "node_name", path)
        }
        XCTAssertNoThrow(try ZarrArray.create(store: store, path: "g/a.b-_1", metadata: .v3(meta)))
        XCTAssertNoThrow(try ZarrArray.create(store: store, path: "v2/...", metadata: ArrayMetadataV2(shape: [2], chunks: [2], dtype: try V2DataType.parse("<i2"))))
        XCTAssertNotNil(error { try ZarrArray.open(store: store, path: "v2/x/../...") })
    }

    func testUnknownNamesSayWhetherTheRegistryHasThem() throws {
        func message(_ change: (inout JSONObject) -> Void) throws -> String {
            let doc = try document(change)
            return error { try ArrayMetadataV3.parse(doc).codecChain() }?.message ?? "no error"
        }
        XCTAssertTrue(try message { $0["data_type"] = "int3" }.contains("data type 'int3' is not registered"))
        XCTAssertTrue(try message { $0["chunk_grid"] = ["name": "zarrs.regular_bounded", "configuration": [:]] }.contains("chunk grid 'zarrs.regular_bounded' is not registered"))
        XCTAssertTrue(try message { $0["chunk_key_encoding"] = ["name": "flat"] }.contains("chunk key encoding 'flat' is not registered"))
        XCTAssertTrue(try message { $0["storage_transformers"] = [["name": "caching"]] }.contains("storage transformer 'caching' is not registered"))
        // EX-C17: configurations that break what the registry documents of zfp are refused.
        for config: JSON in [["mode": "fixed_rate"], ["mode": "expert", "minbits": 1, "maxbits": 2, "maxprec": -1, "minexp": 0], ["mode": "sometimes"]] {
            XCTAssertNotEqual(try message { $0["data_type"] = "float32"; $0["fill_value"] = .number("0.0"); $0["codecs"] = [["name": "zfp", "configuration": config]] },
                              "no error", "\(config)")
        }
        for (kind, names) in RegisteredExtensions.names { for name in names { XCTAssertTrue(RegisteredExtensions.isRegistered(name, kind), name) } }
        XCTAssertTrue(RegisteredExtensions.isRegistered("r24", .dataType))
        XCTAssertFalse(RegisteredExtensions.isRegistered("r12", .dataType))
    }
}

extension Zarr31Tests {
    static let n5Codecs: JSON = [["name": "n5_default", "configuration": ["codecs": [
        ["name": "transpose", "configuration": ["order": [1, 0]]], ["name": "bytes", "configuration": ["endian": "big"]],
        ["name": "gzip", "configuration": ["level": 5]]]]]]

    func n5Array(_ change: (inout JSONObject) -> Void = { _ in }) throws -> ArrayMetadataV3 {
        try ArrayMetadataV3.parse(try document {
            $0["chunk_key_encoding"] = ["name": "v2", "configuration": ["separator": "/"]]
            $0["codecs"] = Self.n5Codecs
            change(&$0)
        })
    }

    func testN5DefaultWritesWhatTheN5DatasetWriterWrites() throws {
        // EX-C19…EX-C22: the same bytes as an N5 block of this implementation's N5 datasets.
        let chain = try n5Array().codecChain()
        let rep = ChunkRepresentation(shape: [3, 4], dataType: .int(bits: 16), fillValue: FillValue(bytes: [0, 0]))
        let data = ChunkData.fixed((0..<12).flatMap { withUnsafeBytes(of: Int16($0 * 7 - 20).littleEndian, Array.init) })
        let n5 = N5BlockCodec(compression: try GzipCodec(level: 5), blockSize: [3, 4], reversed: false)
        let encoded = try chain.encode(data, rep)
        XCTAssertEqual(encoded, try n5.encode(data, rep))
        XCTAssertEqual(Array(encoded.prefix(12)), [0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4])
        XCTAssertEqual(try chain.decode(encoded, rep), data)
        // A block truncated to the array (N5-Java's edge blocks) is padded with the fill value.
        let edge = ChunkRepresentation(shape: [2, 3], dataType: .int(bits: 16), fillValue: rep.fillValue)
        let small = ChunkData.fixed((1...6).flatMap { withUnsafeBytes(of: Int16($0).littleEndian, Array.init) })
        let truncated = try N5BlockCodec(compression: try GzipCodec(level: 5), blockSize: [2, 3], reversed: false).encode(small, edge)
        guard case .fixed(let padded) = try chain.decode(truncated, rep) else { return XCTFail() }
        XCTAssertEqual(padded.count, 24)
        XCTAssertEqual(Array(padded[0..<6]), [1, 0, 2, 0, 3, 0])
        XCTAssertEqual(Array(padded[6..<8]), [0, 0], "padding holds the fill value")
        // Mode 1 (varlength), a header of another rank, a header larger than the chunk.
        var varlength = encoded
        varlength[1] = 1
        XCTAssertTrue(error { try chain.decode(varlength, rep) }?.message.contains("EX-C20") ?? false)
        var rank = encoded
        rank[3] = 3
        XCTAssertTrue(error { try chain.decode(rank, rep) }?.message.contains("EX-C20") ?? false)
        var huge = encoded
        huge[4] = 0x7F
        XCTAssertNotNil(error { try chain.decode(huge, rep) })
    }

    func testN5DefaultConfigurationAndKeyEncoding() throws {
        func refused(_ codecs: JSON) -> String { error { try self.n5Array { $0["codecs"] = [["name": "n5_default", "configuration": ["codecs": codecs]]] }.codecChain() }?.message ?? "" }
        let t: JSON = ["name": "transpose", "configuration": ["order": [1, 0]]], big: JSON = ["name": "bytes", "configuration": ["endian": "big"]]
        XCTAssertTrue(refused([big]).contains("EX-C19"))
        XCTAssertTrue(refused([["name": "transpose", "configuration": ["order": [0, 1]]], big]).contains("EX-C19"))
        XCTAssertTrue(refused([t, ["name": "bytes", "configuration": ["endian": "little"]]]).contains("big-endian"))
        XCTAssertTrue(refused([t, big, ["name": "crc32c"], ["name": "crc32c"]]).contains("EX-C19"))
        XCTAssertTrue(refused([t, big, ["name": "transpose", "configuration": ["order": [1, 0]]]]).contains("EX-C19") || refused([t, big, t]).contains("array→array"))
        XCTAssertNoThrow(try n5Array { $0["data_type"] = "uint8"; $0["codecs"] = [["name": "n5_default", "configuration": ["codecs": [t, "bytes"]]]] }.codecChain())
        XCTAssertTrue(error { try self.n5Array { $0["data_type"] = "complex64" }.codecChain() }?.message.contains("EX-C23") ?? false)
        XCTAssertEqual(error { try self.n5Array { $0["chunk_key_encoding"] = ["name": "default"] } }?.field, "chunk_key_encoding", "EX-C21")
    }

    func testConditionalAppliesTheCodecsItsHeaderSelects() throws {
        // EX-C24 / EX-C25.
        func chain(_ configuration: JSON) throws -> CodecChain {
            try ArrayMetadataV3.parse(try document { $0["codecs"] = [["name": "bytes", "configuration": ["endian": "little"]], ["name": "conditional", "configuration": configuration]] })
                .codecChain()
        }
        let c = try chain(["codecs": [["name": "gzip", "configuration": ["level": 5]], ["name": "crc32c"]]])
        let rep = ChunkRepresentation(shape: [3, 4], dataType: .int(bits: 16), fillValue: FillValue(bytes: [0, 0]))
        let raw = (0..<24).map { UInt8($0) }
        XCTAssertEqual(try c.encode(.fixed(raw), rep), [0] + raw, "the writer's default mask is 0")
        let both = [3] + (try ChecksumCodec(.crc32c).encode(try Zlib.compress(raw, level: 5, container: .gzip)))
        XCTAssertEqual(try c.decode(both, rep), .fixed(raw))
        XCTAssertEqual(try c.decode([1] + (try Zlib.compress(raw, level: 5, container: .gzip)), rep), .fixed(raw))
        XCTAssertTrue(error { try c.decode([4] + raw, rep) }?.message.contains("reserved") ?? false)
        XCTAssertEqual(try chain(["codecs": [["name": "crc32c"]], "header_bits": 16]).encode(.fixed(raw), rep), [0, 0] + raw)
        XCTAssertEqual(error { try chain(["codecs": [["name": "crc32c"]], "header_bits": 4]) }?.field, "header_bits")
        XCTAssertEqual(error { try chain(["codecs": [["name": "transpose", "configuration": ["order": [1, 0]]]]]) }?.field, "codecs")
        XCTAssertEqual(error { try chain([:]) }?.field, "codecs")
    }
}
