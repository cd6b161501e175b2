import CohortAPI
import Crypto
import EventStore
import Foundation
import SwiftProtobuf
import Synchronization

/// The keys of the people this server has seen, in memory in front of the ``KeyStore``, and
/// sealing and opening of their personal data with them.
///
/// Codecs run synchronously, so keys are fetched before they are needed: by a command handler
/// before it encodes a person's events (``key(for:tenantID:)``), and by the projection before
/// it folds a batch (``load(_:)``). A key that cannot be found means the person was forgotten:
/// their data opens as `nil` (erased), never as an error.
final class KeyRing: Sendable {
  let store: any KeyStore
  private let keys = Mutex<[UUID: EncryptionKey]>([:])

  init(store: any KeyStore) {
    self.store = store
  }

  /// The key of `subject`, created in the store if it has none.
  func key(for subject: UUID, tenantID: UUID) async throws(EventStoreError) -> EncryptionKey {
    if let key = cached(subject) { return key }
    let key = try await store.key(for: subject, tenantID: tenantID)
    keys.withLock { $0[subject] = key }
    return key
  }

  /// Fetches the keys of those `subjects` that are not in memory yet (one query).
  func load(_ subjects: Set<UUID>) async throws(EventStoreError) {
    let missing = keys.withLock { keys in subjects.filter { keys[$0] == nil } }
    guard !missing.isEmpty else { return }
    let found = try await store.existingKeys(missing)
    keys.withLock { $0.merge(found) { current, _ in current } }
  }

  /// Deletes the key of `subject` for good, here and in the store.
  func erase(_ subject: UUID) async throws(EventStoreError) {
    try await store.deleteKey(for: subject)
    dropFromMemory(subject)
  }

  /// Lets go of a key that another server deleted (it saw the person forgotten).
  func dropFromMemory(_ subject: UUID) {
    _ = keys.withLock { $0.removeValue(forKey: subject) }
  }

  func cached(_ subject: UUID) -> EncryptionKey? {
    keys.withLock { $0[subject] }
  }

  /// `message` encrypted with the key of `subject` (which must be loaded).
  func seal(_ message: some SwiftProtobuf.Message, for subject: UUID) throws -> Cohort_V1_Events_Sealed {
    guard let key = cached(subject) else {
      throw EventStoreError(.storage, "no personal-data key is loaded for \(subject.lowercased)")
    }
    let plaintext: Data = try message.serializedBytes()
    let box = try AES.GCM.seal(
      plaintext, using: key.symmetricKey, authenticating: Self.context(subject, type(of: message)))
    guard let combined = box.combined else {
      throw EventStoreError(.storage, "AES-GCM gave no combined box")
    }
    return .with { $0.box = combined }
  }

  /// The message sealed for `subject`, or `nil` when its key is gone (the person was forgotten).
  func open<M: SwiftProtobuf.Message>(_ sealed: Cohort_V1_Events_Sealed, as _: M.Type, for subject: UUID) throws -> M? {
    guard let key = cached(subject) else { return nil }
    let box = try AES.GCM.SealedBox(combined: sealed.box)
    guard
      let plaintext = try? AES.GCM.open(box, using: key.symmetricKey, authenticating: Self.context(subject, M.self))
    else {
      // Sealed with an earlier key of this subject (forgotten, then registered again): gone too.
      return nil
    }
    return try M(serializedBytes: plaintext)
  }

  /// Binds a sealed value to its subject and its message type.
  private static func context(_ subject: UUID, _ type: any SwiftProtobuf.Message.Type) -> [UInt8] {
    // One allocation and two block copies: a rebuild opens a sealed value per enrollment.
    let name = type.protoMessageName.utf8
    var context: [UInt8] = []
    context.reserveCapacity(16 + name.count)
    withUnsafeBytes(of: subject.uuid) { context.append(contentsOf: $0) }
    context.append(contentsOf: name)
    return context
  }
}

/// Ids derived from e-mail addresses with a keyed hash (HMAC-SHA-256 under a secret shared by the
/// servers of one database), so that a stream name or an id in the log says nothing about the
/// e-mail to anyone without the secret: a plain hash of an address is easy to guess back.
struct PersonIdentity: Sendable {
  static let purpose = "person-id"
  let secret: EncryptionKey

  /// The id of the person with this (normalised) e-mail in the tenant.
  func personID(tenantID: UUID, email: String) -> UUID {
    let mac = HMAC<SHA256>.authenticationCode(
      for: Data("\(tenantID.lowercased)/\(email)".utf8), using: secret.symmetricKey)
    var bytes = Array(mac.prefix(16))
    // RFC 9562 version 8 (custom), variant 10.
    bytes[6] = (bytes[6] & 0x0F) | 0x80
    bytes[8] = (bytes[8] & 0x3F) | 0x80
    return UUID(
      uuid: (
        bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
        bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
      ))
  }
}
