import Crypto
import Foundation
import Synchronization

/// Encryption keys for personal data, one per subject (a person), kept in the same database as
/// the event log but outside it.
///
/// The log is append-only, so personal data in it cannot be deleted; it is encrypted with its
/// subject's key instead, and deleting the key erases it everywhere at once ("crypto-shredding"):
/// the events stay, readable except for what the key sealed. The same database holds the keys so
/// that every server sharing the log shares them, and a backup of one is a backup of the other.
///
/// Every implementation passes the contract in `EventStoreTesting` (``KeyStore`` part).
public protocol KeyStore: Sendable {
  /// The key of `subject`, created (``EncryptionKey/random()``) if it has none. Every caller, in every
  /// process on the database, gets the same key for a subject until the key is deleted.
  func key(for subject: UUID, tenantID: UUID) async throws(EventStoreError) -> EncryptionKey

  /// The keys that exist among `subjects`; a subject without a key (never created, or deleted)
  /// is absent from the result.
  func existingKeys(_ subjects: Set<UUID>) async throws(EventStoreError) -> [UUID: EncryptionKey]

  /// Deletes the key of `subject` for good. Deleting a key that does not exist is not an error.
  func deleteKey(for subject: UUID) async throws(EventStoreError)

  /// A secret for `purpose` shared by every server on the database, created on first use: the
  /// key of the keyed hash that turns e-mail addresses into ids, for example.
  func sharedSecret(_ purpose: String) async throws(EventStoreError) -> EncryptionKey
}

/// A ``KeyStore`` in memory, for tests and for ``InMemoryEventStore``.
public final class InMemoryKeyStore: KeyStore {
  private struct State {
    var keys: [UUID: EncryptionKey] = [:]
    var secrets: [String: EncryptionKey] = [:]
  }

  private let state: Mutex<State>

  /// A store holding `keys` already (fixed keys, for stored examples in tests).
  public init(keys: [UUID: EncryptionKey] = [:]) {
    state = Mutex(State(keys: keys))
  }

  public func key(for subject: UUID, tenantID: UUID) async throws(EventStoreError) -> EncryptionKey {
    state.withLock { state in
      if let key = state.keys[subject] { return key }
      let key = EncryptionKey.random()
      state.keys[subject] = key
      return key
    }
  }

  public func existingKeys(_ subjects: Set<UUID>) async throws(EventStoreError) -> [UUID: EncryptionKey] {
    state.withLock { state in state.keys.filter { subjects.contains($0.key) } }
  }

  public func deleteKey(for subject: UUID) async throws(EventStoreError) {
    _ = state.withLock { $0.keys.removeValue(forKey: subject) }
  }

  public func sharedSecret(_ purpose: String) async throws(EventStoreError) -> EncryptionKey {
    state.withLock { state in
      if let secret = state.secrets[purpose] { return secret }
      let secret = EncryptionKey.random()
      state.secrets[purpose] = secret
      return secret
    }
  }
}

/// A 256-bit key, as a ``KeyStore`` keeps it.
public struct EncryptionKey: Sendable, Hashable {
  /// The key's 32 bytes.
  public let bytes: Data

  /// A key read back from storage; `nil` unless it is 256 bits.
  public init?(bytes: Data) {
    guard bytes.count == 32 else { return nil }
    self.bytes = bytes
  }

  /// A new key of 256 random bits from the system's secure generator.
  public static func random() -> EncryptionKey {
    EncryptionKey(unchecked: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
  }

  /// The key for swift-crypto's ciphers and MACs.
  public var symmetricKey: SymmetricKey { SymmetricKey(data: bytes) }

  private init(unchecked bytes: Data) { self.bytes = bytes }
}
