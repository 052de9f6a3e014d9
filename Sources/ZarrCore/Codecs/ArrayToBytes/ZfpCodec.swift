/// The zfp codecs, over the libzfp wrapper in `Compression/Zfp.swift`.

/// A zfp compression mode (EX-C17; zfp's modes as its documentation defines them).
public enum ZfpMode: Equatable, Sendable, CustomStringConvertible {
    /// Lossless.
    case reversible
    /// zfp's own parameters: bits per block (min, max), bit planes kept, smallest exponent.
    case expert(minbits: UInt32, maxbits: UInt32, maxprec: UInt32, minexp: Int32)
    /// Absolute error at most `tolerance` (floating-point data only).
    case fixedAccuracy(tolerance: Double)
    /// `rate` compressed bits per value.
    case fixedRate(rate: Double)
    /// `precision` uncompressed bits (bit planes) per value.
    case fixedPrecision(precision: UInt32)

    public var description: String {
        switch self {
        case .reversible: return "reversible"
        case .expert(let a, let b, let c, let d): return "expert (minbits \(a), maxbits \(b), maxprec \(c), minexp \(d))"
        case .fixedAccuracy(let t): return "fixed_accuracy (tolerance \(t))"
        case .fixedRate(let r): return "fixed_rate (rate \(r))"
        case .fixedPrecision(let p): return "fixed_precision (precision \(p))"
        }
    }
}

/// `zfp` (EX-C17, EX-C18): the registered v3 array→bytes codec. A chunk is one headerless zfp
/// stream (`zfp_compress` of the chunk as a field [nx], [ny, nx], [nz, ny, nx] or [nw, nz, ny, nx]
/// in C order; a 0-d chunk is nx = 1); chunks of more than four dimensions are refused (E-67).
/// int32, int64, float32 and float64 are zfp's own types; int8/int16/uint8/uint16 are promoted to
/// int32 as `zfp_promote_*` does (int: v << (31 − N); uint: (v − 2^(N−1)) << (31 − N)) and demoted
/// with clamping; uint32/uint64 (and datetime64/timedelta64 as int64) go through int32/int64,
/// clamped at the signed maximum, as zarrs does. `fixed_rate` uses the chunk's dimensionality and
/// zfp type (`zfp_stream_set_rate(rate, type, dims, no alignment)`, as zfp's documentation defines
/// the rate; zarrs passes 3 dimensions whatever the chunk's: see README, decisions).
///
/// `{"name": "zfp", "configuration": {"mode": "fixed_rate", "rate": 10.5}}`; the other modes:
/// `{"mode": "reversible"}`, `{"mode": "fixed_accuracy", "tolerance": 0.05}`,
/// `{"mode": "fixed_precision", "precision": 19}`,
/// `{"mode": "expert", "minbits": 1, "maxbits": 13, "maxprec": 19, "minexp": -2}`.
public struct ZfpCodec: ArrayToBytesCodec {
    public let mode: ZfpMode
    let encoding: ZfpEncoding
    public var name: String { "zfp" }
    public var v2Configuration: JSON { .null }

    public init(mode: ZfpMode, dataType: DataType) throws {
        guard let encoding = ZfpEncoding(dataType) else {
            throw ZarrError(.unsupported, "zfp encodes int8…int64, uint8…uint64, float32 and float64, not \(dataType) (EX-C18)", codec: "zfp")
        }
        if case .fixedAccuracy = mode, !encoding.scalar.isFloatingPoint {
            throw ZarrError(.invalidMetadata, "fixed_accuracy is for float32 and float64 data: zfp has no accuracy mode for integers", codec: "zfp", field: "mode")
        }
        self.mode = mode
        self.encoding = encoding
    }

    /// From `{"name": "zfp", "configuration": {...}}`, checked against the registered schema.
    init(_ ext: ExtensionObject, context: CodecContext) throws {
        let c = ext.config()
        let modeName = try c.string("mode")
        let members: [String: [String]] = ["reversible": [], "expert": ["minbits", "maxbits", "maxprec", "minexp"],
                                           "fixed_accuracy": ["tolerance"], "fixed_rate": ["rate"], "fixed_precision": ["precision"]]
        guard let allowed = members[modeName] else {
            throw c.fail("mode", "must be reversible, expert, fixed_accuracy, fixed_rate or fixed_precision, not '\(modeName)' (EX-C17)")
        }
        for key in ext.configuration.keys where key != "mode" && !allowed.contains(key) {
            throw c.fail(key, "is not a member of mode '\(modeName)' (EX-C17)")
        }
        func unsigned(_ key: String) throws -> UInt32 {
            guard let v = UInt32(exactly: try c.int(key)) else { throw c.fail(key, "must be an integer in 0…4294967295 (EX-C17)") }
            return v
        }
        let mode: ZfpMode
        switch modeName {
        case "reversible": mode = .reversible
        case "expert":
            guard let minexp = Int32(exactly: try c.int("minexp")) else { throw c.fail("minexp", "must be a 32-bit integer (EX-C17)") }
            mode = .expert(minbits: try unsigned("minbits"), maxbits: try unsigned("maxbits"), maxprec: try unsigned("maxprec"), minexp: minexp)
        case "fixed_accuracy":
            let tolerance = try c.double("tolerance")
            guard tolerance.isFinite, tolerance >= 0 else { throw c.fail("tolerance", "must be a finite number ≥ 0 (EX-C17)") }
            mode = .fixedAccuracy(tolerance: tolerance)
        case "fixed_rate":
            let rate = try c.double("rate")
            // zfp turns rate × 4^d into a 32-bit count of bits per block.
            guard rate.isFinite, rate >= 0, rate <= Double(1 << 20) else { throw c.fail("rate", "must be a number in 0…1048576 bits per value (EX-C17)") }
            mode = .fixedRate(rate: rate)
        default: mode = .fixedPrecision(precision: try unsigned("precision"))
        }
        try self.init(mode: mode, dataType: context.dataType)
        let rank = context.representation?.shape.count ?? 1
        _ = try Zfp.fieldSizes(context.representation?.shape ?? [], codec: name)
        if case .expert = mode, !Zfp.validate(mode, encoding.scalar, dims: max(rank, 1), rateType: .scalar) {
            throw c.fail("mode", "libzfp refuses these expert parameters (minbits ≤ maxbits, maxprec 1…64) (EX-C17)")
        }
    }

    public func encodedSize(of decoded: ChunkRepresentation) -> Int? { nil }

    public func maxEncodedSize(of decoded: ChunkRepresentation) -> Int? {
        guard let sizes = try? Zfp.fieldSizes(decoded.shape, codec: name) else { return nil }
        return Zfp.maximumSize(mode, encoding.scalar, sizes: sizes, rateType: .scalar)
    }

    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> [UInt8] {
        let values = encoding.toZfp(try data.fixedBytes(name))
        return try Zfp.compress(values, scalar: encoding.scalar, shape: decoded.shape, mode: mode, rateType: .scalar, header: false, codec: name)
    }

    public func decode(_ bytes: [UInt8], _ decoded: ChunkRepresentation) throws -> ChunkData {
        let values = try Zfp.decompress(bytes, scalar: encoding.scalar, shape: decoded.shape, mode: mode, rateType: .scalar, codec: name)
        return .fixed(encoding.fromZfp(values))
    }
}

/// numcodecs `zfpy` (NC-26; `numcodecs.zfpy` in v3, EX-U01): a zfp stream behind zfp's full
/// header (magic, scalar type and shape, mode), as `zfpy.compress_numpy` writes it. Decoding
/// follows the header, whose field must be the chunk's values and type. Encoding follows numcodecs:
/// `mode` 4 fixed accuracy (`tolerance`), 2 fixed rate (`rate`), 3 fixed precision (`precision`),
/// and a negative parameter means reversible, as in zfpy; the rate is set without a scalar type,
/// as zfpy sets it. zfpy takes int32, int64, float32 and float64 only.
/// v2 `{"id": "zfpy", "mode": 4, "tolerance": 0.05, "rate": -1, "precision": -1}` (zarr-python 3
/// adds numcodecs' `compression_kwargs`, kept as written).
public struct ZfpyCodec: ArrayToBytesCodec {
    public let mode: Int
    public let tolerance: Double
    public let rate: Double
    public let precision: Int
    let scalar: Zfp.Scalar
    let configuration: JSONObject
    public var name: String { "numcodecs.zfpy" }
    public var v2Configuration: JSON { .object(configuration) }

    init(_ c: CodecConfiguration, dataType: DataType) throws {
        mode = try c.int("mode", default: 4)
        tolerance = try c.double("tolerance", default: -1)
        rate = try c.double("rate", default: -1)
        precision = try c.int("precision", default: -1)
        guard let scalar = Zfp.Scalar(zfpy: dataType) else {
            throw ZarrError(.unsupported, "zfpy encodes int32, int64, float32 and float64 only, not \(dataType)", codec: "numcodecs.zfpy")
        }
        self.scalar = scalar
        var object = c.object
        object["id"] = "zfpy"
        configuration = object
    }

    /// The mode zfpy compresses with, for this configuration; nil for modes numcodecs cannot write.
    public var writeMode: ZfpMode? {
        switch mode {
        case 4: return tolerance >= 0 ? .fixedAccuracy(tolerance: tolerance) : .reversible
        case 2: return rate >= 0 ? .fixedRate(rate: rate) : .reversible
        case 3:
            guard precision >= 0 else { return .reversible }
            return UInt32(exactly: precision).map { .fixedPrecision(precision: $0) }
        default: return nil
        }
    }

    public func encodedSize(of decoded: ChunkRepresentation) -> Int? { nil }
    /// The header's mode decides the size of a stored stream, whatever the configuration says.
    public func maxEncodedSize(of decoded: ChunkRepresentation) -> Int? { nil }

    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> [UInt8] {
        guard let writeMode else {
            throw ZarrError(.unsupported, "numcodecs' zfpy writes modes 2 (fixed rate), 3 (fixed precision) and 4 (fixed accuracy), not \(mode)", codec: name, field: "mode")
        }
        if case .fixedRate(let r) = writeMode, r > Double(1 << 20) {
            throw ZarrError(.invalidMetadata, "rate \(r) is more bits per value than zfp can count", codec: name, field: "rate")
        }
        return try Zfp.compress(try data.fixedBytes(name), scalar: scalar, shape: decoded.shape, mode: writeMode, rateType: .none, header: true, codec: name)
    }

    public func decode(_ bytes: [UInt8], _ decoded: ChunkRepresentation) throws -> ChunkData {
        .fixed(try Zfp.decompressWithHeader(bytes, scalar: scalar, count: decoded.count, codec: name))
    }
}

/// How an array's data type reaches zfp's four scalar types (EX-C18).
enum ZfpEncoding: Sendable {
    case native(Zfp.Scalar)
    /// int8/int16/uint8/uint16 into int32 (`zfp_promote_*`).
    case promoted(bits: Int, signed: Bool)
    /// uint32/uint64 into int32/int64, clamped at the signed maximum (as zarrs).
    case clamped(bits: Int)

    init?(_ type: DataType) {
        switch type {
        case .int(32): self = .native(.int32)
        case .int(64), .datetime64, .timedelta64: self = .native(.int64)
        case .float(32): self = .native(.float)
        case .float(64): self = .native(.double)
        case .int(let b) where b == 8 || b == 16: self = .promoted(bits: b, signed: true)
        case .uint(let b) where b == 8 || b == 16: self = .promoted(bits: b, signed: false)
        case .uint(let b) where b == 32 || b == 64: self = .clamped(bits: b)
        default: return nil
        }
    }

    var scalar: Zfp.Scalar {
        switch self {
        case .native(let s): return s
        case .promoted: return .int32
        case .clamped(let b): return b == 32 ? .int32 : .int64
        }
    }

    /// Canonical little-endian elements → zfp's scalars. Every offset below is an element index
    /// under count / size times the element's size: inside the buffer.
    func toZfp(_ bytes: [UInt8]) -> [UInt8] {
        switch self {
        case .native: return bytes
        case .promoted(let bits, let signed):
            let shift = Int32(31 - bits)
            let bias: Int32 = signed ? 0 : 1 << (bits - 1)
            let n = bytes.count / (bits / 8)
            var out = [Int32](repeating: 0, count: n)
            bytes.withUnsafeBytes { src in
                for i in 0..<n {
                    let v: Int32
                    switch (bits, signed) {
                    case (8, true): v = Int32(Int8(bitPattern: src[i]))
                    case (8, false): v = Int32(src[i])
                    case (_, true): v = Int32(Int16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
                    default: v = Int32(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                    }
                    out[i] = (v - bias) << shift
                }
            }
            return out.withUnsafeBytes { Array($0) }
        case .clamped(let bits):
            var out = bytes
            out.withUnsafeMutableBytes { buffer in
                if bits == 32 {
                    for i in 0..<buffer.count / 4 {
                        let v = UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
                        buffer.storeBytes(of: min(v, UInt32(Int32.max)).littleEndian, toByteOffset: 4 * i, as: UInt32.self)
                    }
                } else {
                    for i in 0..<buffer.count / 8 {
                        let v = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
                        buffer.storeBytes(of: min(v, UInt64(Int64.max)).littleEndian, toByteOffset: 8 * i, as: UInt64.self)
                    }
                }
            }
            return out
        }
    }

    /// zfp's scalars → canonical elements (`zfp_demote_*`: shifted back and clamped to the type).
    func fromZfp(_ bytes: [UInt8]) -> [UInt8] {
        switch self {
        case .native: return bytes
        case .promoted(let bits, let signed):
            let shift = Int32(31 - bits)
            let bias: Int32 = signed ? 0 : 1 << (bits - 1)
            let low: Int32 = signed ? -(1 << (bits - 1)) : 0
            let high: Int32 = signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1
            let n = bytes.count / 4
            var out = [UInt8](repeating: 0, count: n * bits / 8)
            bytes.withUnsafeBytes { src in
                for i in 0..<n {
                    let v = min(max((Int32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)) >> shift) + bias, low), high)
                    if bits == 8 {
                        out[i] = UInt8(truncatingIfNeeded: v)
                    } else {
                        out[2 * i] = UInt8(truncatingIfNeeded: v)
                        out[2 * i + 1] = UInt8(truncatingIfNeeded: v >> 8)
                    }
                }
            }
            return out
        case .clamped(let bits):
            var out = bytes
            out.withUnsafeMutableBytes { buffer in
                if bits == 32 {
                    for i in 0..<buffer.count / 4 {
                        let v = Int32(littleEndian: buffer.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))
                        buffer.storeBytes(of: max(v, 0).littleEndian, toByteOffset: 4 * i, as: Int32.self)
                    }
                } else {
                    for i in 0..<buffer.count / 8 {
                        let v = Int64(littleEndian: buffer.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))
                        buffer.storeBytes(of: max(v, 0).littleEndian, toByteOffset: 8 * i, as: Int64.self)
                    }
                }
            }
            return out
        }
    }
}

extension Zfp.Scalar {
    var isFloatingPoint: Bool { self == .float || self == .double }

    /// The types zfpy compresses (its `dtype_to_ztype`).
    init?(zfpy type: DataType) {
        switch type {
        case .int(32): self = .int32
        case .int(64): self = .int64
        case .float(32): self = .float
        case .float(64): self = .double
        default: return nil
        }
    }
}

extension ZfpCodec {
    static let definition = CodecDefinition("zfp") { c, ctx, _ in .arrayToBytes(try ZfpCodec(c.extensionObject, context: ctx)) }
}

extension ZfpyCodec {
    static let definition = CodecDefinition("numcodecs.zfpy", v2: ["zfpy"]) { c, ctx, _ in .arrayToBytes(try ZfpyCodec(c, dataType: ctx.dataType)) }
}
