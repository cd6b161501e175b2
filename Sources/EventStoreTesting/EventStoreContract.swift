import EventStore
import Foundation

/// The promises every event store keeps, as cases a test target runs against its store:
///
/// ```swift
/// @Test(arguments: EventStoreContract.cases)
/// func contract(_ check: EventStoreContract.Case) async throws {
///   try await check.run(factory)
/// }
/// ```
public enum EventStoreContract {
  public struct Case: Sendable, CustomStringConvertible {
    public let description: String
    let body: @Sendable (any EventStoreFactory) async throws -> Void

    public func run(_ factory: any EventStoreFactory) async throws { try await body(factory) }
  }

  public static let cases: [Case] = appending + idempotency + reading + subscribing + concurrency

  /// Runs `body` with a freshly opened store and closes it afterwards, even on failure.
  static func with<T: Sendable>(
    _ factory: any EventStoreFactory, _ body: (any EventStore) async throws -> T
  ) async throws -> T {
    let store = try await factory.open()
    do {
      let result = try await body(store)
      try await factory.close(store)
      return result
    } catch {
      try? await factory.close(store)
      throw error
    }
  }

  static func `case`(
    _ name: String, _ body: @escaping @Sendable (any EventStore) async throws -> Void
  ) -> Case {
    Case(description: name) { factory in try await with(factory, body) }
  }
}

/// A tenant of its own per case, and events that are easy to tell apart.
struct Fixture {
  let tenant = UUID()

  func stream(_ name: String = "cohort") -> StreamName {
    StreamName(tenantID: tenant, category: name, id: UUID())
  }

  func event(_ label: String, type: String = "TestEvent", bytes: Int = 0) -> EventData {
    var data = Data(label.utf8)
    if bytes > 0 { data += Data((0..<bytes).map { UInt8(truncatingIfNeeded: $0 &* 31) }) }
    return EventData(id: UUID(), type: type, schemaVersion: 1, data: data, metadata: Data("m:\(label)".utf8))
  }

  func events(_ count: Int, _ prefix: String = "e") -> [EventData] {
    (0..<count).map { event("\(prefix)\($0)") }
  }

  /// This tenant's events in the whole log after `position`, read in small batches.
  func all(in store: any EventStore, after position: Int64 = 0, batch: Int = 7) async throws -> [RecordedEvent] {
    var found: [RecordedEvent] = []
    var cursor = position
    while true {
      let page = try await store.readAll(after: cursor, limit: batch)
      try require(page.count <= batch, "readAll returned \(page.count) events for a limit of \(batch)")
      guard let last = page.last else { return found }
      try require(zip(page, page.dropFirst()).allSatisfy { $0.position < $1.position }, "readAll out of order")
      try require(page[0].position > cursor, "readAll returned an event at or before its start position")
      found += page.filter { $0.stream.tenantID == tenant }
      cursor = last.position
    }
  }
}
