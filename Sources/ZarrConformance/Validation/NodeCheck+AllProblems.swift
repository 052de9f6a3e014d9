import ZarrCore

/// Every metadata problem of a node, not only the first the parser raises: after a problem in
/// one member, that member (and the members whose meaning depends on it) is set to a neutral
/// value and the document is parsed again, until it parses or a problem repeats. Problems in
/// dependent members are not reported once their base was replaced, so no finding is an
/// artefact of a repair.
extension NodeCheck {
    static let maxProblems = 16

    /// Members replaced after a problem in the member named by the key, and their neutral values.
    static let repairsV2: [String: [(String, JSON?)]] = [
        "zarr_format": [("zarr_format", 2)],
        "shape": [("shape", [1]), ("chunks", [1])],
        "chunks": [("shape", [1]), ("chunks", [1])],
        "dtype": [("dtype", "|u1"), ("fill_value", .null), ("filters", .null)],
        "compressor": [("compressor", .null)],
        "filters": [("filters", .null)],
        "order": [("order", "C")],
        "dimension_separator": [("dimension_separator", nil)],
        "fill_value": [("fill_value", .null)],
    ]

    static let repairsV3: [String: [(String, JSON?)]] = [
        "zarr_format": [("zarr_format", 3)],
        "node_type": [("node_type", "array")],
        "shape": [("shape", [1]), ("chunk_grid", ["name": "regular", "configuration": ["chunk_shape": [1]]]), ("dimension_names", nil)],
        "chunk_grid": [("shape", [1]), ("chunk_grid", ["name": "regular", "configuration": ["chunk_shape": [1]]]), ("dimension_names", nil)],
        "data_type": [("data_type", "uint8"), ("fill_value", 0), ("codecs", ["bytes"])],
        "chunk_key_encoding": [("chunk_key_encoding", ["name": "default"])],
        "fill_value": [("fill_value", 0), ("data_type", "uint8"), ("codecs", ["bytes"])],
        "codecs": [("codecs", ["bytes"])],
        "storage_transformers": [("storage_transformers", nil)],
        "dimension_names": [("dimension_names", nil)],
        "attributes": [("attributes", nil)],
    ]

    /// Reports the problems after `first` (already reported) in the document at `key`.
    func reportFurtherProblems(_ doc: JSON, key: String, first: ZarrError, repairs: [String: [(String, JSON?)]],
                               rule: (ZarrError) -> String) {
        guard var object = doc.objectValue else { return }
        var error = first
        var replaced = Set<String>()
        for _ in 0..<Self.maxProblems {
            guard let field = error.field, let fixes = repairs[field] else { return }
            for (member, value) in fixes {
                replaced.insert(member)
                object[member] = value
            }
            let store = MemoryStore()
            do {
                try store.set(key.split(separator: "/").last.map(String.init) ?? key, JSON.object(object).bytes())
                _ = try ZarrArray.open(store: store)
                return
            } catch let next as ZarrError {
                // A problem in a replaced member is the repair's, not the store's.
                if let f = next.field, replaced.contains(f) { return }
                var located = next
                located.key = key
                add(rule(located), key, located.description)
                error = next
            } catch {
                return
            }
        }
    }
}
