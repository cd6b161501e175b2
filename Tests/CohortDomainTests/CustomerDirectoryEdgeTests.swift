import CohortDomain
import Foundation
import Testing

/// The edges of the people read model: tenants kept apart, payments nobody expected, erasure,
/// and the funnel's filters and arithmetic at their boundaries.
@Suite("CustomerDirectory: the edges")
struct CustomerDirectoryEdgeTests {
  typealias Given = CustomerDirectoryTests.Given
  static let tenant = Fixture.tenantID
  static let day: TimeInterval = 86_400
  static let start = Fixture.scheduledAt

  static func refusedUnknown(_ paymentID: UUID) -> PaymentEvent {
    .paymentValidationRefused(
      PaymentValidationRefused(
        paymentID: paymentID, personID: nil, providerPaymentID: "order-unknown", reason: .unknownPayment,
        at: Fixture.now))
  }

  @Test("tenants are kept apart, even for the same person id")
  func tenantsApart() {
    var given = Given()
    let minji = given.register(1)
    given.tenant = Fixture.otherTenantID
    #expect(given.register(1) == minji)
    let paid = given.pay(minji, at: Fixture.openedAt)
    #expect(given.directory.person(tenantID: Self.tenant, personID: minji)?.status == .interested)
    #expect(given.directory.person(tenantID: Fixture.otherTenantID, personID: minji)?.status == .paying)
    #expect(given.directory.payment(tenantID: Self.tenant, paymentID: paid) == nil)
    #expect(given.directory.payments(tenantID: Self.tenant).isEmpty)
    #expect(given.directory.funnel(tenantID: Self.tenant).revenue.isEmpty)
    #expect(given.directory.funnel(tenantID: Fixture.otherTenantID).revenue == [.krw: 200_000])
  }

  @Test("a payment nobody expected is listed as refused but counts for nobody")
  func unknownPayment() {
    var given = Given()
    let minji = given.register(1)
    let unknown = Fixture.uuid(0x99)
    given.directory.apply(tenantID: Self.tenant, paymentID: unknown, event: Self.refusedUnknown(unknown))
    let record = given.directory.payment(tenantID: Self.tenant, paymentID: unknown)
    #expect(record?.personID == nil && record?.status == .refused && record?.providerPaymentID == "order-unknown")
    #expect(record?.refusal == .unknownPayment && record?.net == nil)
    #expect(given.directory.payments(tenantID: Self.tenant, status: .refused).map(\.paymentID) == [unknown])
    #expect(given.directory.person(tenantID: Self.tenant, personID: minji)?.payments.isEmpty == true)
    let funnel = given.directory.funnel(tenantID: Self.tenant)
    #expect(funnel.people == 1 && funnel.interested == 1 && funnel.revenue.isEmpty)
  }

  @Test("forgetting drops the personal data, the bank depositor included, but keeps the money")
  func forgettingScrubs() {
    var given = Given()
    let minji = given.register(1, phone: "+821012345678")
    let payment = Fixture.uuid(0x61)
    let reference = BankReference(reference: "입금 0001", bank: "국민은행", depositor: "김민지")
    for event in [
      PaymentEvent.paymentExpected(
        PaymentExpected(
          paymentID: payment, personID: minji, cohortNumber: 9, amount: Fixture.krw(200_000), providerPaymentID: nil,
          at: Fixture.openedAt)),
      .paymentValidated(
        PaymentValidated(
          paymentID: payment, personID: minji, cohortNumber: 9, amount: Fixture.krw(200_000),
          method: .bankTransfer(reference, confirmedBy: Fixture.uuid(0x70)), at: Fixture.openedAt)),
    ] {
      given.directory.apply(tenantID: Self.tenant, paymentID: payment, event: event)
    }
    given.forget(minji)
    let erased = given.directory.person(tenantID: Self.tenant, personID: minji)
    #expect(erased?.details == nil && erased?.status == .erased && erased?.source == "open chat")
    #expect(erased?.payments.first?.method == .bankTransfer(nil, confirmedBy: Fixture.uuid(0x70)))
    #expect(given.directory.people(tenantID: Self.tenant, phone: "+821012345678").isEmpty)
    #expect(given.directory.people(tenantID: Self.tenant, status: .erased).map(\.personID) == [minji])
    #expect(given.directory.funnel(tenantID: Self.tenant).revenue == [.krw: 200_000])
  }

  @Test("a registration replayed after its key was deleted shows the person erased")
  func replayedErased() {
    var directory = CustomerDirectory()
    let id = Fixture.uuid(0x51)
    directory.apply(
      tenantID: Self.tenant, personID: id,
      event: .personRegistered(PersonRegistered(personID: id, details: nil, source: "instagram", at: Self.start)))
    let person = directory.person(tenantID: Self.tenant, personID: id)
    #expect(person?.erased == true && person?.status == .erased && person?.details == nil)
    let funnel = directory.funnel(tenantID: Self.tenant)
    #expect(funnel.people == 1 && funnel.erased == 1 && funnel.conversionBasisPoints == nil)
  }

  @Test("payments applied before the registration still belong to the person")
  func paymentBeforeRegistration() {
    var given = Given()
    let id = Fixture.uuid(0x1000 + 1)
    given.pay(id, at: Fixture.openedAt)
    #expect(given.register(1) == id)
    #expect(given.status(id) == .paying)
  }

  @Test("a fully refunded payer counts as refunded, not paying, and brings in nothing")
  func fullyRefunded() {
    var given = Given()
    var people: [UUID] = []
    for number in 1...10 {
      let person = given.register(number, at: Self.start)
      given.interest(person, at: Self.start)
      people.append(person)
    }
    given.pay(people[0], at: Self.start.addingTimeInterval(1 * Self.day))
    given.pay(people[1], at: Self.start.addingTimeInterval(2 * Self.day))
    let back = given.pay(people[2], at: Self.start.addingTimeInterval(3 * Self.day))
    given.refund(back, people[2], Fixture.krw(200_000))
    let funnel = given.directory.funnel(tenantID: Self.tenant)
    #expect(funnel.people == 10 && funnel.interested == 7 && funnel.paying == 2 && funnel.refunded == 1)
    #expect(funnel.conversionBasisPoints == 2_000, "2 of 10")
    #expect(funnel.medianDaysToFirstPayment == 2, "1, 2 and 3 days: the refunded payer counts too")
    #expect(funnel.revenue == [.krw: 400_000])
  }

  @Test("conversion is rounded down: 1 of 3 is 3,333 basis points")
  func floorRounding() {
    var given = Given()
    let first = given.register(1)
    _ = given.register(2)
    _ = given.register(3)
    given.pay(first, at: Fixture.openedAt)
    #expect(given.directory.funnel(tenantID: Self.tenant).conversionBasisPoints == 3_333)
  }

  @Test("days to first payment count from registration when there is no interest, to the first validated payment")
  func daysFromRegistration() {
    var given = Given()
    let minji = given.register(1, at: Self.start)
    given.pay(minji, at: Self.start.addingTimeInterval(1.5 * Self.day), validated: false)
    given.pay(minji, at: Self.start.addingTimeInterval(3 * Self.day))
    given.pay(minji, at: Self.start.addingTimeInterval(10 * Self.day))
    #expect(given.directory.funnel(tenantID: Self.tenant).medianDaysToFirstPayment == 3)
  }

  @Test("since is inclusive and until exclusive, by first interest")
  func dateBoundaries() {
    var given = Given()
    let onStart = given.register(1, at: Self.start.addingTimeInterval(-10 * Self.day))
    given.interest(onStart, at: Self.start)
    given.interest(onStart, cohort: 10, at: Self.start.addingTimeInterval(9 * Self.day))
    let onUntil = given.register(2, at: Self.start)
    given.interest(onUntil, at: Self.start.addingTimeInterval(2 * Self.day))
    let before = given.register(3, at: Self.start.addingTimeInterval(-1))
    let window = given.directory.funnel(
      tenantID: Self.tenant, since: Self.start, until: Self.start.addingTimeInterval(2 * Self.day))
    #expect(window.people == 1, "only the person first interested exactly at since")
    let later = given.directory.funnel(tenantID: Self.tenant, since: Self.start.addingTimeInterval(2 * Self.day))
    #expect(later.people == 1)
    let earlier = given.directory.funnel(tenantID: Self.tenant, until: Self.start)
    #expect(earlier.people == 1 && given.directory.person(tenantID: Self.tenant, personID: before) != nil)
  }

  @Test("with a cohort, a person counts through an interest or a payment in it, and only its money")
  func cohortScope() {
    var given = Given()
    let interested = given.register(1)
    given.interest(interested, cohort: 10, at: Self.start)
    let payerOnly = given.register(2)
    given.pay(payerOnly, cohort: 10, at: Fixture.openedAt)
    given.pay(payerOnly, cohort: 9, at: Fixture.openedAt)
    _ = given.register(3)
    let ten = given.directory.funnel(tenantID: Self.tenant, cohortNumber: 10)
    #expect(ten.people == 2 && ten.paying == 1 && ten.interested == 1 && ten.revenue == [.krw: 200_000])
    let eleven = given.directory.funnel(tenantID: Self.tenant, cohortNumber: 11)
    #expect(eleven == Funnel())
  }

  @Test("a person who registers again after being forgotten is a fresh record")
  func registersAgain() {
    var given = Given()
    let minji = given.register(1, at: Self.start, phone: "+821012345678")
    given.interest(minji, at: Self.start)
    given.forget(minji)
    _ = given.register(1, at: Fixture.closedAt, phone: "+821099998888")
    let again = given.directory.person(tenantID: Self.tenant, personID: minji)
    #expect(again?.status == .interested && again?.details?.phone == "+821099998888")
    #expect(again?.interests.isEmpty == true && again?.registeredAt == Fixture.closedAt)
    #expect(given.directory.people(tenantID: Self.tenant, phone: "+821099998888") == [minji])
    #expect(given.directory.people(tenantID: Self.tenant).count == 1)
  }
}
