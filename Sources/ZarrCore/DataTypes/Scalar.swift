/// One numeric element, exactly: 64-bit integers never pass through Double.
enum Scalar: Equatable {
    case int(Int64), uint(UInt64), float(Double)

    var double: Double {
        switch self {
        case .int(let v): return Double(v)
        case .uint(let v): return Double(v)
        case .float(let v): return v
        }
    }

    var isNaN: Bool { if case .float(let v) = self { return v.isNaN } else { return false } }

    /// Whether the type holds values this enum can carry (the numeric types of casts and scale_offset).
    static func supports(_ t: DataType) -> Bool {
        switch t {
        case .bool, .int, .uint, .float, .bfloat16, .smallFloat, .subByteInt, .datetime64, .timedelta64: return true
        default: return false
        }
    }

    static func load(_ p: UnsafeRawBufferPointer, _ i: Int, _ t: DataType) -> Scalar {
        switch t {
        case .bool: return .uint(p[i] != 0 ? 1 : 0)
        case .subByteInt(_, let signed): return signed ? .int(Int64(Int8(bitPattern: p[i]))) : .uint(UInt64(p[i]))
        case .int(let b): return .int(Int64(bitPattern: Numeric.loadBits(p, i, .int(b))))
        case .datetime64, .timedelta64: return .int(Int64(bitPattern: Numeric.loadBits(p, i, .int(64))))
        case .uint(let b): return .uint(Numeric.loadBits(p, i, .uint(b)))
        case .float(let b): return .float(Numeric.loadDouble(p, i, .float(b)))
        case .bfloat16: return .float(SmallFloatFormat.bfloat16.decode(UInt32(Numeric.loadBits(p, i, .uint(16)))))
        case .smallFloat(let f): return .float(f.decode(UInt32(p[i])))
        default: return .uint(0)
        }
    }

    /// Stores a value already known to be representable in `t`.
    static func store(_ p: UnsafeMutableRawBufferPointer, _ i: Int, _ t: DataType, _ v: Scalar) {
        switch (t, v) {
        case (.bool, _): p[i] = v.double != 0 ? 1 : 0
        case (.subByteInt, .int(let x)): p[i] = UInt8(truncatingIfNeeded: x)
        case (.subByteInt, .uint(let x)): p[i] = UInt8(truncatingIfNeeded: x)
        case (.int(let b), .int(let x)): Numeric.storeBits(p, i, .int(b), UInt64(bitPattern: x))
        case (.int(let b), .uint(let x)): Numeric.storeBits(p, i, .int(b), x)
        case (.datetime64, .int(let x)), (.timedelta64, .int(let x)): Numeric.storeBits(p, i, .int(64), UInt64(bitPattern: x))
        case (.uint(let b), .uint(let x)): Numeric.storeBits(p, i, .uint(b), x)
        case (.uint(let b), .int(let x)): Numeric.storeBits(p, i, .uint(b), UInt64(bitPattern: x))
        case (.float(let b), _): Numeric.storeDouble(p, i, .float(b), v.double)
        case (.bfloat16, _): Numeric.storeBits(p, i, .uint(16), UInt64(SmallFloatFormat.bfloat16.encode(v.double) ?? 0x7FC0))
        case (.smallFloat(let f), _): p[i] = UInt8(truncatingIfNeeded: f.encode(v.double) ?? (f.nan ?? 0))
        default: break
        }
    }

    /// The integer range of a type, as Int128 bounds; nil for floats.
    static func integerRange(_ t: DataType) -> ClosedRange<Int128>? {
        switch t {
        case .bool: return 0...1
        case .int(let b): return -(Int128(1) << (b - 1))...(Int128(1) << (b - 1)) - 1
        case .uint(let b): return 0...(Int128(1) << b) - 1
        case .subByteInt(let b, let signed): return signed ? -(Int128(1) << (b - 1))...(Int128(1) << (b - 1)) - 1 : 0...(Int128(1) << b) - 1
        case .datetime64, .timedelta64: return Int128(Int64.min)...Int128(Int64.max)
        default: return nil
        }
    }

    var int128: Int128? {
        switch self {
        case .int(let v): return Int128(v)
        case .uint(let v): return Int128(v)
        case .float(let v): return v.isFinite && v == v.rounded() && abs(v) < 1.7e38 ? Int128(v) : nil
        }
    }

    static func fromInt128(_ v: Int128) -> Scalar { v < 0 ? .int(Int64(v)) : .uint(UInt64(v)) }
}
