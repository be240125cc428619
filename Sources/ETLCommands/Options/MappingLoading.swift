import ContactMapping

/// Loads the mapping file named by `--mapping`; an invalid one is reported on stderr and ends the command (exit 65).
func loadMapping(_ path: String) throws -> MappingFile {
    do {
        return try MappingFile.load(path: path)
    } catch {
        StandardStreams.printError("error: \(error)")
        throw ETLExit.mappingInvalid
    }
}
