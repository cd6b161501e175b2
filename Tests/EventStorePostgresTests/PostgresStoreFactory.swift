import EventStore
import EventStorePostgres
import EventStoreTesting
import Foundation
import Synchronization

/// Opens stores on the one test database: each `open()` is a new store with its own connection
/// pool (a restart, as far as the contract is concerned), running and migrated.
final class PostgresStoreFactory: EventStoreFactory {
  private let running = Mutex<[ObjectIdentifier: Task<Void, any Error>]>([:])

  func open() async throws -> any EventStore {
    let store = PostgresEventStore(configuration: try TestDatabase.configuration(), logger: TestDatabase.logger)
    let task = Task { try await store.run() }
    running.withLock { $0[ObjectIdentifier(store)] = task }
    do {
      try await store.migrate()
    } catch {
      try await close(store)
      throw error
    }
    return store
  }

  func close(_ store: any EventStore) async throws {
    guard let store = store as? PostgresEventStore,
      let task = running.withLock({ $0.removeValue(forKey: ObjectIdentifier(store)) })
    else { return }
    task.cancel()
    _ = await task.result
  }
}
