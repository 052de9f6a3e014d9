import Foundation
import XCTest
@testable import ZarrCore
import ZarrTestSupport

/// Every registered codec through the shared checker of ZarrTestSupport: a new codec is one
/// sample in `samples`. (Every store runs `StoreConformance` in ZarrRemoteTests.)
final class SharedCheckerTests: XCTestCase {
    /// Decoded values that every type below holds exactly: 0, 1, 2… as the type's elements.
    static func values(_ type: DataType, _ count: Int) -> ChunkData {
        switch type {
        case .string: return .variable((0..<count).map { Array("s\($0)".utf8) })
        case .bytes: return .variable((0..<count).map { [UInt8(truncatingIfNeeded: $0), 0xFF, 0, 0] })  // whole int32s, for vlen-array
        case .bool: return .fixed((0..<count).map { UInt8($0 % 3 == 0 ? 1 : 0) })
        case .float(bits: 32): return .fixed((0..<count).flatMap { withUnsafeBytes(of: Float($0).bitPattern.littleEndian, Array.init) })
        case .float(bits: 64): return .fixed((0..<count).flatMap { withUnsafeBytes(of: Double($0).bitPattern.littleEndian, Array.init) })
        default:
            let size = type.itemSize ?? 1
            return .fixed((0..<count).flatMap { i in (0..<size).map { $0 == 0 ? UInt8(i % 100) : 0 } })
        }
    }

    typealias Sample = (codecs: JSON, type: DataType, shape: [Int], lossy: Bool)
    static let le: JSON = ["name": "bytes", "configuration": ["endian": "little"]]
    static let i4 = DataType.int(bits: 32), f4 = DataType.float(bits: 32), f8 = DataType.float(bits: 64)

    /// One sample per registered codec name (v2 ids as `numcodecs.<id>`, as zarr-python writes them in v3).
    static let samples: [String: Sample] = [
        "bytes": ([le], i4, [4, 6], false),
        "transpose": ([["name": "transpose", "configuration": ["order": [1, 0]]], le], i4, [4, 6], false),
        "bitround": ([["name": "bitround", "configuration": ["keepbits": 10]], le], f4, [32], false),
        "scale_offset": ([["name": "scale_offset", "configuration": ["offset": 5, "scale": 2]], le], f4, [16], false),
        "cast_value": ([["name": "cast_value", "configuration": ["data_type": "uint8"]], le], i4, [16], false),
        "reshape": ([["name": "reshape", "configuration": ["shape": [-1]]], le], i4, [2, 3, 4], false),
        "numcodecs.delta": ([["name": "numcodecs.delta", "configuration": ["dtype": "<i4"]], le], i4, [16], false),
        "numcodecs.fixedscaleoffset": ([["name": "numcodecs.fixedscaleoffset", "configuration": ["offset": 0, "scale": 1, "dtype": "<f8", "astype": "<i4"]], le], f8, [16], false),
        "numcodecs.quantize": ([["name": "numcodecs.quantize", "configuration": ["digits": 2, "dtype": "<f8"]], le], f8, [16], false),
        "numcodecs.astype": ([["name": "numcodecs.astype", "configuration": ["encode_dtype": "<i2", "decode_dtype": "<i4"]], le], i4, [16], false),
        "numcodecs.bitround": ([["name": "numcodecs.bitround", "configuration": ["keepbits": 10]], le], f4, [16], false),
        "numcodecs.categorize": ([["name": "numcodecs.categorize", "configuration": ["labels": ["s0", "s1", "s2", "s3"], "dtype": "|O", "astype": "|u1"]], le],
                                 .string, [4], false),
        "sharding_indexed": ([["name": "sharding_indexed", "configuration": ["chunk_shape": [2, 3], "codecs": [le, ["name": "zstd", "configuration": ["level": 1]]],
                                                                            "index_codecs": [le, "crc32c"]]]], i4, [4, 6], false),
        "packbits": (["packbits"], .bool, [13], false),
        "numcodecs.packbits": (["numcodecs.packbits"], .bool, [13], false),
        "zfp": ([["name": "zfp", "configuration": ["mode": "reversible"]]], f4, [8, 8], false),
        "numcodecs.zfpy": ([["name": "numcodecs.zfpy", "configuration": ["mode": 4, "tolerance": .number("0.05")]]], f8, [8, 8], true),
        "n5_default": ([["name": "n5_default", "configuration": ["codecs": [["name": "transpose", "configuration": ["order": [1, 0]]],
                                                                             ["name": "bytes", "configuration": ["endian": "big"]], ["name": "gzip", "configuration": ["level": 5]]]]]],
                       i4, [4, 6], false),
        "numcodecs.json2": (["numcodecs.json2"], .string, [5], false),
        "vlen-utf8": (["vlen-utf8"], .string, [5], false),
        "vlen-bytes": (["vlen-bytes"], .bytes, [5], false),
        "numcodecs.vlen-array": ([["name": "numcodecs.vlen-array", "configuration": ["dtype": "<i4"]]], .bytes, [3], false),
        "gzip": ([le, ["name": "gzip", "configuration": ["level": 5]]], i4, [64], false),
        "numcodecs.zlib": ([le, ["name": "numcodecs.zlib", "configuration": ["level": 5]]], i4, [64], false),
        "zstd": ([le, ["name": "zstd", "configuration": ["level": 3, "checksum": true]]], i4, [64], false),
        "blosc": ([le, ["name": "blosc", "configuration": ["cname": "lz4", "clevel": 5, "shuffle": "shuffle", "typesize": 4]]], i4, [64], false),
        "numcodecs.bz2": ([le, ["name": "numcodecs.bz2", "configuration": ["level": 9]]], i4, [64], false),
        "numcodecs.lz4": ([le, "numcodecs.lz4"], i4, [64], false),
        "numcodecs.lzma": ([le, "numcodecs.lzma"], i4, [64], false),
        "numcodecs.shuffle": ([le, ["name": "numcodecs.shuffle", "configuration": ["elementsize": 4]]], i4, [64], false),
        "crc32c": ([le, "crc32c"], i4, [16], false),
        "conditional": ([le, ["name": "conditional", "configuration": ["codecs": [["name": "gzip", "configuration": ["level": 1]]]]]], i4, [16], false),
        "numcodecs.crc32": ([le, "numcodecs.crc32"], i4, [16], false),
        "numcodecs.adler32": ([le, "numcodecs.adler32"], i4, [16], false),
        "numcodecs.crc32c": ([le, "numcodecs.crc32c"], i4, [16], false),
        "numcodecs.fletcher32": ([le, "numcodecs.fletcher32"], i4, [16], false),
        "numcodecs.jenkins_lookup3": ([le, "numcodecs.jenkins_lookup3"], i4, [16], false),
    ]

    func testEveryCodec() throws {
        let registered = Set(CodecRegistry.standard.definitions.filter(\.value.inV3).keys)
        XCTAssertEqual(registered.subtracting(Self.samples.keys), [], "every registered codec has a sample")
        for (name, sample) in Self.samples.sorted(by: { $0.key < $1.key }) {
            let rep = ChunkRepresentation(shape: sample.shape, dataType: sample.type, fillValue: .zero(for: sample.type))
            XCTAssertNoThrow(try CodecProperties.check(sample.codecs.arrayValue ?? [], rep, Self.values(sample.type, rep.count), lossy: sample.lossy), name)
        }
    }

    /// The codecs only a format's own metadata can name (N5's lz4, N5-10).
    func testFormatInternalCodecs() throws {
        let rep = ChunkRepresentation(shape: [64], dataType: .uint(bits: 8), fillValue: .zero(for: .uint(bits: 8)))
        let lz4 = try XCTUnwrap(try CodecRegistry.standard.make(ExtensionObject(name: "n5.lz4"), context: CodecContext(dataType: .uint(bits: 8), itemSize: 1)))
        guard case .bytesToBytes(let codec) = lz4 else { return XCTFail("n5.lz4 is bytes→bytes") }
        try CodecProperties.check(chain: CodecChain(arrayToBytes: BytesCodec(), bytesToBytes: [codec]), rep, Self.values(.uint(bits: 8), 64))
        XCTAssertThrowsError(try CodecRegistry.standard.makeChain([["name": "n5.lz4"]], decoded: rep), "v3 metadata cannot name it")
    }
}
