import ContactMapping
import Foundation
import Testing

/// Every form a person writes a time in, read exactly or refused (issue #17).
struct TimeArgumentTests {
    /// 2026-11-29T20:00:00Z.
    static let instant = 1_795_982_400

    @Test(arguments: [
        "1795982400", "2026-11-29T20:00:00Z", "2026-11-30T01:00:00+05:00", "2026-11-30T01:00:00.000+05:00",
        "2026-11-29T20:00:00.000000Z", "2026-11-29T15:00:00.5-05:00", "2026-11-29 20:00:00Z",
        "2026-11-29T20:00Z", "2026-11-30T01:00:00+0500", "2026-11-29T14:30:00-05:30", "2026-11-29t20:00:00z",
        "  2026-11-29T20:00:00Z\n", "2026-11-29T20:00:00,999Z", "2026-11-29 15:00:00.999999-05:00",
    ])
    func theSameInstantInEveryForm(_ text: String) throws {
        let time = try #require(TimeArgument(parsing: text), "'\(text)' was refused")
        #expect(time.seconds == Self.instant, "'\(text)'")
        #expect(!time.isBareDate)
    }

    @Test func aBareDateIsMidnightUTCAndSaysSo() throws {
        let time = try #require(TimeArgument(parsing: "2026-11-29"))
        #expect(time.seconds == Self.instant - 20 * 3600)
        #expect(time.isBareDate)
    }

    @Test(arguments: [
        "2026-11-30Tgarbage", "2026-11-29T20:00:00", "2026-11-29 20:00", "", "  ", "2026-13-01", "2026-02-29",
        "2026-11-29T24:00:00Z", "2026-11-29T20:00:00+25:00", "2026-11-29T20:00:00Zjunk", "1795982400000",
        "yesterday", "2026/11/29", "29.11.2026", "2026-11-29T20:00:00 Z", "1795982400.5", "-", "+1795982400",
        "2026-11-29T20:00:00+05", "2026-11-29garbage", "2026-11-29T",
    ])
    func anythingElseIsRefused(_ text: String) {
        #expect(TimeArgument(parsing: text) == nil, "'\(text)' was accepted")
    }

    @Test func epochSecondsIncludeTheEarlyAndNegative() {
        #expect(TimeArgument(parsing: "0")?.seconds == 0)
        #expect(TimeArgument(parsing: "-86400")?.seconds == -86_400)
        #expect(TimeArgument(parsing: "253402300799")?.seconds == 253_402_300_799)
        #expect(TimeArgument(parsing: "253402300800") == nil)
    }

    /// A bookmark is written with `iso8601` and read back to the same second; it writes what Foundation's
    /// ISO8601DateFormatter (which older releases used for bookmarks) writes, so both read alike.
    @Test func bookmarksRoundTripAndMatchTheFormatOfOlderReleases() throws {
        let formatter = ISO8601DateFormatter()
        var state: UInt64 = 17
        var values = [
            0, -1, 86_399, 86_400, 951_782_400, 4_107_542_400, Self.instant, -62_135_596_800, 253_402_300_799,
        ]
        for _ in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(Int(state >> 24) % 253_402_300_800 - 62_135_596_800 / 2)
        }
        for seconds in values {
            let text = TimeArgument.iso8601(seconds)
            #expect(TimeArgument(parsing: text)?.seconds == seconds, "\(seconds) -> \(text)")
            if seconds >= 0 {
                #expect(text == formatter.string(from: Date(timeIntervalSince1970: Double(seconds))), "\(seconds)")
            }
        }
        #expect(TimeArgument(parsing: "2026-11-29T20:00:00Z\n")?.seconds == Self.instant)
    }
}
