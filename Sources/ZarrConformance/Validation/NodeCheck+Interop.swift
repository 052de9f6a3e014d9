import ZarrCore

/// What readers make of stores that other projects ship (issue 18): one directory with both
/// formats' metadata, and v2 fill values that readers split on.
extension NodeCheck {
    /// Which metadata each reader takes, and whether the two documents describe the same array.
    func dualFormatMessage(_ v3: ZarrArray?) -> String {
        let v2Name = has(MetadataKey.zarray) ? MetadataKey.zarray : MetadataKey.zgroup
        var message = "holds zarr.json and \(v2Name): zarr-python 3, zarrs, z5py and this implementation read zarr.json (zarr-python 3 warns; "
            + "`--zarr-format 2` reads \(v2Name)), zarr-python 2 and tensorstore's zarr driver read \(v2Name)"
        if let v3, let v2 = alternateV2Array() {
            var differences: [String] = []
            if v3.shape != v2.shape { differences.append("shape \(v3.shape) and \(v2.shape)") }
            if v3.dataType != v2.dataType { differences.append("data types") }
            if v3.fillValue != v2.fillValue { differences.append("fill values") }
            if v3.chunkShape != v2.chunkShape { differences.append("chunk shapes \(v3.chunkShape) and \(v2.chunkShape)") }
            message += differences.isEmpty ? "; both describe the same array"
                : "; they differ in \(differences.joined(separator: ", ")): readers of the two formats see different values"
        }
        return message
    }

    /// The array as its v2 metadata describes it, where a directory holds both formats.
    func alternateV2Array() -> ZarrArray? {
        guard has(MetadataKey.zarrJSON), has(MetadataKey.zarray) else { return nil }
        return try? ZarrArray.open(store: store, path: directory, zarrFormat: .v2)
    }

    /// What each reader makes of a v2 `fill_value: 0` on these kinds (checked with the pinned peers).
    static let zeroFillSplit: [Character: String] = [
        "S": "zarr-python 3 and tensorstore refuse the array; zarr-python 2 reads the fill as b\"0\", this implementation as zero bytes (V2-45). "
            + "Write the fill's Base64 (\"\" for zero bytes) instead",
        "U": "zarr-python 3 refuses the array (tensorstore reads no U arrays); zarr-python 2 reads the fill as \"0\", this implementation as \"\". "
            + "Write the fill as a string instead",
        "b": "tensorstore refuses the array; zarr-python 2, zarr-python 3 and this implementation read the fill as false. Write false instead",
    ]
}

extension NodeCheck {
    /// The members each numcodecs codec's constructor takes (besides `id`), as its `get_config`
    /// writes them: a member outside these makes numcodecs, and so zarr-python, refuse the array,
    /// though its meaning is clear and this reader ignores it (GDAL 3.6 writes lzma's `delta`).
    static let numcodecsMembers: [String: Set<String>] = [
        "blosc": ["cname", "clevel", "shuffle", "blocksize", "typesize"], "zstd": ["level", "checksum"], "zlib": ["level"], "gzip": ["level"],
        "bz2": ["level"], "lzma": ["format", "check", "preset", "filters"], "lz4": ["acceleration"], "shuffle": ["elementsize"],
        "delta": ["dtype", "astype"], "fixedscaleoffset": ["offset", "scale", "dtype", "astype"], "quantize": ["digits", "dtype", "astype"],
        "bitround": ["keepbits"], "astype": ["encode_dtype", "decode_dtype"], "categorize": ["labels", "dtype", "astype"],
        "crc32": ["location"], "adler32": ["location"], "crc32c": ["location"], "fletcher32": [], "jenkins_lookup3": ["initval", "prefix"],
        "packbits": [], "vlen-utf8": [], "vlen-bytes": [], "vlen-array": ["dtype"], "zfpy": ["mode", "tolerance", "rate", "precision"],
    ]

    func checkNumcodecsMembers(_ doc: JSON, key: String) {
        let codecs = (doc["filters"]?.arrayValue ?? []) + [doc["compressor"] ?? .null]
        for codec in codecs {
            guard let id = codec["id"]?.stringValue, let known = Self.numcodecsMembers[id], let members = codec.objectValue?.keys else { continue }
            for member in members where member != "id" && !known.contains(member) {
                add("producer.numcodecs.unknown-member", key, "\(id) has a member '\(member)' that numcodecs' \(id) does not take: zarr-python refuses the array; this reader ignores it")
            }
        }
    }
}
