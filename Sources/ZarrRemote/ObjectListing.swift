import ZarrCore

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
