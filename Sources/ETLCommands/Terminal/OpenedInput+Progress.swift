import ContactIO

extension OpenedInput {
    /// The size to show progress against: the file's when it is read as stored (not through gzip or a pipe).
    var progressSize: Int? { compression == .none ? fileSize : nil }
}
