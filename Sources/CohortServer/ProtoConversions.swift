import CohortAPI
import CohortDomain
import Foundation
import SwiftProtobuf

// Conversions between protobuf messages and domain values. Conversions from the wire validate
// and name the offending field; conversions to the wire cannot fail.

extension Money {
  init(_ proto: Cohort_V1_Money, field: String) throws(DomainError) {
    let currency = try Currency(proto.currency, field: "\(field).currency")
    try self.init(amountMinor: proto.amountMinor, currency: currency, field: "\(field).amount_minor")
  }

  var proto: Cohort_V1_Money {
    .with {
      $0.amountMinor = amountMinor
      $0.currency = currency.code
    }
  }
}

extension CalendarDate {
  init(_ proto: Cohort_V1_CalendarDate, field: String) throws(DomainError) {
    try self.init(year: Int(proto.year), month: Int(proto.month), day: Int(proto.day), field: field)
  }

  var proto: Cohort_V1_CalendarDate {
    .with {
      $0.year = Int32(year)
      $0.month = Int32(month)
      $0.day = Int32(day)
    }
  }
}

extension UUID {
  /// Parses a UUID sent by a client, naming the field when it is not one.
  init(field: String, _ text: String) throws(DomainError) {
    guard let uuid = UUID(canonical: text) else {
      throw DomainError(.invalidArgument(field: field), "\(field) must be a UUID; got \"\(text.prefix(64))\"")
    }
    self = uuid
  }

  var lowercased: String { uuidString.lowercased() }
}

extension Int {
  /// Reads a protobuf int32 that must be positive, naming the field otherwise.
  init(positive value: Int32, field: String) throws(DomainError) {
    guard value > 0 else {
      throw DomainError(.invalidArgument(field: field), "\(field) must be a positive number; got \(value)")
    }
    self = Int(value)
  }
}

extension Google_Protobuf_Timestamp {
  init(_ date: Date) {
    self.init(date: date)
  }
}
