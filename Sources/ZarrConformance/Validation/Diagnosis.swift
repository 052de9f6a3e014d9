import ZarrCore

/// The one table from a typed error to a validation rule. It reads the error's problem, kind,
/// field and codec, never its message: a message can be reworded without changing a verdict.
enum Diagnosis {
    /// Where in the check the error arose.
    enum Stage { case metadata(ZarrFormat), consolidated, chunk }

    /// Problems with one rule per stage, whatever the field.
    static let byProblem: [ZarrError.Problem: [String: String]] = [
        .invalidJSON: ["v2": "v2.metadata.json", "v3": "v3.metadata.json"],
        .missingMember: ["v2": "v2.metadata.required", "v3": "v3.metadata.required"],
        .refusedCodec: ["v2": "v2.codec.pickle", "v3": "v3.codecs.pickle"],
        .unknownCodec: ["v2": "v2.codec.unknown", "v3": "v3.codecs.unknown"],
        .objectCodecMissing: ["v2": "v2.object.no-codec"],
        .unregisteredExtension: ["v3": "v3.extension.not-registered"],
        .newerVersion: ["n5": "n5.version"],
        .invalidPath: ["consolidated": "consolidated.path-invalid"],
        .valueTooLarge: ["chunk": "data.chunk.size"],
        .shardIndex: ["chunk": "shard.index"],
        .checksumMismatch: ["chunk": "data.checksum"],
        .blockHeader: ["chunk": "n5.block.header"],
        .sizeMismatch: ["chunk": "data.chunk.size"],
    ]

    /// The member a metadata error names, per format.
    static let byField: [String: [String: String]] = [
        "v2": ["zarr_format": "v2.zarr-format", "shape": "v2.shape.invalid", "chunks": "v2.shape.invalid", "dtype": "v2.dtype.invalid",
               "compressor": "v2.compressor.invalid", "filters": "v2.filters.invalid", "order": "v2.order.invalid",
               "dimension_separator": "v2.dimension-separator.invalid", "fill_value": "v2.fill-value.invalid"],
        "v3": ["zarr_format": "v3.zarr-format", "node_type": "v3.node-type", "shape": "v3.shape.invalid", "data_type": "v3.data-type.invalid",
               "chunk_grid": "v3.chunk-grid.invalid", "chunks": "v3.chunk-grid.invalid", "chunk_key_encoding": "v3.chunk-key-encoding.invalid",
               "fill_value": "v3.fill-value.invalid", "storage_transformers": "v3.storage-transformer",
               "dimension_names": "v3.dimension-names.invalid", "attributes": "v3.attributes.invalid",
               "consolidated_metadata": "v3.consolidated.invalid", "codecs": "v3.codecs.invalid"],
        "n5": ["dataType": "n5.data-type", "compression": "n5.compression"],
    ]

    /// When nothing more specific applies.
    static let fallback = ["v2": "v2.metadata.invalid", "v3": "v3.metadata.invalid", "n5": "n5.attributes.invalid",
                           "consolidated": "consolidated.invalid", "chunk": "data.chunk.decode"]

    static func rule(_ e: ZarrError, _ stage: Stage) -> String {
        let name: String
        switch stage {
        case .metadata(let format): name = format.rawValue
        case .consolidated: name = "consolidated"
        case .chunk: name = "chunk"
        }
        if case .chunk = stage, e.kind == .storage { return "structure.unreadable" }
        if case .consolidated = stage, e.kind == .invalidArgument { return "consolidated.path-invalid" }
        // An unknown member of an extension's configuration is that extension's problem, not the document's.
        if e.problem == .unknownMember, name == "v3", e.codec == nil { return "v3.metadata.unknown-member" }
        // Any storage transformer is its own rule, registered or not (V3-90).
        if name == "v3", e.field == "storage_transformers", e.problem == .unregisteredExtension { return "v3.storage-transformer" }
        if let rule = byProblem[e.problem]?[name] { return rule }
        if name == "chunk", e.codec == "n5" { return "n5.block.header" }  // the block's own framing
        if name == "v3" {
            // A member of an extension's own configuration belongs to that extension.
            if e.codec == "chunk_key_encoding" { return "v3.chunk-key-encoding.invalid" }
            if e.codec == "chunk_grid" { return "v3.chunk-grid.invalid" }
        }
        if let field = e.field, let rule = byField[name]?[field] { return rule }
        if name == "v3", e.codec != nil { return "v3.codecs.invalid" }
        return fallback[name] ?? "data.chunk.decode"
    }
}
