/// How the contacts that the sandbox makes at start (`--preload-contacts`) are spread in time: the shapes that a
/// partitioned export meets in real workspaces.
public enum PreloadShape: String, Sendable, CaseIterable {
    /// `created_at` evenly over the last `days` days; users only, one domain (the historical preload).
    case spread
    /// Every contact created on one day (today), as one import makes them, with the variety the import brought:
    /// sign-up dates over the last `days` days (and some none), users and leads, a few hundred email domains of very
    /// different sizes.
    case migration
    /// `created_at` over the last `days` days, most of it recent (the density grows as the cube of the time).
    case recent
}
