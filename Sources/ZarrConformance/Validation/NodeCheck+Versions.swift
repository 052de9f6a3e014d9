import ZarrCore

/// The v3 rules that differ between Zarr 3.0 and 3.1 (Vectors/checklist-supplement.md); the
/// sink drops the findings of rules the selected version does not have.
extension NodeCheck {
    /// V3-110 / V31-05: the node's own name (its ancestors are nodes of their own).
    func checkV3Name() {
        guard let name = directory.split(separator: "/").last.map(String.init), let why = NodePath.v3NameProblem(name) else { return }
        add(name == MetadataKey.zarrJSON ? "structure.v3.node-name-zarr-json" : "structure.v3.node-name", prefix + MetadataKey.zarrJSON, "the node's name '\(name)' \(why)")
    }

    /// V31-07: Zarr 3.0 takes chunk_grid, chunk_key_encoding and codecs as {name, configuration}
    /// objects only; short-hand names and must_understand members are 3.1 forms.
    func checkForm30(_ doc: JSON, key: String) {
        func check(_ json: JSON?, _ place: String) {
            switch json {
            case .string(let name)?: add("v3.extension.form-3.0", key, "\(place) '\(name)' is a short-hand name")
            case .object(let o)?:
                let name = o["name"]?.stringValue ?? "?"
                if o["must_understand"] != nil { add("v3.extension.form-3.0", key, "\(place) '\(name)' has a must_understand member") }
                for inner in ["codecs", "index_codecs"] {
                    for c in o["configuration"]?[inner]?.arrayValue ?? [] { check(c, "codec in \(name)'s \(inner)") }
                }
            default: break
            }
        }
        check(doc["chunk_grid"], "chunk_grid")
        check(doc["chunk_key_encoding"], "chunk_key_encoding")
        if doc["data_type"]?["must_understand"] != nil { add("v3.extension.form-3.0", key, "data_type has a must_understand member") }
        for c in doc["codecs"]?.arrayValue ?? [] { check(c, "codec") }
    }

    /// V31-06: regular-grid chunk sizes are at least 1 (a 0 on a zero-length axis reads as 1).
    func checkChunkSizes(_ doc: JSON, key: String) {
        guard doc["chunk_grid"]?["name"]?.stringValue == "regular",
              let sizes = doc["chunk_grid"]?["configuration"]?["chunk_shape"]?.arrayValue, sizes.contains(where: { $0.intValue == 0 }) else { return }
        add("v3.chunk-grid.zero-size", key, "chunk_shape \(JSON.array(sizes).serialized()) has a size of 0")
    }

    /// V31-04: a float fill written as a number exactly halfway between two values of its type
    /// (float16, float32): 3.1 rounds half to even, 3.0 names no tie rule.
    func checkRoundingTie(_ doc: JSON, key: String) {
        guard case .number(let text)? = doc["fill_value"], let d = Double(text), d.isFinite else { return }
        let type = doc["data_type"]?.stringValue ?? doc["data_type"]?["name"]?.stringValue
        let tie: Bool
        switch type {
        case "float16": tie = Self.isTie(d, Float16(d))
        case "float32": tie = Self.isTie(d, Float(d))
        default: return
        }
        if tie { add("v3.fill-value.rounding-tie", key, "fill_value \(text) lies halfway between two \(type ?? "") values; 3.1 reads it as \(type == "float16" ? "\(Float16(d))" : "\(Float(d))")") }
    }

    /// Whether `d` lies exactly between `rounded` (its nearest value) and the next value the other side.
    static func isTie<F: BinaryFloatingPoint>(_ d: Double, _ rounded: F) -> Bool {
        guard rounded.isFinite, Double(rounded) != d else { return false }
        let other = Double(rounded) < d ? rounded.nextUp : rounded.nextDown
        return other.isFinite && (Double(rounded) + Double(other)) / 2 == d
    }
}
