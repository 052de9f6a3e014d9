/// A complete codec chain (V3-81): array→array codecs, one array→bytes codec, bytes→bytes codecs.
/// v2 filters + compressor, v3 `codecs` and N5 compression all become one of these.
public struct CodecChain: Sendable {
    public var arrayToArray: [any ArrayToArrayCodec]
    public var arrayToBytes: any ArrayToBytesCodec
    public var bytesToBytes: [any BytesToBytesCodec]

    /// Cap on a decoded chunk whose size is not known from its representation (variable-length data).
    public static let defaultDecodeLimit = 1 << 31

    public init(arrayToArray: [any ArrayToArrayCodec] = [], arrayToBytes: any ArrayToBytesCodec, bytesToBytes: [any BytesToBytesCodec] = []) {
        self.arrayToArray = arrayToArray
        self.arrayToBytes = arrayToBytes
        self.bytesToBytes = bytesToBytes
    }

    /// Orders a flat list of codecs, refusing a chain with no or two array→bytes codecs, or a kind out of place (E-68).
    public init(_ codecs: [AnyCodec]) throws {
        var a2a: [any ArrayToArrayCodec] = []
        var a2b: (any ArrayToBytesCodec)?
        var b2b: [any BytesToBytesCodec] = []
        for c in codecs {
            switch c {
            case .arrayToArray(let x):
                guard a2b == nil else { throw ZarrError.metadata("array→array codec '\(x.name)' after the array→bytes codec", field: "codecs") }
                a2a.append(x)
            case .arrayToBytes(let x):
                if let first = a2b { throw ZarrError.metadata("two array→bytes codecs ('\(first.name)', '\(x.name)')", field: "codecs") }
                a2b = x
            case .bytesToBytes(let x):
                guard a2b != nil else { throw ZarrError.metadata("bytes→bytes codec '\(x.name)' before any array→bytes codec", field: "codecs") }
                b2b.append(x)
            }
        }
        guard let a2b else { throw ZarrError.metadata("no array→bytes codec in the chain", field: "codecs") }
        self.init(arrayToArray: a2a, arrayToBytes: a2b, bytesToBytes: b2b)
    }

    /// The most bytes a stored chunk of `rep` can take; a larger value is corrupt and is refused
    /// before it is read. Twice the largest valid encoding plus 64 KiB covers the worst expansion
    /// of every compressor (incompressible data grows by well under 1 %) and every header.
    public func maxStoredSize(_ rep: ChunkRepresentation) -> Int {
        guard let inner = try? representations(rep).last, let base = arrayToBytes.maxEncodedSize(of: inner) else {
            return StoreLimits.maxValueBytes
        }
        let (doubled, overflow) = base.multipliedReportingOverflow(by: 2)
        return overflow ? StoreLimits.maxValueBytes : min(doubled.addingReportingOverflow(1 << 16).partialValue, StoreLimits.maxValueBytes)
    }

    public var codecs: [any Codec] { arrayToArray.map { $0 as any Codec } + [arrayToBytes] + bytesToBytes.map { $0 as any Codec } }

    /// Representations on the decoded side of each array→array codec, then the one the array→bytes codec sees.
    /// The representation before each array→array codec and, last, the one the array→bytes codec sees.
    public func representations(_ rep: ChunkRepresentation) throws -> [ChunkRepresentation] {
        var reps = [rep]
        for c in arrayToArray {
            do { reps.append(try c.encodedRepresentation(of: reps[reps.count - 1])) } catch let e as ZarrError { throw e.inCodec(c.name) }
        }
        return reps
    }

    public func encode(_ data: ChunkData, _ rep: ChunkRepresentation) throws -> [UInt8] {
        let reps = try representations(rep)
        var current = data
        for (i, c) in arrayToArray.enumerated() {
            do {
                current = try c.encode(current, reps[i])
                try current.check(reps[i + 1], after: c.name)
            } catch let e as ZarrError { throw e.inCodec(c.name) }
        }
        var bytes: [UInt8]
        do { bytes = try arrayToBytes.encode(current, reps[reps.count - 1]) } catch let e as ZarrError { throw e.inCodec(arrayToBytes.name) }
        for c in bytesToBytes {
            do { bytes = try c.encode(bytes) } catch let e as ZarrError { throw e.inCodec(c.name) }
        }
        return bytes
    }

    public func decode(_ encoded: [UInt8], _ rep: ChunkRepresentation, limit: Int = CodecChain.defaultDecodeLimit) throws -> ChunkData {
        let reps = try representations(rep)
        let innerRep = reps[reps.count - 1]
        // Sizes on the decoded side of each bytes→bytes codec, where they follow from the representation.
        var sizes: [Int?] = [arrayToBytes.encodedSize(of: innerRep)]
        for c in bytesToBytes { sizes.append(sizes[sizes.count - 1].flatMap { c.encodedSize(ofDecoded: $0) }) }
        if let last = sizes[sizes.count - 1], encoded.count != last {
            throw ZarrError.corrupt("stored chunk has \(encoded.count) bytes, the codecs require exactly \(last)", problem: .sizeMismatch)
        }
        var bytes = encoded
        for (i, c) in bytesToBytes.enumerated().reversed() {
            do { bytes = try c.decode(bytes, expectedSize: sizes[i], limit: limit) } catch let e as ZarrError { throw e.inCodec(c.name) }
        }
        var data: ChunkData
        do {
            data = try arrayToBytes.decode(bytes, innerRep)
            try data.check(innerRep, after: arrayToBytes.name)
        } catch let e as ZarrError { throw e.inCodec(arrayToBytes.name) }
        for (i, c) in arrayToArray.enumerated().reversed() {
            do {
                data = try c.decode(data, reps[i])
                try data.check(reps[i], after: c.name)
            } catch let e as ZarrError { throw e.inCodec(c.name) }
        }
        return data
    }
}
