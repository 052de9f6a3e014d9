import XCTest
@testable import ZarrCore
import ZarrTestSupport

/// A newcomer's codec: `negate` (array→array, int32), defined in this one file and made
/// available by one registry line (`CodecRegistry.standard.adding(NegateCodec.definition)`);
/// it then works from v2 `filters` and from v3 `codecs` alike.
struct NegateCodec: ArrayToArrayCodec {
    var name: String { "negate" }
    var v2Configuration: JSON { ["id": "negate"] }

    static let definition = CodecDefinition("negate", v2: ["negate"]) { c, ctx, _ in
        guard ctx.dataType == .int(bits: 32) else { throw ZarrError(.invalidMetadata, "negate takes int32 arrays", codec: c.codec) }
        return .arrayToArray(NegateCodec())
    }

    func encodedRepresentation(of decoded: ChunkRepresentation) throws -> ChunkRepresentation { decoded }
    func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData { try negate(data) }
    func decode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData { try negate(data) }

    private func negate(_ data: ChunkData) throws -> ChunkData {
        guard case .fixed(let bytes) = data, bytes.count % 4 == 0 else { throw ZarrError.corrupt("not int32 data", codec: name) }
        return .fixed(stride(from: 0, to: bytes.count, by: 4).flatMap { i -> [UInt8] in
            let v = Int32(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
            return withUnsafeBytes(of: (0 &- v).littleEndian, Array.init)
        })
    }
}

final class NegateCodecTests: XCTestCase {
    let registry = CodecRegistry.standard.adding(NegateCodec.definition)
    let values: [Int32] = [1, -2, 3, 0, 2_147_483_647, -5]
    var bytes: [UInt8] { values.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) } }
    var negated: [UInt8] { values.flatMap { withUnsafeBytes(of: (0 &- $0).littleEndian, Array.init) } }

    func testNegateInV2FiltersAndV3Codecs() throws {
        let v2 = MemoryStore(), v3 = MemoryStore()
        try v2.set(".zarray", Array(#"{"zarr_format":2,"shape":[6],"chunks":[6],"dtype":"<i4","compressor":null,"fill_value":0,"order":"C","filters":[{"id":"negate"}]}"#.utf8))
        try v3.set("zarr.json", Array(#"{"zarr_format":3,"node_type":"array","shape":[6],"data_type":"int32","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[6]}},"chunk_key_encoding":{"name":"default"},"fill_value":0,"codecs":[{"name":"negate"},{"name":"bytes","configuration":{"endian":"little"}}]}"#.utf8))
        for (store, key) in [(v2, "0"), (v3, "c/0")] {
            XCTAssertThrowsError(try ZarrArray.open(store: store), "the standard registry does not know it") {
                XCTAssertEqual(($0 as? ZarrError)?.problem, key == "0" ? .unknownCodec : .unregisteredExtension)
            }
            let array = try ZarrArray.open(store: store, registry: registry)
            try array.write(.fixed(bytes))
            XCTAssertEqual(try store.get(key), negated, "the stored chunk holds the negated values")
            XCTAssertEqual(try array.read(), .fixed(bytes))
        }
        let rep = ChunkRepresentation(shape: [6], dataType: .int(bits: 32), fillValue: .zero(for: .int(bits: 32)))
        try CodecProperties.check([["name": "negate"], ["name": "bytes", "configuration": ["endian": "little"]]], rep, .fixed(bytes), registry: registry)
        XCTAssertEqual(try registry.translate(v2: ["id": "negate"], context: CodecContext(dataType: .int(bits: 32), itemSize: 4)).name, "negate",
                       "its v2 id translates to its v3 name")
    }
}
