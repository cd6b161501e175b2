import CohortAPI
import GRPCCore
import Projections

/// Read-your-writes: a query may ask to see at least the log position a command returned.
enum ReadConsistency {
  static func wait<Model: Projection>(
    for consistency: Cohort_V1_Consistency, in readModel: ProjectionRunner<Model>, limit: Duration
  ) async throws {
    let target = consistency.minPosition
    guard target > 0 else { return }
    if await readModel.waitUntil(position: target, timeout: limit) { return }
    throw RPCError(
      code: .unavailable,
      message: "the read model has reached position \(readModel.position), not yet \(target); retry shortly")
  }
}
