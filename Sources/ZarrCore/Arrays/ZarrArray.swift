import Foundation

/// An array node: metadata plus chunk reads and writes through its codec chain.
/// Chunks are decoded and encoded in parallel across cores.
public final class ZarrArray: @unchecked Sendable {
    public let store: any ReadableStore
    public let path: String
    public private(set) var metadata: ArrayMetadata
    let spec: ArraySpec
    let registry: CodecRegistry

    init(store: any ReadableStore, path: String, metadata: ArrayMetadata, registry: CodecRegistry = .standard) throws {
        self.store = store
        self.path = path
        self.metadata = metadata
        self.registry = registry
        spec = try withKey(NodePath.prefix(path) + metadata.metadataKeyName) { try ArraySpec(metadata, registry: registry) }
    }

    /// Opens the v2 array at `path`.
    public static func open(store: any ReadableStore, path: String = "", registry: CodecRegistry = .standard) throws -> ZarrArray {
        let path = try NodePath.normalize(path)
        let key = NodePath.prefix(path) + ".zarray"
        guard let json = try store.getJSON(key) else { throw ZarrError(.notFound, "no array metadata", key: key) }
        let meta = try withKey(key) { try ArrayMetadataV2.parse(json) }
        return try ZarrArray(store: store, path: path, metadata: .v2(meta), registry: registry)
    }

    /// Creates a v2 array, writing its `.zarray` and any missing ancestor groups (V2-61).
    @discardableResult
    public static func create(store: any Store, path: String, metadata: ArrayMetadataV2, attributes: JSONObject? = nil,
                              registry: CodecRegistry = .standard) throws -> ZarrArray {
        let path = try NodePath.normalize(path)
        let array = try ZarrArray(store: store, path: path, metadata: .v2(metadata), registry: registry)
        try ZarrGroup.ensureAncestors(store: store, of: path)
        try store.set(NodePath.prefix(path) + ".zarray", metadata.json.bytes())
        if let attributes { try store.set(NodePath.prefix(path) + ".zattrs", JSON.object(attributes).bytes()) }
        return array
    }

    public var shape: [Int] { spec.shape }
    public var chunkShape: [Int] { spec.grid.chunkShape }
    public var dataType: DataType { spec.dataType }
    public var fillValue: FillValue { spec.fillValue }
    public var codecs: CodecChain { spec.codecs }
    public var gridShape: [Int] { spec.grid.gridShape(for: spec.shape) }

    public func chunkKey(_ indices: [Int]) -> String { NodePath.prefix(path) + spec.keyEncoding.key(indices) }

    public var attributes: JSONObject {
        get throws { try store.getJSON(NodePath.prefix(path) + ".zattrs")?.objectValue ?? JSONObject() }
    }

    public func setAttributes(_ attributes: JSONObject) throws {
        try writable().set(NodePath.prefix(path) + ".zattrs", JSON.object(attributes).bytes())
    }

    func writable() throws -> any Store {
        guard let s = store as? any Store else { throw ZarrError(.invalidArgument, "the store is read-only") }
        return s
    }

    /// Decodes one chunk; nil when the key is absent (it then reads as the fill value, V2-52).
    public func readChunk(_ indices: [Int]) throws -> ChunkData? {
        let key = chunkKey(indices)
        guard let bytes = try store.get(key) else { return nil }
        return try withKey(key) { try spec.codecs.decode(bytes, spec.chunkRepresentation) }
    }

    /// Reads a hyperslab (nil: the whole array) into a new buffer in C order of the selection.
    public func read(_ selection: [Slice]? = nil) throws -> ChunkData {
        let slices = try Selection.resolve(selection, shape: shape)
        let outShape = slices.map(\.count)
        let outCount = try Checked.product(outShape, "selection size")
        let plans = zip(slices, chunkShape).map { AxisPlan($0, chunkSize: $1) }
        let chunkStrides = Selection.cStrides(chunkShape), outStrides = Selection.cStrides(outShape)
        let combos = Self.combinations(plans)
        let rep = spec.chunkRepresentation
        if let itemSize = dataType.itemSize {
            var out = [UInt8](repeating: 0, count: try Checked.multiply(outCount, itemSize, "selection bytes"))
            if out.isEmpty { return .fixed(out) }
            try out.withUnsafeMutableBytes { dst in
                let dst = dst  // shared by the workers; each writes a disjoint set of elements
                try Self.parallel(combos.count) { i in
                    let (indices, pairs) = Self.chunk(combos[i], plans)
                    let data = try readChunk(indices) ?? .filled(rep)
                    let src = try data.fixedBytes("read")
                    guard src.count == rep.count * itemSize else { throw ZarrError.corrupt("decoded chunk has the wrong size").at(key: chunkKey(indices)) }
                    src.withUnsafeBytes { s in
                        Selection.forEachRun(pairs, chunkStrides: chunkStrides, outStrides: outStrides) { c, o, n in
                            // c + n <= chunk count and o + n <= output count: both come from the axis plans.
                            (dst.baseAddress! + o * itemSize).copyMemory(from: s.baseAddress! + c * itemSize, byteCount: n * itemSize)
                        }
                    }
                }
            }
            return .fixed(out)
        }
        var out = [[UInt8]](repeating: [], count: outCount)
        try out.withUnsafeMutableBufferPointer { dst in
            let dst = dst
            try Self.parallel(combos.count) { i in
                let (indices, pairs) = Self.chunk(combos[i], plans)
                let items = try (readChunk(indices) ?? .filled(rep)).variableItems("read")
                guard items.count == rep.count else { throw ZarrError.corrupt("decoded chunk has the wrong size").at(key: chunkKey(indices)) }
                Selection.forEachRun(pairs, chunkStrides: chunkStrides, outStrides: outStrides) { c, o, n in
                    for k in 0..<n { dst[o + k] = items[c + k] }
                }
            }
        }
        return .variable(out)
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
        let plans = zip(slices, chunkShape).map { AxisPlan($0, chunkSize: $1) }
        let chunkStrides = Selection.cStrides(chunkShape), outStrides = Selection.cStrides(outShape)
        let combos = Self.combinations(plans)
        let rep = spec.chunkRepresentation
        let itemSize = dataType.itemSize ?? 0
        try Self.parallel(combos.count) { i in
            let (indices, pairs) = Self.chunk(combos[i], plans)
            // Covered when every in-bounds element of the chunk is selected.
            let covered = (0..<indices.count).allSatisfy { d in
                pairs[d].count == min(chunkShape[d], shape[d] - indices[d] * chunkShape[d])
            }
            var chunk = covered ? ChunkData.filled(rep) : (try readChunk(indices) ?? .filled(rep))
            switch (chunk, data) {
            case (.fixed(var dst), .fixed(let src)):
                guard itemSize > 0 else { break }
                dst.withUnsafeMutableBytes { d in
                    src.withUnsafeBytes { s in
                        Selection.forEachRun(pairs, chunkStrides: chunkStrides, outStrides: outStrides) { c, o, n in
                            (d.baseAddress! + c * itemSize).copyMemory(from: s.baseAddress! + o * itemSize, byteCount: n * itemSize)
                        }
                    }
                }
                chunk = .fixed(dst)
            case (.variable(var dst), .variable(let src)):
                Selection.forEachRun(pairs, chunkStrides: chunkStrides, outStrides: outStrides) { c, o, n in
                    for k in 0..<n { dst[c + k] = src[o + k] }
                }
                chunk = .variable(dst)
            default:
                throw ZarrError(.invalidArgument, "data kind does not match the array's data type")
            }
            let key = chunkKey(indices)
            try withKey(key) { try store.set(key, try spec.codecs.encode(chunk, rep)) }
        }
    }

    /// Changes the shape; chunks wholly outside the new shape are deleted (V3-115).
    public func resize(_ newShape: [Int]) throws -> ZarrArray {
        let store = try writable()
        guard newShape.count == shape.count else { throw ZarrError(.invalidArgument, "resize keeps the number of dimensions") }
        let newMetadata = metadata.withShape(newShape)
        let resized = try ZarrArray(store: store, path: path, metadata: newMetadata, registry: registry)
        let newGrid = resized.gridShape
        for key in try store.list(prefix: NodePath.prefix(path)) {
            let rest = String(key.dropFirst(NodePath.prefix(path).count))
            guard let indices = parseChunkKey(rest), zip(indices, newGrid).contains(where: { $0 >= $1 }) else { continue }
            try store.erase(key)
        }
        try store.set(NodePath.prefix(path) + metadata.metadataKeyName, newMetadata.document.bytes())
        return resized
    }

    /// The grid indices of a chunk key relative to the array, or nil when it is not one.
    func parseChunkKey(_ key: String) -> [Int]? {
        guard case .v2(let sep) = spec.keyEncoding else { return nil }
        let parts = key.split(separator: sep, omittingEmptySubsequences: false)
        if shape.isEmpty { return key == "0" ? [] : nil }
        guard parts.count == shape.count else { return nil }
        let values = parts.compactMap { p in p.allSatisfy(\.isASCII) && p.allSatisfy(\.isNumber) ? Int(p) : nil }
        return values.count == parts.count ? values : nil
    }

    // MARK: - Plumbing

    static func combinations(_ plans: [AxisPlan]) -> [[Int]] {
        var combos: [[Int]] = [[]]
        for plan in plans { combos = combos.flatMap { c in (0..<plan.chunks.count).map { c + [$0] } } }
        return combos
    }

    static func chunk(_ combo: [Int], _ plans: [AxisPlan]) -> ([Int], [[(local: Int, out: Int)]]) {
        (zip(combo, plans).map { $1.chunks[$0].chunk }, zip(combo, plans).map { $1.chunks[$0].pairs })
    }

    /// Runs `body` for 0..<count across cores; the first error wins.
    static func parallel(_ count: Int, _ body: (Int) throws -> Void) throws {
        if count <= 1 {
            for i in 0..<count { try body(i) }
            return
        }
        let lock = NSLock()
        var failure: Error?
        DispatchQueue.concurrentPerform(iterations: count) { i in
            if lock.withLock({ failure != nil }) { return }
            do { try body(i) } catch { lock.withLock { if failure == nil { failure = error } } }
        }
        if let failure { throw failure }
    }
}
