import GRPCCore
import Synchronization

/// At most `maximum` of something at once (queries waiting for the read model, event tails):
/// one more is refused with RESOURCE_EXHAUSTED at once rather than parked, so that a caller
/// cannot tie up the server's tasks by asking for many.
final class Slots: Sendable {
  let maximum: Int
  /// What the refusal says, e.g. "1000 queries are already waiting …; retry shortly".
  private let refusal: @Sendable (Int) -> String
  private let taken = Atomic<Int>(0)

  init(maximum: Int, refusal: @escaping @Sendable (_ maximum: Int) -> String) {
    self.maximum = maximum
    self.refusal = refusal
  }

  /// How many are taken now.
  var inUse: Int { taken.load(ordering: .relaxed) }

  /// Runs `body` holding a slot, or throws RESOURCE_EXHAUSTED when all are taken.
  func withSlot<T: Sendable>(_ body: () async throws -> T) async throws -> T {
    guard taken.add(1, ordering: .relaxed).newValue <= maximum else {
      taken.subtract(1, ordering: .relaxed)
      throw RPCError(code: .resourceExhausted, message: refusal(maximum))
    }
    defer { taken.subtract(1, ordering: .relaxed) }
    return try await body()
  }
}
