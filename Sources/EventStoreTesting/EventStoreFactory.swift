import EventStore

/// How the contract suite gets stores: `open()` returns a store on the factory's one database,
/// and calling it again after `close` is a restart of the same database.
///
/// Cases run concurrently on one database and never assume it is empty: each uses its own
/// tenant and looks only at its own events.
public protocol EventStoreFactory: Sendable {
  func open() async throws -> any EventStore
  func close(_ store: any EventStore) async throws
}
