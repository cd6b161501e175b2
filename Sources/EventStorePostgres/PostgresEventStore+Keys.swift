import EventStore
import Foundation
import PostgresNIO

/// The personal-data keys in tables `personal_keys` and `shared_secrets` of the same database.
///
/// A key is created in the transaction of the next append batch (``AppendWriter``): a
/// transaction of its own would wait for a disk flush of its own, per new person. The batch
/// inserts it with `ON CONFLICT DO NOTHING` after taking the append lock and reads it back in
/// the next statement, so servers creating the key of one subject at once all end up with the
/// one stored first. A key deleted between the two (the person forgotten meanwhile) is made
/// again: the caller asked for a key, and the person it registers now is a new record. A
/// deleted row stays in the table's file until VACUUM reclaims it, and in backups and archived
/// WAL taken before: the README says so.
extension PostgresEventStore: KeyStore {
  public func key(for subject: UUID, tenantID: UUID) async throws(EventStoreError) -> EncryptionKey {
    for _ in 0..<5 {
      let written = try await committer.submit(.key(subject: subject, tenantID: tenantID, fresh: .random()))
      guard case .key(let stored) = written else {
        throw EventStoreError(.storage, "a key was answered as an append")
      }
      if let stored { return stored }
    }
    throw EventStoreError(.unavailable, "the personal-data key was deleted each time it was made; retry")
  }

  public func existingKeys(_ subjects: Set<UUID>) async throws(EventStoreError) -> [UUID: EncryptionKey] {
    guard !subjects.isEmpty else { return [:] }
    return try await connections.withConnection { [self] connection throws(EventStoreError) in
      try await storedKeys(Array(subjects), on: connection)
    }
  }

  public func deleteKey(for subject: UUID) async throws(EventStoreError) {
    try await connections.withConnection { [self] connection throws(EventStoreError) in
      try await connection.execute("DELETE FROM personal_keys WHERE subject_id = \(subject)", logger: logger)
    }
  }

  public func sharedSecret(_ purpose: String) async throws(EventStoreError) -> EncryptionKey {
    try await connections.withConnection { [self] connection throws(EventStoreError) in
      let fresh = ByteBuffer(data: EncryptionKey.random().bytes)
      try await connection.execute(
        """
        INSERT INTO shared_secrets (purpose, secret) VALUES (\(purpose), \(fresh))
        ON CONFLICT (purpose) DO NOTHING
        """, logger: logger)
      let rows = try await connection.rows(
        "SELECT secret FROM shared_secrets WHERE purpose = \(purpose)", logger: logger)
      guard let bytes = try? rows.first?.decode(Data.self), let secret = EncryptionKey(bytes: bytes) else {
        throw EventStoreError(.corrupted, "the shared secret \(purpose) is missing or not 256 bits")
      }
      return secret
    }
  }

  private func storedKeys(
    _ subjects: [UUID], on connection: PostgresConnection
  ) async throws(EventStoreError) -> [UUID: EncryptionKey] {
    let rows = try await connection.rows(
      "SELECT subject_id, key FROM personal_keys WHERE subject_id = ANY(\(subjects))", logger: logger)
    return try Self.keys(in: rows)
  }

  private static func keys(in rows: [PostgresRow]) throws(EventStoreError) -> [UUID: EncryptionKey] {
    var found: [UUID: EncryptionKey] = [:]
    for row in rows {
      guard let (subject, bytes) = try? row.decode((UUID, Data).self), let key = EncryptionKey(bytes: bytes) else {
        throw EventStoreError(.corrupted, "a row of personal_keys is not an id and a 256-bit key")
      }
      found[subject] = key
    }
    return found
  }
}
