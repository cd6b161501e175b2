import EventStore
import PostgresNIO

extension PostgresEventStore {
  /// The key of the session advisory lock held while migrating ("CohortMG" in ASCII).
  static let migrationLock: Int64 = 0x436F_686F_7274_4D47

  /// Brings the schema up to date: applies every migration of ``PostgresMigrations`` that the
  /// `schema_migrations` table does not list yet, each in its own transaction.
  ///
  /// Safe to call on every start and from several servers at once: the servers queue on an
  /// advisory lock, and each re-reads `schema_migrations` once it holds the lock, so a migration
  /// runs exactly once. A database migrated by a newer server (versions this one does not know)
  /// is refused (``EventStoreError/Code/corrupted``, as SQLite's): this build would misread it.
  /// So is a session whose `synchronous_commit` is off despite the store's setting (a pooler
  /// that drops startup parameters): an acknowledged command could be lost in a crash.
  public func migrate() async throws(EventStoreError) {
    try await connections.withConnection { [self] connection throws(EventStoreError) in
      try await requireSynchronousCommit(on: connection)
      // A migration may take long on a big log, and waits for another server's: no session
      // limits meanwhile (RESET returns to the store's, given at connection start).
      try await connection.execute("SET statement_timeout = 0", logger: logger)
      try await connection.execute("SET lock_timeout = 0", logger: logger)
      do throws(EventStoreError) {
        try await connection.execute("SELECT pg_advisory_lock(\(Self.migrationLock))", logger: logger)
        do throws(EventStoreError) {
          try await applyMigrations(on: connection)
        } catch {
          await unlockMigrations(on: connection)
          throw error
        }
        await unlockMigrations(on: connection)
      } catch {
        await resetSessionLimits(on: connection)
        throw error
      }
      await resetSessionLimits(on: connection)
    }
  }

  private func resetSessionLimits(on connection: PostgresConnection) async {
    try? await connection.execute("RESET statement_timeout", logger: logger)
    try? await connection.execute("RESET lock_timeout", logger: logger)
  }

  private func requireSynchronousCommit(on connection: PostgresConnection) async throws(EventStoreError) {
    let rows = try await connection.rows("SHOW synchronous_commit", logger: logger)
    guard let setting = rows.first.flatMap({ try? $0.decode(String.self) }) else {
      throw EventStoreError(.storage, "SHOW synchronous_commit answered nothing")
    }
    guard setting != "off" else {
      throw EventStoreError(
        .storage,
        "synchronous_commit is off on this session although cohortd asks for it on: acknowledged commands could be lost in a crash; connect without a pooler that drops startup parameters, or turn it on for cohortd's role (ALTER ROLE … SET synchronous_commit = on)"
      )
    }
  }

  private func applyMigrations(on connection: PostgresConnection) async throws(EventStoreError) {
    try await connection.execute(
      """
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version int PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )
      """, logger: logger)
    var applied: Set<Int32> = []
    for row in try await connection.rows("SELECT version FROM schema_migrations", logger: logger) {
      guard let version = try? row.decode(Int32.self) else {
        throw EventStoreError(.corrupted, "schema_migrations holds a version that is not an integer")
      }
      applied.insert(version)
    }
    if let newest = applied.max(), let known = PostgresMigrations.all.last?.version, newest > known {
      throw EventStoreError(
        .corrupted,
        "the database is at schema version \(newest); this build knows versions up to \(known): run a newer cohortd")
    }
    for migration in PostgresMigrations.all where !applied.contains(migration.version) {
      try await connection.execute("BEGIN", logger: logger)
      do {
        for statement in migration.statements {
          try await connection.execute(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
        try await connection.execute(
          "INSERT INTO schema_migrations (version) VALUES (\(migration.version))", logger: logger)
        try await connection.execute("COMMIT", logger: logger)
      } catch {
        await connection.rollback(after: error, logger: logger)
        throw EventStoreError(
          error.code, "migration \(migration.version) failed: \(error.detail)", stream: error.stream)
      }
      logger.info("applied event store migration", metadata: ["version": "\(migration.version)"])
    }
  }

  /// Releases the migration lock. If that fails the connection is closed, which releases it too,
  /// so that the pool never keeps a connection holding it.
  private func unlockMigrations(on connection: PostgresConnection) async {
    do {
      try await connection.execute("SELECT pg_advisory_unlock(\(Self.migrationLock))", logger: logger)
    } catch {
      try? await connection.close()
    }
  }
}
