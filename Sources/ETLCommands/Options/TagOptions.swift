import ArgumentParser
import ContactSync

/// `--tag-batch` and `--sync-tags`: how an import applies the tags of its mapping.
struct TagOptions: ParsableArguments {
    @Option(
        name: .customLong("tag-batch"),
        help: """
            Contacts tagged by one POST /tags (1 to 1000). Intercom documents no limit; a batch it refuses is halved \
            and sent again, and the run goes on with the smaller size.
            """)
    var tagBatch = 100

    @Flag(
        name: .customLong("sync-tags"),
        help: """
            The file is the truth for the tags it names: a contact of the file that has such a tag its row does not \
            give loses it. Without it, tags are only added.
            """)
    var syncTags = false

    func validate() throws {
        guard (1...1_000).contains(tagBatch) else { throw ValidationError("--tag-batch must be 1 to 1000") }
    }

    /// The options with these set.
    func applied(to options: ImportOptions) -> ImportOptions {
        var options = options
        options.tagBatch = tagBatch
        options.syncTags = syncTags
        return options
    }
}
