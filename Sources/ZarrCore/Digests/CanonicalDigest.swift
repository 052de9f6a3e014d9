import Foundation

import Crypto

/// The canonical digest every implementation's output is compared through: SHA-256 over the
/// array's elements in C order of its logical shape, each element as
/// - fixed-size types: their canonical bytes (little-endian at natural width; bool one byte 0/1;
///   complex real then imaginary; datetime/timedelta int64; `S` raw; `U` UTF-32LE code units;
///   structured records as their fields packed in order by these same rules);
/// - variable-length strings/bytes: a u32 LE byte length, then the bytes (UTF-8 for text);
///   numcodecs vlen-array items likewise, their elements little-endian;
/// - missing chunks as the fill value (zeros when it is null).
/// NumPy reproduces it for fixed-size types as `a.astype(a.dtype.newbyteorder('<')).tobytes()`.
public enum CanonicalDigest {
    public struct Result: Sendable {
        public var sha256: String
        public var elementCount: Int
    }

    /// Arrays larger than this are refused: hashing them would take hours, not a conformance run.
    public static let maxElements = 1 << 34

    /// Streams the array one slab of chunk rows at a time, so memory stays at two slabs: one
    /// slab is hashed on a thread of its own while the next is read and decoded.
    /// A selection (NumPy's `a[start:stop:step, …]`) is hashed as the sub-array it selects.
    public static func compute(_ array: ZarrArray, selection: [Slice]? = nil) throws -> Result {
        let shape = try Selection.resolve(selection, shape: array.shape).map(\.count)
        guard try Checked.product(shape, "array element count") <= maxElements else {
            throw ZarrError(.invalidArgument, "an array of \(shape.map(String.init).joined(separator: "×")) elements is too large to digest here (limit 2^34 elements)", key: array.metadataKey)
        }
        final class Pipeline: @unchecked Sendable {  // `hasher` is touched only on `queue`
            var hasher = SHA256()
            let queue = DispatchQueue(label: "zarr-conformance.digest")
            let slots = DispatchSemaphore(value: 1)  // slabs waiting to be hashed
        }
        let pipeline = Pipeline()
        var count = 0
        do {
            try array.forEachSlab(selection) { data, elements in
                pipeline.slots.wait()
                pipeline.queue.async {
                    update(&pipeline.hasher, with: data)
                    pipeline.slots.signal()
                }
                count += elements
            }
        } catch {
            pipeline.queue.sync {}
            throw error
        }
        return pipeline.queue.sync { Result(sha256: hex(pipeline.hasher.finalize()), elementCount: count) }
    }

    /// The digest of values already in memory (canonical layout).
    public static func of(_ data: ChunkData) -> String {
        var hasher = SHA256()
        update(&hasher, with: data)
        return hex(hasher.finalize())
    }

    /// SHA-256 of a value read in parts (`next` returns nil at the end), as lower-case hex.
    public static func sha256(_ next: () throws -> [UInt8]?) rethrows -> String {
        var hasher = SHA256()
        while let part = try next() { hasher.update(data: part) }
        return hex(hasher.finalize())
    }

    /// Lower-case hex of a digest.
    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 { digest.map { String(format: "%02x", $0) }.joined() }

    static func update(_ hasher: inout SHA256, with data: ChunkData) {
        switch data {
        case .fixed(let bytes): hasher.update(data: bytes)
        case .variable(let items):
            for item in items {
                withUnsafeBytes(of: UInt32(truncatingIfNeeded: item.count).littleEndian) { hasher.update(bufferPointer: $0) }
                hasher.update(data: item)
            }
        }
    }
}
