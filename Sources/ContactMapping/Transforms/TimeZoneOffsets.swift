import Foundation

/// A named time zone (`Europe/Berlin`) for timestamps written without an offset: the UTC instant of a wall-clock
/// time, daylight saving time included.
public struct TimeZoneOffsets: Sendable {
    let zone: TimeZone

    /// Nil when the zone's name is not one of the time zone database.
    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.zone = zone
    }

    /// The epoch seconds of the wall-clock time `local` (its seconds as if it were UTC) in this zone. A time that a
    /// change to summer time skips is read with the offset before the change; one that occurs twice, as the first.
    public func utc(fromLocal local: Int) -> Int {
        let guess = local - zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local)))
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(guess)))
        return local - offset
    }
}
