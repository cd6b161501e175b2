import EventStore
import EventStoreSQLite
import EventStoreTesting
import Testing

/// Opens a new store object on the factory's one file each time: reopening is a restart of the
/// same database, and the cases that run at the same time also exercise several stores (like
/// several processes) sharing one file.
struct SQLiteFactory: EventStoreFactory {
  let path: String

  func open() async throws -> any EventStore {
    try await SQLiteEventStore.open(path: path, logger: SQLiteTesting.logger)
  }

  func close(_ store: any EventStore) async throws {
    await (store as? SQLiteEventStore)?.close()
  }
}

@Suite("SQLite event store")
struct SQLiteEventStoreTests {
  static let directory = SQLiteTestDirectory()
  static let factory = SQLiteFactory(path: directory.databasePath)

  // One case at a time: they share the file, and 18 writers at once on a loaded machine can wait
  // out SQLite's busy timeout (seen once in CI-like load: "store unavailable").
  @Test(
    "contract", .serialized, RemovingSQLiteTestDirectory(directory: directory), arguments: EventStoreContract.cases)
  func contract(_ check: EventStoreContract.Case) async throws {
    try await check.run(Self.factory)
  }

  // A file of its own: each test's trait removes its directory when that test ends. One case at
  // a time, like the contract above (five at once waited out the busy timeout in CI-like load).
  static let keyDirectory = SQLiteTestDirectory()

  @Test(
    "key store contract", .serialized, RemovingSQLiteTestDirectory(directory: keyDirectory),
    arguments: KeyStoreContract.cases)
  func keys(_ check: KeyStoreContract.Case) async throws {
    try await check.run(SQLiteFactory(path: Self.keyDirectory.databasePath))
  }
}
