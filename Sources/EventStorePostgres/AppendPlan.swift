import EventStore
import Foundation

/// What one batch of appends does, decided in memory while the append lock is held.
///
/// Each append is judged on its own, in batch order, exactly as ``InMemoryEventStore`` would
/// judge it: a retry returns the first result, a wrong expected version fails only that append.
/// Appends earlier in the batch count as stored for the later ones, so two copies of one retried
/// append in the same batch write once.
struct AppendPlan {
  /// Where an accepted append ends up; its position is known once the rows are inserted.
  private enum Decision {
    case landed(lastEventID: UUID, version: Int64)
    case failed(EventStoreError)
  }

  private var decisions: [Decision] = []
  /// The events to insert, in order, with the versions they get. Their positions are 0 until the
  /// database assigns them.
  private(set) var newEvents: [RecordedEvent] = []
  /// Positions of the stored events the batch refers to.
  private var storedPositions: [UUID: Int64] = [:]

  /// - Parameters:
  ///   - batch: appends that already passed ``AppendRules/validate(_:to:)``.
  ///   - stored: the stored events whose ids occur in the batch.
  ///   - versions: the current version of the batch's streams; a missing stream is at 0.
  init(batch: [PendingAppend], stored: [RecordedEvent], versions: [StreamName: Int64]) {
    var known = Dictionary(stored.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    var versions = versions
    storedPositions = known.mapValues(\.position)
    for append in batch {
      do throws(EventStoreError) {
        guard let last = append.events.last else {
          throw EventStoreError(.invalidAppend, "an append needs at least one event", stream: append.stream)
        }
        let original = append.events.compactMap { known[$0.id] }
        if let retry = try AppendRules.retryResult(of: append.events, to: append.stream, stored: original) {
          decisions.append(.landed(lastEventID: last.id, version: retry.nextExpectedVersion))
          continue
        }
        let current = versions[append.stream] ?? 0
        guard append.expected.accepts(currentVersion: current) else {
          throw EventStoreError.wrongExpectedVersion(append.stream, expected: append.expected, actual: current)
        }
        for (offset, event) in append.events.enumerated() {
          let recorded = RecordedEvent(
            id: event.id, stream: append.stream, version: current + Int64(offset) + 1, position: 0,
            type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata: event.metadata,
            recordedAt: Date())
          newEvents.append(recorded)
          known[event.id] = recorded
        }
        let version = current + Int64(append.events.count)
        versions[append.stream] = version
        decisions.append(.landed(lastEventID: last.id, version: version))
      } catch {
        decisions.append(.failed(error))
      }
    }
  }

  /// One result per append of the batch, in order.
  ///
  /// - Parameter inserted: the positions the database gave ``newEvents``, by event id.
  func results(inserted: [UUID: Int64]) -> [Result<AppendResult, EventStoreError>] {
    decisions.map { decision in
      switch decision {
      case .failed(let error):
        return .failure(error)
      case .landed(let id, let version):
        guard let position = inserted[id] ?? storedPositions[id] else {
          return .failure(EventStoreError(.storage, "the insert returned no position for event \(id)"))
        }
        return .success(AppendResult(nextExpectedVersion: version, position: position))
      }
    }
  }
}
