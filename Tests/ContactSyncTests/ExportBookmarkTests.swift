import ContactMapping
import Foundation
import Testing

@testable import ContactSync

/// `export --bookmark`: no file is a full export, a file without a time is refused with its path, and a complete
/// export moves the bookmark to its start less the search lag, never backwards.
struct ExportBookmarkTests {
    @Test func readsAdvancesAndRefuses() throws {
        let path = try temporaryPath(named: "bookmark.txt")
        let bookmark = ExportBookmark(path: path)
        #expect(try bookmark.since() == nil)
        try bookmark.advance(startedAt: 1_700_000_000, since: nil)
        #expect(try bookmark.since()?.seconds == 1_700_000_000 - ExportBookmark.lag)
        // A run that started from a later time than its start less the lag keeps that time.
        try bookmark.advance(startedAt: 1_700_000_100, since: 1_700_000_050)
        #expect(try bookmark.since()?.seconds == 1_700_000_050)
        try Data("yesterday\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            try bookmark.since()
        } throws: { error in
            "\(error)".contains(path) && "\(error)".contains("yesterday") && error is ExportBookmark.Invalid
        }
    }
}
