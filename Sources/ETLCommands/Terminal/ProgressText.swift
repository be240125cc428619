/// Short texts for progress lines.
enum ProgressText {
    /// "12.5 MB of 180.0 MB (7%)" or "12.5 MB read".
    static func bytes(_ bytes: Int, of total: Int?) -> String {
        let done = megabytes(bytes)
        guard let total, total > 0 else { return "\(done) read" }
        return "\(done) of \(megabytes(total)) (\(min(100, bytes * 100 / total))%)"
    }

    static func megabytes(_ bytes: Int) -> String {
        let tenths = (bytes + 50_000) / 100_000
        return "\(tenths / 10).\(tenths % 10) MB"
    }
}
