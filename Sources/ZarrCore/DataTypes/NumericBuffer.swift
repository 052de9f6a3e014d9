/// Element access to canonical (little-endian, packed) buffers, for codecs that compute on values.
/// Every access goes through `loadUnaligned`/`storeBytes`, which need no alignment; indices are
/// checked by the callers' loops, which run over `count` = buffer.count / size.
enum Numeric {
    static func loadDouble(_ p: UnsafeRawBufferPointer, _ i: Int, _ t: NumericType) -> Double {
        switch t {
        case .bool: return p[i] != 0 ? 1 : 0
        case .int(8): return Double(p.loadUnaligned(fromByteOffset: i, as: Int8.self))
        case .int(16): return Double(Int16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
        case .int(32): return Double(Int32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
        case .int: return Double(Int64(littleEndian: p.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
        case .uint(8): return Double(p[i])
        case .uint(16): return Double(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
        case .uint(32): return Double(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
        case .uint: return Double(UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
        case .float(16): return Double(Float16(bitPattern: UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
        case .float(32): return Double(Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))))
        case .float: return Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
        }
    }

    /// The raw bits of an integer element, sign-extended for signed types.
    static func loadBits(_ p: UnsafeRawBufferPointer, _ i: Int, _ t: NumericType) -> UInt64 {
        switch t {
        case .bool: return p[i] != 0 ? 1 : 0
        case .int(8): return UInt64(bitPattern: Int64(p.loadUnaligned(fromByteOffset: i, as: Int8.self)))
        case .int(16): return UInt64(bitPattern: Int64(Int16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))))
        case .int(32): return UInt64(bitPattern: Int64(Int32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))))
        case .uint(8): return UInt64(p[i])
        case .uint(16), .float(16): return UInt64(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
        case .uint(32), .float(32): return UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
        default: return UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
        }
    }

    /// Stores the low bits of `bits` (two's complement wrap, as NumPy integer arithmetic).
    static func storeBits(_ p: UnsafeMutableRawBufferPointer, _ i: Int, _ t: NumericType, _ bits: UInt64) {
        switch t.size {
        case 1: p[i] = t == .bool ? (bits != 0 ? 1 : 0) : UInt8(truncatingIfNeeded: bits)
        case 2: p.storeBytes(of: UInt16(truncatingIfNeeded: bits).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
        case 4: p.storeBytes(of: UInt32(truncatingIfNeeded: bits).littleEndian, toByteOffset: 4 * i, as: UInt32.self)
        default: p.storeBytes(of: bits.littleEndian, toByteOffset: 8 * i, as: UInt64.self)
        }
    }

    /// Stores a double converted as NumPy's `astype` does: floats round to nearest, integers
    /// truncate toward zero and wrap (out-of-range C casts are undefined; NumPy wraps on x86).
    static func storeDouble(_ p: UnsafeMutableRawBufferPointer, _ i: Int, _ t: NumericType, _ v: Double) {
        switch t {
        case .float(16): storeBits(p, i, t, UInt64(Float16(v).bitPattern))
        case .float(32): storeBits(p, i, t, UInt64(Float(v).bitPattern))
        case .float: storeBits(p, i, t, v.bitPattern)
        case .bool: p[i] = v != 0 ? 1 : 0
        case .int, .uint:
            guard v.isFinite else { storeBits(p, i, t, 0x8000_0000_0000_0000); return }
            let truncated = v.rounded(.towardZero)
            if let s = Int64(exactly: truncated) { storeBits(p, i, t, UInt64(bitPattern: s)) }
            else if let u = UInt64(exactly: truncated) { storeBits(p, i, t, u) }
            else { storeBits(p, i, t, 0x8000_0000_0000_0000) }
        }
    }

    static func isFloat(_ t: NumericType) -> Bool { if case .float = t { return true } else { return false } }
}
