import EventStore
import Foundation
import SQLiteNIO

/// The personal-data keys in tables `personal_keys` and `shared_secrets` of the same file.
///
/// A key is created with `INSERT OR IGNORE` and then read back, so two servers creating the key
/// of one subject at once both end up with the one that was stored first. Deleted keys are
/// overwritten on disk (`secure_delete`); the write-ahead log may hold a copy of the old page
/// until a checkpoint, which deleting runs at once unless the database is busy.
extension SQLiteEventStore: KeyStore {
  public func key(for subject: UUID, tenantID: UUID) async throws(EventStoreError) -> EncryptionKey {
    try await gate.run { () async throws(EventStoreError) -> EncryptionKey in
      // A key deleted between the insert and the read (the person forgotten meanwhile, perhaps
      // by another process on the file) is made again.
      for _ in 0..<5 {
        try await writeTurns.run { () async throws(EventStoreError) in
          try await keys.execute(
            "INSERT OR IGNORE INTO personal_keys (subject_id, tenant_id, key, created_at) VALUES (?, ?, ?, ?)",
            [
              subject.sqliteBlob, tenantID.sqliteBlob, .blob(ByteBuffer(data: EncryptionKey.random().bytes)),
              .integer(Int(Date().sqliteMicroseconds)),
            ], while: "creating a personal-data key")
        }
        if let key = try await storedKeys([subject])[subject] { return key }
      }
      throw EventStoreError(.unavailable, "the personal-data key was deleted each time it was made; retry")
    }
  }

  public func existingKeys(_ subjects: Set<UUID>) async throws(EventStoreError) -> [UUID: EncryptionKey] {
    guard !subjects.isEmpty else { return [:] }
    return try await gate.run { () async throws(EventStoreError) -> [UUID: EncryptionKey] in
      var found: [UUID: EncryptionKey] = [:]
      // Within SQLite's default limit of 999 bound parameters per statement.
      let all = Array(subjects)
      for start in stride(from: 0, to: all.count, by: 500) {
        found.merge(try await storedKeys(Array(all[start..<min(start + 500, all.count)]))) { first, _ in first }
      }
      return found
    }
  }

  public func deleteKey(for subject: UUID) async throws(EventStoreError) {
    try await gate.run { () async throws(EventStoreError) in
      try await writeTurns.run { () async throws(EventStoreError) in
        try await keys.execute(
          "DELETE FROM personal_keys WHERE subject_id = ?", [subject.sqliteBlob], while: "deleting a personal-data key")
      }
      // Copy the zeroed page into the file now and empty the write-ahead log, so the old page
      // leaves it too. That waits for readers and holds off writers, so it may only try for a
      // moment; when the database is busy, a later checkpoint overwrites the old page.
      try await keys.execute("PRAGMA busy_timeout = 200", while: "checkpointing after deleting a key")
      let checkpointed = try? await keys.rows("PRAGMA wal_checkpoint(TRUNCATE)", while: "checkpointing")
      try await keys.execute(
        "PRAGMA busy_timeout = \(Self.busyTimeoutMilliseconds)", while: "checkpointing after deleting a key")
      if checkpointed?.first?.column("busy")?.integer == 1 {
        logger.debug("the write-ahead log is busy; a later checkpoint overwrites the deleted key's old page")
      }
    }
  }

  public func sharedSecret(_ purpose: String) async throws(EventStoreError) -> EncryptionKey {
    try await gate.run { () async throws(EventStoreError) -> EncryptionKey in
      try await writeTurns.run { () async throws(EventStoreError) in
        try await keys.execute(
          "INSERT OR IGNORE INTO shared_secrets (purpose, secret, created_at) VALUES (?, ?, ?)",
          [
            .text(purpose), .blob(ByteBuffer(data: EncryptionKey.random().bytes)),
            .integer(Int(Date().sqliteMicroseconds)),
          ], while: "creating the shared secret \(purpose)")
      }
      let rows = try await keys.rows(
        "SELECT secret FROM shared_secrets WHERE purpose = ?", [.text(purpose)], while: "reading a shared secret")
      guard case .blob(let bytes)? = rows.first?.column("secret"),
        let secret = EncryptionKey(bytes: Data(buffer: bytes))
      else {
        throw EventStoreError(.corrupted, "the shared secret \(purpose) is missing or not 256 bits")
      }
      return secret
    }
  }

  private func storedKeys(_ subjects: [UUID]) async throws(EventStoreError) -> [UUID: EncryptionKey] {
    let placeholders = Array(repeating: "?", count: subjects.count).joined(separator: ", ")
    let rows = try await keys.rows(
      "SELECT subject_id, key FROM personal_keys WHERE subject_id IN (\(placeholders))", subjects.map(\.sqliteBlob),
      while: "reading personal-data keys")
    var found: [UUID: EncryptionKey] = [:]
    for row in rows {
      guard case .blob(let id)? = row.column("subject_id"), let subject = UUID(sqliteBlob: id),
        case .blob(let bytes)? = row.column("key"), let key = EncryptionKey(bytes: Data(buffer: bytes))
      else {
        throw EventStoreError(.corrupted, "a row of personal_keys is not a 16-byte id and a 256-bit key")
      }
      found[subject] = key
    }
    return found
  }
}
