import CohortAPI
import CohortDomain
import CohortMapping
import Foundation

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
