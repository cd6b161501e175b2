import CohortAPI
import CohortDomain
import CohortMapping
import EventStore
import Foundation
import SwiftProtobuf

/// The codecs of the areas whose events carry personal data, sealed by the person's key
/// (``KeyRing``): a person's name, e-mail, phone and note, a bank transfer's reference, and a
/// member's contact. Without the key (the person was forgotten) they decode with that data missing.
struct Codecs: Sendable {
  static let personCategory = "person"
  static let paymentCategory = "payment"

  let keys: KeyRing
  let enrollment: EventCodec<EnrollmentEvent>
  let people: EventCodec<PeopleEvent>
  let payments: EventCodec<PaymentEvent>

  init(keys: KeyRing) {
    self.keys = keys
    enrollment = EnrollmentEventCodec.codec(keys: keys)
    people = EventCodec(
      [
        .message(Cohort_V1_Events_PersonRegistered.self) { m, _ in
          let personID = try UUID(field: "person_id", m.personID)
          let details = try keys.open(m.personal, as: Cohort_V1_Events_PersonalData.self, for: personID).map {
            PersonDetails(name: $0.name, email: $0.email, phone: $0.phone.isEmpty ? nil : $0.phone, note: $0.note)
          }
          return .personRegistered(
            PersonRegistered(
              personID: personID, details: details, source: m.source, at: try m.at.checkedDate(field: "at")))
        },
        .message(Cohort_V1_Events_InterestRecorded.self) { m, _ in
          .interestRecorded(
            InterestRecorded(
              personID: try UUID(field: "person_id", m.personID), cohortNumber: Int(m.cohortNumber),
              channel: m.channel, at: try m.at.checkedDate(field: "at")))
        },
        .message(Cohort_V1_Events_PersonForgotten.self) { m, _ in
          .personForgotten(
            PersonForgotten(personID: try UUID(field: "person_id", m.personID), at: try m.at.checkedDate(field: "at")))
        },
      ],
      encode: { event throws -> any SwiftProtobuf.Message in
        switch event {
        case .personRegistered(let e):
          return try Cohort_V1_Events_PersonRegistered.with {
            $0.personID = e.personID.lowercased
            if let details = e.details {
              $0.personal = try keys.seal(
                Cohort_V1_Events_PersonalData.with {
                  $0.name = details.name
                  $0.email = details.email
                  $0.phone = details.phone ?? ""
                  $0.note = details.note
                }, for: e.personID)
            }
            $0.source = e.source
            $0.at = .init(e.at)
          }
        case .interestRecorded(let e):
          return Cohort_V1_Events_InterestRecorded.with {
            $0.personID = e.personID.lowercased
            $0.cohortNumber = Int32(e.cohortNumber)
            $0.channel = e.channel
            $0.at = .init(e.at)
          }
        case .personForgotten(let e):
          return Cohort_V1_Events_PersonForgotten.with {
            $0.personID = e.personID.lowercased
            $0.at = .init(e.at)
          }
        }
      })
    payments = EventCodec(
      [
        .message(Cohort_V1_Events_PaymentExpected.self) { m, _ in
          .paymentExpected(
            PaymentExpected(
              paymentID: try UUID(field: "payment_id", m.paymentID), personID: try UUID(field: "person_id", m.personID),
              cohortNumber: Int(m.cohortNumber), amount: try Money(m.amount, field: "amount"),
              providerPaymentID: m.providerPaymentID.isEmpty ? nil : m.providerPaymentID,
              at: try m.at.checkedDate(field: "at")))
        },
        .message(Cohort_V1_Events_PaymentValidated.self) { m, _ in
          let personID = try UUID(field: "person_id", m.personID)
          let method: ValidationMethod
          switch m.method {
          case .portoneTransactionID(let id): method = .portOne(transactionID: id)
          case .bankTransfer(let transfer):
            let reference = try keys.open(
              transfer.reference, as: Cohort_V1_Events_TransferReference.self, for: personID)
            method = .bankTransfer(
              try reference.map { r in
                BankReference(
                  reference: r.reference, bank: r.bank, depositor: r.depositor,
                  date: r.hasTransferredOn ? try CalendarDate(r.transferredOn, field: "transferred_on") : nil)
              }, confirmedBy: try UUID(field: "confirmed_by_token_id", transfer.confirmedByTokenID))
          case nil: throw EventStoreError(.corrupted, "a PaymentValidated event without a method")
          }
          return .paymentValidated(
            PaymentValidated(
              paymentID: try UUID(field: "payment_id", m.paymentID), personID: personID,
              cohortNumber: Int(m.cohortNumber), amount: try Money(m.amount, field: "amount"), method: method,
              at: try m.at.checkedDate(field: "at")))
        },
        .message(Cohort_V1_Events_PaymentValidationRefused.self) { m, _ in
          let reason: ValidationRefusal
          switch m.reason {
          case .unknownPayment: reason = .unknownPayment
          case .notPaidStatus(let status): reason = .notPaid(status: status)
          case .amountMismatch(let mismatch):
            reason = .amountMismatch(
              expected: try Money(mismatch.expected, field: "expected"), reported: mismatch.reportedAmountMinor,
              reportedCurrency: mismatch.reportedCurrency)
          case nil: throw EventStoreError(.corrupted, "a PaymentValidationRefused event without a reason")
          }
          return .paymentValidationRefused(
            PaymentValidationRefused(
              paymentID: try UUID(field: "payment_id", m.paymentID),
              personID: m.personID.isEmpty ? nil : try UUID(field: "person_id", m.personID),
              providerPaymentID: m.providerPaymentID, reason: reason, at: try m.at.checkedDate(field: "at")))
        },
        .message(Cohort_V1_Events_PaymentRefunded.self) { m, _ in
          let source: RefundSource
          switch m.source {
          case .staffTokenID(let id): source = .staff(try UUID(field: "staff_token_id", id))
          case .provider: source = .provider
          case nil: throw EventStoreError(.corrupted, "a PaymentRefunded event without a source")
          }
          return .paymentRefunded(
            PaymentRefunded(
              paymentID: try UUID(field: "payment_id", m.paymentID), personID: try UUID(field: "person_id", m.personID),
              amount: try Money(m.amount, field: "amount"), reason: m.reason, source: source,
              at: try m.at.checkedDate(field: "at")))
        },
      ],
      encode: { event throws -> any SwiftProtobuf.Message in
        switch event {
        case .paymentExpected(let e):
          return Cohort_V1_Events_PaymentExpected.with {
            $0.paymentID = e.paymentID.lowercased
            $0.personID = e.personID.lowercased
            $0.cohortNumber = Int32(e.cohortNumber)
            $0.amount = e.amount.proto
            $0.providerPaymentID = e.providerPaymentID ?? ""
            $0.at = .init(e.at)
          }
        case .paymentValidated(let e):
          return try Cohort_V1_Events_PaymentValidated.with {
            $0.paymentID = e.paymentID.lowercased
            $0.personID = e.personID.lowercased
            $0.cohortNumber = Int32(e.cohortNumber)
            $0.amount = e.amount.proto
            switch e.method {
            case .portOne(let transactionID): $0.portoneTransactionID = transactionID
            case .bankTransfer(let reference, let confirmedBy):
              $0.bankTransfer = try .with {
                if let reference {
                  $0.reference = try keys.seal(
                    Cohort_V1_Events_TransferReference.with {
                      $0.reference = reference.reference
                      $0.bank = reference.bank
                      $0.depositor = reference.depositor
                      if let date = reference.date { $0.transferredOn = date.proto }
                    }, for: e.personID)
                }
                $0.confirmedByTokenID = confirmedBy.lowercased
              }
            }
            $0.at = .init(e.at)
          }
        case .paymentValidationRefused(let e):
          return Cohort_V1_Events_PaymentValidationRefused.with {
            $0.paymentID = e.paymentID.lowercased
            $0.personID = e.personID?.lowercased ?? ""
            $0.providerPaymentID = e.providerPaymentID
            switch e.reason {
            case .unknownPayment: $0.unknownPayment = true
            case .notPaid(let status): $0.notPaidStatus = status
            case .amountMismatch(let expected, let reported, let currency):
              $0.amountMismatch = .with {
                $0.expected = expected.proto
                $0.reportedAmountMinor = reported
                $0.reportedCurrency = currency
              }
            }
            $0.at = .init(e.at)
          }
        case .paymentRefunded(let e):
          return Cohort_V1_Events_PaymentRefunded.with {
            $0.paymentID = e.paymentID.lowercased
            $0.personID = e.personID.lowercased
            $0.amount = e.amount.proto
            $0.reason = e.reason
            switch e.source {
            case .staff(let tokenID): $0.staffTokenID = tokenID.lowercased
            case .provider: $0.provider = true
            }
            $0.at = .init(e.at)
          }
        }
      })
  }

  /// The people whose keys folding `batch` needs: those of person streams, the payers of
  /// validated bank transfers (their reference is sealed) and members who enrolled or joined a
  /// waitlist (their contact is sealed since schema version 2).
  static func subjects(in batch: some Sequence<RecordedEvent>) -> Set<UUID> {
    var subjects: Set<UUID> = []
    for event in batch {
      if let person = Self.personID(of: event.stream) {
        subjects.insert(person)
      } else if let subject = Self.sealedSubject(of: event) {
        subjects.insert(subject)
      }
    }
    return subjects
  }

  private static func sealedSubject(of event: RecordedEvent) -> UUID? {
    switch event.type {
    case Cohort_V1_Events_PaymentValidated.protoMessageName:
      guard let validated = try? Cohort_V1_Events_PaymentValidated(serializedBytes: event.data),
        case .bankTransfer = validated.method
      else { return nil }
      return UUID(canonical: validated.personID)
    case Cohort_V1_Events_MemberEnrolled.protoMessageName where event.schemaVersion >= 2,
      Cohort_V1_Events_MemberWaitlisted.protoMessageName where event.schemaVersion >= 2:
      // Both have member_id as field 1: only that is read, the rest skipped.
      return (try? Cohort_V1_Events_MemberRef(serializedBytes: event.data, options: Self.firstFieldOnly)).flatMap {
        UUID(canonical: $0.memberID)
      }
    default:
      return nil
    }
  }

  private static let firstFieldOnly: BinaryDecodingOptions = {
    var options = BinaryDecodingOptions()
    options.discardUnknownFields = true
    return options
  }()

  static func personStream(tenantID: UUID, personID: UUID) -> StreamName {
    StreamName(tenantID: tenantID, category: personCategory, id: personID)
  }

  static func paymentStream(tenantID: UUID, paymentID: UUID) -> StreamName {
    StreamName(tenantID: tenantID, category: paymentCategory, id: paymentID)
  }

  static func personID(of stream: StreamName) -> UUID? {
    stream.id(in: personCategory)
  }

  static func paymentID(of stream: StreamName) -> UUID? {
    stream.id(in: paymentCategory)
  }
}
