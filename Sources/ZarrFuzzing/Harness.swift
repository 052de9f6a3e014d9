import ZarrCore

/// Entry points shared by the libFuzzer targets in `Fuzz/` and the replay tests.
///
/// Each function takes any bytes, drives ZarrCore's public API with them and swallows every
/// thrown error: for any input it must return. A crash, a trap or a sanitizer report while one
/// runs is therefore a bug in ZarrCore, not in the harness. Work per input is bounded (see the
/// limits below) so that a slow input means a real performance trap, not a big legal array.
public enum FuzzHarness {
    /// Arrays (and chunks) whose elements take more bytes, or are more, than this are opened
    /// but not read: the library refuses only past 2 GiB, far too slow for a fuzzer. Measured
    /// in the ASan + libFuzzer debug build: a 64 MiB uint8 array with fill value 7 takes over
    /// 10 s to read and digest (libFuzzer's timeout), 4 Mi variable-length elements 6 s.
    public static let maxArrayBytes = 8 << 20
    public static let maxElements = 1 << 20
    /// Arrays with more chunks than this are not read (each missing chunk is still a lookup).
    public static let maxChunks = 4096
    /// Bytes assumed per element of a variable-length type when bounding work.
    static let variableItemEstimate = 16
    /// Nodes visited per input, and how deep a hierarchy is walked.
    static let maxNodes = 24
    static let maxDepth = 4
    /// Elements turned into JSON (`elementsJSON`) at most per read.
    static let maxJSONElements = 256
    /// Key/value pairs taken from an `arrayRead` archive.
    public static let maxArchiveEntries = 512

    // MARK: - Targets

    /// The input is one JSON document: parsed, tried as every kind of metadata document, then
    /// stored alone under each format's metadata key and opened as a node.
    public static func metadata(_ data: [UInt8]) {
        guard let json = try? JSON.parse(data) else { return }
        _ = json.serialized()
        _ = try? JSON.parse(json.bytes(indent: 2, sortKeys: true))
        _ = try? V2DataType.parse(json["dtype"] ?? json)
        _ = try? V3DataType.parse(json["data_type"] ?? json)
        if let m = try? ArrayMetadataV2.parse(json) {
            _ = m.json.serialized()
            _ = try? m.codecChain()
        }
        if let m = try? ArrayMetadataV3.parse(json) {
            _ = m.json.serialized()
            _ = try? m.codecChain()
        }
        if let m = try? GroupMetadataV3.parse(json) { _ = m.json.serialized() }
        if let m = try? DatasetAttributesN5.parse(json) {
            _ = m.json.serialized()
            _ = try? m.compressionCodec()
        }
        for key in [MetadataKey.zarray, MetadataKey.zgroup, ConsolidatedV2.key, MetadataKey.zarrJSON, MetadataKey.n5Attributes] {
            let store = MemoryStore()
            guard (try? store.set(key, data)) != nil else { continue }
            if key == ConsolidatedV2.key { _ = try? ConsolidatedV2.read(store: store) }
            explore(store, salt: data.count, consolidated: key == ConsolidatedV2.key || key == MetadataKey.zarrJSON)
        }
    }

    /// The first byte selects a metadata document (`codecChainCases`); the rest is the stored
    /// bytes of the array's only chunk. Reads the chunk and the array, then writes and rereads.
    public static func codecChain(_ data: [UInt8]) {
        guard let first = data.first else { return }
        let c = codecChainCases[Int(first) % codecChainCases.count]
        let chunk = Array(data.dropFirst())
        let store = MemoryStore()
        guard (try? store.set(c.key, Array(c.document.utf8))) != nil else { return }
        for axes in c.isN5 ? N5Axes.allCases : [.native] {
            guard let array = try? ZarrArray.open(store: store, path: "", n5Axes: axes) else { continue }
            let origin = [Int](repeating: 0, count: array.shape.count)
            guard (try? store.set(array.chunkKey(origin), chunk)) != nil else { continue }
            if let decoded = try? array.readChunk(origin) { _ = CanonicalDigest.of(decoded) }
            exercise(array, salt: Int(first), roundTrip: true)
        }
    }

    /// The first byte selects a sharded v3 array (`shardIndexCases`: index at the start or the
    /// end, with or without crc32c, nested, variable-length…); the rest is its only shard.
    /// Reads the whole array and partial selections (which take the byte-range path).
    public static func shardIndex(_ data: [UInt8]) {
        guard let first = data.first else { return }
        let c = shardIndexCases[Int(first) % shardIndexCases.count]
        let store = MemoryStore()
        guard (try? store.set(c.key, Array(c.document.utf8))) != nil,
              let array = try? ZarrArray.open(store: store, path: "")
        else { return }
        let origin = [Int](repeating: 0, count: array.shape.count)
        guard (try? store.set(array.chunkKey(origin), Array(data.dropFirst()))) != nil else { return }
        exercise(array, salt: Int(first), roundTrip: false)
        guard readable(array) else { return }
        let shape = array.shape
        _ = try? array.read(shape.map { Slice(0, min($0, 1)) })  // one inner chunk
        _ = try? array.read(shape.map { Slice($0 / 2, $0) })  // the far corner
        _ = try? array.read(shape.map { Slice(0, $0, step: max(1, $0 / 2)) })  // scattered
    }

    /// The input is a small archive of key/value pairs (see `unarchive`) loaded into a
    /// MemoryStore: the root node and every node it lists or has metadata for are opened,
    /// arrays read and digested, plain and through consolidated metadata.
    public static func arrayRead(_ data: [UInt8]) {
        let store = MemoryStore()
        for entry in unarchive(data).prefix(maxArchiveEntries) { try? store.set(entry.key, entry.value) }
        let consolidated = (try? store.get(ConsolidatedV2.key)) != nil || (try? store.get(MetadataKey.zarrJSON)) != nil
        explore(store, salt: data.count, consolidated: consolidated)
    }

    // MARK: - Archive format of arrayRead

    /// Parses `arrayRead`'s input: repeated (u16 LE key length, key bytes as UTF-8, u32 LE
    /// value length, value bytes), stopping at the first truncated record.
    public static func unarchive(_ data: [UInt8]) -> [(key: String, value: [UInt8])] {
        var out: [(key: String, value: [UInt8])] = []
        var i = 0
        func take(_ n: Int) -> ArraySlice<UInt8>? {
            guard n >= 0, n <= data.count - i else { return nil }
            defer { i += n }
            return data[i..<i + n]
        }
        while let k = take(2) {
            let keyLength = Int(k[k.startIndex]) | Int(k[k.startIndex + 1]) << 8
            guard let key = take(keyLength), let v = take(4) else { break }
            let valueLength = v.reduce(into: (0, 0)) { acc, byte in acc.0 |= Int(byte) << acc.1; acc.1 += 8 }.0
            guard let value = take(valueLength) else { break }
            out.append((String(decoding: key, as: UTF8.self), Array(value)))
        }
        return out
    }

    /// The inverse of `unarchive` (keys longer than 65535 bytes are cut).
    public static func archive(_ entries: [(key: String, value: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for (key, value) in entries {
            let k = Array(key.utf8.prefix(0xFFFF))
            out += [UInt8(k.count & 0xFF), UInt8(k.count >> 8)] + k
            let n = UInt32(truncatingIfNeeded: value.count)
            out += [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)] + value
        }
        return out
    }

    /// How many documents `codecChain` and `shardIndex` select from (the first byte, modulo this).
    public static var codecChainCaseCount: Int { codecChainCases.count }
    public static var shardIndexCaseCount: Int { shardIndexCases.count }

    // MARK: - Shared exploration

    static let metadataNames: Set<String> = [MetadataKey.zarray, MetadataKey.zgroup, MetadataKey.zattrs, ConsolidatedV2.key, MetadataKey.zarrJSON, MetadataKey.n5Attributes]

    /// Opens the root (plain and, when asked, consolidated; N5 in both axis orders), walks what
    /// it lists, then opens every node that has a metadata key, whether listed or not.
    static func explore(_ store: MemoryStore, salt: Int, consolidated tryConsolidated: Bool) {
        var budget = maxNodes
        let keys = (try? store.list(prefix: "")) ?? []
        let axes: [N5Axes] = keys.contains { $0 == MetadataKey.n5Attributes || $0.hasSuffix("/attributes.json") } ? N5Axes.allCases : [.native]
        for consolidated in tryConsolidated ? [false, true] : [false] {
            for a in axes {
                guard let node = try? ZarrNode.open(store: store, path: "", consolidated: consolidated, n5Axes: a) else { continue }
                visit(node, depth: 0, n5Axes: a, salt: salt, budget: &budget)
            }
        }
        var paths: [String] = []
        for key in keys {
            let parts = key.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count > 1, let last = parts.last, metadataNames.contains(String(last)) else { continue }
            let path = parts.dropLast().joined(separator: "/")
            if paths.last != path { paths.append(path) }
        }
        for path in paths {
            for a in axes {
                guard budget > 0 else { return }
                guard let node = try? ZarrNode.open(store: store, path: path, n5Axes: a) else { continue }
                visit(node, depth: maxDepth, n5Axes: a, salt: salt, budget: &budget)
            }
        }
    }

    static func visit(_ node: ZarrNode, depth: Int, n5Axes: N5Axes, salt: Int, budget: inout Int) {
        guard budget > 0 else { return }
        budget -= 1
        _ = try? NodeInfo.describe(node)
        switch node {
        case .array(let array):
            exercise(array, salt: salt, roundTrip: false)
        case .group(let group):
            _ = try? group.attributes
            guard depth < maxDepth, let members = try? group.members() else { return }
            for member in members {
                guard budget > 0 else { return }
                let path = group.path.isEmpty ? member.name : group.path + "/" + member.name
                guard let child = try? ZarrNode.open(store: group.store, path: path, n5Axes: n5Axes) else { continue }
                visit(child, depth: depth + 1, n5Axes: n5Axes, salt: salt, budget: &budget)
            }
        }
    }

    /// Whether reading `array` stays within the fuzzing bounds (array and largest chunk, chunk count).
    static func readable(_ array: ZarrArray) -> Bool {
        let item = max(array.dataType.itemSize ?? variableItemEstimate, 1)
        var largest = array.chunkShape
        if case .rectilinear(let edges) = array.grid { largest = edges.map { $0.max() ?? 0 } }
        guard let elements = product(array.shape), elements <= maxElements, let bytes = product([elements, item]), bytes <= maxArrayBytes,
              let chunkElements = product(largest.map { max($0, 1) }), chunkElements <= maxElements,
              let chunkBytes = product([chunkElements, item]), chunkBytes <= maxArrayBytes,
              let chunks = product(array.gridShape), chunks <= maxChunks
        else { return false }
        return true
    }

    /// Everything a reader does with an array: keys, attributes, the first chunk, the canonical
    /// digest (which reads the whole array), a partial selection and its JSON; then, when
    /// asked, read the whole array, write the values back and read them again.
    static func exercise(_ array: ZarrArray, salt: Int, roundTrip: Bool) {
        let origin = [Int](repeating: 0, count: array.shape.count)
        let firstKey = array.chunkKey(origin)
        _ = array.parseChunkKey(String(firstKey.dropFirst(array.path.isEmpty ? 0 : array.path.count + 1)))
        _ = try? array.attributes
        _ = NodeInfo.dataTypeJSON(array)
        guard readable(array) else { return }
        if !array.gridShape.contains(0) { _ = try? array.readChunk(origin) }
        _ = try? CanonicalDigest.compute(array)
        let selection = array.shape.enumerated().map { d, n -> Slice in
            let step = 1 + (salt + d) % 3
            return Slice(n / 3, max(n / 3, n - n / 5), step: step)
        }
        if let part = try? array.read(selection), count(part, array.dataType) <= maxJSONElements { _ = array.elementsJSON(part) }
        if roundTrip, let whole = try? array.read(), (try? array.write(whole)) != nil {
            _ = try? array.read()
        }
    }

    /// Elements in decoded data.
    static func count(_ data: ChunkData, _ type: DataType) -> Int {
        switch data {
        case .fixed(let bytes): return bytes.count / max(type.itemSize ?? 1, 1)
        case .variable(let items): return items.count
        }
    }

    static func product(_ values: [Int]) -> Int? {
        var r = 1
        for v in values {
            guard v >= 0 else { return nil }
            let (p, overflow) = r.multipliedReportingOverflow(by: v)
            if overflow { return nil }
            r = p
        }
        return r
    }
}
