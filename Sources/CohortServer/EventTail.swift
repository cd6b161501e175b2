import CohortAPI
import CohortDomain
import EventStore
import Foundation
import GRPCCore
import SwiftProtobuf

/// `TailEvents`: one community's events in log order from a position on (or its newest few),
/// then, when following, each new one as it is appended, through the store's all-events
/// subscription.
///
/// Memory is bounded: the subscription reads ``batchSize`` events at a time (and one batch
/// ahead), and each event is written before the next batch is read. A slow client slows the
/// reading, since a write waits for HTTP/2 flow control; nothing queues up behind it. A cancelled
/// call (the client went away, or the server shuts down) ends between two events.
struct EventTail: Sendable {
  static let defaultLast = 20
  static let maximumLast = 10_000
  static let batchSize = 100

  enum Start: Equatable, Sendable {
    /// The events after this position.
    case after(Int64)
    /// The newest this many matching events.
    case newest(Int)
  }

  let tenantID: UUID
  let start: Start
  /// The full names of the types to send; `nil`: every type.
  let types: Set<String>?
  let follow: Bool
  let personal: EventJSON.Personal

  /// The tail `request` asks for, for `principal`: validated before anything is read.
  init(_ request: Cohort_V1_TailEventsRequest, principal: Principal, catalog: EventCatalog) throws(DomainError) {
    tenantID = principal.tenantID
    follow = request.follow
    personal = AccessPolicy.readsAnyonesPersonalData(principal.role) ? .shown : .hidden
    if request.hasSincePosition {
      guard !request.hasLast else {
        throw DomainError(
          .invalidArgument(field: "last"), "last counts back from the head: send since_position or last, not both")
      }
      guard request.sincePosition >= 0 else {
        throw DomainError(.invalidArgument(field: "since_position"), "since_position must be 0 or more")
      }
      start = .after(request.sincePosition)
    } else {
      let last = request.hasLast ? Int(request.last) : Self.defaultLast
      guard (0...Self.maximumLast).contains(last) else {
        throw DomainError(.invalidArgument(field: "last"), "last must be from 0 to \(Self.maximumLast)")
      }
      start = .newest(last)
    }
    if request.types.isEmpty {
      types = nil
    } else {
      var types: Set<String> = []
      for name in request.types {
        guard let type = catalog.type(named: name) else {
          throw DomainError(
            .invalidArgument(field: "types"),
            "unknown event type '\(name.prefix(100))': the types are \(catalog.shortNames.joined(separator: ", "))")
        }
        types.insert(type)
      }
      self.types = types
    }
  }

  func matches(_ event: RecordedEvent) -> Bool {
    event.stream.tenantID == tenantID && (types?.contains(event.type) ?? true)
  }

  /// Sends the events (to the head as it is now, or on and on when following) until cancelled.
  func run(
    store: any EventStore, keys: any KeyStore, catalog: EventCatalog,
    send: (Cohort_V1_LoggedEvent) async throws -> Void
  ) async throws {
    let head = try await store.headPosition()
    let after: Int64
    switch start {
    case .after(let position):
      guard position <= head else {
        throw RPCError(
          code: .outOfRange,
          message: "since_position \(position) is beyond the head of the log (\(head)): nothing was logged there yet")
      }
      after = position
    case .newest(let count):
      after = try await startOfNewest(count, head: head, store: store)
    }
    guard follow || after < head else { return }

    // A ring of its own: keys are fetched afresh for this call, and one deleted meanwhile (the
    // person forgotten on another server) is not read from another reader's memory.
    let ring = KeyRing(store: keys)
    var events = store.subscribeAll(after: after, batchSize: Self.batchSize).makeAsyncIterator()
    do {
      while !Task.isCancelled {
        let batch = try await events.nextBatch()
        guard let last = batch.last else { return }
        let mine = batch.filter { event in matches(event) && (follow || event.position <= head) }
        try await ring.load(Codecs.subjects(in: mine))
        for event in batch
        where event.stream.tenantID == tenantID && event.type == Cohort_V1_Events_PersonForgotten.protoMessageName {
          if let person = Codecs.personID(of: event.stream) { ring.dropFromMemory(person) }
        }
        for event in mine {
          try await send(try logged(event, keys: ring, catalog: catalog))
        }
        if !follow && last.position >= head { return }
      }
    } catch  where Task.isCancelled {
      // The client went away or the server is stopping: the call ends here either way.
    }
  }

  /// The position to start after so that the newest `count` matching events come first: found by
  /// reading back from the head in growing windows (other communities' events and other types
  /// are in between).
  func startOfNewest(_ count: Int, head: Int64, store: any EventStore) async throws(EventStoreError) -> Int64 {
    guard count > 0 else { return head }
    var found = 0
    var upTo = head
    var window = Int64(Swift.max(count * 2, 256))
    while upTo > 0 {
      let from = Swift.max(0, upTo - window)
      let events = try await store.readAll(after: from, limit: Int(upTo - from)).filter {
        $0.position <= upTo && matches($0)
      }
      if found + events.count >= count {
        return events[events.count - (count - found)].position - 1
      }
      found += events.count
      upTo = from
      window = Swift.min(window * 2, 8_192)
    }
    return 0
  }

  /// `event` as the tail shows it.
  private func logged(_ event: RecordedEvent, keys: KeyRing, catalog: EventCatalog) throws -> Cohort_V1_LoggedEvent {
    try Cohort_V1_LoggedEvent.with {
      $0.position = event.position
      $0.stream = event.stream.name
      $0.streamVersion = event.version
      $0.type = event.type
      $0.schemaVersion = event.schemaVersion
      $0.recordedAt = Google_Protobuf_Timestamp(date: event.recordedAt)
      $0.eventID = event.id.uuidString.lowercased()
      $0.requestID = (try? Cohort_V1_Events_EventMetadata(serializedBytes: event.metadata))?.requestID ?? ""
      // A type this server does not know (written by a newer one): its payload is not shown.
      if let message = catalog.messages[event.type] {
        $0.dataJson = try EventJSON.render(event, as: message, keys: keys, personal: personal)
      }
    }
  }
}
