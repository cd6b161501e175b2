import Foundation

/// A person's personal data: encrypted at rest with the person's own key, and gone for good once
/// the person is forgotten.
public struct PersonDetails: Codable, Equatable, Sendable {
  public var name: String
  public var email: String
  /// E.164, e.g. `+821012345678`.
  public var phone: String?
  public var note: String

  public init(name: String, email: String, phone: String?, note: String) {
    self.name = name
    self.email = email
    self.phone = phone
    self.note = note
  }
}

/// A person to register, as typed.
public struct NewPerson: Equatable, Sendable {
  public var name: String
  public var email: String
  public var phone: String?
  public var source: String
  public var note: String

  public init(name: String, email: String, phone: String? = nil, source: String = "", note: String = "") {
    self.name = name
    self.email = email
    self.phone = phone
    self.source = source
    self.note = note
  }
}

/// What can be asked of a person's record.
public enum PeopleCommand: Equatable, Sendable {
  case register(NewPerson)
  /// They showed interest in a cohort, through a channel such as "open chat".
  case recordInterest(cohortNumber: Int, channel: String)
  /// Erase their personal data for good.
  case forget
}

/// A person was registered. `details` is `nil` once their key is deleted (they were forgotten).
public struct PersonRegistered: Equatable, Sendable {
  public var personID: UUID
  public var details: PersonDetails?
  /// Where they came from, e.g. "open chat" (not personal: kept after forgetting).
  public var source: String
  public var at: Date

  public init(personID: UUID, details: PersonDetails?, source: String, at: Date) {
    self.personID = personID
    self.details = details
    self.source = source
    self.at = at
  }
}

/// A person showed interest in a cohort.
public struct InterestRecorded: Equatable, Sendable {
  public var personID: UUID
  public var cohortNumber: Int
  public var channel: String
  public var at: Date

  public init(personID: UUID, cohortNumber: Int, channel: String, at: Date) {
    self.personID = personID
    self.cohortNumber = cohortNumber
    self.channel = channel
    self.at = at
  }
}

/// A person was forgotten: their key is deleted, their personal data unreadable.
public struct PersonForgotten: Equatable, Sendable {
  public var personID: UUID
  public var at: Date

  public init(personID: UUID, at: Date) {
    self.personID = personID
    self.at = at
  }
}

/// Everything that happens to a person's record; one person is one stream.
public enum PeopleEvent: Equatable, Sendable {
  case personRegistered(PersonRegistered)
  case interestRecorded(InterestRecorded)
  case personForgotten(PersonForgotten)
}

/// The rules of a person's record. The context's subject is the person's id (derived from the
/// tenant and the e-mail by the server, so one e-mail is one person).
public enum People: Decider {
  /// What the decisions need to know of a person's stream.
  public struct State: Equatable, Sendable {
    public var registered = false
    public var forgotten = false
    /// The cohorts they showed interest in (since their latest registration).
    public var interests: Set<Int> = []
  }

  public static let initial = State()

  public static func decide(
    _ command: PeopleCommand, state: State, context: DecisionContext
  ) throws(DomainError) -> [PeopleEvent] {
    switch command {
    case .register(let new):
      let details = PersonDetails(
        name: try PersonFields.name(new.name), email: try PersonFields.email(new.email),
        phone: try new.phone.flatMap { raw throws(DomainError) in
          raw.trimmingCharacters(in: .whitespaces).isEmpty ? nil : try PersonFields.phone(raw)
        },
        note: try PersonFields.text(
          new.note, field: "note", maxCharacters: 2_000, allowEmpty: true, allowsLineBreaks: true))
      let source = try PersonFields.text(new.source, field: "source", maxCharacters: 100, allowEmpty: true)
      guard !state.registered || state.forgotten else {
        throw DomainError(.alreadyExists, "a person with this e-mail is already registered")
      }
      return [
        .personRegistered(
          PersonRegistered(personID: context.subjectID, details: details, source: source, at: context.now))
      ]
    case .recordInterest(let cohortNumber, let channel):
      try Validate.number(cohortNumber, in: 1...1_000_000, field: "cohort_number", label: "cohort number")
      let channel = try PersonFields.text(channel, field: "channel", maxCharacters: 100, allowEmpty: false)
      try requireCurrent(state)
      guard !state.interests.contains(cohortNumber) else { return [] }
      return [
        .interestRecorded(
          InterestRecorded(personID: context.subjectID, cohortNumber: cohortNumber, channel: channel, at: context.now))
      ]
    case .forget:
      guard state.registered else { throw DomainError(.notFound, "no person with this e-mail is registered") }
      guard !state.forgotten else { return [] }
      return [.personForgotten(PersonForgotten(personID: context.subjectID, at: context.now))]
    }
  }

  public static func evolve(_ state: inout State, _ event: PeopleEvent) {
    switch event {
    case .personRegistered:
      state = State(registered: true)
    case .interestRecorded(let interest):
      state.interests.insert(interest.cohortNumber)
    case .personForgotten:
      state.forgotten = true
      state.interests = []
    }
  }

  private static func requireCurrent(_ state: State) throws(DomainError) {
    guard state.registered else { throw DomainError(.notFound, "no person with this e-mail is registered") }
    guard !state.forgotten else {
      throw DomainError(.failedPrecondition, "this person was forgotten; register them again")
    }
  }
}
