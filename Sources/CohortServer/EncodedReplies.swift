import Foundation
import GRPCCore
import GRPCProtobuf
import SwiftProtobuf
import Synchronization

/// A reply already encoded as protobuf: sent as it is, without building or encoding a message.
struct EncodedReply: Sendable {
  var bytes: [UInt8]

  /// The reply with an int64 field appended (omitted when 0, as proto3 does).
  func appending(int64 value: Int64, field: Int) -> EncodedReply {
    guard value != 0 else { return self }
    var bytes = self.bytes
    bytes.reserveCapacity(bytes.count + 11)
    Self.appendVarint(UInt64(field << 3), to: &bytes)  // wire type 0: varint
    Self.appendVarint(UInt64(bitPattern: value), to: &bytes)
    return EncodedReply(bytes: bytes)
  }

  private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
    var value = value
    while value >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
      value >>= 7
    }
    bytes.append(UInt8(value))
  }
}

/// Sends an ``EncodedReply``'s bytes as the message.
struct EncodedReplySerializer: MessageSerializer {
  func serialize<Bytes: GRPCContiguousBytes>(_ message: EncodedReply) throws -> Bytes {
    Bytes(message.bytes)
  }
}

/// Replies encoded once per version of what they show, kept while that version holds.
///
/// A reply is cached without the fields that change per call; those are appended to the bytes
/// (protobuf's fields may come in any order, and a later scalar wins), so one encoding serves
/// every caller until the version moves. Least recently used replies go first.
final class EncodedReplies<Key: Hashable & Sendable>: Sendable {
  private struct Entry {
    var version: Int64
    var bytes: [UInt8]
  }

  private let cache: Mutex<LRUCache<Key, Entry>>

  init(capacity: Int) {
    cache = Mutex(LRUCache(capacity: capacity))
  }

  /// The bytes cached for `key` at `version`, if they are.
  func bytes(for key: Key, version: Int64) -> [UInt8]? {
    cache.withLock { cache in
      guard let entry = cache.value(for: key), entry.version == version else { return nil }
      return entry.bytes
    }
  }

  /// Keeps `bytes` for `key` at `version` (unless a newer version is kept already).
  func keep(_ bytes: [UInt8], for key: Key, version: Int64) {
    cache.withLock { cache in
      if let kept = cache.value(for: key), kept.version > version { return }
      cache.set(Entry(version: version, bytes: bytes), for: key)
    }
  }
}

/// When what GetCohort answers last changed, as the log position of the event that changed it:
/// a cohort's own events and its payments change that cohort; a completion (alumni) or an
/// erasure changes every cohort of the tenant. A reply encoded at a version is right until the
/// version moves.
struct ReplyVersions: Codable, Equatable, Sendable {
  private var cohorts: [UUID: [Int: Int64]] = [:]
  private var tenants: [UUID: Int64] = [:]

  func cohort(tenantID: UUID, number: Int) -> Int64 {
    max(cohorts[tenantID]?[number] ?? 0, tenants[tenantID] ?? 0)
  }

  mutating func changed(tenantID: UUID, number: Int, at position: Int64) {
    cohorts[tenantID, default: [:]][number] = position
  }

  mutating func changedEveryCohort(tenantID: UUID, at position: Int64) {
    tenants[tenantID] = position
  }
}
