import CohortDomain
import Foundation
import Testing

/// A paid seat needs a validated payment covering the price less any discount; scholarships and
/// free seats are given with a reason; the cohort's life (start, complete, cancel); the report.
@Suite("Enrollment: paid seats, scholarships, discounts, lifecycle, report")
struct PaidSeatTests {
  static let open = [Fixture.scheduled, Fixture.opened]
  static let staff = Fixture.uuid(0x70)
  static let minji = Member.minji

  static func enroll(_ member: Member = minji, seat: Seat = .paid, paid: Int64?) -> EnrollmentCommand {
    .enroll(
      Enroll(memberID: member.id, name: member.name, email: member.email, seat: seat, paid: paid.map(Fixture.krw)))
  }

  @Test("a paid seat without a validated payment covering the price is refused, saying what is missing")
  func paidSeatNeedsPayment() throws {
    let refused = #expect(throws: DomainError.self) { try given(Self.open).when(Self.enroll(paid: nil)) }
    #expect(refused?.kind == .failedPrecondition)
    #expect(refused?.message.contains("needs a validated payment of 200,000 KRW") == true)
    #expect(refused?.message.contains("validated so far: none") == true)
    let short = #expect(throws: DomainError.self) { try given(Self.open).when(Self.enroll(paid: 150_000)) }
    #expect(short?.message.contains("validated so far: 150,000 KRW") == true)
    let seated = try given(Self.open).when(Self.enroll(paid: 200_000))
    #expect(seated == [Self.minji.enrolled()])
  }

  @Test("a scholarship or a free seat needs no payment but a reason, and records who gave it")
  func scholarshipsAndFreeSeats() throws {
    let scholarship = try given(Self.open).when(
      Self.enroll(seat: .scholarship(reason: " 지역 커뮤니티 리더 ", grantedBy: Self.staff), paid: nil))
    #expect(
      scholarship == [
        .memberEnrolled(
          MemberEnrolled(
            memberID: Self.minji.id, name: Self.minji.name, email: Self.minji.email,
            seat: .scholarship(reason: "지역 커뮤니티 리더", grantedBy: Self.staff), at: Fixture.now))
      ])
    let noReason = #expect(throws: DomainError.self) {
      try given(Self.open).when(Self.enroll(seat: .free(reason: "  ", grantedBy: Self.staff), paid: nil))
    }
    #expect(noReason?.kind == .invalidArgument(field: "free"))
  }

  @Test("a discount lowers what the paid seat needs: 20% of 200,000 KRW leaves 160,000; an amount off likewise")
  func discounts() throws {
    let percent = try given(Self.open).when(
      .grantDiscount(GrantDiscount(personID: Self.minji.id, size: .percent(20), reason: "얼리버드", grantedBy: Self.staff)))
    let granted = DiscountGranted(
      personID: Self.minji.id, amountOff: Fixture.krw(40_000), percent: 20, reason: "얼리버드", grantedBy: Self.staff,
      at: Fixture.now)
    #expect(percent == [.discountGranted(granted)])
    let discounted = Self.open + percent
    #expect(throws: DomainError.self) { try given(discounted).when(Self.enroll(paid: 150_000)) }
    #expect(try given(discounted).when(Self.enroll(paid: 160_000)) == [Self.minji.enrolled()])
    // Rounding: 33% of 200,001 is 66,000.33, rounded down to 66,000 off.
    var odd = Fixture.cohort9
    odd = ScheduleCohort(
      number: 9, title: odd.title, price: Fixture.krw(200_001), capacity: 300, startsOn: odd.startsOn,
      endsOn: odd.endsOn)
    let thirds = try given(Fixture.scheduling(odd)).when(
      .grantDiscount(GrantDiscount(personID: Self.minji.id, size: .percent(33), reason: "r", grantedBy: Self.staff)))
    guard case .discountGranted(let third) = thirds.first else {
      Issue.record("no discount")
      return
    }
    #expect(third.amountOff == Fixture.krw(66_000))
    // Refused: a second discount, one for a seated person, a wrong currency, more than the price, 0% or 101%.
    #expect(throws: DomainError.self) {
      try given(discounted).when(
        .grantDiscount(
          GrantDiscount(personID: Self.minji.id, size: .percent(10), reason: "again", grantedBy: Self.staff)))
    }
    #expect(throws: DomainError.self) {
      try given(Self.open + [Self.minji.enrolled()]).when(
        .grantDiscount(
          GrantDiscount(personID: Self.minji.id, size: .percent(10), reason: "late", grantedBy: Self.staff)))
    }
    for size in [
      GrantDiscount.Size.amount(try Money(amountMinor: 100, currency: Currency("USD"))), .amount(Fixture.krw(200_001)),
      .percent(0), .percent(101),
    ] {
      #expect(throws: DomainError.self) {
        try given(Self.open).when(
          .grantDiscount(GrantDiscount(personID: Self.minji.id, size: size, reason: "r", grantedBy: Self.staff)))
      }
    }
  }

  @Test("start closes enrollment; complete only once started; cancel empties the roster; refusals in words")
  func lifecycle() throws {
    #expect(
      try given(Self.open).when(.start) == [
        .enrollmentClosed(EnrollmentClosed(at: Fixture.now)), .cohortStarted(at: Fixture.now),
      ])
    let started =
      Self.open + [
        Self.minji.enrolled(), .enrollmentClosed(EnrollmentClosed(at: Fixture.now)), .cohortStarted(at: Fixture.now),
      ]
    let late = #expect(throws: DomainError.self) { try given(started).when(Self.enroll(Member.junho, paid: 200_000)) }
    #expect(late?.message == "cohort 9 has started: enrollment is closed")
    #expect(throws: DomainError.self) { try given(started).when(.openEnrollment) }
    #expect(throws: DomainError.self) { try given(Self.open).when(.complete) }
    #expect(try given(started).when(.complete) == [.cohortCompleted(at: Fixture.now)])
    let completed = started + [.cohortCompleted(at: Fixture.now)]
    #expect(throws: DomainError.self) { try given(completed).when(.cancel) }
    #expect(throws: DomainError.self) { try given(completed).when(.withdraw(Withdraw(memberID: Self.minji.id))) }
    let cancelled = try given(started).when(.cancel)
    #expect(cancelled == [.cohortCancelled(at: Fixture.now)])
    let state = Enrollment.fold(started + cancelled)
    #expect(state.status == .cancelled && state.enrolled.isEmpty)
    #expect(throws: DomainError.self) { try given(started + cancelled).when(.cancel) }
  }

  @Test(
    "the report: seats, paying, scholarships, revenue net of refunds, refund rate, refunds due, paid but not seated, alumni"
  )
  func report() throws {
    let junho = Member.junho
    let emily = Member.emily
    let james = Member.james
    var history =
      Self.open + [
        Self.minji.enrolled(),
        .memberEnrolled(
          MemberEnrolled(
            memberID: junho.id, name: junho.name, email: junho.email,
            seat: .scholarship(reason: "리더", grantedBy: Self.staff), at: Fixture.now)),
        emily.enrolled(),
      ]
    history.append(
      .memberWithdrew(
        MemberWithdrew(memberID: emily.id, reason: "moved", wasWaitlisted: false, refundDue: true, at: Fixture.now)))
    var catalog = CohortCatalog()
    for event in history { catalog.apply(tenantID: Fixture.tenantID, cohortID: Fixture.cohortID, event: event) }
    let cohort = try #require(catalog.cohort(tenantID: Fixture.tenantID, number: 9))
    func payment(_ person: UUID, _ amount: Int64, refunded: Int64 = 0) -> PaymentRecord {
      var record = PaymentRecord(paymentID: UUID(), personID: person, cohortNumber: 9)
      record.amount = Fixture.krw(amount)
      record.validatedAt = Fixture.now
      record.refunded = refunded
      return record
    }
    // Minji paid 200,000; Emily paid 200,000 and withdrew with a refund due; James paid but is in no list.
    let payments = [
      payment(Self.minji.id, 200_000), payment(emily.id, 200_000), payment(james.id, 200_000, refunded: 50_000),
    ]
    let report = CohortReport(cohort, payments: payments, alumni: [Self.minji.id])
    #expect(report.seatsTaken == 2 && report.capacity == 300 && report.waitlist == 0)
    #expect(report.paying == 1 && report.scholarships == 1 && report.freeSeats == 0)
    #expect(report.revenue == [.krw: 550_000])
    #expect(report.refundRateBasisPoints == 833, "50,000 of 600,000")
    #expect(report.refundsDue.map(\.memberID) == [emily.id] && report.refundsDue.first?.amount == Fixture.krw(200_000))
    #expect(
      report.paidNotSeated.map(\.personID) == [james.id] && report.paidNotSeated.first?.amount == Fixture.krw(150_000))
    #expect(report.alumni == 1)

    // Cancelled: everyone who paid is due a refund, and nobody is "paid but not seated".
    catalog.apply(tenantID: Fixture.tenantID, cohortID: Fixture.cohortID, event: .cohortCancelled(at: Fixture.now))
    let cancelled = CohortReport(
      try #require(catalog.cohort(tenantID: Fixture.tenantID, number: 9)), payments: payments, alumni: [])
    #expect(Set(cancelled.refundsDue.map(\.memberID)) == [emily.id, Self.minji.id] && cancelled.paidNotSeated.isEmpty)
    #expect(cancelled.seatsTaken == 0)
  }

  @Test("a transfer carries the seat over: no payment check, the difference recorded as due or as credit")
  func transfers() throws {
    func transferIn(
      paid: Int64?, seat: Seat = .paid, history: [EnrollmentEvent] = Self.open
    ) throws -> [EnrollmentEvent] {
      try given(history).when(
        .enroll(
          Enroll(
            memberID: Self.minji.id, name: Self.minji.name, email: Self.minji.email, seat: seat,
            paid: paid.map(Fixture.krw), transferFrom: 8)))
    }
    func difference(_ events: [EnrollmentEvent]) -> Int64? {
      guard case .memberEnrolled(let e) = events.first else { return nil }
      return e.transfer?.differenceMinor
    }
    #expect(difference(try transferIn(paid: 200_000)) == 0)
    #expect(difference(try transferIn(paid: 150_000)) == 50_000, "50,000 KRW still due")
    #expect(difference(try transferIn(paid: 250_000)) == -50_000, "50,000 KRW of credit")
    #expect(difference(try transferIn(paid: nil, seat: .free(reason: "강사", grantedBy: Self.staff))) == 0)
    let withdrew = try given(Self.open + [Self.minji.enrolled()]).when(
      .withdraw(Withdraw(memberID: Self.minji.id, reason: "transferred to cohort 10", transferredTo: 10)))
    guard case .memberWithdrew(let left) = withdrew.first else {
      Issue.record("no withdrawal")
      return
    }
    #expect(left.transferredTo == 10 && !left.refundDue)
  }

  @Test("alumni are the members seated when a cohort completed, of any cohort but the one asked about")
  func alumni() {
    var catalog = CohortCatalog()
    let history: [EnrollmentEvent] =
      Self.open + [
        Self.minji.enrolled(), Member.junho.enrolled(),
        .memberWithdrew(MemberWithdrew(memberID: Member.junho.id, reason: "", wasWaitlisted: false, at: Fixture.now)),
        .cohortStarted(at: Fixture.now),
      ]
    for event in history { catalog.apply(tenantID: Fixture.tenantID, cohortID: Fixture.cohortID, event: event) }
    #expect(catalog.alumni(tenantID: Fixture.tenantID, except: 10).isEmpty, "not completed yet")
    catalog.apply(tenantID: Fixture.tenantID, cohortID: Fixture.cohortID, event: .cohortCompleted(at: Fixture.now))
    #expect(catalog.alumni(tenantID: Fixture.tenantID, except: 10) == [Self.minji.id], "junho left before the end")
    #expect(catalog.alumni(tenantID: Fixture.tenantID, except: 9).isEmpty, "not alumni of their own cohort")
    #expect(catalog.alumni(tenantID: UUID(), except: 10).isEmpty)
  }
}
