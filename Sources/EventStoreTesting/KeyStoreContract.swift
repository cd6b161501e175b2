import EventStore
import Foundation

/// The promises of a ``KeyStore`` beside an event store, as cases a test target runs against its
/// factory (whose stores must also be key stores):
///
/// ```swift
/// @Test(arguments: KeyStoreContract.cases)
/// func keys(_ check: KeyStoreContract.Case) async throws { try await check.run(factory) }
/// ```
public enum KeyStoreContract {
  public typealias Case = EventStoreContract.Case

  public static let cases: [Case] = [
    keyed("a subject keeps one 256-bit key; subjects have their own") { keys, _ in
      let (tenant, first, second) = (UUID(), UUID(), UUID())
      let key = try await keys.key(for: first, tenantID: tenant)
      try require(key.bytes.count == 32, "a key of \(key.bytes.count) bytes")
      try require(try await keys.key(for: first, tenantID: tenant) == key, "a second call made another key")
      try require(try await keys.key(for: second, tenantID: tenant) != key, "two subjects share a key")
    },
    keyed("stores on one database creating the same keys at once agree on them") { keys, factory in
      let tenant = UUID()
      let subjects = (0..<24).map { _ in UUID() }
      let (mine, theirs) = try await withAnotherStore(factory) { otherKeys in
        try await (created(subjects, tenant, in: keys), created(subjects.reversed(), tenant, in: otherKeys))
      }
      try require(mine == theirs, "two stores created different keys for one subject")
      try require(Set(mine.values).count == subjects.count, "subjects share keys")
    },
    keyed("existing keys are exactly those created and not deleted") { keys, _ in
      let tenant = UUID()
      let (kept, deleted, never) = (UUID(), UUID(), UUID())
      let keptKey = try await keys.key(for: kept, tenantID: tenant)
      _ = try await keys.key(for: deleted, tenantID: tenant)
      try await keys.deleteKey(for: deleted)
      try await keys.deleteKey(for: deleted)
      try await keys.deleteKey(for: never)
      let found = try await keys.existingKeys([kept, deleted, never])
      try require(found == [kept: keptKey], "existing keys: \(found.keys.sorted { $0.uuidString < $1.uuidString })")
      try require(try await keys.existingKeys([]).isEmpty, "keys found for no subjects")
    },
    keyed("a deleted key is gone for every store, and a new key is another key") { keys, factory in
      let (tenant, subject) = (UUID(), UUID())
      let old = try await keys.key(for: subject, tenantID: tenant)
      try await keys.deleteKey(for: subject)
      try await withAnotherStore(factory) { otherKeys in
        try require(try await otherKeys.existingKeys([subject]).isEmpty, "another store still finds the deleted key")
        let new = try await otherKeys.key(for: subject, tenantID: tenant)
        try require(new != old, "the deleted key came back")
      }
    },
    keyed("a key asked for while another caller deletes it is a key, never an error") { keys, _ in
      // A person registered again while being forgotten (found by the fuzzer on PostgreSQL: the
      // key was deleted between the insert that found it and the read that fetched it).
      let tenant = UUID()
      for _ in 0..<40 {
        let subject = UUID()
        _ = try await keys.key(for: subject, tenantID: tenant)
        try await withThrowingTaskGroup(of: Void.self) { group in
          for index in 0..<6 {
            group.addTask {
              if index % 2 == 0 {
                try await keys.deleteKey(for: subject)
              } else {
                let key = try await keys.key(for: subject, tenantID: tenant)
                try require(key.bytes.count == 32, "a key of \(key.bytes.count) bytes")
              }
            }
          }
          try await group.waitForAll()
        }
      }
    },
    keyed("keys and shared secrets outlive a restart; each purpose has its own secret") { keys, factory in
      let (tenant, subject) = (UUID(), UUID())
      let key = try await keys.key(for: subject, tenantID: tenant)
      let secret = try await keys.sharedSecret("contract-a")
      try require(try await keys.sharedSecret("contract-a") == secret, "the shared secret changed")
      try require(try await keys.sharedSecret("contract-b") != secret, "two purposes share a secret")
      try await withAnotherStore(factory) { again in
        try require(try await again.existingKeys([subject]) == [subject: key], "the key did not survive a restart")
        try require(try await again.sharedSecret("contract-a") == secret, "the shared secret did not survive")
      }
    },
  ]

  private static func keyed(
    _ name: String, _ body: @escaping @Sendable (any KeyStore, any EventStoreFactory) async throws -> Void
  ) -> Case {
    Case(description: "keys: \(name)") { factory in
      try await withAnotherStore(factory) { keys in try await body(keys, factory) }
    }
  }

  /// Runs `body` with a second store on the factory's database (another process, or a restart).
  private static func withAnotherStore<T: Sendable>(
    _ factory: any EventStoreFactory, _ body: (any KeyStore) async throws -> T
  ) async throws -> T {
    try await EventStoreContract.with(factory) { store in
      guard let keys = store as? any KeyStore else { throw notKeyStore(store) }
      return try await body(keys)
    }
  }

  private static func created(
    _ subjects: [UUID], _ tenant: UUID, in keys: any KeyStore
  ) async throws -> [UUID: Data] {
    try await withThrowingTaskGroup(of: (UUID, Data).self) { group in
      for subject in subjects {
        group.addTask { (subject, try await keys.key(for: subject, tenantID: tenant).bytes) }
      }
      return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
    }
  }

  private static func notKeyStore(_ store: any EventStore) -> ContractFailure {
    ContractFailure(message: "\(type(of: store)) is not a KeyStore", location: #fileID)
  }
}
