import CohortAPI
import CohortDomain
import CohortMapping
import Foundation

extension CustomerStatus {
  /// A list's status filter: `nil` for every status.
  init?(filter: Cohort_V1_CustomerStatus) throws(DomainError) {
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

  var proto: Cohort_V1_CustomerStatus {
    switch self {
    case .interested: .interested
    case .paying: .paying
    case .refunded: .refunded
    case .erased: .erased
    }
  }
}

extension Customer {
  /// The person as the API shows them: nothing personal once erased.
  var proto: Cohort_V1_Person {
    .with {
      $0.personID = personID.lowercased
      $0.status = status.proto
      $0.erased = erased
      if let details, !erased {
        $0.name = details.name
        $0.email = details.email
        $0.phone = details.phone ?? ""
        $0.note = details.note
      }
      $0.source = source
      $0.registeredAt = .init(registeredAt)
      $0.interests = interests.map { interest in
        .with {
          $0.cohortNumber = Int32(interest.cohortNumber)
          $0.channel = interest.channel
          $0.at = .init(interest.at)
        }
      }
    }
  }
}

extension PaymentRecord.Status {
  /// A list's status filter: `nil` for every status.
  init?(filter: Cohort_V1_PaymentStatus) throws(DomainError) {
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

  var proto: Cohort_V1_PaymentStatus {
    switch self {
    case .pending: .pending
    case .validated: .validated
    case .refused: .refused
    case .partiallyRefunded: .partiallyRefunded
    case .refunded: .refunded
    }
  }
}

extension PaymentRecord {
  /// The payment as the API shows it; a bank reference only while its payer is not erased.
  func proto(erased: Bool) -> Cohort_V1_Payment {
    .with {
      $0.paymentID = providerPaymentID ?? paymentID.lowercased
      $0.personID = personID?.lowercased ?? ""
      $0.cohortNumber = Int32(cohortNumber)
      $0.status = status.proto
      if let amount {
        $0.amount = amount.proto
        $0.refunded = Money.unchecked(refunded, amount.currency).proto
      }
      switch method {
      case .portOne?: $0.method = "portone"
      case .bankTransfer(let reference, _)?:
        $0.method = "bank transfer"
        if let reference, !erased {
          $0.reference = [reference.reference, reference.bank, reference.depositor, reference.date?.description ?? ""]
            .filter { !$0.isEmpty }.joined(separator: " · ")
        }
      case nil: break
      }
      if let refusal { $0.refusal = refusal.description }
      if let expectedAt { $0.expectedAt = .init(expectedAt) }
      if let validatedAt { $0.validatedAt = .init(validatedAt) }
    }
  }
}
