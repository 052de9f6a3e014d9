import ZarrCore

/// Stores whose values are HTTP objects (HTTP, S3, GCS): reads go through their transport to
/// the URL of the key, after the key rules (ST-04).
protocol HTTPObjectStore: AsyncReadableStore {
    var transport: HTTPTransport { get }
    func objectURL(_ key: String) -> RemoteURL
}

extension HTTPObjectStore {
    public func get(_ key: String, range: ByteRange, limit: Int) async throws -> [UInt8]? {
        try StoreRules.validateKey(key)
        return try await transport.get(key: key, url: objectURL(key), range: range, limit: limit)
    }

    public func size(_ key: String) async throws -> Int? {
        try StoreRules.validateKey(key)
        return try await transport.size(key: key, url: objectURL(key))
    }
}

/// Stores whose listing is a paged object listing with a delimiter (S3's ListObjectsV2, GCS's
/// JSON API): `list` and `listDir` come from `listObjects`, keys and common prefixes relative
/// to the store's own prefix.
protocol ObjectListing: AsyncListableStore {
    func listObjects(_ listPrefix: String, delimiter: Bool) async throws -> (keys: [String], prefixes: [String])
}

extension ObjectListing {
    public func list(prefix listPrefix: String) async throws -> [String] {
        try await listObjects(listPrefix, delimiter: false).keys
    }

    public func listDir(_ listPrefix: String) async throws -> (keys: [String], prefixes: [String]) {
        let page = try await listObjects(listPrefix, delimiter: true)
        let names = page.keys.map { String($0.dropFirst(listPrefix.count)) }.filter { !$0.isEmpty && !$0.contains("/") }
        let prefixes = page.prefixes.compactMap { p -> String? in
            let name = p.dropFirst(listPrefix.count).dropLast()
            return name.isEmpty || name.contains("/") ? nil : String(name)
        }
        return (Array(Set(names)).sorted(), Array(Set(prefixes)).sorted())
    }
}

/// A bucket's name checked and a key prefix made "" or "path/" (leading slashes dropped, every
/// segment a valid key segment): what S3 and GCS stores are rooted at.
func objectPrefix(bucket: String, prefix: String) throws -> String {
    guard !bucket.isEmpty, !bucket.contains("/") else { throw ZarrError(.invalidArgument, "invalid bucket name '\(bucket)'") }
    var prefix = prefix
    while prefix.hasPrefix("/") { prefix.removeFirst() }
    if !prefix.isEmpty, !prefix.hasSuffix("/") { prefix += "/" }
    if !prefix.isEmpty { try StoreRules.validateKey(String(prefix.dropLast())) }
    return prefix
}
