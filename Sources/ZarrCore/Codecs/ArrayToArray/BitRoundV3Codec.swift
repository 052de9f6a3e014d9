/// v3 `bitround` (EX-C02, EX-C03): floats keep `keepbits` mantissa bits (rounding half to even on
/// the bit pattern, NaN and infinity untouched); integers keep `keepbits` bits from their most
/// significant set bit, rounding half to even and saturating instead of overflowing.
/// JSON: `{"name": "bitround", "configuration": {"keepbits": 3}}`.
public struct BitRoundV3Codec: ArrayToArrayCodec {
    public let keepbits: Int
    public var name: String { "bitround" }
    public var v2Configuration: JSON { .null }

    /// (offset, width in bytes, mantissa bits or nil for integers, signed) per scalar of an element.
    let parts: [(offset: Int, width: Int, mantissa: Int?, signed: Bool)]
    let itemSize: Int

    init(keepbits: Int, type: DataType) throws {
        guard keepbits >= 0 else { throw ZarrError(.invalidMetadata, "keepbits must be at least 0 (AM-04)", codec: "bitround", field: "keepbits") }
        self.keepbits = keepbits
        func float(_ bits: Int) -> Int { bits == 16 ? 10 : bits == 32 ? 23 : 52 }
        switch type {
        case .float(let b): parts = [(0, b / 8, float(b), false)]
        case .bfloat16: parts = [(0, 2, 7, false)]
        case .complex(let b): parts = [(0, b / 16, float(b / 2), false), (b / 16, b / 16, float(b / 2), false)]
        case .complexOf(.float(16)): parts = [(0, 2, 10, false), (2, 2, 10, false)]
        case .complexOf(.bfloat16): parts = [(0, 2, 7, false), (2, 2, 7, false)]
        case .int(let b): parts = [(0, b / 8, nil, true)]
        case .uint(let b): parts = [(0, b / 8, nil, false)]
        case .datetime64, .timedelta64: parts = [(0, 8, nil, true)]
        default: throw ZarrError(.unsupported, "bitround does not support this data type (EX-C03)", codec: "bitround")
        }
        itemSize = type.itemSize ?? 1
        for p in parts where keepbits > (p.mantissa ?? 8 * p.width) {
            throw ZarrError(.invalidMetadata, "keepbits \(keepbits) exceeds the \(p.mantissa ?? 8 * p.width) bits of the type", codec: "bitround", field: "keepbits")
        }
    }

    public func encodedRepresentation(of decoded: ChunkRepresentation) throws -> ChunkRepresentation { decoded }
    public func decode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData { data }

    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData {
        var bytes = try data.fixedBytes(name)
        let count = bytes.count / max(itemSize, 1)
        bytes.withUnsafeMutableBytes { p in
            for e in 0..<count {
                for part in parts {
                    let at = e * itemSize + part.offset
                    let t = NumericType.uint(8 * part.width)
                    let index = at / part.width  // parts are aligned to their width inside the element
                    let raw = Numeric.loadBits(UnsafeRawBufferPointer(p), index, t)
                    let rounded = part.mantissa.map { roundFloat(raw, width: 8 * part.width, mantissa: $0) }
                        ?? roundInteger(raw, width: 8 * part.width, signed: part.signed)
                    Numeric.storeBits(p, index, t, rounded)
                }
            }
        }
        return .fixed(bytes)
    }

    func roundFloat(_ bits: UInt64, width: Int, mantissa: Int) -> UInt64 {
        let exponentMask: UInt64 = ((1 << UInt64(width - 1 - mantissa)) - 1) << UInt64(mantissa)
        if bits & exponentMask == exponentMask { return bits }  // NaN and infinity pass through
        let drop = UInt64(mantissa - keepbits)
        if drop == 0 { return bits }
        let all: UInt64 = width == 64 ? .max : (1 << UInt64(width)) - 1
        let half: UInt64 = (1 << (drop - 1)) - 1
        let r = (bits &+ ((bits >> drop) & 1) &+ half) & all
        return r & ((all >> drop) << drop)
    }

    func roundInteger(_ bits: UInt64, width: Int, signed: Bool) -> UInt64 {
        let negative = signed && (bits >> UInt64(width - 1)) & 1 == 1
        let all: UInt64 = width == 64 ? .max : (1 << UInt64(width)) - 1
        let magnitude = negative ? (~bits &+ 1) & all : bits & all
        let limit: UInt64 = signed ? (negative ? UInt64(1) << UInt64(width - 1) : (UInt64(1) << UInt64(width - 1)) - 1) : all
        if magnitude == 0 { return bits }
        let top = 63 - magnitude.leadingZeroBitCount
        guard top + 1 > keepbits else { return bits }
        let drop = UInt64(top + 1 - keepbits)
        var q = magnitude >> drop
        let rest = magnitude & ((1 << drop) - 1), half = UInt64(1) << (drop - 1)
        if rest > half || (rest == half && q & 1 == 1) { q += 1 }
        var r = q << drop
        if r > limit || (drop < 64 && q >> (64 - drop) != 0) { r = ((UInt64(1) << UInt64(keepbits)) - 1) << drop }  // saturate (EX-C03)
        return negative ? (~r &+ 1) & all : r
    }
}

extension BitRoundV3Codec {
    static let definition = CodecDefinition("bitround") { c, ctx, _ in .arrayToArray(try BitRoundV3Codec(keepbits: try c.int("keepbits"), type: ctx.dataType)) }
}
