import GRPCCore

/// Status codes as gRPC spells them (`UNAVAILABLE`), plus `CLIENT_ERROR` for failures that never
/// produced a status.
enum StatusName {
  static let ok = "OK"

  static func of(_ code: RPCError.Code) -> String {
    switch code {
    case .cancelled: "CANCELLED"
    case .unknown: "UNKNOWN"
    case .invalidArgument: "INVALID_ARGUMENT"
    case .deadlineExceeded: "DEADLINE_EXCEEDED"
    case .notFound: "NOT_FOUND"
    case .alreadyExists: "ALREADY_EXISTS"
    case .permissionDenied: "PERMISSION_DENIED"
    case .resourceExhausted: "RESOURCE_EXHAUSTED"
    case .failedPrecondition: "FAILED_PRECONDITION"
    case .aborted: "ABORTED"
    case .outOfRange: "OUT_OF_RANGE"
    case .unimplemented: "UNIMPLEMENTED"
    case .internalError: "INTERNAL"
    case .unavailable: "UNAVAILABLE"
    case .dataLoss: "DATA_LOSS"
    case .unauthenticated: "UNAUTHENTICATED"
    default: "CODE_\(code.rawValue)"
    }
  }

  /// The status name and message of an error thrown by a call.
  static func of(error: any Error) -> (name: String, message: String) {
    if let error = error as? RPCError { return (of(error.code), error.message) }
    return ("CLIENT_ERROR", "\(type(of: error)): \(error)")
  }
}
