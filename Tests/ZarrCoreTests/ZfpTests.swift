import Foundation
import XCTest
@testable import ZarrCore

/// The `zfp` codec (EX-C17, EX-C18, E-67) and numcodecs' `zfpy` (NC-26) over libzfp.
final class ZfpTests: XCTestCase {
    func rep(_ shape: [Int], _ type: DataType) -> ChunkRepresentation {
        ChunkRepresentation(shape: shape, dataType: type, fillValue: FillValue(bytes: [UInt8](repeating: 0, count: type.itemSize ?? 1)))
    }

    func chain(_ configuration: JSON, _ type: DataType, shape: [Int]) throws -> CodecChain {
        try CodecRegistry.standard.makeChain([["name": "zfp", "configuration": configuration]], decoded: rep(shape, type))
    }

    /// A smooth field of `count` values as canonical little-endian bytes of `type`.
    func field(_ count: Int, _ type: DataType) -> [UInt8] {
        var out: [UInt8] = []
        for i in 0..<count {
            let x = sin(Double(i) * 0.3) * 100 + Double(i % 7)
            switch type {
            case .float(bits: 32): withUnsafeBytes(of: Float(x).bitPattern.littleEndian) { out += $0 }
            case .float(bits: 64): withUnsafeBytes(of: x.bitPattern.littleEndian) { out += $0 }
            case .int(let b), .uint(let b):
                let v = Int64(x * 1000) + (type == .uint(bits: b) ? 200_000 : 0)
                withUnsafeBytes(of: v.littleEndian) { out += Array($0.prefix(b / 8)) }
            default: XCTFail("no recipe for \(type)")
            }
        }
        return out
    }

    func testEveryRegisteredModeParsesAndRoundTrips() throws {
        // EX-C17: the five modes, with zarr-extensions' codecs/zfp/examples parameters.
        let modes: [(JSON, ZfpMode)] = [
            (["mode": "reversible"], .reversible),
            (["mode": "expert", "minbits": 1, "maxbits": 13, "maxprec": 19, "minexp": -2], .expert(minbits: 1, maxbits: 13, maxprec: 19, minexp: -2)),
            (["mode": "fixed_accuracy", "tolerance": .double(0.05)], .fixedAccuracy(tolerance: 0.05)),
            (["mode": "fixed_rate", "rate": .double(10.5)], .fixedRate(rate: 10.5)),
            (["mode": "fixed_precision", "precision": 19], .fixedPrecision(precision: 19)),
        ]
        for (json, mode) in modes {
            for type in [DataType.float(bits: 32), .float(bits: 64)] {
                for shape in [[37], [9, 7], [5, 6, 7], [3, 5, 4, 6]] {
                    let c = try chain(json, type, shape: shape)
                    XCTAssertEqual((c.arrayToBytes as? ZfpCodec)?.mode, mode)
                    let input = field(shape.reduce(1, *), type)
                    let encoded = try c.encode(.fixed(input), rep(shape, type))
                    XCTAssertEqual(encoded.count % 8, 0, "streams end on a 64-bit word, as zfp's default build writes them")
                    let decoded = try c.decode(encoded, rep(shape, type)).fixedBytes("zfp")
                    XCTAssertEqual(decoded.count, input.count)
                    if mode == .reversible { XCTAssertEqual(decoded, input, "\(type) \(shape)") }
                    if case .fixedAccuracy(let tolerance) = mode {
                        for i in 0..<shape.reduce(1, *) {
                            let (a, b) = type == .float(bits: 32)
                                ? (Double(input.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4 * i, as: Float.self) }),
                                   Double(decoded.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4 * i, as: Float.self) }))
                                : (input.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8 * i, as: Double.self) },
                                   decoded.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8 * i, as: Double.self) })
                            XCTAssertLessThanOrEqual(abs(a - b), tolerance, "\(type) \(shape) element \(i)")
                        }
                    }
                }
            }
        }
    }

    func testFixedRateUsesTheChunksDimensionality() throws {
        // zfp's fixed rate: 4^d · rate bits per block of the chunk's own d, no word alignment. A
        // [16, 16] float32 chunk at rate 4 is 16 blocks of 64 bits: 128 bytes; [8, 8, 8] at rate 8
        // is 8 blocks of 512 bits: 512 bytes; [10] at rate 8 is 3 blocks of 32 bits: 12 bytes, padded to 16.
        for (shape, rate, size) in [([16, 16], 4.0, 128), ([8, 8, 8], 8.0, 512), ([10], 8.0, 16)] {
            let c = try chain(["mode": "fixed_rate", "rate": .double(rate)], .float(bits: 32), shape: shape)
            XCTAssertEqual(try c.encode(.fixed(field(shape.reduce(1, *), .float(bits: 32))), rep(shape, .float(bits: 32))).count, size, "\(shape)")
        }
    }

    func testIntegerTypesArePromotedAndReversibleIsExact() throws {
        // EX-C18: int8/int16/uint8/uint16 go through int32 (zfp_promote_*), uint32/uint64 through
        // int32/int64 (clamped at the signed maximum), int32/int64 natively; reversible mode keeps them.
        for type in [DataType.int(bits: 8), .int(bits: 16), .int(bits: 32), .int(bits: 64), .uint(bits: 8), .uint(bits: 16), .uint(bits: 32), .uint(bits: 64)] {
            let shape = [6, 9]
            var input = field(54, type)
            if case .int(bits: 8) = type { input[0] = 0x80; input[1] = 0x7F }  // the extremes survive promotion
            if case .uint(bits: 8) = type { input[0] = 0; input[1] = 0xFF }
            let c = try chain(["mode": "reversible"], type, shape: shape)
            XCTAssertEqual(try c.decode(try c.encode(.fixed(input), rep(shape, type)), rep(shape, type)).fixedBytes("zfp"), input, "\(type)")
        }
        // uint32 above Int32.max is clamped, as zarrs does.
        let big: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 0, 0]
        let c = try chain(["mode": "reversible"], .uint(bits: 32), shape: [2])
        XCTAssertEqual(try c.decode(try c.encode(.fixed(big), rep([2], .uint(bits: 32))), rep([2], .uint(bits: 32))).fixedBytes("zfp"), [0xFF, 0xFF, 0xFF, 0x7F, 1, 0, 0, 0])
        // The promotion itself, from the registered formulas.
        XCTAssertEqual(ZfpEncoding.promoted(bits: 8, signed: false).toZfp([0, 0x80, 0xFF]),
                       [Int32(-128 << 23), 0, Int32(127 << 23)].flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) })
        XCTAssertEqual(ZfpEncoding.promoted(bits: 16, signed: true).fromZfp(withUnsafeBytes(of: Int32.max.littleEndian, Array.init)), [0xFF, 0x7F])
    }

    func testZeroDimensionalChunkIsOneValue() throws {
        // EX-C18: a 0-d chunk is a 1-d field with nx = 1.
        let c = try chain(["mode": "reversible"], .float(bits: 64), shape: [])
        let input = field(1, .float(bits: 64))
        XCTAssertEqual(try c.decode(try c.encode(.fixed(input), rep([], .float(bits: 64))), rep([], .float(bits: 64))).fixedBytes("zfp"), input)
    }

    func testConfigurationsAndChunksOutsideTheCodecAreRefused() throws {
        func refused(_ json: JSON, _ type: DataType = .float(bits: 32), shape: [Int] = [4, 4], message text: String) {
            XCTAssertThrowsError(try chain(json, type, shape: shape)) { XCTAssertTrue("\($0)".contains(text), "\($0)") }
        }
        refused(["mode": "lossless"], message: "must be reversible, expert")
        refused([:], message: "mode")
        refused(["mode": "fixed_rate"], message: "rate")
        refused(["mode": "fixed_rate", "rate": 8, "precision": 3], message: "not a member of mode 'fixed_rate'")
        refused(["mode": "reversible", "write_header": true], message: "not a member")
        refused(["mode": "fixed_rate", "rate": -1], message: "0…1048576")
        refused(["mode": "fixed_accuracy", "tolerance": .double(-0.5)], message: "finite number")
        refused(["mode": "fixed_precision", "precision": -3], message: "0…4294967295")
        refused(["mode": "expert", "minbits": 20, "maxbits": 10, "maxprec": 19, "minexp": -2], message: "refuses these expert parameters")
        refused(["mode": "expert", "minbits": 1, "maxbits": 10, "maxprec": 0, "minexp": -2], message: "refuses these expert parameters")
        refused(["mode": "fixed_accuracy", "tolerance": .double(0.1)], .int(bits: 32), message: "no accuracy mode for integers")
        refused(["mode": "reversible"], .bool, message: "zfp encodes")
        refused(["mode": "reversible"], .complex(bits: 64), message: "zfp encodes")
        refused(["mode": "reversible"], shape: [2, 2, 2, 2, 2], message: "at most 4 dimensions")  // E-67
    }

    func testHostileStreamsAreTypedErrors() throws {
        // Untrusted input: truncated, empty, garbage and oversized-minimum streams fail with a typed
        // error naming the codec; zfp never reads past its (padded) buffer.
        let shape = [16, 16]
        let type = DataType.float(bits: 64)
        for json: JSON in [["mode": "reversible"], ["mode": "fixed_rate", "rate": 12], ["mode": "fixed_accuracy", "tolerance": .double(0.01)],
                           ["mode": "expert", "minbits": 4000, "maxbits": 4000, "maxprec": 64, "minexp": -1074]] {
            let c = try chain(json, type, shape: shape)
            let encoded = try c.encode(.fixed(field(256, type)), rep(shape, type))
            for bad in [Array(encoded.prefix(encoded.count / 2)), [], [UInt8](repeating: 0xFF, count: 40), Array(encoded.prefix(8))] {
                XCTAssertThrowsError(try c.decode(bad, rep(shape, type)), "\(json)") { error in
                    XCTAssertEqual((error as? ZarrError)?.kind, .corruptData, "\(error)")
                    XCTAssertTrue("\(error)".contains("zfp"), "\(error)")
                }
            }
        }
        // Garbage the decoder takes anyway (any bits are some values in accuracy mode) must not crash.
        let c = try chain(["mode": "fixed_accuracy", "tolerance": .double(0.01)], type, shape: shape)
        for seed in 0..<50 {
            let noise = (0..<600).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761 &+ seed &* 40_503) >> 7) }
            _ = try? c.decode(noise, rep(shape, type))
        }
    }

    func testEveryBitFlipAndCutOfFixtureChunksIsSafe() throws {
        // Untrusted input: each committed chunk below (zfpy's streams, with and without header),
        // with every single bit flipped and cut at every length, decodes or fails with a typed error.
        let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Vectors/fixtures").path
        let cases: [(String, String, [Int], DataType)] = [
            ("v3/zfpy-1.0.1/zfp-fixed-rate-f4-2d.zarr", "data/c/0/0", [8, 8], .float(bits: 32)),
            ("v3/zfpy-1.0.1/zfp-fixed-accuracy-f8-3d.zarr", "data/c/0/0/0", [4, 4, 4], .float(bits: 64)),
            ("v3/zfpy-1.0.1/zfp-reversible-i4-2d.zarr", "data/c/0/0", [8, 8], .int(bits: 32)),
            ("v3/zfpy-1.0.1/zfp-fixed-precision-f4-1d.zarr", "data/c/0", [16], .float(bits: 32)),
            ("v2/zarr-python-2.18.7/zfpy-fixed-accuracy-f4-2d.zarr", "data/0.0", [8, 8], .float(bits: 32)),
            ("v2/zarr-python-2.18.7/zfpy-reversible-f8-1d.zarr", "data/0", [16], .float(bits: 64)),
        ]
        var decoded = 0, refused = 0
        for (store, key, shape, type) in cases {
            let root = vectors + "/" + store
            let metadata = key.hasPrefix("data/c") ? "data/zarr.json" : "data/.zarray"
            let json = try JSON.parse(Array(try XCTUnwrap(FileManager.default.contents(atPath: root + "/" + metadata))))
            let codec: any ArrayToBytesCodec
            if key.hasPrefix("data/c") {
                codec = try XCTUnwrap(try CodecRegistry.standard.makeChain(try XCTUnwrap(json["codecs"]?.arrayValue), decoded: rep(shape, type)).arrayToBytes)
            } else {
                let object = try XCTUnwrap(json["compressor"]?.objectValue)
                codec = try ZfpyCodec(CodecConfiguration(codec: "zfpy", object: object), dataType: type)
            }
            let chunk = Array(try XCTUnwrap(FileManager.default.contents(atPath: root + "/" + key)))
            XCTAssertNoThrow(try codec.decode(chunk, rep(shape, type)), store)
            var variants = (0..<chunk.count).map { Array(chunk.prefix($0)) }
            for i in 0..<chunk.count * 8 {
                var flipped = chunk
                flipped[i / 8] ^= 1 << UInt8(i % 8)
                variants.append(flipped)
            }
            for v in variants {
                do { _ = try codec.decode(v, rep(shape, type)); decoded += 1 } catch let e as ZarrError {
                    XCTAssertEqual(e.kind, .corruptData, "\(store): \(e)")
                    refused += 1
                }
            }
        }
        XCTAssertGreaterThan(refused, 100)
        XCTAssertGreaterThan(decoded, 100, "most flips in a lossy stream are just other values")
    }

    func testZfpyHeaderStreams() throws {
        // NC-26: numcodecs' zfpy: a full zfp header ("zfp", codec version 5, field, mode), then the stream.
        let config = CodecConfiguration(codec: "zfpy", object: JSONObject([("id", "zfpy"), ("mode", 4), ("tolerance", .double(0.05)), ("rate", -1), ("precision", -1),
                                                                           ("compression_kwargs", ["tolerance": .double(0.05)])]))
        let codec = try ZfpyCodec(config, dataType: .float(bits: 32))
        XCTAssertEqual(codec.writeMode, .fixedAccuracy(tolerance: 0.05))
        XCTAssertEqual(codec.v2Configuration["compression_kwargs"]?["tolerance"], .double(0.05), "written back as read")
        let shape = [9, 7]
        let input = field(63, .float(bits: 32))
        let encoded = try codec.encode(.fixed(input), rep(shape, .float(bits: 32)))
        XCTAssertEqual(Array(encoded.prefix(4)), [0x7A, 0x66, 0x70, 0x05])
        XCTAssertEqual(try codec.decode(encoded, rep(shape, .float(bits: 32))).fixedBytes("zfpy").count, input.count)
        // The header must describe the chunk: another type or element count is corrupt data.
        XCTAssertThrowsError(try ZfpyCodec(config, dataType: .float(bits: 64)).decode(encoded, rep(shape, .float(bits: 64)))) {
            XCTAssertTrue("\($0)".contains("holds float32 values where the array holds float64"), "\($0)")
        }
        XCTAssertThrowsError(try codec.decode(encoded, rep([8, 8], .float(bits: 32)))) { XCTAssertTrue("\($0)".contains("does not match"), "\($0)") }
        XCTAssertThrowsError(try codec.decode(Array(encoded.prefix(6)), rep(shape, .float(bits: 32)))) { XCTAssertEqual(($0 as? ZarrError)?.kind, .corruptData) }
        XCTAssertThrowsError(try codec.decode([UInt8](repeating: 0, count: 64), rep(shape, .float(bits: 32)))) { XCTAssertTrue("\($0)".contains("no valid zfp header"), "\($0)") }
        // zfpy's rule: a negative parameter in its mode is reversible; modes numcodecs cannot write are refused on write only.
        let reversible = try ZfpyCodec(CodecConfiguration(codec: "zfpy", object: JSONObject([("id", "zfpy"), ("mode", 2), ("rate", -1)])), dataType: .int(bits: 32))
        XCTAssertEqual(reversible.writeMode, .reversible)
        let ints = field(63, .int(bits: 32))
        XCTAssertEqual(try reversible.decode(try reversible.encode(.fixed(ints), rep(shape, .int(bits: 32))), rep(shape, .int(bits: 32))).fixedBytes("zfpy"), ints)
        let expert = try ZfpyCodec(CodecConfiguration(codec: "zfpy", object: JSONObject([("id", "zfpy"), ("mode", 1)])), dataType: .int(bits: 32))
        XCTAssertThrowsError(try expert.encode(.fixed(ints), rep(shape, .int(bits: 32)))) { XCTAssertEqual(($0 as? ZarrError)?.kind, .unsupported) }
        XCTAssertEqual(try expert.decode(try reversible.encode(.fixed(ints), rep(shape, .int(bits: 32))), rep(shape, .int(bits: 32))).fixedBytes("zfpy"), ints)
        XCTAssertThrowsError(try ZfpyCodec(config, dataType: .uint(bits: 16))) { XCTAssertEqual(($0 as? ZarrError)?.kind, .unsupported) }
    }
}
