import Foundation

/// Shared plumbing for the numcodecs filters that compute on element values in flat memory
/// order: they map a buffer of one numeric type to a buffer of another.
enum NumericFilter {
    static func numericType(_ dtype: V2DataType, codec: String, field: String) throws -> NumericType {
        guard let t = NumericType(dtype.dataType) else {
            throw ZarrError(.unsupported, "\(field) \(dtype.json.serialized()) is not a numeric type", codec: codec, field: field)
        }
        return t
    }

    /// Maps every element of `input` (type `from`) into a new buffer of type `to`.
    static func map(_ input: [UInt8], from: NumericType, to: NumericType, codec: String,
                    _ body: (UnsafeRawBufferPointer, UnsafeMutableRawBufferPointer, Int) -> Void) throws -> [UInt8] {
        guard input.count % from.size == 0 else {
            throw ZarrError.corrupt("buffer of \(input.count) bytes is not whole \(from.size)-byte elements", codec: codec)
        }
        let count = input.count / from.size
        var out = [UInt8](repeating: 0, count: count * to.size)
        input.withUnsafeBytes { src in out.withUnsafeMutableBytes { dst in body(src, dst, count) } }
        return out
    }

    /// Casts value by value as NumPy's `astype` does.
    static func cast(_ input: [UInt8], from: NumericType, to: NumericType, codec: String) throws -> [UInt8] {
        if from == to { return input }
        let integers = !Numeric.isFloat(from) && !Numeric.isFloat(to) && from != .bool && to != .bool
        return try map(input, from: from, to: to, codec: codec) { src, dst, count in
            for i in 0..<count {
                if integers { Numeric.storeBits(dst, i, to, Numeric.loadBits(src, i, from)) }
                else { Numeric.storeDouble(dst, i, to, Numeric.loadDouble(src, i, from)) }
            }
        }
    }

    /// Rounds a double to the precision NumPy computes in for a float type of this size.
    static func roundTo(_ v: Double, _ t: NumericType) -> Double {
        switch t {
        case .float(16): return Double(Float16(v))
        case .float(32): return Double(Float(v))
        default: return v
        }
    }

    static func representation(_ decoded: ChunkRepresentation, as dtype: V2DataType) -> ChunkRepresentation {
        var rep = decoded
        rep.dataType = dtype.dataType
        rep.fillValue = FillValue.zero(for: dtype.dataType)
        return rep
    }
}

/// numcodecs `delta` (NC-08): element 0 as is, then successive differences, cast to `astype`.
/// v2 JSON: `{"id": "delta", "dtype": "<i4", "astype": "<i2"}`.
public struct DeltaCodec: ArrayToArrayCodec {
    public let dtype: V2DataType
    public let astype: V2DataType
    let type: NumericType, encodedType: NumericType

    public init(_ config: CodecConfiguration) throws {
        dtype = try config.dtype("dtype")
        astype = config.has("astype") ? try config.dtype("astype") : dtype
        type = try NumericFilter.numericType(dtype, codec: "delta", field: "dtype")
        encodedType = try NumericFilter.numericType(astype, codec: "delta", field: "astype")
    }

    public var name: String { "numcodecs.delta" }
    public var v2Configuration: JSON { JSONObject.v2("delta", [("dtype", dtype.json), ("astype", astype.json)]) }

    public func encodedRepresentation(of decoded: ChunkRepresentation) throws -> ChunkRepresentation {
        NumericFilter.representation(decoded, as: astype)
    }

    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData {
        let input = try data.fixedBytes(name)
        let diffs = try NumericFilter.map(input, from: type, to: type, codec: name) { src, dst, count in
            for i in 0..<count {
                if Numeric.isFloat(type) {
                    let prev = i == 0 ? 0 : Numeric.loadDouble(src, i - 1, type)
                    Numeric.storeDouble(dst, i, type, NumericFilter.roundTo(Numeric.loadDouble(src, i, type) - prev, type))
                } else {
                    let prev = i == 0 ? 0 : Numeric.loadBits(src, i - 1, type)
                    Numeric.storeBits(dst, i, type, Numeric.loadBits(src, i, type) &- prev)
                }
            }
        }
        return .fixed(try NumericFilter.cast(diffs, from: type, to: encodedType, codec: name))
    }

    public func decode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData {
        let input = try data.fixedBytes(name)
        return .fixed(try NumericFilter.map(input, from: encodedType, to: type, codec: name) { src, dst, count in
            if Numeric.isFloat(encodedType) || Numeric.isFloat(type) {
                var sum = 0.0
                let accumulator = Numeric.isFloat(encodedType) ? encodedType : type
                for i in 0..<count {
                    sum = NumericFilter.roundTo(sum + Numeric.loadDouble(src, i, encodedType), accumulator)
                    Numeric.storeDouble(dst, i, type, sum)
                }
            } else {
                var sum: UInt64 = 0
                for i in 0..<count {
                    sum = sum &+ Numeric.loadBits(src, i, encodedType)
                    Numeric.storeBits(dst, i, type, sum)
                }
            }
        })
    }
}

/// numcodecs `fixedscaleoffset` (NC-09): round-half-even((x - offset) * scale) cast to `astype`;
/// decode x = y / scale + offset. v2 JSON: `{"id": "fixedscaleoffset", "offset": 1000, "scale": 10, "dtype": "<f8", "astype": "<i4"}`.
public struct FixedScaleOffsetCodec: ArrayToArrayCodec {
    public let offset: JSON, scale: JSON
    public let dtype: V2DataType, astype: V2DataType
    let type: NumericType, encodedType: NumericType
    let offsetValue: Double, scaleValue: Double

    public init(_ config: CodecConfiguration) throws {
        offset = config.object["offset"] ?? 0
        scale = config.object["scale"] ?? 1
        offsetValue = try config.double("offset", default: 0)
        scaleValue = try config.double("scale", default: 1)
        dtype = try config.dtype("dtype")
        astype = config.has("astype") ? try config.dtype("astype") : dtype
        type = try NumericFilter.numericType(dtype, codec: "fixedscaleoffset", field: "dtype")
        encodedType = try NumericFilter.numericType(astype, codec: "fixedscaleoffset", field: "astype")
    }

    public var name: String { "numcodecs.fixedscaleoffset" }
    public var v2Configuration: JSON {
        JSONObject.v2("fixedscaleoffset", [("scale", scale), ("offset", offset), ("dtype", dtype.json), ("astype", astype.json)])
    }

    public func encodedRepresentation(of decoded: ChunkRepresentation) throws -> ChunkRepresentation {
        NumericFilter.representation(decoded, as: astype)
    }

    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData {
        // NumPy computes in the array's float type (float32 stays float32; integers go to float64).
        let work: NumericType = Numeric.isFloat(type) ? type : .float(64)
        return .fixed(try NumericFilter.map(try data.fixedBytes(name), from: type, to: encodedType, codec: name) { src, dst, count in
            for i in 0..<count {
                let x = Numeric.loadDouble(src, i, type)
                let shifted = NumericFilter.roundTo(x - NumericFilter.roundTo(offsetValue, work), work)
                let scaled = NumericFilter.roundTo(shifted * NumericFilter.roundTo(scaleValue, work), work)
                Numeric.storeDouble(dst, i, encodedType, scaled.rounded(.toNearestOrEven))
            }
        })
    }

    public func decode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData {
        let work: NumericType = Numeric.isFloat(encodedType) ? encodedType : .float(64)
        return .fixed(try NumericFilter.map(try data.fixedBytes(name), from: encodedType, to: type, codec: name) { src, dst, count in
            for i in 0..<count {
                let y = Numeric.loadDouble(src, i, encodedType)
                let v = NumericFilter.roundTo(NumericFilter.roundTo(y / scaleValue, work) + offsetValue, work)
                Numeric.storeDouble(dst, i, type, v)
            }
        })
    }
}

/// numcodecs `quantize` (NC-10): keeps `digits` decimal digits; decode is a plain cast.
/// v2 JSON: `{"id": "quantize", "digits": 2, "dtype": "<f8", "astype": "<f4"}`.
public struct QuantizeCodec: ArrayToArrayCodec {
    public let digits: Int
    public let dtype: V2DataType, astype: V2DataType
    let type: NumericType, encodedType: NumericType

    public init(_ config: CodecConfiguration) throws {
        digits = try config.int("digits")
        dtype = try config.dtype("dtype")
        astype = config.has("astype") ? try config.dtype("astype") : dtype
        type = try NumericFilter.numericType(dtype, codec: "quantize", field: "dtype")
        encodedType = try NumericFilter.numericType(astype, codec: "quantize", field: "astype")
        guard Numeric.isFloat(type) else { throw ZarrError(.unsupported, "quantize needs a float dtype", codec: "quantize", field: "dtype") }
    }

    public var name: String { "numcodecs.quantize" }
    public var v2Configuration: JSON { JSONObject.v2("quantize", [("digits", .int(digits)), ("dtype", dtype.json), ("astype", astype.json)]) }

    public func encodedRepresentation(of decoded: ChunkRepresentation) throws -> ChunkRepresentation {
        NumericFilter.representation(decoded, as: astype)
    }

    var scale: Double {
        let exponent = log10(pow(10.0, Double(-digits)))
        let e = exponent < 0 ? exponent.rounded(.down) : exponent.rounded(.up)
        let bits = log2(pow(10.0, -e)).rounded(.up)
        return pow(2.0, bits)
    }

    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData {
        let s = scale
        return .fixed(try NumericFilter.map(try data.fixedBytes(name), from: type, to: encodedType, codec: name) { src, dst, count in
            for i in 0..<count {
                let x = Numeric.loadDouble(src, i, type)
                let q = NumericFilter.roundTo(NumericFilter.roundTo(s * x, type).rounded(.toNearestOrEven) / s, type)
                Numeric.storeDouble(dst, i, encodedType, q)
            }
        })
    }

    public func decode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData {
        .fixed(try NumericFilter.cast(try data.fixedBytes(name), from: encodedType, to: type, codec: name))
    }
}

/// numcodecs `astype` (NC-14): encode casts `decode_dtype` to `encode_dtype`.
/// v2 JSON: `{"id": "astype", "encode_dtype": "<i2", "decode_dtype": "<i4"}`.
public struct AsTypeCodec: ArrayToArrayCodec {
    public let encodeDtype: V2DataType, decodeDtype: V2DataType
    let from: NumericType, to: NumericType

    public init(_ config: CodecConfiguration) throws {
        encodeDtype = try config.dtype("encode_dtype")
        decodeDtype = try config.dtype("decode_dtype")
        from = try NumericFilter.numericType(decodeDtype, codec: "astype", field: "decode_dtype")
        to = try NumericFilter.numericType(encodeDtype, codec: "astype", field: "encode_dtype")
    }

    public var name: String { "numcodecs.astype" }
    public var v2Configuration: JSON { JSONObject.v2("astype", [("encode_dtype", encodeDtype.json), ("decode_dtype", decodeDtype.json)]) }

    public func encodedRepresentation(of decoded: ChunkRepresentation) throws -> ChunkRepresentation {
        NumericFilter.representation(decoded, as: encodeDtype)
    }

    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData {
        .fixed(try NumericFilter.cast(try data.fixedBytes(name), from: from, to: to, codec: name))
    }

    public func decode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData {
        .fixed(try NumericFilter.cast(try data.fixedBytes(name), from: to, to: from, codec: name))
    }
}

/// numcodecs `bitround` (NC-11): keeps `keepbits` mantissa bits, rounding half to even on the
/// integer view. Decode is the identity. v2 JSON: `{"id": "bitround", "keepbits": 10}`.
public struct BitRoundCodec: ArrayToArrayCodec {
    public let keepbits: Int

    public init(_ config: CodecConfiguration) throws {
        keepbits = try config.int("keepbits")
        guard keepbits >= 0 else { throw config.fail("keepbits", "must be at least 0") }
    }

    public var name: String { "numcodecs.bitround" }
    public var v2Configuration: JSON { JSONObject.v2("bitround", [("keepbits", .int(keepbits))]) }

    public func encodedRepresentation(of decoded: ChunkRepresentation) throws -> ChunkRepresentation { decoded }

    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData {
        guard case .float(let bits) = decoded.dataType else { throw ZarrError(.unsupported, "bitround needs a float type", codec: name) }
        let mantissa = bits == 16 ? 10 : bits == 32 ? 23 : 52
        guard keepbits <= mantissa else { throw ZarrError(.invalidMetadata, "keepbits \(keepbits) exceeds \(mantissa)", codec: name) }
        if keepbits == mantissa { return data }
        let t = NumericType.int(bits)
        let maskbits = UInt64(mantissa - keepbits)
        let width = UInt64(bits)
        let all: UInt64 = bits == 64 ? .max : (1 << width) - 1
        let mask = (all >> maskbits) << maskbits & all
        let halfQuantum: UInt64 = (1 << (maskbits - 1)) - 1
        return .fixed(try NumericFilter.map(try data.fixedBytes(name), from: t, to: t, codec: name) { src, dst, count in
            for i in 0..<count {
                var b = Numeric.loadBits(src, i, t) & all
                b = (b &+ ((b >> maskbits) & 1) &+ halfQuantum) & all
                Numeric.storeBits(dst, i, t, b & mask)
            }
        })
    }

    public func decode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData { data }
}

extension DeltaCodec {
    static let definition = CodecDefinition("numcodecs.delta", v2: ["delta"]) { c, _, _ in .arrayToArray(try DeltaCodec(c)) }
}

extension FixedScaleOffsetCodec {
    static let definition = CodecDefinition("numcodecs.fixedscaleoffset", v2: ["fixedscaleoffset"]) { c, _, _ in .arrayToArray(try FixedScaleOffsetCodec(c)) }
}

extension QuantizeCodec {
    static let definition = CodecDefinition("numcodecs.quantize", v2: ["quantize"]) { c, _, _ in .arrayToArray(try QuantizeCodec(c)) }
}

extension AsTypeCodec {
    static let definition = CodecDefinition("numcodecs.astype", v2: ["astype"]) { c, _, _ in .arrayToArray(try AsTypeCodec(c)) }
}

extension BitRoundCodec {
    static let definition = CodecDefinition("numcodecs.bitround", v2: ["bitround"]) { c, _, _ in .arrayToArray(try BitRoundCodec(c)) }
}
