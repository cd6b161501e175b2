import CohortAPI
import CohortDomain
import CohortMapping
import EventStore
import Foundation
import SwiftProtobuf

/// Enrollment events as stored in the log: protobuf messages from `Protos/cohort/v1/events.proto`.
/// A member's contact is sealed with their key (schema version 2 of MemberEnrolled and
/// MemberWaitlisted); version 1 stored it in clear and still reads.
enum EnrollmentEventCodec {
  static func codec(keys: KeyRing) -> EventCodec<EnrollmentEvent> {
    /// The contact sealed for `memberID`; `nil` when their key is gone (they were forgotten).
    @Sendable func open(_ sealed: Cohort_V1_Events_Sealed, of memberID: UUID) throws -> Contact? {
      try keys.open(sealed, as: Cohort_V1_Events_Contact.self, for: memberID)?.domain
    }

    return EventCodec<EnrollmentEvent>(
      [
        .message(Cohort_V1_Events_CohortScheduled.self) { m, _ in
          .cohortScheduled(
            CohortScheduled(
              cohortID: try UUID(field: "cohort_id", m.cohortID), number: Int(m.number), title: m.title,
              price: try Money(m.price, field: "price"), capacity: Int(m.capacity),
              startsOn: try CalendarDate(m.startsOn, field: "starts_on"),
              endsOn: try CalendarDate(m.endsOn, field: "ends_on"), at: try m.at.checkedDate(field: "at")))
        },
        .message(Cohort_V1_Events_EnrollmentOpened.self) { m, _ in
          .enrollmentOpened(EnrollmentOpened(at: try m.at.checkedDate(field: "at")))
        },
        .message(Cohort_V1_Events_EnrollmentClosed.self) { m, _ in
          .enrollmentClosed(EnrollmentClosed(at: try m.at.checkedDate(field: "at")))
        },
        .message(
          Cohort_V1_Events_MemberEnrolled.self,
          versions: [
            1: { m, _ in
              .memberEnrolled(
                MemberEnrolled(
                  memberID: try UUID(field: "member_id", m.memberID), contact: m.contact.domain,
                  at: try m.at.checkedDate(field: "at")))
            },
            2: { m, _ in
              let memberID = try UUID(field: "member_id", m.memberID)
              return .memberEnrolled(
                MemberEnrolled(
                  memberID: memberID, contact: try open(m.personal, of: memberID),
                  seat: try seat(m.seat, reason: m.seatReason, grantedBy: m.grantedByTokenID),
                  transfer: transfer(m.transferredFrom, m.transferDifferenceMinor),
                  at: try m.at.checkedDate(field: "at")))
            },
          ]),
        .message(
          Cohort_V1_Events_MemberWaitlisted.self,
          versions: [
            1: { m, _ in
              .memberWaitlisted(
                MemberWaitlisted(
                  memberID: try UUID(field: "member_id", m.memberID), contact: m.contact.domain,
                  at: try m.at.checkedDate(field: "at")))
            },
            2: { m, _ in
              let memberID = try UUID(field: "member_id", m.memberID)
              return .memberWaitlisted(
                MemberWaitlisted(
                  memberID: memberID, contact: try open(m.personal, of: memberID),
                  seat: try seat(m.seat, reason: m.seatReason, grantedBy: m.grantedByTokenID),
                  transfer: transfer(m.transferredFrom, m.transferDifferenceMinor),
                  at: try m.at.checkedDate(field: "at")))
            },
          ]),
        .message(Cohort_V1_Events_MemberWithdrew.self) { m, _ in
          .memberWithdrew(
            MemberWithdrew(
              memberID: try UUID(field: "member_id", m.memberID), reason: m.reason, wasWaitlisted: m.wasWaitlisted,
              refundDue: m.refundDue, transferredTo: m.transferredTo == 0 ? nil : Int(m.transferredTo),
              at: try m.at.checkedDate(field: "at")))
        },
        .message(Cohort_V1_Events_MemberPromoted.self) { m, _ in
          .memberPromoted(
            MemberPromoted(memberID: try UUID(field: "member_id", m.memberID), at: try m.at.checkedDate(field: "at")))
        },
        .message(Cohort_V1_Events_CohortStarted.self) { m, _ in .cohortStarted(at: try m.at.checkedDate(field: "at")) },
        .message(Cohort_V1_Events_CohortCompleted.self) { m, _ in
          .cohortCompleted(at: try m.at.checkedDate(field: "at"))
        },
        .message(Cohort_V1_Events_CohortCancelled.self) { m, _ in
          .cohortCancelled(at: try m.at.checkedDate(field: "at"))
        },
        .message(Cohort_V1_Events_DiscountGranted.self) { m, _ in
          .discountGranted(
            DiscountGranted(
              personID: try UUID(field: "person_id", m.personID),
              amountOff: try Money(m.amountOff, field: "amount_off"),
              percent: m.percent == 0 ? nil : Int(m.percent), reason: m.reason,
              grantedBy: try UUID(field: "granted_by_token_id", m.grantedByTokenID),
              at: try m.at.checkedDate(field: "at")))
        },
      ], encode: { event in try encode(event, keys: keys) })
  }

  /// A seat as stored; `nil` for events written before seats were checked against payments.
  @Sendable private static func seat(_ kind: Cohort_V1_SeatKind, reason: String, grantedBy: String) throws -> Seat? {
    switch kind {
    case .paid: return .paid
    case .scholarship: return .scholarship(reason: reason, grantedBy: try UUID(field: "granted_by_token_id", grantedBy))
    case .free: return .free(reason: reason, grantedBy: try UUID(field: "granted_by_token_id", grantedBy))
    case .unspecified, .UNRECOGNIZED: return nil
    }
  }

  @Sendable private static func transfer(_ from: Int32, _ difference: Int64) -> Transfer? {
    from == 0 ? nil : Transfer(from: Int(from), differenceMinor: difference)
  }

  private static func store(_ seat: Seat?) -> (kind: Cohort_V1_SeatKind, reason: String, grantedBy: String) {
    switch seat {
    case nil: (.unspecified, "", "")
    case .paid: (.paid, "", "")
    case .scholarship(let reason, let by): (.scholarship, reason, by.lowercased)
    case .free(let reason, let by): (.free, reason, by.lowercased)
    }
  }

  private static func encode(_ event: EnrollmentEvent, keys: KeyRing) throws -> any SwiftProtobuf.Message {
    switch event {
    case .cohortScheduled(let e):
      Cohort_V1_Events_CohortScheduled.with {
        $0.cohortID = e.cohortID.lowercased
        $0.number = Int32(e.number)
        $0.title = e.title
        $0.price = e.price.proto
        $0.capacity = Int32(e.capacity)
        $0.startsOn = e.startsOn.proto
        $0.endsOn = e.endsOn.proto
        $0.at = .init(e.at)
      }
    case .enrollmentOpened(let e):
      Cohort_V1_Events_EnrollmentOpened.with { $0.at = .init(e.at) }
    case .enrollmentClosed(let e):
      Cohort_V1_Events_EnrollmentClosed.with { $0.at = .init(e.at) }
    case .memberEnrolled(let e):
      try Cohort_V1_Events_MemberEnrolled.with {
        $0.memberID = e.memberID.lowercased
        $0.personal = try sealed(e.contact, of: e.memberID, keys: keys)
        ($0.seat, $0.seatReason, $0.grantedByTokenID) = store(e.seat)
        $0.transferredFrom = Int32(e.transfer?.from ?? 0)
        $0.transferDifferenceMinor = e.transfer?.differenceMinor ?? 0
        $0.at = .init(e.at)
      }
    case .memberWaitlisted(let e):
      try Cohort_V1_Events_MemberWaitlisted.with {
        $0.memberID = e.memberID.lowercased
        $0.personal = try sealed(e.contact, of: e.memberID, keys: keys)
        ($0.seat, $0.seatReason, $0.grantedByTokenID) = store(e.seat)
        $0.transferredFrom = Int32(e.transfer?.from ?? 0)
        $0.transferDifferenceMinor = e.transfer?.differenceMinor ?? 0
        $0.at = .init(e.at)
      }
    case .memberWithdrew(let e):
      Cohort_V1_Events_MemberWithdrew.with {
        $0.memberID = e.memberID.lowercased
        $0.reason = e.reason
        $0.wasWaitlisted = e.wasWaitlisted
        $0.refundDue = e.refundDue
        $0.transferredTo = Int32(e.transferredTo ?? 0)
        $0.at = .init(e.at)
      }
    case .memberPromoted(let e):
      Cohort_V1_Events_MemberPromoted.with {
        $0.memberID = e.memberID.lowercased
        $0.at = .init(e.at)
      }
    case .cohortStarted(let at): Cohort_V1_Events_CohortStarted.with { $0.at = .init(at) }
    case .cohortCompleted(let at): Cohort_V1_Events_CohortCompleted.with { $0.at = .init(at) }
    case .cohortCancelled(let at): Cohort_V1_Events_CohortCancelled.with { $0.at = .init(at) }
    case .discountGranted(let e):
      Cohort_V1_Events_DiscountGranted.with {
        $0.personID = e.personID.lowercased
        $0.amountOff = e.amountOff.proto
        $0.percent = Int32(e.percent ?? 0)
        $0.reason = e.reason
        $0.grantedByTokenID = e.grantedBy.lowercased
        $0.at = .init(e.at)
      }
    }
  }

  private static func sealed(_ contact: Contact?, of memberID: UUID, keys: KeyRing) throws -> Cohort_V1_Events_Sealed {
    guard let contact else {
      throw EventStoreError(.storage, "the contact of member \(memberID.lowercased) is erased: nothing to store")
    }
    return try keys.seal(
      Cohort_V1_Events_Contact.with {
        $0.name = contact.name
        $0.email = contact.email
      }, for: memberID)
  }
}

extension Cohort_V1_Events_Contact {
  /// A contact stored in clear (schema version 1).
  var domain: Contact { Contact(name: name, email: email) }
}

/// Enrollment events exactly as cohortd stores them, for tools that fill a store directly (the
/// benchmark's synthetic cohorts): members are people, their ids derived and their contacts sealed
/// with the keys of the store's key table, as the server does.
public struct StoredEnrollmentEvents: Sendable {
  private let keys: KeyRing
  private let identity: PersonIdentity
  private let codec: EventCodec<EnrollmentEvent>

  public init(keys store: any KeyStore) async throws {
    keys = KeyRing(store: store)
    identity = PersonIdentity(secret: try await store.sharedSecret(PersonIdentity.purpose))
    codec = EnrollmentEventCodec.codec(keys: keys)
  }

  /// The member id cohortd gives the person with this e-mail, with their key made ready.
  public func member(tenantID: UUID, email: String) async throws -> UUID {
    let id = identity.personID(tenantID: tenantID, email: try PersonFields.email(email))
    _ = try await keys.key(for: id, tenantID: tenantID)
    return id
  }

  /// `event` as cohortd stores it (its members' keys must be ready: ``member(tenantID:email:)``).
  public func encode(_ event: EnrollmentEvent, metadata: Data) throws -> EventData {
    let (type, schemaVersion, data) = try codec.encode(event)
    return EventData(id: UUID(), type: type, schemaVersion: schemaVersion, data: data, metadata: metadata)
  }
}
