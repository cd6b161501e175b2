import CohortDomain
import Foundation
import Testing

/// The people read model: statuses, payments and the funnel, folded from events.
@Suite("CustomerDirectory: only validated payments make a customer")
struct CustomerDirectoryTests {
  static let tenant = Fixture.tenantID
  static let day: TimeInterval = 86_400

  /// A directory built event by event, with small helpers for the events of one person.
  struct Given {
    var directory = CustomerDirectory()
    var tenant = CustomerDirectoryTests.tenant

    mutating func register(_ number: Int, at: Date = Fixture.scheduledAt, phone: String? = nil) -> UUID {
      let id = Fixture.uuid(0x1000 + number)
      directory.apply(
        tenantID: tenant, personID: id,
        event: .personRegistered(
          PersonRegistered(
            personID: id,
            details: PersonDetails(name: "학생 \(number)", email: "s\(number)@example.com", phone: phone, note: ""),
            source: "open chat", at: at)))
      return id
    }

    mutating func interest(_ person: UUID, cohort: Int = 9, at: Date) {
      directory.apply(
        tenantID: tenant, personID: person,
        event: .interestRecorded(InterestRecorded(personID: person, cohortNumber: cohort, channel: "open chat", at: at))
      )
    }

    mutating func forget(_ person: UUID) {
      directory.apply(
        tenantID: tenant, personID: person, event: .personForgotten(PersonForgotten(personID: person, at: Fixture.now)))
    }

    @discardableResult
    mutating func pay(
      _ person: UUID, _ amount: Money = Fixture.krw(200_000), cohort: Int = 9, at: Date, validated: Bool = true
    ) -> UUID {
      let payment = UUID()
      directory.apply(
        tenantID: tenant, paymentID: payment,
        event: .paymentExpected(
          PaymentExpected(
            paymentID: payment, personID: person, cohortNumber: cohort, amount: amount,
            providerPaymentID: "p-\(payment)",
            at: at)))
      if validated {
        directory.apply(
          tenantID: tenant, paymentID: payment,
          event: .paymentValidated(
            PaymentValidated(
              paymentID: payment, personID: person, cohortNumber: cohort, amount: amount,
              method: .portOne(transactionID: "tx"), at: at)))
      }
      return payment
    }

    mutating func refund(_ payment: UUID, _ person: UUID, _ amount: Money) {
      directory.apply(
        tenantID: tenant, paymentID: payment,
        event: .paymentRefunded(
          PaymentRefunded(
            paymentID: payment, personID: person, amount: amount, reason: "r", source: .provider, at: Fixture.now)))
    }

    func status(_ person: UUID) -> CustomerStatus? {
      directory.person(tenantID: tenant, personID: person)?.status
    }
  }

  @Test("interested until validated; paying while not fully refunded; refunded; erased")
  func statuses() {
    var given = Given()
    let minji = given.register(1)
    #expect(given.status(minji) == .interested)
    let pending = given.pay(minji, at: Fixture.openedAt, validated: false)
    #expect(given.status(minji) == .interested, "a pending payment does not make a customer")
    #expect(given.directory.payment(tenantID: Self.tenant, paymentID: pending)?.status == .pending)
    let paid = given.pay(minji, at: Fixture.openedAt)
    #expect(given.status(minji) == .paying)
    given.refund(paid, minji, Fixture.krw(50_000))
    #expect(given.status(minji) == .paying)
    #expect(given.directory.payment(tenantID: Self.tenant, paymentID: paid)?.status == .partiallyRefunded)
    given.refund(paid, minji, Fixture.krw(150_000))
    #expect(given.status(minji) == .refunded)
    given.forget(minji)
    let erased = given.directory.person(tenantID: Self.tenant, personID: minji)
    #expect(erased?.status == .erased && erased?.details == nil && erased?.erased == true)
  }

  @Test("a refused validation leaves the person interested and the payment refused")
  func refused() {
    var given = Given()
    let minji = given.register(1)
    let payment = given.pay(minji, at: Fixture.openedAt, validated: false)
    given.directory.apply(
      tenantID: Self.tenant, paymentID: payment,
      event: .paymentValidationRefused(
        PaymentValidationRefused(
          paymentID: payment, personID: minji, providerPaymentID: "p", reason: .notPaid(status: "READY"),
          at: Fixture.now)))
    #expect(given.status(minji) == .interested)
    #expect(given.directory.payments(tenantID: Self.tenant, status: .refused).map(\.paymentID) == [payment])
  }

  @Test("people list in registration order and filter by status; phones find possible duplicates")
  func lists() {
    var given = Given()
    let first = given.register(1, phone: "+821012345678")
    let second = given.register(2, at: Fixture.openedAt, phone: "+821012345678")
    let third = given.register(3, at: Fixture.closedAt)
    given.pay(second, at: Fixture.closedAt)
    #expect(given.directory.people(tenantID: Self.tenant).map(\.personID) == [first, second, third])
    #expect(given.directory.people(tenantID: Self.tenant, status: .paying).map(\.personID) == [second])
    #expect(given.directory.people(tenantID: Self.tenant, phone: "+821012345678") == [first, second])
    given.forget(first)
    #expect(given.directory.people(tenantID: Self.tenant, phone: "+821012345678") == [second])
    #expect(given.directory.people(tenantID: Fixture.otherTenantID).isEmpty, "tenants are separate")
  }

  @Test("the funnel: counts, conversion (floor), median days, revenue net of refunds")
  func funnel() {
    var given = Given()
    let start = Fixture.scheduledAt
    var people: [UUID] = []
    for number in 1...10 {
      let person = given.register(number, at: start)
      given.interest(person, at: start.addingTimeInterval(Double(number) * Self.day))
      people.append(person)
    }
    // Three pay, 2, 4 and 9 days after their first interest; one of them gets 50,000 back.
    given.pay(people[0], at: start.addingTimeInterval(3 * Self.day))
    given.pay(people[1], at: start.addingTimeInterval(6 * Self.day))
    let refunded = given.pay(people[2], at: start.addingTimeInterval(12 * Self.day))
    given.refund(refunded, people[2], Fixture.krw(50_000))
    // One pays for another cohort, in dollars.
    given.pay(
      people[3], try! Money(amountMinor: 15_000, currency: .usd), cohort: 10,
      at: start.addingTimeInterval(20 * Self.day))
    given.forget(people[9])

    let all = given.directory.funnel(tenantID: Self.tenant)
    #expect(all.people == 10 && all.erased == 1)
    #expect(all.paying == 4 && all.interested == 5 && all.refunded == 0)
    #expect(all.conversionBasisPoints == 4_444, "4 of 9 not erased: 44.44%, rounded down")
    #expect(all.medianDaysToFirstPayment == 6.5, "2, 4, 9 and 16 days: the mean of 4 and 9")
    #expect(all.revenue == [.krw: 550_000, .usd: 15_000])

    let nine = given.directory.funnel(tenantID: Self.tenant, cohortNumber: 9)
    #expect(nine.people == 10, "everyone showed interest in cohort 9, the dollar payer and the erased one included")
    #expect(nine.paying == 3 && nine.revenue == [.krw: 550_000])
    #expect(nine.medianDaysToFirstPayment == 4)

    let ten = given.directory.funnel(tenantID: Self.tenant, cohortNumber: 10)
    #expect(ten.people == 1 && ten.paying == 1 && ten.revenue == [.usd: 15_000])

    let early = given.directory.funnel(
      tenantID: Self.tenant, since: start, until: start.addingTimeInterval(3.5 * Self.day))
    #expect(early.people == 3, "first interest on days 1, 2 and 3")
    #expect(early.paying == 3 && early.conversionBasisPoints == 10_000)
  }

  @Test("an empty funnel has no rate and no median")
  func emptyFunnel() {
    let funnel = CustomerDirectory().funnel(tenantID: Self.tenant)
    #expect(funnel == Funnel())
    #expect(funnel.conversionBasisPoints == nil && funnel.medianDaysToFirstPayment == nil)
  }
}
