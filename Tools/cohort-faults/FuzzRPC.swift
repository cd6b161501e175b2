import ArgumentParser
import CohortAPI
import GRPCCore

/// Whose token the fuzzer sends: it decides which refusals are right.
enum FuzzRole: String, CaseIterable, ExpressibleByArgument, Sendable {
  case owner, staff, partner, member, none
}

/// Every RPC the fuzzer calls, with its request's fields and the statuses that are a correct
/// answer to a malformed or random request.
enum FuzzRPC: String, CaseIterable, Sendable {
  case scheduleCohort = "EnrollmentService/ScheduleCohort"
  case openEnrollment = "EnrollmentService/OpenEnrollment"
  case closeEnrollment = "EnrollmentService/CloseEnrollment"
  case enroll = "EnrollmentService/Enroll"
  case withdraw = "EnrollmentService/Withdraw"
  case listCohorts = "EnrollmentService/ListCohorts"
  case getCohort = "EnrollmentService/GetCohort"
  case whoAmI = "AdminService/WhoAmI"
  case issueToken = "AdminService/IssueToken"
  case healthCheck = "Health/Check"
  case healthWatch = "Health/Watch"
  case reflection = "ServerReflection/ServerReflectionInfo"

  enum Shape { case unary, serverStreaming, bidirectional }

  var descriptor: MethodDescriptor {
    switch self {
    case .scheduleCohort: Cohort_V1_EnrollmentService.Method.ScheduleCohort.descriptor
    case .openEnrollment: Cohort_V1_EnrollmentService.Method.OpenEnrollment.descriptor
    case .closeEnrollment: Cohort_V1_EnrollmentService.Method.CloseEnrollment.descriptor
    case .enroll: Cohort_V1_EnrollmentService.Method.Enroll.descriptor
    case .withdraw: Cohort_V1_EnrollmentService.Method.Withdraw.descriptor
    case .listCohorts: Cohort_V1_EnrollmentService.Method.ListCohorts.descriptor
    case .getCohort: Cohort_V1_EnrollmentService.Method.GetCohort.descriptor
    case .whoAmI: Cohort_V1_AdminService.Method.WhoAmI.descriptor
    case .issueToken: Cohort_V1_AdminService.Method.IssueToken.descriptor
    case .healthCheck: Grpc_Health_V1_Health.Method.Check.descriptor
    case .healthWatch: Grpc_Health_V1_Health.Method.Watch.descriptor
    case .reflection: Grpc_Reflection_V1_ServerReflection.Method.ServerReflectionInfo.descriptor
    }
  }

  var shape: Shape {
    switch self {
    case .healthWatch: .serverStreaming
    case .reflection: .bidirectional
    default: .unary
    }
  }

  var fields: [UInt64: FuzzField] {
    switch self {
    case .scheduleCohort:
      [1: .string, 2: .int32, 3: .string, 4: FuzzField.money, 5: .int32, 6: FuzzField.date, 7: FuzzField.date]
    case .openEnrollment, .closeEnrollment: [1: .string, 2: .int32]
    case .enroll: [1: .string, 2: .int32, 3: .string, 4: .string]
    case .withdraw: [1: .string, 2: .int32, 3: .string, 4: .string, 5: .string]
    case .listCohorts: [1: FuzzField.consistency, 2: .enumeration, 3: .int32, 4: .string]
    case .getCohort: [1: FuzzField.consistency, 2: .int32]
    case .whoAmI: [:]
    case .issueToken: [1: .string, 2: .enumeration, 3: .string]
    case .healthCheck, .healthWatch: [1: .string]
    case .reflection:
      [1: .string, 3: .string, 4: .string, 5: .message([1: .string, 2: .int32]), 6: .string, 7: .string]
    }
  }

  /// Correct answers to a random request. OUT_OF_RANGE is right for a query only (it asked for a
  /// log position beyond the head), and UNAVAILABLE (a wait for a position the read model has
  /// not folded yet ran out); ABORTED for a command (a conflict).
  var acceptable: Set<String> {
    switch self {
    case .scheduleCohort, .openEnrollment, .closeEnrollment, .enroll, .withdraw:
      ["OK", "INVALID_ARGUMENT", "NOT_FOUND", "ALREADY_EXISTS", "FAILED_PRECONDITION", "ABORTED"]
    case .listCohorts, .getCohort: ["OK", "INVALID_ARGUMENT", "NOT_FOUND", "OUT_OF_RANGE", "UNAVAILABLE"]
    case .whoAmI: ["OK", "INVALID_ARGUMENT"]
    case .issueToken: ["OK", "INVALID_ARGUMENT", "ALREADY_EXISTS"]
    case .healthCheck: ["OK", "INVALID_ARGUMENT", "NOT_FOUND"]
    case .healthWatch, .reflection: ["OK", "INVALID_ARGUMENT"]
    }
  }

  /// The right answers for a caller of `role`: without a token only UNAUTHENTICATED (health
  /// needs none; reflection does); a token of another role than the owner's may also be refused.
  func acceptable(as role: FuzzRole) -> Set<String> {
    switch (self, role) {
    case (.healthCheck, _), (.healthWatch, _), (_, .owner): acceptable
    case (_, .none): ["UNAUTHENTICATED"]
    default: acceptable.union(["PERMISSION_DENIED"])
    }
  }
}
