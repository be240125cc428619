import Foundation
import IntercomAPI

/// Short texts for progress lines.
enum ProgressText {
    /// The share of the rate limit that the calls of the last 10-second window used (when Intercom said the limit),
    /// and the 429s.
    static func api(callsInWindow: Int, _ statistics: ClientStatistics) -> [String] {
        var parts: [String] = []
        if let limit = statistics.windowLimit, limit > 0 {
            parts.append("\(Int((Double(callsInWindow) / Double(limit) * 100).rounded()))% of rate limit")
        }
        parts.append("\(statistics.rateLimited) 429s")
        return parts
    }

    /// "45s", "3m05s", "1h02m".
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total >= 3600 { return "\(total / 3600)h\(String(format: "%02d", total % 3600 / 60))m" }
        if total >= 60 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
        return "\(total)s"
    }

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
