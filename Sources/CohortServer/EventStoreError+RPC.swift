import EventStore
import GRPCCore

/// Storage failures as gRPC statuses: a conflict is ABORTED (retry), a database that cannot be
/// reached is UNAVAILABLE (retry later), anything else INTERNAL with a message that leaks nothing.
extension EventStoreError: RPCErrorConvertible {
  public var rpcErrorCode: RPCError.Code {
    switch code {
    case .wrongExpectedVersion: .aborted
    case .unavailable: .unavailable
    case .duplicateEventID: .alreadyExists
    case .invalidAppend: .invalidArgument
    default: .internalError
    }
  }

  public var rpcErrorMessage: String {
    switch code {
    case .wrongExpectedVersion: "the record was changed concurrently; retry the request"
    case .unavailable: "the event store is unavailable; retry later"
    case .duplicateEventID: "this request id was already used for a different request"
    case .invalidAppend: "the request is too large or malformed"
    default: "internal error in the event store"
    }
  }
}
