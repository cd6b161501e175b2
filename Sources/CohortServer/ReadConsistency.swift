import CohortAPI
import GRPCCore
import Projections

/// Read-your-writes: a query may ask to see at least the log position a command returned. The
/// wait is bounded in time, a position the log has not reached is refused at once (no command
/// returned it, so waiting could never end well), and so is a wait beyond the number of queries
/// allowed to wait at the same time: a caller cannot park the server's tasks.
final class ReadConsistency: Sendable {
  /// The longest a query waits for the read model.
  let limit: Duration
  /// The queries waiting for a position now, and how many may.
  let waiting: Slots

  init(limit: Duration, maximumWaiting: Int) {
    self.limit = limit
    waiting = Slots(maximum: maximumWaiting) { maximum in
      "\(maximum) queries are already waiting for the read model to catch up; retry shortly"
    }
  }

  func wait<Model: Projection>(
    for consistency: Cohort_V1_Consistency, in readModel: ProjectionRunner<Model>
  ) async throws {
    let target = consistency.minPosition
    guard target > readModel.position else { return }
    let head = try await readModel.headOfLog()
    guard target <= head else {
      throw RPCError(
        code: .outOfRange,
        message: "min_position \(target) is beyond the log's head (\(head)): ask for a position a command returned")
    }
    // Written through another server, perhaps: this one's projection would find it only at its next poll.
    readModel.lookForNewEvents()
    let limit = self.limit
    if try await waiting.withSlot({ await readModel.waitUntil(position: target, timeout: limit) }) { return }
    throw RPCError(
      code: .unavailable,
      message: "the read model has reached position \(readModel.position), not yet \(target); retry shortly")
  }
}
