import EventStore
import Logging
import SQLiteNIO

/// The schema of the event store, as the ordered list of migrations that build it.
///
/// A migration once released is never edited: a change is a new, higher-numbered migration.
enum SQLiteMigrations {
  static let all: [SQLiteMigration] = [
    SQLiteMigration(
      version: 1,
      statements: [
        // AUTOINCREMENT: a position is never handed out twice, not even the position of the
        // newest event after it is (somehow) gone, so a reader's checkpoint stays meaningful.
        """
        CREATE TABLE events (
          position INTEGER PRIMARY KEY AUTOINCREMENT,
          id BLOB NOT NULL UNIQUE CHECK (length(id) = 16),
          tenant_id BLOB NOT NULL CHECK (length(tenant_id) = 16),
          stream TEXT NOT NULL,
          version INTEGER NOT NULL CHECK (version >= 1),
          type TEXT NOT NULL,
          schema_version INTEGER NOT NULL,
          data BLOB NOT NULL,
          metadata BLOB NOT NULL,
          recorded_at INTEGER NOT NULL,
          UNIQUE (tenant_id, stream, version)
        )
        """,
        // The log is append-only, and the database itself says so to every connection.
        """
        CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END
        """,
        """
        CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END
        """,
      ]),
    // Keys for personal data, outside the log (``KeyStore``): deleting one erases what it sealed.
    SQLiteMigration(
      version: 2,
      statements: [
        """
        CREATE TABLE personal_keys (
          subject_id BLOB PRIMARY KEY CHECK (length(subject_id) = 16),
          tenant_id BLOB NOT NULL CHECK (length(tenant_id) = 16),
          key BLOB NOT NULL CHECK (length(key) = 32),
          created_at INTEGER NOT NULL
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE shared_secrets (
          purpose TEXT PRIMARY KEY,
          secret BLOB NOT NULL CHECK (length(secret) = 32),
          created_at INTEGER NOT NULL
        ) WITHOUT ROWID
        """,
      ]),
  ]

  /// Brings the database up to the newest migration; safe to run at every open, from several
  /// connections or processes at once.
  ///
  /// Each missing migration is re-checked inside its own write transaction, so two stores
  /// opening the same new file never apply one twice.
  ///
  /// - Throws: ``EventStoreError/Code/corrupted`` when the file was migrated by a newer build
  ///   (a schema this build does not know).
  static func apply(on connection: SQLiteConnection, logger: Logger) async throws(EventStoreError) {
    try await connection.execute(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
      while: "creating schema_migrations")
    let applied = try await appliedVersions(on: connection)
    if let newest = applied.max(), let known = all.last?.version, newest > known {
      throw EventStoreError(
        .corrupted, "the database is at schema version \(newest); this build knows versions up to \(known)")
    }
    for migration in all where !applied.contains(migration.version) {
      try await connection.transaction(while: "applying migration \(migration.version)") {
        () async throws(EventStoreError) in
        guard try await !appliedVersions(on: connection).contains(migration.version) else { return }
        for statement in migration.statements {
          try await connection.execute(statement, while: "applying migration \(migration.version)")
        }
        try await connection.execute(
          "INSERT INTO schema_migrations (version, applied_at) VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
          [.integer(migration.version)], while: "recording migration \(migration.version)")
        logger.info("applied event store migration", metadata: ["migration": "\(migration.version)"])
      }
    }
  }

  static func appliedVersions(on connection: SQLiteConnection) async throws(EventStoreError) -> Set<Int> {
    var versions: Set<Int> = []
    for row in try await connection.rows("SELECT version FROM schema_migrations", while: "reading schema_migrations") {
      guard case .integer(let version) = row.column("version") else {
        throw EventStoreError(.corrupted, "schema_migrations holds a version that is not an integer")
      }
      versions.insert(Int(version))
    }
    return versions
  }
}
