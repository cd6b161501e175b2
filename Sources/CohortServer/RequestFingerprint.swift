import CohortAPI
import CohortMapping
import Crypto
import EventStore
import Foundation
import GRPCCore
import SwiftProtobuf

/// A client's request id with a digest of what it asked for (the method and the whole request
/// message). The digest is stored with the events, so a retry of the same request gets the first
/// answer while a request id reused for a different request is refused.
struct RequestFingerprint: Sendable {
  var requestID: UUID
  var digest: Data

  init(requestID: UUID, method: String, request: some SwiftProtobuf.Message) throws {
    // Deterministic ordering, so that the digest of one request is the same in every process.
    var options = BinaryEncodingOptions()
    options.useDeterministicOrdering = true
    self.init(requestID: requestID, method: method, body: try request.serializedBytes(options: options))
  }

  /// A request that arrived as bytes (a webhook's body).
  init(requestID: UUID, method: String, body: Data) {
    var hash = SHA256()
    hash.update(data: Data(method.utf8))
    hash.update(data: Data([0]))
    hash.update(data: body)
    self.requestID = requestID
    self.digest = Data(hash.finalize())
  }

  /// Throws ALREADY_EXISTS unless `event` (the first event of an earlier request with this id)
  /// was written for this same request.
  func requireSame(asRecordedIn event: RecordedEvent) throws {
    let stored = try? Cohort_V1_Events_EventMetadata(serializedBytes: event.metadata)
    guard stored?.requestSha256 == digest else {
      throw RPCError(
        code: .alreadyExists,
        message: "request_id \(requestID.lowercased) was already used for a different request; send a new request_id")
    }
  }
}
