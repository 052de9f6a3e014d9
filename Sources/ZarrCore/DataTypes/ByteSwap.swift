/// Reverses the bytes of the given components in every element of a packed buffer.
enum ByteSwap {
    static func swap(_ buffer: inout [UInt8], components: [ByteComponent], itemSize: Int) {
        guard !components.isEmpty, itemSize > 0 else { return }
        buffer.withUnsafeMutableBytes { swap($0, components: components, itemSize: itemSize) }
    }

    static func swap(_ p: UnsafeMutableRawBufferPointer, components: [ByteComponent], itemSize: Int) {
        guard !components.isEmpty, itemSize > 0 else { return }
        let count = p.count / itemSize
        // Fast paths for whole-element scalars of width 2, 4, 8.
        if components.count == 1, components[0].offset == 0, components[0].width == itemSize {
            switch itemSize {
            case 2: for i in 0..<count { p.storeBytes(of: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).byteSwapped, toByteOffset: 2 * i, as: UInt16.self) }; return
            case 4: for i in 0..<count { p.storeBytes(of: p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).byteSwapped, toByteOffset: 4 * i, as: UInt32.self) }; return
            case 8: for i in 0..<count { p.storeBytes(of: p.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self).byteSwapped, toByteOffset: 8 * i, as: UInt64.self) }; return
            default: break
            }
        }
        for e in 0..<count {
            let base = e * itemSize
            for c in components {
                var lo = base + c.offset, hi = lo + c.width - 1
                while lo < hi { p.swapAt(lo, hi); lo += 1; hi -= 1 }
            }
        }
    }
}
