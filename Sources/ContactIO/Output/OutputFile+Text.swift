extension OutputFile {
    /// Writes a whole small file (a summary) so that it appears complete or not at all.
    public static func write(path: String, text: String) throws {
        let file = try OutputFile(path: path)
        try file.write(Array(text.utf8))
        try file.commit()
    }
}
