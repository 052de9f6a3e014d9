/// The logical element type of an array, independent of how it is stored.
/// In memory every fixed-size element is kept in the canonical layout: packed, little-endian,
/// C order; byte order on disk is the business of the array→bytes codec (`BytesCodec`).
public indirect enum DataType: Equatable, Sendable {
    case bool
    case int(bits: Int)
    case uint(bits: Int)
    case float(bits: Int)
    /// `bits` is the whole element: 64 (two float32) or 128 (two float64).
    case complex(bits: Int)
    case datetime64(TimeUnit)
    case timedelta64(TimeUnit)
    /// NumPy `S<n>`: n raw bytes, NUL-padded.
    case fixedBytes(Int)
    /// NumPy `U<n>`: n UTF-32 code units.
    case fixedUnicode(Int)
    /// NumPy `V<n>`: n opaque bytes.
    case raw(Int)
    case structured([StructField])
    /// Variable-length UTF-8 text (v2 `|O` + vlen-utf8, v3 `string`).
    case string
    /// Variable-length bytes (v2 `|O` + vlen-bytes, v3 `bytes`).
    case bytes
    /// numcodecs vlen-array: each element a variable-length 1-d array of the item type.
    case vlenArray(DataType)
    /// v3 `bfloat16` (EX-D02): 2 bytes.
    case bfloat16
    /// v3 `int2`, `int4`, `uint2`, `uint4` (EX-D01): one byte per element in memory, sign-extended.
    case subByteInt(bits: Int, signed: Bool)
    /// v3 float8 / float6 / float4 types (EX-D03…EX-D05): one byte per element, in the low bits.
    case smallFloat(SmallFloatFormat)
    /// v3 complex types whose parts are float16, bfloat16 or a small float (EX-D06).
    case complexOf(DataType)

    /// Bytes per element, nil for variable-length types.
    public var itemSize: Int? {
        switch self {
        case .bool: return 1
        case .int(let b), .uint(let b), .float(let b), .complex(let b): return b / 8
        case .datetime64, .timedelta64: return 8
        case .fixedBytes(let n), .raw(let n): return n
        case .fixedUnicode(let n): return 4 * n
        case .structured(let fields):
            var total = 0
            for f in fields {
                guard let s = f.size else { return nil }
                total += s
            }
            return total
        case .string, .bytes, .vlenArray: return nil
        case .bfloat16: return 2
        case .subByteInt, .smallFloat: return 1
        case .complexOf(let part): return part.itemSize.map { 2 * $0 }
        }
    }

    public var isVariableLength: Bool { itemSize == nil }

    /// The multi-byte scalar components of one element, as (offset, width): what a byte swap touches.
    public var scalarComponents: [ByteComponent] {
        var out: [ByteComponent] = []
        appendComponents(at: 0, into: &out)
        return out
    }

    private func appendComponents(at base: Int, into out: inout [ByteComponent]) {
        switch self {
        case .bool, .fixedBytes, .raw, .string, .bytes, .vlenArray, .subByteInt, .smallFloat: return
        case .bfloat16: out.append(ByteComponent(offset: base, width: 2))
        case .complexOf(let part):
            part.appendComponents(at: base, into: &out)
            part.appendComponents(at: base + (part.itemSize ?? 0), into: &out)
        case .int(let b), .uint(let b), .float(let b):
            if b > 8 { out.append(ByteComponent(offset: base, width: b / 8)) }
        case .complex(let b):
            out.append(ByteComponent(offset: base, width: b / 16))
            out.append(ByteComponent(offset: base + b / 16, width: b / 16))
        case .datetime64, .timedelta64: out.append(ByteComponent(offset: base, width: 8))
        case .fixedUnicode(let n):
            for i in 0..<n { out.append(ByteComponent(offset: base + 4 * i, width: 4)) }
        case .structured(let fields):
            var offset = base
            for f in fields {
                let count = f.shape.reduce(1, *)
                let size = f.type.itemSize ?? 0
                for i in 0..<count { f.type.appendComponents(at: offset + i * size, into: &out) }
                offset += f.size ?? 0
            }
        }
    }
}

/// A datetime64 / timedelta64 unit with its multiplier (`10s` is unit "s", scale 10).
public struct TimeUnit: Equatable, Sendable {
    public static let units = ["Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as", "generic"]
    public var unit: String
    public var scale: Int
    public init(unit: String, scale: Int = 1) {
        self.unit = unit
        self.scale = scale
    }
}

public struct StructField: Equatable, Sendable {
    public var name: String
    public var type: DataType
    /// Subarray shape; empty for a scalar field.
    public var shape: [Int]
    public init(name: String, type: DataType, shape: [Int] = []) {
        self.name = name
        self.type = type
        self.shape = shape
    }
    public var size: Int? { type.itemSize.map { $0 * shape.reduce(1, *) } }
}

/// A run of bytes inside an element that is one scalar: reversed as a unit when swapping.
public struct ByteComponent: Equatable, Sendable {
    public var offset: Int
    public var width: Int
}

/// The numeric view of a type, for codecs that compute on values (delta, scale-offset, casts).
enum NumericType: Equatable {
    case bool, int(Int), uint(Int), float(Int)

    init?(_ type: DataType) {
        switch type {
        case .bool: self = .bool
        case .int(let b): self = .int(b)
        case .uint(let b): self = .uint(b)
        case .float(let b): self = .float(b)
        case .datetime64, .timedelta64: self = .int(64)
        default: return nil
        }
    }

    var size: Int {
        switch self {
        case .bool: return 1
        case .int(let b), .uint(let b), .float(let b): return b / 8
        }
    }
}
