import EventStore
import SQLiteNIO

extension SQLiteConnection {
  /// What a connection of the store is for.
  enum Role {
    case writer
    case reader
    /// The personal-data keys (``KeyStore``): its own connection, so that a key is never written
    /// inside the writer's open append transaction.
    case keys
  }

  /// Sets the connection's pragmas (see ``SQLiteEventStore`` for why these values).
  ///
  /// The writer's `journal_mode` is the first statement that reads the file, so a file that is
  /// not a database fails here with ``EventStoreError/Code/corrupted``.
  func configure(role: Role, path: String) async throws(EventStoreError) {
    let action = "configuring \(path)"
    // Replaces the driver's busy handler, which retries forever without sleeping.
    try await execute("PRAGMA busy_timeout = \(SQLiteEventStore.busyTimeoutMilliseconds)", while: action)
    switch role {
    case .writer:
      // The journal mode is stored in the file: set once, every later connection uses WAL.
      let mode = try await rows("PRAGMA journal_mode = WAL", while: action).first?.column("journal_mode")?.string
      guard mode == "wal" else {
        throw EventStoreError(.unavailable, "\(action): journal mode is \(mode ?? "unknown"), not wal")
      }
    case .reader:
      try await execute("PRAGMA query_only = ON", while: action)
    case .keys:
      // A deleted key's bytes are overwritten with zeros, not left in a free page of the file.
      try await execute("PRAGMA secure_delete = ON", while: action)
    }
    try await execute("PRAGMA synchronous = FULL", while: action)
    // SQLite leaves foreign keys unenforced unless each connection asks; the schema has none
    // yet, so this keeps any a later migration adds from being silently ignored.
    try await execute("PRAGMA foreign_keys = ON", while: action)
  }
}
