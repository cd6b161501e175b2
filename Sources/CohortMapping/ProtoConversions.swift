import CohortAPI
import CohortDomain
import EventStore
import Foundation
import SwiftProtobuf

// The one mapping between the API's protobuf messages and domain values, used by the server, the
// CLI, the benchmark and the fault tool. Conversions from the wire validate and name the
// offending field; conversions to the wire cannot fail.

extension Money {
  public init(_ proto: Cohort_V1_Money, field: String) throws(DomainError) {
    let currency = try Currency(proto.currency, field: "\(field).currency")
    try self.init(amountMinor: proto.amountMinor, currency: currency, field: "\(field).amount_minor")
  }

  public var proto: Cohort_V1_Money {
    .with {
      $0.amountMinor = amountMinor
      $0.currency = currency.code
    }
  }
}

extension CalendarDate {
  public init(_ proto: Cohort_V1_CalendarDate, field: String) throws(DomainError) {
    try self.init(year: Int(proto.year), month: Int(proto.month), day: Int(proto.day), field: field)
  }

  public var proto: Cohort_V1_CalendarDate {
    .with {
      $0.year = Int32(year)
      $0.month = Int32(month)
      $0.day = Int32(day)
    }
  }
}

extension UUID {
  /// Parses a UUID sent by a client, naming the field when it is not one.
  public init(field: String, _ text: String) throws(DomainError) {
    guard let uuid = UUID(canonical: text) else {
      throw DomainError(.invalidArgument(field: field), "\(field) must be a UUID; got \"\(text.prefix(64))\"")
    }
    self = uuid
  }

  public var lowercased: String { uuidString.lowercased() }
}

extension Int {
  /// Reads a protobuf int32 that must be positive, naming the field otherwise.
  public init(positive value: Int32, field: String) throws(DomainError) {
    guard value > 0 else {
      throw DomainError(.invalidArgument(field: field), "\(field) must be a positive number; got \(value)")
    }
    self = Int(value)
  }
}

extension Google_Protobuf_Timestamp {
  public init(_ date: Date) {
    self.init(date: date)
  }

  /// The seconds a Timestamp may hold by its definition: 0001-01-01 to 9999-12-31 UTC.
  public static let validSeconds: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

  /// The time, or INVALID_ARGUMENT naming `field` when it is outside the years 1 to 9999 or its
  /// nanoseconds outside a second. (SwiftProtobuf's `date` traps on overflow for such values,
  /// which a caller, or an event from elsewhere, could send.)
  public func checkedDate(field: String) throws(DomainError) -> Date {
    guard Self.validSeconds.contains(seconds), (0..<1_000_000_000).contains(nanos) else {
      throw DomainError(
        .invalidArgument(field: field), "\(field) must be a time between the years 1 and 9999 (seconds \(seconds))")
    }
    return date
  }
}

extension AccessRole {
  public init?(_ proto: Cohort_V1_Role) {
    switch proto {
    case .owner: self = .owner
    case .staff: self = .staff
    case .partner: self = .partner
    case .member: self = .member
    case .unspecified, .UNRECOGNIZED: return nil
    }
  }

  public var proto: Cohort_V1_Role {
    switch self {
    case .owner: .owner
    case .staff: .staff
    case .partner: .partner
    case .member: .member
    }
  }
}

extension Cohort_V1_Events_EventMetadata {
  /// What every event of a command records about it: the request, who sent it, and a digest of
  /// the request (empty when there is none, as for events written by a tool).
  public init(requestID: UUID, tokenID: UUID, role: AccessRole, requestDigest: Data = Data()) {
    self.init()
    self.requestID = requestID.lowercased
    self.tokenID = tokenID.lowercased
    self.role = role.proto
    self.requestSha256 = requestDigest
  }
}

extension CustomerStatus {
  /// A list's status filter: `nil` for every status.
  public init?(filter: Cohort_V1_CustomerStatus) throws(DomainError) {
    switch filter {
    case .unspecified: return nil
    case .interested: self = .interested
    case .paying: self = .paying
    case .refunded: self = .refunded
    case .erased: self = .erased
    case .UNRECOGNIZED(let value):
      throw DomainError(.invalidArgument(field: "status"), "status \(value) is not a customer status")
    }
  }

  public var proto: Cohort_V1_CustomerStatus {
    switch self {
    case .interested: .interested
    case .paying: .paying
    case .refunded: .refunded
    case .erased: .erased
    }
  }
}

extension PaymentRecord.Status {
  /// A list's status filter: `nil` for every status.
  public init?(filter: Cohort_V1_PaymentStatus) throws(DomainError) {
    switch filter {
    case .unspecified: return nil
    case .pending: self = .pending
    case .validated: self = .validated
    case .refused: self = .refused
    case .partiallyRefunded: self = .partiallyRefunded
    case .refunded: self = .refunded
    case .UNRECOGNIZED(let value):
      throw DomainError(.invalidArgument(field: "status"), "status \(value) is not a payment status")
    }
  }

  public var proto: Cohort_V1_PaymentStatus {
    switch self {
    case .pending: .pending
    case .validated: .validated
    case .refused: .refused
    case .partiallyRefunded: .partiallyRefunded
    case .refunded: .refunded
    }
  }
}
