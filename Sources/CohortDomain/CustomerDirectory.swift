import Foundation

/// Where a person stands: only a validated payment makes a customer.
public enum CustomerStatus: String, Sendable, CaseIterable {
  /// Registered, with no validated payment (pending or refused payments do not count).
  case interested
  /// At least one validated payment that is not fully refunded.
  case paying
  /// Every validated payment was refunded in full.
  case refunded
  /// Forgotten: their personal data is gone.
  case erased
}

/// A payment as the read model shows it.
public struct PaymentRecord: Codable, Equatable, Sendable {
  public enum Status: String, Sendable, CaseIterable {
    case pending, validated, refused
    case partiallyRefunded = "partially refunded"
    case refunded
  }

  public var paymentID: UUID
  /// `nil` for a payment nobody expected (PortOne told of a paymentId we never saw).
  public var personID: UUID?
  public var cohortNumber: Int
  /// `nil` until it is expected.
  public var amount: Money?
  public var providerPaymentID: String?
  public var method: ValidationMethod?
  /// The latest refused validation, if any.
  public var refusal: ValidationRefusal?
  public var refunded: Int64 = 0
  public var expectedAt: Date?
  public var validatedAt: Date?

  /// A payment nothing has happened to yet.
  public init(paymentID: UUID, personID: UUID? = nil, cohortNumber: Int) {
    self.paymentID = paymentID
    self.personID = personID
    self.cohortNumber = cohortNumber
  }

  public var status: Status {
    guard let amount, validatedAt != nil else { return refusal == nil ? .pending : .refused }
    if refunded == 0 { return .validated }
    return refunded >= amount.amountMinor ? .refunded : .partiallyRefunded
  }

  /// What the payment brought in, net of refunds (nothing unless validated).
  public var net: Money? {
    guard let amount, validatedAt != nil else { return nil }
    return Money.unchecked(amount.amountMinor - refunded, amount.currency)
  }
}

/// A person as the read model shows them.
public struct Customer: Codable, Equatable, Sendable {
  public struct Interest: Codable, Equatable, Sendable {
    public var cohortNumber: Int
    public var channel: String
    public var at: Date
  }

  public var personID: UUID
  /// `nil` once erased.
  public var details: PersonDetails?
  public var source: String
  public var registeredAt: Date
  public var erased: Bool
  public var interests: [Interest]
  /// Their payments, oldest first.
  public var payments: [PaymentRecord]

  public var status: CustomerStatus {
    if erased { return .erased }
    let validated = payments.filter { $0.validatedAt != nil }
    if validated.contains(where: { $0.status != .refunded }) { return .paying }
    return validated.isEmpty ? .interested : .refunded
  }

  /// When they first showed interest, or registered if they never did.
  public var firstSeen: Date {
    interests.map(\.at).min() ?? registeredAt
  }
}

/// From interest to payment, counted over a set of people.
public struct Funnel: Equatable, Sendable {
  public var people = 0
  public var interested = 0
  public var paying = 0
  public var refunded = 0
  public var erased = 0
  /// Paying people per 10,000 people who are not erased, rounded down; `nil` with nobody.
  public var conversionBasisPoints: Int?
  /// The median of the days from a person's first interest (or registration) to their first
  /// validated payment, over paying and refunded people (the mean of the two middle values for
  /// an even count); `nil` with no payer.
  public var medianDaysToFirstPayment: Double?
  /// Validated payments net of refunds, per currency.
  public var revenue: [Currency: Int64] = [:]

  public init() {}
}

/// Every tenant's people and payments, folded from their events, for queries.
public struct CustomerDirectory: Codable, Equatable, Sendable {
  private struct Tenant: Codable, Equatable, Sendable {
    var people: [UUID: Customer] = [:]
    /// People in the order they first registered.
    var order: [UUID] = []
    var payments: [UUID: PaymentRecord] = [:]
    var paymentOrder: [UUID] = []
    var paymentsByPerson: [UUID: [UUID]] = [:]
    var paymentsByCohort: [Int: [UUID]] = [:]
    var byPhone: [String: Set<UUID>] = [:]
    var byProviderPaymentID: [String: UUID] = [:]

    mutating func apply(personID: UUID, event: PeopleEvent) {
      switch event {
      case .personRegistered(let registered):
        if people[personID] == nil { order.append(personID) }
        if let phone = people[personID]?.details?.phone { byPhone[phone]?.remove(personID) }
        people[personID] = Customer(
          personID: personID, details: registered.details, source: registered.source, registeredAt: registered.at,
          erased: registered.details == nil, interests: [], payments: [])
        if let phone = registered.details?.phone { byPhone[phone, default: []].insert(personID) }
      case .interestRecorded(let interest):
        people[personID]?.interests.append(
          Customer.Interest(cohortNumber: interest.cohortNumber, channel: interest.channel, at: interest.at))
      case .personForgotten:
        if let phone = people[personID]?.details?.phone { byPhone[phone]?.remove(personID) }
        people[personID]?.details = nil
        people[personID]?.erased = true
        for paymentID in paymentsByPerson[personID] ?? [] {
          if case .bankTransfer(_, let confirmedBy)? = payments[paymentID]?.method {
            payments[paymentID]?.method = .bankTransfer(nil, confirmedBy: confirmedBy)
          }
        }
      }
    }

    mutating func apply(paymentID: UUID, event: PaymentEvent) {
      if payments[paymentID] == nil {
        payments[paymentID] = PaymentRecord(paymentID: paymentID, cohortNumber: 0)
        paymentOrder.append(paymentID)
      }
      switch event {
      case .paymentExpected(let expected):
        payments[paymentID]?.personID = expected.personID
        payments[paymentID]?.cohortNumber = expected.cohortNumber
        payments[paymentID]?.amount = expected.amount
        payments[paymentID]?.providerPaymentID = expected.providerPaymentID
        payments[paymentID]?.expectedAt = expected.at
        if let provider = expected.providerPaymentID { byProviderPaymentID[provider] = paymentID }
        paymentsByPerson[expected.personID, default: []].append(paymentID)
        paymentsByCohort[expected.cohortNumber, default: []].append(paymentID)
      case .paymentValidated(let validated):
        payments[paymentID]?.method = validated.method
        payments[paymentID]?.validatedAt = validated.at
        payments[paymentID]?.refusal = nil
      case .paymentValidationRefused(let refused):
        payments[paymentID]?.refusal = refused.reason
        if payments[paymentID]?.providerPaymentID == nil {
          payments[paymentID]?.providerPaymentID = refused.providerPaymentID
        }
      case .paymentRefunded(let refunded):
        payments[paymentID]?.refunded += refunded.amount.amountMinor
      }
    }

    func filled(_ person: Customer) -> Customer {
      var person = person
      person.payments = (paymentsByPerson[person.personID] ?? []).compactMap { payments[$0] }
      return person
    }
  }

  private var tenants: [UUID: Tenant] = [:]

  public init() {}

  /// Applies one event of person `personID`'s stream in tenant `tenantID`.
  public mutating func apply(tenantID: UUID, personID: UUID, event: PeopleEvent) {
    // In place: a copy of the tenant would copy every person of it, per event.
    tenants[tenantID, default: Tenant()].apply(personID: personID, event: event)
  }

  /// Applies one event of payment `paymentID`'s stream in tenant `tenantID`.
  public mutating func apply(tenantID: UUID, paymentID: UUID, event: PaymentEvent) {
    tenants[tenantID, default: Tenant()].apply(paymentID: paymentID, event: event)
  }

  /// Whether the tenant has a person with this id (erased or not), without building their record.
  public func knows(tenantID: UUID, personID: UUID) -> Bool {
    tenants[tenantID]?.people[personID] != nil
  }

  /// The tenant's person with this id, with their payments.
  public func person(tenantID: UUID, personID: UUID) -> Customer? {
    guard let tenant = tenants[tenantID], let person = tenant.people[personID] else { return nil }
    return tenant.filled(person)
  }

  /// The tenant's people (with `status`, if given), in the order they registered.
  public func people(tenantID: UUID, status: CustomerStatus? = nil) -> [Customer] {
    guard let tenant = tenants[tenantID] else { return [] }
    return tenant.order.compactMap { id in
      tenant.people[id].map(tenant.filled).flatMap { status == nil || $0.status == status ? $0 : nil }
    }
  }

  /// People of the tenant with this (E.164) phone who are not erased.
  public func people(tenantID: UUID, phone: String) -> [UUID] {
    guard let tenant = tenants[tenantID] else { return [] }
    return tenant.order.filter { tenant.byPhone[phone]?.contains($0) == true }
  }

  public func payment(tenantID: UUID, paymentID: UUID) -> PaymentRecord? {
    tenants[tenantID]?.payments[paymentID]
  }

  /// The tenant and payment that expect PortOne's `providerPaymentID`, in any tenant.
  public func payment(providerPaymentID: String) -> (tenantID: UUID, paymentID: UUID)? {
    for (tenantID, tenant) in tenants {
      if let paymentID = tenant.byProviderPaymentID[providerPaymentID] { return (tenantID, paymentID) }
    }
    return nil
  }

  /// The tenant's payments (with `status`, if given), oldest first.
  /// The tenant's payments for one cohort, in the order they were first seen.
  public func payments(tenantID: UUID, cohortNumber: Int) -> [PaymentRecord] {
    guard let tenant = tenants[tenantID] else { return [] }
    return (tenant.paymentsByCohort[cohortNumber] ?? []).compactMap { tenant.payments[$0] }
  }

  public func payments(tenantID: UUID, status: PaymentRecord.Status? = nil) -> [PaymentRecord] {
    guard let tenant = tenants[tenantID] else { return [] }
    return tenant.paymentOrder.compactMap { tenant.payments[$0] }.filter { status == nil || $0.status == status }
  }

  /// What `personID` paid for cohort `cohortNumber` in `currency`: validated payments less
  /// refunds; `nil` when nothing.
  public func paid(tenantID: UUID, personID: UUID, cohortNumber: Int, currency: Currency) -> Money? {
    guard let tenant = tenants[tenantID] else { return nil }
    let total = (tenant.paymentsByPerson[personID] ?? []).compactMap { tenant.payments[$0] }
      .filter { $0.cohortNumber == cohortNumber }.compactMap(\.net).filter { $0.currency == currency }
      .reduce(Int64(0)) { $0 + $1.amountMinor }
    return total > 0 ? Money.unchecked(total, currency) : nil
  }

  /// The funnel over the tenant's people: with `cohortNumber`, those interested in or paying for
  /// that cohort (and only that cohort's payments); with `since`/`until`, those first seen in
  /// [since, until).
  public func funnel(tenantID: UUID, cohortNumber: Int? = nil, since: Date? = nil, until: Date? = nil) -> Funnel {
    var funnel = Funnel()
    var days: [Double] = []
    for person in people(tenantID: tenantID) {
      let payments = person.payments.filter { cohortNumber == nil || $0.cohortNumber == cohortNumber }
      if let cohortNumber, payments.isEmpty, !person.interests.contains(where: { $0.cohortNumber == cohortNumber }) {
        continue
      }
      let firstSeen = person.firstSeen
      if let since, firstSeen < since { continue }
      if let until, firstSeen >= until { continue }
      var scoped = person
      scoped.payments = payments
      funnel.people += 1
      switch scoped.status {
      case .interested: funnel.interested += 1
      case .paying: funnel.paying += 1
      case .refunded: funnel.refunded += 1
      case .erased: funnel.erased += 1
      }
      for payment in payments {
        if let net = payment.net { funnel.revenue[net.currency, default: 0] += net.amountMinor }
      }
      if let firstPaid = payments.compactMap(\.validatedAt).min() {
        if !person.erased { days.append(firstPaid.timeIntervalSince(firstSeen) / 86_400) }
      }
    }
    let counted = funnel.people - funnel.erased
    funnel.conversionBasisPoints = counted > 0 ? funnel.paying * 10_000 / counted : nil
    days.sort()
    if !days.isEmpty {
      let middle = days.count / 2
      funnel.medianDaysToFirstPayment = days.count % 2 == 1 ? days[middle] : (days[middle - 1] + days[middle]) / 2
    }
    return funnel
  }
}
