import Foundation
import ZarrCore

/// The metadata and structure rules for one node directory.
struct NodeCheck {
    let store: any ReadableStore
    let directory: String
    let walk: Walk
    let sink: FindingSink

    var prefix: String { directory.isEmpty ? "" : directory + "/" }
    func has(_ name: String) -> Bool { walk.has(directory, name) }
    func add(_ rule: String, _ key: String, _ message: String) { sink.add(Finding(rule, key, message, format: format)) }
    /// The node's format, as readers pick it (zarr.json first).
    var format: ZarrFormat? { ZarrFormat.preferred(present: has) }

    func json(_ key: String, rule: String) -> JSON? {
        do {
            guard let j = try store.getJSON(key) else { return nil }
            guard j.objectValue != nil else { add(rule, key, "not a JSON object"); return nil }
            return j
        } catch let e as ZarrError {
            add(e.kind == .storage ? "structure.unreadable" : rule, key, e.message)
            return nil
        } catch { add(rule, key, "\(error)"); return nil }
    }

    var ancestors: [String] {
        var out: [String] = []
        var parts = directory.split(separator: "/").map(String.init)
        while !parts.isEmpty { parts.removeLast(); out.append(parts.joined(separator: "/")) }
        return out
    }

    /// Checks the node; returns the array when its metadata is valid (its chunks are checked next).
    func run() -> ZarrArray? {
        let v2 = has(MetadataKey.zarray) || has(MetadataKey.zgroup), v3 = has(MetadataKey.zarrJSON)
        if has(MetadataKey.zarray) && has(MetadataKey.zgroup) {
            add("structure.markers.conflict", prefix, "holds " + [MetadataKey.zarray, MetadataKey.zgroup, MetadataKey.zarrJSON].filter(has).joined(separator: " and "))
            return nil
        }
        if has(MetadataKey.zmetadata) { checkConsolidatedV2() }
        if has(MetadataKey.zattrs) { _ = json(prefix + MetadataKey.zattrs, rule: "v2.metadata.json") }
        if v3 && v2 {
            // Both formats, as zarrs writes on purpose: readers that detect the format pick zarr.json.
            let array = checkV3()
            if has(MetadataKey.zarray) { _ = checkV2Array() } else { checkV2Group() }
            add("structure.markers.dual-format", prefix.isEmpty ? "." : prefix, dualFormatMessage(array))
            return array
        }
        if v3 { return checkV3() }
        if has(MetadataKey.zgroup) { checkV2Group(); return nil }
        if has(MetadataKey.zarray) { return checkV2Array() }
        if has(MetadataKey.n5Attributes) { return checkN5() }
        return nil
    }

    // MARK: v2

    func checkV2Array() -> ZarrArray? {
        let key = prefix + MetadataKey.zarray
        guard let doc = json(key, rule: "v2.metadata.json") else { return nil }
        for a in ancestors where !walk.has(a, MetadataKey.zgroup) {
            add("structure.v2.ancestor-missing", a.isEmpty ? "." : a, "ancestor of \(directory) has no .zgroup")
        }
        if let c = doc["compressor"], c["id"]?.stringValue == "zstd", c["checksum"] != nil {
            add("producer.numcodecs.zstd-checksum", key, "compressor has a \"checksum\" member")
        }
        if doc["filters"] == .array([]) { add("producer.filters-empty-list", key, "filters is [] rather than null") }
        if doc["compressor"]?["id"]?.stringValue == "blosc", let name = doc["compressor"]?["shuffle"]?.stringValue {
            add("producer.blosc-shuffle-name", key, "blosc shuffle is the name \"\(name)\" where numcodecs writes an integer (0, 1, 2 or -1)")
        }
        checkNumcodecsMembers(doc, key: key)
        if let dtype = doc["dtype"]?.stringValue, dtype.count >= 2, "iu".contains(Array(dtype)[1]), case .number(let n)? = doc["fill_value"],
           n.contains(".") || n.contains("e") {
            add("producer.z5py.float-fill-for-int", key, "fill_value \(n) for \(dtype)")
        }
        if let dtype = doc["dtype"]?.stringValue, let kind = dtype.dropFirst().first, "SUb".contains(kind), doc["fill_value"]?.doubleValue == 0,
           let readers = Self.zeroFillSplit[kind] {
            add("producer.zarr-python-2.fill-value-zero", key, "fill_value 0 for dtype \(dtype), as zarr-python 2 wrote it: \(readers)")
        }
        do { return try ZarrArray.open(store: store, path: directory, zarrFormat: .v2) } catch let e as ZarrError {
            add(Diagnosis.rule(e, .metadata(.v2)), key, e.description)
            reportFurtherProblems(doc, key: key, first: e, repairs: Self.repairsV2, rule: { Diagnosis.rule($0, .metadata(.v2)) })
        } catch { add("v2.metadata.invalid", key, "\(error)") }
        return nil
    }

    func checkV2Group() {
        let key = prefix + MetadataKey.zgroup
        guard let doc = json(key, rule: "v2.metadata.json") else { return }
        if doc["zarr_format"]?.int64Value != 2 { add("v2.group.invalid", key, "zarr_format is not 2") }
        let extra = (doc.objectValue?.keys ?? []).filter { $0 != "zarr_format" }
        if !extra.isEmpty { add("producer.zgroup-extra-keys", key, "extra keys: \(extra.joined(separator: ", "))") }
    }

    func checkConsolidatedV2() {
        let key = prefix + ConsolidatedV2.key
        let documents: [String: JSON]
        do { documents = try ConsolidatedV2.read(store: store, path: directory) ?? [:] } catch let e as ZarrError {
            add(Diagnosis.rule(e, .consolidated), key, e.description)
            return
        } catch { add("consolidated.invalid", key, "\(error)"); return }
        // zarr-python 3 writes an inline `consolidated_metadata` member into the .zgroup entries
        // of nested groups that the groups' own .zgroup files lack: not a stale entry.
        func comparable(_ k: String, _ doc: JSON?) -> JSON? {
            guard k.hasSuffix(MetadataKey.zgroup), var o = doc?.objectValue else { return doc }
            o["consolidated_metadata"] = nil
            return .object(o)
        }
        for (k, doc) in documents.sorted(by: { $0.key < $1.key }) {
            let actual = try? store.getJSON(prefix + k)
            if actual == nil { add("consolidated.stale", key, "lists \(k), which the store does not hold") }
            else if comparable(k, actual) != comparable(k, doc) { add("consolidated.stale", key, "its \(k) differs from the store's") }
        }
        for file in walk.files where file.hasPrefix(prefix) && [MetadataKey.zarray, MetadataKey.zgroup, MetadataKey.zattrs].contains((file as NSString).lastPathComponent) {
            if documents[String(file.dropFirst(prefix.count))] == nil { add("consolidated.stale", key, "does not list \(file)") }
        }
    }

    // MARK: v3

    func checkV3() -> ZarrArray? {
        let key = prefix + MetadataKey.zarrJSON
        guard let doc = json(key, rule: "v3.metadata.json") else { return nil }
        if let format = doc["zarr_format"]?.stringValue, format.contains("zarr/spec/protocol/core/3.0") {
            // The pre-release draft (GDAL 3.4–3.6 FORMAT=ZARR_V3, early zarrita and zarr-python v3 previews).
            let meta = walk.files.contains { $0.hasPrefix(prefix + "meta/") } ? "; its metadata is under meta/ (root.group.json, root/NAME.array.json), its chunks under data/root/" : ""
            add("v3.draft-layout", key, "zarr_format is \"\(format)\", the protocol URL of the pre-release Zarr v3 draft\(meta): Zarr v3 has a zarr.json with \"zarr_format\": 3 and a node_type in every node, so no Zarr v3 reader opens this store")
            return nil
        }
        for a in ancestors where !walk.has(a, MetadataKey.zarrJSON) {
            add("structure.v3.ancestor-missing", a.isEmpty ? "." : a, "ancestor of \(directory) has no zarr.json")
        }
        if let name = doc["data_type"]?.stringValue ?? doc["data_type"]?["name"]?.stringValue {
            if ["null_terminated_bytes", "raw_bytes", "variable_length_bytes"].contains(name) { add("producer.zarr-python.unregistered-data-type", key, name) }
            if name == "float8_e4m3fn" || name == "complex_float8_e4m3fn" { add("producer.tensorstore.float8-e4m3fn", key, name) }
            if name == "structured" { add("producer.legacy-structured", key, name) }
        }
        if doc["consolidated_metadata"] == .null { add("producer.zarr-python-3.0.consolidated-null", key, "consolidated_metadata is null") }
        checkV3Name()
        checkForm30(doc, key: key)
        switch doc["node_type"]?.stringValue {
        case "array":
            checkChunkSizes(doc, key: key)
            checkRoundingTie(doc, key: key)
            do { return try ZarrArray.open(store: store, path: directory, zarrFormat: .v3) } catch let e as ZarrError {
                if e.field == "node_name" { return nil }  // checkV3Name reported it
                add(Diagnosis.rule(e, .metadata(.v3)), key, e.description)
                reportFurtherProblems(doc, key: key, first: e, repairs: Self.repairsV3, rule: { Diagnosis.rule($0, .metadata(.v3)) })
            } catch { add("v3.metadata.invalid", key, "\(error)") }
        case "group":
            do {
                let group = try GroupMetadataV3.parse(doc)
                if let map = group.consolidated { checkConsolidatedV3(map, key: key) }
                if doc["consolidated_metadata"]?.objectValue != nil, doc["consolidated_metadata"]?["must_understand"] != .bool(false) {
                    add("v3.consolidated.invalid", key, "consolidated_metadata lacks \"must_understand\": false (V31-03: the one member exempt from the extension definition has it)")
                }
            } catch let e as ZarrError { add(Diagnosis.rule(e, .metadata(.v3)), key, e.description) } catch { add("v3.metadata.invalid", key, "\(error)") }
        default:
            add("v3.node-type", key, "node_type must be \"array\" or \"group\"")
        }
        return nil
    }

    func checkConsolidatedV3(_ map: [String: JSON], key: String) {
        func strip(_ j: JSON?) -> JSON? {
            guard var o = j?.objectValue else { return j }
            o["consolidated_metadata"] = nil
            return .object(o)
        }
        for (k, doc) in map.sorted(by: { $0.key < $1.key }) {
            let actual = strip(try? store.getJSON(prefix + k + "/" + MetadataKey.zarrJSON))
            if actual == nil { add("consolidated.stale", key, "lists \(k), which the store does not hold") }
            else if actual != strip(doc) { add("consolidated.stale", key, "its \(k) differs from \(prefix + k)/zarr.json") }
        }
    }

    // MARK: N5

    func checkN5() -> ZarrArray? {
        let key = prefix + MetadataKey.n5Attributes
        guard let doc = json(key, rule: "n5.attributes.invalid") else { return nil }
        if let version = doc["n5"]?.stringValue, let major = Int(version.split(separator: ".").first ?? ""), major > 4 {
            add("n5.version", key, "n5 version \(version) is newer than 4.x")
            return nil
        }
        guard doc["dimensions"] != nil || doc["dataType"] != nil || doc["blockSize"] != nil else { return nil }  // a group
        do {
            let attributes = try DatasetAttributesN5.parse(doc)
            _ = try attributes.compressionCodec()
            return try ZarrArray.open(store: store, path: directory)
        } catch let e as ZarrError {
            add(Diagnosis.rule(e, .metadata(.n5)), key, e.description)
        } catch { add("n5.attributes.invalid", key, "\(error)") }
        return nil
    }

    // MARK: Chunk keys

    /// The array's chunk keys (full key, grid indices), flagging files that are not chunk keys,
    /// indices with leading zeros and chunks outside the grid.
    /// `alternate` is the array as the directory's other format describes it (its chunk keys are
    /// not malformed); `report` is false when listing that other format's chunks.
    func chunkKeys(_ array: ZarrArray, nodeDirectories: [String], alternate: ZarrArray? = nil, report: Bool = true) -> [(String, [Int])] {
        let others = Set(nodeDirectories).subtracting([directory])
        let grid = array.gridShape
        var out: [(String, [Int])] = []
        // V2-18: an absent separator is "."; chunks written under "/" are then never read.
        var undeclared = false
        if case .v2(let m) = array.metadata, m.dimensionSeparator == ".", grid.count > 1, report { undeclared = true }
        var nestedKeys: [String] = []
        defer {
            if let example = nestedKeys.first, case .v2(let m) = array.metadata {
                let declared = m.writesSeparator ? "declares dimension_separator \".\"" : "declares no dimension_separator (V2-18: \".\")"
                add("structure.v2.nested-keys-undeclared", prefix + MetadataKey.zarray,
                    "\(nestedKeys.count) chunk\(nestedKeys.count == 1 ? " is" : "s are") stored under nested keys (\(example)) but .zarray \(declared): "
                    + "readers look for keys such as \(array.chunkKey([Int](repeating: 0, count: grid.count))) and every reader returns only fill values. "
                    + "Fix: add \"dimension_separator\": \"/\" to .zarray")
            }
        }
        for file in walk.files(under: prefix) {
            let relative = String(file.dropFirst(prefix.count))
            let name = relative.split(separator: "/").last.map(String.init) ?? relative
            if Walk.markers.contains(name) && !relative.utf8.contains(UInt8(ascii: "/")) || Walk.isPartialWrite(name) { continue }
            // Files of a child node belong to it.
            var ancestry = others.isEmpty ? [] : file.split(separator: "/").dropLast()
            var ownedByChild = false
            while !ancestry.isEmpty {
                let owner = ancestry.joined(separator: "/")
                if owner == directory { break }
                if others.contains(owner) { ownedByChild = true; break }
                ancestry.removeLast()
            }
            if ownedByChild { continue }
            guard let indices = array.parseChunkKey(relative) else {
                if alternate?.parseChunkKey(relative) != nil { continue }  // a chunk of the other format's metadata
                let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
                if undeclared, parts.count == grid.count, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) {
                    nestedKeys.append(file)
                    continue
                }
                if report { add("structure.key.malformed", file, "not a chunk key of the array at \(directory.isEmpty ? "/" : directory)") }
                continue
            }
            let parts = relative.split(whereSeparator: { $0 == "/" || $0 == "." }).filter { $0 != "c" }
            if parts.contains(where: { $0.count > 1 && $0.hasPrefix("0") }) {
                add("structure.key.leading-zero", file, "chunk indices are plain decimals (ST-02)")
                continue
            }
            if zip(indices, grid).contains(where: { $0 >= $1 }) {
                add("structure.key.outside-grid", file, "outside the chunk grid \(grid)")
                continue
            }
            out.append((file, indices))
        }
        return out
    }
}
