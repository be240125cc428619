extension IntercomETL.Import {
    /// `import --help`'s text: what the command does, its guarantees and its exit codes.
    static let discussion = """
        Reads the file (CSV or NDJSON, plain or gzip, or '-' for stdin), maps and validates each row, looks \
        the rows up in batches of 15 by the mapping's match key, and creates the missing contacts and \
        updates the found ones where something differs, on --concurrency workers that share Intercom's rate \
        limit. Rows with the same key are applied to one contact in file order; keys written in the run are \
        remembered with their id, so search-index lag cannot make duplicates, and a 409 becomes an update of \
        the existing contact.

        Before writing, the mapping's custom attributes are checked against the workspace \
        (--create-attributes creates the missing ones). Rows refused by validation go to --rejects; rows \
        that could not be written (5xx or network failures after retries, or not sent because the run \
        stopped) go to --failures in the input's own format, so that file can be imported again as it is.

        With --state FILE the import keeps a sync state (SQLite) for nightly runs: for each key, the contact \
        id and a fingerprint of the row last written. A row whose cells and mapping are unchanged since costs \
        no call; a changed row with a stored id is updated by it without a lookup; a write is recorded only \
        after Intercom confirmed it, so a crash or Ctrl-C loses nothing and the same command resumes the \
        work. A contact deleted in Intercom is noticed when its row changes (the stored id answers 404: it is \
        looked up, created again and reported); --full compares every row with Intercom once, as if there \
        were no state. See `intercom-etl state show|reset FILE`.

        The summary always satisfies: read = created + updated + unchanged + rejected + failed. On a \
        terminal a progress line shows rows/s, calls/s and the share of the rate limit used. Ctrl-C (or \
        SIGTERM) stops taking rows, lets calls in flight finish, and still writes the summary and reports.

        With --state, a run holds the state (a sidecar STATE.lock) until it ends; a second run on the same \
        state exits 75 at once, naming the holder. A run that was killed holds nothing.

        Exit codes: 0 every row imported or unchanged (or rejected within --allow-rejects); 1 some rows \
        rejected or failed; 2 the input or a report could not be read or written; 3 authentication failed \
        before any row; 7 Intercom could not be reached; 10 the run stopped early (authentication, \
        --max-errors, interrupted: the same command finishes the work); 65 invalid mapping; 75 another run \
        holds the --state; 78 the workspace lacks mapped attributes, or bad setup.
        """
}
