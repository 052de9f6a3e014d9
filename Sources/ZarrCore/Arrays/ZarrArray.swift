import Foundation

/// An array node: metadata plus chunk reads and writes through its codec chain.
/// Chunks are decoded and encoded in parallel across cores.
/// Which axis order an N5 dataset is presented in (E-96): N5's own `dimensions` order (N5-Java,
/// tensorstore, `n5_default`), or reversed, as z5py and zarr-python 2 present it (N5-24).
public enum N5Axes: String, Sendable, CaseIterable { case native, reversed }

public final class ZarrArray: Sendable {
    public let store: any ReadableStore
    public let path: String
    public let metadata: ArrayMetadata
    let spec: ArraySpec
    let registry: CodecRegistry

    init(store: any ReadableStore, path: String, metadata: ArrayMetadata, registry: CodecRegistry = .standard) throws {
        self.store = store
        self.path = path
        self.metadata = metadata
        self.registry = registry
        spec = try withKey(NodePath.prefix(path) + metadata.metadataKeyName) { try ArraySpec(metadata, registry: registry) }
    }

    /// Opens the array at `path` in whichever format describes it (see `NodeDocument.find`);
    /// `zarrFormat` chooses where both `zarr.json` and `.zarray` are present.
    public static func open(store: any ReadableStore, path: String = "", n5Axes: N5Axes = .native, zarrFormat: ZarrFormat? = nil,
                            registry: CodecRegistry = .standard) throws -> ZarrArray {
        let path = try NodePath.normalize(path)
        return try open(store: store, path: path, found: try NodeDocument.find(store: store, path: path, format: zarrFormat), n5Axes: n5Axes, registry: registry)
    }

    static func open(store: any ReadableStore, path: String, found: NodeDocument, n5Axes: N5Axes, registry: CodecRegistry = .standard) throws -> ZarrArray {
        guard found.kind == .array, let json = found.json else { throw ZarrError(.notFound, "no array metadata (the node is a group)", key: found.key) }
        let metadata: ArrayMetadata = try withKey(found.key) {
            switch found.format {
            case .v2: return .v2(try ArrayMetadataV2.parse(json))
            case .v3: return .v3(try ArrayMetadataV3.parse(json))
            case .n5: return .n5(try DatasetAttributesN5.parse(json), reversed: n5Axes == .reversed)
            }
        }
        return try ZarrArray(store: store, path: path, metadata: metadata, registry: registry)
    }

    /// Creates a v2 array, writing its `.zarray` and any missing ancestor groups (V2-61).
    @discardableResult
    public static func create(store: any Store, path: String, metadata: ArrayMetadataV2, attributes: JSONObject? = nil,
                              registry: CodecRegistry = .standard) throws -> ZarrArray {
        let array = try create(store: store, path: path, metadata: .v2(metadata), registry: registry)
        if let attributes { try store.set(NodePath.prefix(array.path) + MetadataKey.zattrs, JSON.object(attributes).bytes()) }
        return array
    }

    /// Creates an array of any format with its ancestor groups (V2-61, V3-06).
    @discardableResult
    public static func create(store: any Store, path: String, metadata: ArrayMetadata, registry: CodecRegistry = .standard) throws -> ZarrArray {
        let path = try NodePath.normalize(path)
        var metadata = metadata
        if case .n5(var m, let reversed) = metadata, path.isEmpty, m.userAttributes["n5"] == nil {
            m.userAttributes["n5"] = "4.0.0"  // N5-03: a dataset at the root carries the container's version
            metadata = .n5(m, reversed: reversed)
        }
        if metadata.format == .v3 { try NodePath.checkV3Names(path) }
        let array = try ZarrArray(store: store, path: path, metadata: metadata, registry: registry)
        try ZarrGroup.ensureAncestors(store: store, of: path, format: metadata.format)
        try store.set(array.metadataKey, metadata.document.bytes())
        return array
    }

    public var shape: [Int] { spec.shape }
    /// The shape of the first chunk (every chunk, for regular grids).
    public var chunkShape: [Int] { spec.grid.chunkShape([Int](repeating: 0, count: spec.shape.count)) }
    public var grid: ChunkGrid { spec.grid }
    public var dataType: DataType { spec.dataType }
    public var fillValue: FillValue { spec.fillValue }
    public var codecs: CodecChain { spec.codecs }
    public var gridShape: [Int] { spec.grid.gridShape(for: spec.shape) }

    public func chunkKey(_ indices: [Int]) -> String { NodePath.prefix(path) + spec.keyEncoding.key(indices) }

    public var attributes: JSONObject {
        get throws {
            switch metadata {
            case .v3(let m): return m.attributes
            case .n5(let m, _): return m.userAttributes
            case .v2: return try store.getJSON(NodePath.prefix(path) + MetadataKey.zattrs)?.objectValue ?? JSONObject()
            }
        }
    }

    func writable() throws -> any Store {
        guard let s = store as? any Store else { throw ZarrError(.invalidArgument, "the store is read-only") }
        return s
    }

    /// The most bytes the stored chunk at `indices` may take (anything larger is refused unread).
    public func maxStoredSize(_ indices: [Int]) -> Int { spec.maxStoredSize(spec.representation(indices)) }

    /// Decodes a chunk's stored bytes, fetched by the caller.
    public func decodeChunk(_ bytes: [UInt8], _ indices: [Int]) throws -> ChunkData {
        try withKey(chunkKey(indices)) { try spec.codecs.decode(bytes, spec.representation(indices)) }
    }

    /// Decodes one chunk; nil when the key is absent (it then reads as the fill value, V2-52).
    public func readChunk(_ indices: [Int]) throws -> ChunkData? {
        let key = chunkKey(indices), rep = spec.representation(indices)
        guard let bytes = try store.get(key, range: .all, limit: spec.maxStoredSize(rep)) else { return nil }
        return try withKey(key) { try spec.codecs.decode(bytes, rep) }
    }

    /// Decodes the part of a chunk a selection needs: with a partial-decoding codec (sharding),
    /// its index and then only the pieces the selection touches, by byte range, nearby ranges
    /// merged into one read (SH-14); a value needed whole is read in one request.
    func readChunk(_ indices: [Int], for runs: [AxisRun]) throws -> ChunkData? {
        guard let codec = spec.partialDecoder else { return try readChunk(indices) }
        let key = chunkKey(indices), rep = spec.representation(indices)
        let wanted = codec.pieces(covering: runs, rep)
        if wanted.count == (try withKey(key) { try codec.pieceCount(rep) }) { return try readChunk(indices) }
        guard let pieces = try fetchPieces(wanted, of: indices, codec) else { return nil }
        return try withKey(key) { try codec.decode(pieces: wanted, pieces.map { $0.map { Array($0) } }, rep) }
    }

    /// The stored bytes of the wanted pieces of a value (nil: a piece not stored), or nil when
    /// the value is absent: the whole value when every piece is wanted, else the index and then
    /// the pieces by merged byte ranges. Pieces are slices of what was read, not copies.
    func fetchPieces(_ wanted: [Int], of indices: [Int], _ codec: any PartialDecodingCodec) throws -> [ArraySlice<UInt8>?]? {
        let key = chunkKey(indices), rep = spec.representation(indices)
        return try withKey(key) {
            func short(_ size: Int) -> ZarrError { ZarrError.corrupt("the \(size)-byte value is shorter than its index", codec: codec.name, problem: .shardIndex) }
            if wanted.count == (try codec.pieceCount(rep)) {
                guard let bytes = try store.get(key, range: .all, limit: spec.maxStoredSize(rep)) else { return nil }
                let indexRange: Range<Int>
                do { indexRange = try codec.indexRange(rep).resolve(count: bytes.count, key: key) } catch { throw short(bytes.count) }
                let located = try codec.locate(wanted, index: Array(bytes[indexRange]), size: bytes.count, rep)
                return located.map { $0.map { bytes[$0] } }
            }
            guard let size = try store.size(key) else { return nil }
            let index: [UInt8]
            do { guard let got = try store.get(key, range: try codec.indexRange(rep)) else { return nil }; index = got } catch let e as ZarrError where e.kind == .corruptData {
                throw short(size)
            }
            let located = try codec.locate(wanted, index: index, size: size, rep)
            let pieceLimit = try codec.maxPieceSize(rep)
            if let i = located.indices.first(where: { (located[$0]?.count ?? 0) > pieceLimit }) {
                throw ZarrError(.corruptData, "piece \(wanted[i]) has \(located[i]?.count ?? 0) bytes, more than the \(pieceLimit) it can hold here",
                                codec: codec.name, problem: .valueTooLarge)
            }
            let stored = located.indices.filter { located[$0] != nil }
            let reads = RangeCoalescer.coalesce(stored.compactMap { located[$0] })
            var pieces = [ArraySlice<UInt8>?](repeating: nil, count: located.count)
            let requests = reads.map { StoreRequest(key, range: .range(offset: $0.range.lowerBound, length: $0.range.count), limit: $0.range.count) }
            try (store as? any PrefetchingStore)?.prepare(requests)
            let fetched = try Parallel.map(reads.count) { i -> [UInt8] in
                let r = reads[i].range
                guard let bytes = try store.get(key, range: .range(offset: r.lowerBound, length: r.count), limit: r.count) else {
                    throw ZarrError(.storage, "the value disappeared while it was read")
                }
                return bytes
            }
            for (read, bytes) in zip(reads, fetched) {
                for member in read.members {
                    let i = stored[member]
                    guard let range = located[i] else { continue }
                    pieces[i] = bytes[(range.lowerBound - read.range.lowerBound)..<(range.upperBound - read.range.lowerBound)]
                }
            }
            return pieces
        }
    }

    /// Reads the pieces of a value (a shard's inner chunks) that `runs` touch and hands each,
    /// decoded (nil: not stored), to `body` on every core, with the selection's runs inside it:
    /// pieces go straight to the reader's output, never through a value-sized buffer. False when
    /// the value is absent.
    func forEachPiece(_ indices: [Int], covering runs: [AxisRun], _ codec: any PartialDecodingCodec,
                      _ body: (ChunkData?, ChunkRepresentation, [AxisRun]) throws -> Void) throws -> Bool {
        let key = chunkKey(indices), rep = spec.representation(indices)
        let wanted = codec.pieces(covering: runs, rep)
        guard let pieces = try fetchPieces(wanted, of: indices, codec) else { return false }
        let pieceRep = try withKey(key) { try codec.pieceRepresentation(rep) }
        try Parallel.forEach(wanted.count) { k in
            let data = try pieces[k].map { bytes in try withKey(key) { try codec.decode(piece: Array(bytes), rep) } }
            let origin = try codec.pieceOrigin(wanted[k], rep)
            try body(data, pieceRep, Self.runs(runs, within: origin, pieceRep.shape))
        }
        return true
    }

    /// The part of a chunk's selection runs that falls in the box `origin ..< origin + shape`,
    /// counted from the box's start.
    static func runs(_ runs: [AxisRun], within origin: [Int], _ shape: [Int]) -> [AxisRun] {
        runs.indices.map { d in
            let r = runs[d], low = origin[d], high = origin[d] + shape[d]
            // Elements local + k·step for k in 0 ..< count; keep those in [low, high).
            let first = r.local >= low ? 0 : (low - r.local + r.localStep - 1) / r.localStep
            let last = min(r.count - 1, (high - 1 - r.local) / r.localStep)
            return AxisRun(chunk: r.chunk, local: r.local + first * r.localStep - low, localStep: r.localStep, out: r.out + first, count: max(0, last - first + 1))
        }
    }

    /// Reads a hyperslab (nil: the whole array) into a new buffer in C order of the selection.
    public func read(_ selection: [Slice]? = nil) throws -> ChunkData {
        let slices = try Selection.resolve(selection, shape: shape)
        let outShape = slices.map(\.count)
        let outCount = try Checked.product(outShape, "selection size")
        // A selection is materialised in memory: one past the decode limit is refused before
        // anything is planned or allocated (an absurd shape must not exhaust memory).
        guard try Checked.multiply(outCount, max(dataType.itemSize ?? 16, 1), "selection bytes") <= CodecChain.defaultDecodeLimit else {
            throw ZarrError(.invalidArgument, "a selection of \(outCount) elements exceeds the \(CodecChain.defaultDecodeLimit)-byte in-memory limit; read it in parts", key: metadataKey)
        }
        let plan = try withKey(metadataKey) { try SelectionPlan(slices, grid: spec.grid) }
        let outStrides = Selection.cStrides(outShape)
        if let itemSize = dataType.itemSize {
            var out = [UInt8](repeating: 0, count: try Checked.multiply(outCount, itemSize, "selection bytes"))
            if out.isEmpty { return .fixed(out) }
            try out.withUnsafeMutableBytes { dst in
                let dst = dst  // shared by the workers; each writes a disjoint set of elements
                /// Copies the selected elements of a decoded chunk (or piece) of `rep` into the output.
                func place(_ data: ChunkData, _ rep: ChunkRepresentation, _ runs: [AxisRun], _ indices: [Int]) throws {
                    let src = try data.fixedBytes("read")
                    guard src.count == rep.count * itemSize else { throw ZarrError.corrupt("decoded chunk has the wrong size").at(key: chunkKey(indices)) }
                    src.withUnsafeBytes { s in
                        Selection.forEachRun(runs, chunkStrides: Selection.cStrides(rep.shape), outStrides: outStrides) { c, o, n in
                            // c + n <= chunk count and o + n <= output count: both come from the axis plans.
                            (dst.baseAddress! + o * itemSize).copyMemory(from: s.baseAddress! + c * itemSize, byteCount: n * itemSize)
                        }
                    }
                }
                let zeroFill = spec.fillValue.bytes.allSatisfy { $0 == 0 }  // the output starts zeroed
                try forEachChunk(of: plan) { i in
                    let (indices, runs) = plan.chunk(i)
                    let rep = spec.representation(indices)
                    if let codec = spec.partialDecoder {
                        let stored = try forEachPiece(indices, covering: runs, codec) { data, pieceRep, pieceRuns in
                            guard data != nil || !zeroFill else { return }
                            try place(data ?? .filled(pieceRep), pieceRep, pieceRuns, indices)
                        }
                        if stored || zeroFill { return }
                    }
                    guard let data = try readChunk(indices, for: runs) else {
                        if !zeroFill { try place(.filled(rep), rep, runs, indices) }
                        return
                    }
                    try place(data, rep, runs, indices)
                }
            }
            return .fixed(out)
        }
        var out = [[UInt8]](repeating: [], count: outCount)
        try out.withUnsafeMutableBufferPointer { dst in
            let dst = dst
            try forEachChunk(of: plan) { i in
                let (indices, runs) = plan.chunk(i)
                let rep = spec.representation(indices), chunkStrides = Selection.cStrides(rep.shape)
                let items = try (readChunk(indices, for: runs) ?? .filled(rep)).variableItems("read")
                guard items.count == rep.count else { throw ZarrError.corrupt("decoded chunk has the wrong size").at(key: chunkKey(indices)) }
                Selection.forEachRun(runs, chunkStrides: chunkStrides, outStrides: outStrides) { c, o, n in
                    for k in 0..<n { dst[o + k] = items[c + k] }
                }
            }
        }
        return .variable(out)
    }

    /// Runs `body` for every chunk of a plan, in parallel, a batch at a time; a prefetching
    /// (remote) store is first told which whole chunks the batch reads, so they are fetched
    /// concurrently rather than one per core.
    func forEachChunk(of plan: SelectionPlan, _ body: (Int) throws -> Void) throws {
        guard let prefetching = store as? any PrefetchingStore else { return try Parallel.forEach(plan.count, body) }
        let batch = 256
        for start in stride(from: 0, to: plan.count, by: batch) {
            let range = start..<min(start + batch, plan.count)
            let requests = range.compactMap { i -> StoreRequest? in
                let (indices, runs) = plan.chunk(i)
                let rep = spec.representation(indices)
                if let codec = spec.partialDecoder, let count = try? codec.pieceCount(rep), codec.pieces(covering: runs, rep).count < count { return nil }
                return StoreRequest(chunkKey(indices), range: .all, limit: spec.maxStoredSize(rep))
            }
            try prefetching.prepare(requests)
            try Parallel.forEach(range.count) { try body(range.lowerBound + $0) }
        }
    }

    /// Writes `data` (C order of the selection's shape) into a hyperslab (nil: the whole array).
    /// Chunks the selection covers only in part are read, updated and written back.
    public func write(_ data: ChunkData, _ selection: [Slice]? = nil) throws {
        let store = try writable()
        let slices = try Selection.resolve(selection, shape: shape)
        let outShape = slices.map(\.count)
        let outCount = try Checked.product(outShape, "selection size")
        switch data {
        case .fixed(let b):
            guard let itemSize = dataType.itemSize, b.count == outCount * itemSize else {
                throw ZarrError(.invalidArgument, "data has \(b.count) bytes, the selection needs \(outCount) elements of \(dataType.itemSize ?? 0) bytes")
            }
        case .variable(let items):
            guard dataType.isVariableLength, items.count == outCount else {
                throw ZarrError(.invalidArgument, "data has \(items.count) items, the selection needs \(outCount) of a variable-length type")
            }
        }
        let plan = try withKey(metadataKey) { try SelectionPlan(slices, grid: spec.grid) }
        let itemSize = dataType.itemSize ?? 0
        try Parallel.forEach(plan.count) { i in
            let (indices, runs) = plan.chunk(i)
            let rep = spec.representation(indices)
            let origin = spec.grid.origin(indices)
            // Covered when every in-bounds element of the chunk is selected.
            let covered = (0..<indices.count).allSatisfy { d in runs[d].count == min(rep.shape[d], shape[d] - origin[d]) }
            let key = chunkKey(indices)
            // Read-modify-write of one chunk (or shard) key is serialised across every writer of
            // this store in the process, so concurrent partial writes never lose an update.
            try KeyLocks.shared.withLock(store: store, key: key) {
                var chunk = covered ? ChunkData.filled(rep) : (try readChunk(indices) ?? .filled(rep))
                ChunkCopy.copy(data, sourceShape: outShape, into: &chunk, destinationShape: rep.shape, runs: runs, itemSize: itemSize, scatter: true)
                if spec.skipsEmptyChunks, chunk == .filled(rep) { try store.erase(key); return }
                try withKey(key) { try store.set(key, try spec.codecs.encode(chunk, rep)) }
            }
        }
    }

    /// Changes the shape; chunks wholly outside the new shape are deleted (V3-115).
    public func resize(_ newShape: [Int]) throws -> ZarrArray {
        let store = try writable()
        guard newShape.count == shape.count else { throw ZarrError(.invalidArgument, "resize keeps the number of dimensions") }
        let newMetadata = try metadata.withShape(newShape)
        let resized = try ZarrArray(store: store, path: path, metadata: newMetadata, registry: registry)
        let newGrid = resized.gridShape
        for key in try store.list(prefix: NodePath.prefix(path)) {
            let rest = String(key.dropFirst(NodePath.prefix(path).count))
            guard let indices = parseChunkKey(rest), zip(indices, newGrid).contains(where: { $0 >= $1 }) else { continue }
            try store.erase(key)
        }
        try store.set(metadataKey, newMetadata.document.bytes())
        return resized
    }

    /// The grid indices of a chunk key relative to the array, or nil when it is not one: plain
    /// ASCII decimals between separators, as many as the array has dimensions.
    public func parseChunkKey(_ key: String) -> [Int]? {
        let bytes = key.utf8
        switch spec.keyEncoding {
        case .v2(let sep):
            if shape.isEmpty { return key == "0" ? [] : nil }
            return Self.decimals(bytes[...], separator: sep.asciiValue ?? 0, count: shape.count)
        case .default(let sep):
            if shape.isEmpty { return key == "c" ? [] : nil }
            let separator = sep.asciiValue ?? 0
            guard bytes.count > 2, bytes.first == UInt8(ascii: "c"), bytes.dropFirst().first == separator else { return nil }
            return Self.decimals(bytes.dropFirst(2), separator: separator, count: shape.count)
        case .n5Reversed:
            if shape.isEmpty { return key == "0" ? [] : nil }
            return Self.decimals(bytes[...], separator: UInt8(ascii: "/"), count: shape.count)?.reversed()
        }
    }

    /// `count` decimals separated by `separator`, each at least one ASCII digit and within Int.
    static func decimals(_ bytes: Substring.UTF8View, separator: UInt8, count: Int) -> [Int]? {
        var out: [Int] = []
        out.reserveCapacity(count)
        var value = 0, digits = 0
        for byte in bytes {
            if byte == separator {
                guard digits > 0, out.count < count else { return nil }
                out.append(value)
                (value, digits) = (0, 0)
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
                guard !o1, !o2 else { return nil }
                (value, digits) = (sum, digits + 1)
            } else {
                return nil
            }
        }
        guard digits > 0 else { return nil }
        out.append(value)
        return out.count == count ? out : nil
    }
}
