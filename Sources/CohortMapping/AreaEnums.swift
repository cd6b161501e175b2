import CohortAPI
import CohortDomain
import Foundation

/// The enums of outreach and partner groups between the API (and the stored events, which use the
/// same enums) and the domain. An unspecified or unknown value from a request is refused, naming
/// the field.
extension OutreachChannel {
  public var proto: Cohort_V1_OutreachChannel {
    switch self {
    case .email: .email
    case .call: .call
    case .message: .message
    case .meeting: .meeting
    case .event: .event
    case .other: .other
    }
  }

  public init(_ proto: Cohort_V1_OutreachChannel, field: String) throws(DomainError) {
    guard let value = Self.allCases.first(where: { $0.proto == proto }) else {
      throw DomainError(
        .invalidArgument(field: field), "\(field) must be one of email, call, message, meeting, event, other")
    }
    self = value
  }
}

extension RejectionReason {
  public var proto: Cohort_V1_RejectionReason {
    switch self {
    case .price: .price
    case .timing: .timing
    case .noNeed: .noNeed
    case .hasAlternative: .hasAlternative
    case .noAuthority: .noAuthority
    case .other: .other
    }
  }

  public init(_ proto: Cohort_V1_RejectionReason, field: String) throws(DomainError) {
    guard let value = Self.allCases.first(where: { $0.proto == proto }) else {
      throw DomainError(
        .invalidArgument(field: field),
        "\(field) must be one of \(Self.allCases.map(\.rawValue).joined(separator: ", ")) for a rejection")
    }
    self = value
  }
}

extension CommitmentKind {
  public var proto: Cohort_V1_CommitmentKind {
    switch self {
    case .time: .time
    case .reputation: .reputation
    case .money: .money
    }
  }

  public init(_ proto: Cohort_V1_CommitmentKind, field: String) throws(DomainError) {
    guard let value = Self.allCases.first(where: { $0.proto == proto }) else {
      throw DomainError(.invalidArgument(field: field), "\(field) must be time, reputation or money for a commitment")
    }
    self = value
  }
}

extension ExperimentResult {
  public var proto: Cohort_V1_ExperimentResult {
    switch self {
    case .validated: .validated
    case .invalidated: .invalidated
    case .pivot: .pivot
    }
  }

  public init(_ proto: Cohort_V1_ExperimentResult, field: String) throws(DomainError) {
    guard let value = Self.allCases.first(where: { $0.proto == proto }) else {
      throw DomainError(.invalidArgument(field: field), "\(field) must be validated, invalidated or pivot")
    }
    self = value
  }
}

extension OutcomeKind {
  public var proto: Cohort_V1_OutcomeKind {
    switch self {
    case .noAnswer: .noAnswer
    case .rejected: .rejected
    case .interested: .interested
    case .committed: .committed
    case .paid: .paid
    }
  }

  public init(_ proto: Cohort_V1_OutcomeKind, field: String) throws(DomainError) {
    guard let value = Self.allCases.first(where: { $0.proto == proto }) else {
      throw DomainError(
        .invalidArgument(field: field), "\(field) must be one of no-answer, rejected, interested, committed, paid")
    }
    self = value
  }
}

extension AttemptOutcome {
  /// The outcome as the API (and the log) carries it; a paid outcome's `payment` is our payment id.
  public var proto: Cohort_V1_AttemptOutcome {
    .with {
      $0.kind = kind.proto
      switch self {
      case .noAnswer, .interested: break
      case .rejected(let reason, let detail):
        $0.rejectionReason = reason.proto
        $0.detail = detail
      case .committed(let kind, let what):
        $0.commitment = kind.proto
        $0.detail = what
      case .paid(let payment): $0.payment = payment?.lowercased ?? ""
      }
    }
  }

  /// - Parameter payment: the payment id a non-empty `payment` names.
  public init(
    _ proto: Cohort_V1_AttemptOutcome, field: String, payment: (String) throws(DomainError) -> UUID
  ) throws(DomainError) {
    switch try OutcomeKind(proto.kind, field: "\(field).kind") {
    case .noAnswer: self = .noAnswer
    case .interested: self = .interested
    case .rejected:
      self = .rejected(
        try RejectionReason(proto.rejectionReason, field: "\(field).rejection_reason"), detail: proto.detail)
    case .committed:
      self = .committed(try CommitmentKind(proto.commitment, field: "\(field).commitment"), what: proto.detail)
    case .paid:
      self = .paid(payment: proto.payment.isEmpty ? nil : try payment(proto.payment))
    }
  }
}

extension NextStep {
  public var proto: Cohort_V1_NextStep {
    .with {
      $0.action = action
      $0.due = due.proto
    }
  }

  public init(_ proto: Cohort_V1_NextStep, field: String) throws(DomainError) {
    guard proto.hasDue else {
      throw DomainError(.invalidArgument(field: "\(field).due"), "a next step needs a due date")
    }
    self.init(action: proto.action, due: try CalendarDate(proto.due, field: "\(field).due"))
  }
}

extension SessionMode {
  public var proto: Cohort_V1_SessionMode {
    switch self {
    case .online: .online
    case .offline: .offline
    }
  }

  public init(_ proto: Cohort_V1_SessionMode, field: String) throws(DomainError) {
    guard let value = Self.allCases.first(where: { $0.proto == proto }) else {
      throw DomainError(.invalidArgument(field: field), "\(field) must be online or offline")
    }
    self = value
  }
}

extension Attendance {
  public var proto: Cohort_V1_Attendance {
    switch self {
    case .present: .present
    case .absent: .absent
    case .excused: .excused
    }
  }

  public init(_ proto: Cohort_V1_Attendance, field: String) throws(DomainError) {
    guard let value = Self.allCases.first(where: { $0.proto == proto }) else {
      throw DomainError(.invalidArgument(field: field), "\(field) must be present, absent or excused")
    }
    self = value
  }
}
