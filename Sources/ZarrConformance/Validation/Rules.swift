/// A validation rule: a stable id, how bad a breach is, and the checklist id it enforces.
public struct Rule: Sendable, Hashable {
    public enum Severity: String, Sendable, Comparable, CaseIterable {
        case info, warning, error
        var rank: Int { self == .error ? 2 : self == .warning ? 1 : 0 }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }
    public var id: String
    public var severity: Severity
    public var spec: String
    public var summary: String
    /// The Zarr v3 versions that have this rule; nil when it is not tied to one (V3-49: the
    /// version is never written in a store, so `validate --spec` says which one to apply).
    public var versions: [SpecVersion]? = nil

    /// Which version makes a finding of this rule one: the only v3 version that has the rule;
    /// else "2", "n5" or the selected v3 version, by the rule's format or, for rules of every
    /// format (data, structure), by the format of the node (`format`: v2, v3, n5) or the
    /// checklist id; "all" when none says.
    func specVersion(selected: SpecVersion, format: ZarrFormat? = nil) -> String {
        if let versions, versions.count == 1 { return versions[0].rawValue }
        func of(_ format: String) -> String { format == "v2" ? "2" : format == "n5" ? "n5" : selected.rawValue }
        for (prefix, format) in [("v2.", "v2"), ("structure.v2.", "v2"), ("n5.", "n5"), ("v3.", "v3"), ("structure.v3.", "v3")] where id.hasPrefix(prefix) {
            return of(format)
        }
        if let format { return of(format.rawValue) }
        if ["V2-", "NC-", "BL-"].contains(where: spec.hasPrefix) { return "2" }
        if spec.hasPrefix("N5-") { return "n5" }
        if ["V3-", "V31-", "BY-", "TR-", "GZ-", "BC-", "CC-", "SH-", "EX-"].contains(where: spec.hasPrefix) { return selected.rawValue }
        return "all"
    }
}

/// The Zarr v3 core versions `validate --spec` chooses between.
public enum SpecVersion: String, Sendable, CaseIterable {
    case v30 = "3.0", v31 = "3.1"
    public static let latest = SpecVersion.v31
}

/// Every rule `validate` checks. Ids are stable: CI pipelines and suppressions may name them.
public enum Rules {
    static func r(_ id: String, _ s: Rule.Severity, _ spec: String, _ summary: String, only version: SpecVersion? = nil) -> Rule {
        Rule(id: id, severity: s, spec: spec, summary: summary, versions: version.map { [$0] })
    }

    public static let all: [Rule] = [
        // Metadata, v2.
        r("v2.metadata.json", .error, "V2-10", ".zarray, .zgroup or .zattrs is not a valid JSON object"),
        r("v2.metadata.required", .error, "V2-10", "a required .zarray member is missing"),
        r("v2.zarr-format", .error, "V2-11", "zarr_format is not the integer 2"),
        r("v2.shape.invalid", .error, "V2-12", "shape or chunks is not a list of non-negative integers of one length"),
        r("v2.dtype.invalid", .error, "V2-30", "dtype is not a valid typestr or structured list"),
        r("v2.compressor.invalid", .error, "V2-15", "compressor is neither null nor an object with an id"),
        r("v2.filters.invalid", .error, "V2-16", "filters is neither null nor a list of objects with an id"),
        r("v2.order.invalid", .error, "V2-17", "order is neither \"C\" nor \"F\""),
        r("v2.dimension-separator.invalid", .error, "V2-18", "dimension_separator is neither \".\" nor \"/\""),
        r("v2.fill-value.invalid", .error, "V2-40", "fill_value is not valid for the dtype"),
        r("v2.codec.unknown", .error, "NC-26", "a codec id is unknown"),
        r("v2.codec.pickle", .error, "NC-25", "the pickle codec can execute code and is never decoded"),
        r("v2.object.no-codec", .error, "V2-38", "an |O array has no object codec"),
        r("v2.group.invalid", .error, "V2-62", ".zgroup is not {\"zarr_format\": 2}"),
        r("v2.metadata.invalid", .error, "V2-10", ".zarray breaks another rule of the v2 spec"),
        // Metadata, v3.
        r("v3.metadata.json", .error, "V3-01", "zarr.json is not a valid JSON object"),
        r("v3.metadata.required", .error, "V3-10", "a required zarr.json member is missing"),
        r("v3.zarr-format", .error, "V3-10", "zarr_format is not 3"),
        r("v3.draft-layout", .error, "V3-10", "the pre-release Zarr v3 draft layout (zarr_format is a protocol URL, metadata under meta/), not Zarr v3"),
        r("v3.node-type", .error, "V3-10", "node_type is missing, unknown or disagrees with the document"),
        r("v3.metadata.unknown-member", .error, "V3-44", "an unknown member lacks must_understand: false"),
        r("v3.shape.invalid", .error, "V3-11", "shape is not a list of non-negative integers"),
        r("v3.data-type.invalid", .error, "V3-12", "data_type is unknown or invalid"),
        r("v3.chunk-grid.invalid", .error, "V3-60", "chunk_grid is unknown or invalid"),
        r("v3.chunk-key-encoding.invalid", .error, "V3-70", "chunk_key_encoding is unknown or invalid"),
        r("v3.fill-value.invalid", .error, "V3-53", "fill_value is not valid for the data type"),
        r("v3.codecs.invalid", .error, "V3-81", "the codec chain is invalid"),
        r("v3.codecs.unknown", .error, "V3-44", "a codec is unknown and must be understood"),
        r("v3.codecs.pickle", .error, "NC-25", "numcodecs.pickle can execute code and is never decoded"),
        r("v3.storage-transformer", .error, "V3-90", "a storage transformer is present"),
        r("v3.dimension-names.invalid", .error, "V3-20", "dimension_names does not list a string or null per dimension"),
        r("v3.attributes.invalid", .error, "V3-18", "attributes is not an object"),
        r("v3.consolidated.invalid", .error, "CM-08", "consolidated_metadata is not inline with a metadata object"),
        r("v3.metadata.invalid", .error, "V3-10", "zarr.json breaks another rule of the v3 spec"),
        r("v3.extension.not-registered", .error, "V3-47", "an extension name that zarr-extensions does not register and this tool does not know"),
        r("v3.extension.form-3.0", .error, "V31-07", "a short-hand name or a must_understand member where Zarr 3.0 takes only {name, configuration} objects", only: .v30),
        r("v3.chunk-grid.zero-size", .error, "V31-06", "a regular grid with a chunk size of 0 (on a zero-length axis; readers take it as 1)", only: .v31),
        r("v3.fill-value.rounding-tie", .warning, "V31-04", "a float fill written exactly halfway between two values of the type: 3.0 names no tie rule (3.1: half to even)", only: .v30),
        // Metadata, N5.
        r("n5.version", .error, "N5-03", "the root's n5 version is newer than 4.x"),
        r("n5.version.missing", .warning, "N5-03", "the root's attributes.json has no \"n5\" version: read as 0.0.0, as N5-Java does; z5py refuses the container"),
        r("n5.attributes.invalid", .error, "N5-04", "dataset attributes are missing or invalid"),
        r("n5.data-type", .error, "N5-05", "dataType is unknown"),
        r("n5.compression", .error, "N5-06", "compression is unknown or invalid"),
        // Structure.
        r("structure.markers.conflict", .error, "V2-60", "one directory holds both .zarray and .zgroup"),
        r("structure.markers.dual-format", .warning, "V3-01", "a directory holds both zarr.json and .zarray/.zgroup: zarr-python 3, zarrs, z5py and this implementation read zarr.json; zarr-python 2 and tensorstore's zarr driver the v2 metadata"),
        r("structure.v3.ancestor-missing", .error, "V3-06", "a v3 node's ancestor has no zarr.json"),
        r("structure.v2.ancestor-missing", .error, "V2-61", "a v2 node's ancestor has no .zgroup"),
        r("structure.v3.node-name", .error, "V3-110", "a v3 node's name is made only of periods or starts with the reserved \"__\""),
        r("structure.v3.node-name-zarr-json", .error, "V31-05", "a v3 node is named zarr.json", only: .v31),
        r("structure.key.invalid", .error, "ST-04", "a key has a backslash, a NUL or a . or .. segment"),
        r("structure.key.malformed", .warning, "ST-01", "a file in an array is not one of its chunk keys"),
        r("structure.v2.nested-keys-undeclared", .warning, "V2-18", "chunks stored under nested keys (0/0) while .zarray declares no \"/\" dimension_separator: every reader returns only fill values"),
        r("structure.key.leading-zero", .error, "ST-02", "a chunk index has a leading zero or a sign"),
        r("structure.key.outside-grid", .warning, "V3-115", "a chunk lies outside the chunk grid (stale after a resize)"),
        r("structure.partial-write", .warning, "V3-103", "a leftover temporary file of an interrupted write"),
        r("structure.depth", .error, "V3-03", "the hierarchy is nested absurdly deep"),
        r("structure.symlink-loop", .warning, "V3-107", "a symbolic link leads back into the store"),
        r("structure.link-outside", .error, "ST-04", "a symbolic link resolves outside the store (never followed)"),
        r("structure.special-file", .error, "V3-107", "a FIFO, socket or device where a value is expected (never read)"),
        r("structure.unreadable", .error, "ST-10", "a directory or file cannot be read (permission or I/O error): not checked"),
        r("structure.no-metadata", .error, "V3-01", "no Zarr or N5 metadata anywhere in the store"),
        r("structure.no-listing", .info, "V3-103", "the store cannot list (HTTP): nodes come from consolidated metadata, chunks from the grid; stray keys were not looked for"),
        // Consolidated metadata.
        r("consolidated.invalid", .error, "CM-01", ".zmetadata is not consolidated format 1 with a metadata object"),
        r("consolidated.path-invalid", .error, "CM-05", "a consolidated key names a path outside the store or an unknown kind"),
        r("consolidated.stale", .warning, "CM-10", "consolidated metadata disagrees with the nodes"),
        // Data.
        r("data.chunk.decode", .error, "V3-84", "a chunk does not decode"),
        r("data.chunk.size", .error, "V3-83", "a chunk decodes to the wrong size"),
        r("data.checksum", .error, "CC-02", "a checksum does not match"),
        r("data.chunks.stored", .info, "E-15", "stored chunks against the grid, per array (missing ones read as the fill value)"),
        r("data.chunks.missing", .error, "E-15", "with --expect-chunks: a chunk of the grid (all) or a key of the manifest (FILE) is not stored"),
        r("data.chunks.extra", .warning, "E-15", "with --expect-chunks FILE: a key the manifest does not list"),
        r("data.chunks.changed", .error, "E-15", "with --expect-chunks FILE: a key whose size or SHA-256 differs from the manifest"),
        r("shard.index", .error, "SH-05", "a shard index is corrupt, points outside the shard, overflows or overlaps"),
        r("n5.block.header", .error, "N5-16", "an N5 block header disagrees with the dataset"),
        // Known defects of particular writers.
        r("producer.numcodecs.zstd-checksum", .warning, "NC-02", "numcodecs ≥ 0.13 writes a \"checksum\" member in v2 zstd configs; tensorstore refuses it"),
        r("producer.filters-empty-list", .warning, "V2-16", "filters: [] instead of null (zarr-python); readers must treat it as null"),
        r("producer.zarr-python-3.0.consolidated-null", .warning, "CM-09", "\"consolidated_metadata\": null, as zarr-python 3.0 wrote it"),
        r("producer.zarr-python.unregistered-data-type", .warning, "EX-U02", "an unregistered data type name zarr-python writes"),
        r("producer.tensorstore.float8-e4m3fn", .warning, "V3-12", "float8_e4m3fn, tensorstore's name, is not the registered float8_e4m3"),
        r("producer.legacy-structured", .warning, "EX-D15", "the legacy structured data type must not be written any more"),
        r("producer.z5py.float-fill-for-int", .warning, "V2-43", "an integer array's fill_value written as a float (z5py)"),
        r("producer.z5py.n5-lz4-bare", .warning, "N5-10", "N5 lz4 blocks without LZ4Block framing (z5py); N5-Java cannot read them"),
        r("producer.numcodecs.unknown-member", .warning, "V2-15", "a v2 codec configuration has a member numcodecs' codec does not take (GDAL's lzma `delta`): zarr-python refuses the array"),
        r("producer.blosc-shuffle-name", .warning, "NC-01", "a v2 blosc shuffle given by name (GDAL's \"BIT\"), where numcodecs has an integer; read as the name says"),
        r("producer.zgroup-extra-keys", .warning, "AM-09", ".zgroup holds keys other than zarr_format (zarr-python 3 consolidated entries)"),
        r("producer.zarr-python-2.fill-value-zero", .warning, "V2-45", "fill_value 0 on a byte-string, unicode or bool array, as zarr-python 2 wrote it: zarr-python 3 and tensorstore refuse the array"),
    ]

    static let byID: [String: Rule] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    public static func rule(_ id: String) -> Rule {
        byID[id] ?? Rule(id: id, severity: .error, spec: "", summary: id)
    }

    /// The rules as Markdown, for docs/validation-rules.md.
    public static var markdown: String {
        var md = "# Validation rules\n\nGenerated by `zarr-conformance validate --list-rules`. Severity `error` fails `--fail-on error`"
        md += " (the default), `warning` fails `--fail-on warning`, `info` never fails. A rule marked with a Zarr version applies only under"
        md += " `validate --spec` of that version (default \(SpecVersion.latest.rawValue)).\n\n"
        md += "| rule | severity | checklist | what it finds | how to fix it |\n|---|---|---|---|---|\n"
        for r in all {
            let only = r.versions.map { " (Zarr \($0.map(\.rawValue).joined(separator: ", ")) only)" } ?? ""
            md += "| `\(r.id)` | \(r.severity.rawValue) | \(r.spec) | \(r.summary)\(only) | \(hint(r.id)) |\n"
        }
        return md
    }
}

public struct Finding: Sendable, Equatable {
    public var rule: String
    public var severity: Rule.Severity
    public var path: String
    public var message: String
    public var spec: String
    /// The spec version whose rule this finding breaks (see `Rule.specVersion`).
    public var specVersion: String
    /// The format of the node the finding is about, when known (v2, v3, n5).
    var format: ZarrFormat?

    init(_ rule: String, _ path: String, _ message: String, version: SpecVersion = .latest, format: ZarrFormat? = nil) {
        let r = Rules.rule(rule)
        self.rule = rule
        severity = r.severity
        self.path = path
        self.message = message
        spec = r.spec
        self.format = format
        specVersion = r.specVersion(selected: version, format: format)
    }
}
