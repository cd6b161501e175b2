import CohortDomain
import Foundation
import Testing

/// Given a tenant's access events, when a command, then the new events (or the refusal).
@Suite("Access.decide: tenants and tokens")
struct AccessTests {
  static let ownerHash = Data(repeating: 0xA1, count: 32)
  static let staffHash = Data(repeating: 0xB2, count: 32)
  static let tokenID = Fixture.uuid(0x70)
  static let created = AccessEvent.tenantCreated(
    TenantCreated(tenantID: Fixture.tenantID, name: "AI 스터디 커뮤니티", at: Fixture.scheduledAt))
  static let ownerIssued = AccessEvent.tokenIssued(
    TokenIssued(
      tokenID: Fixture.uuid(0x6F), role: .owner, secretHash: ownerHash, label: "owner", at: Fixture.scheduledAt))

  static func when(_ command: AccessCommand, given history: [AccessEvent] = []) throws(DomainError) -> [AccessEvent] {
    try Access.decide(
      command, state: Access.fold(history),
      context: DecisionContext(now: Fixture.now, subjectID: Fixture.tenantID, newID: { Self.tokenID }))
  }

  static func token(_ role: AccessRole, _ label: String = "staff: 박서연", hash: Data = staffHash) -> NewToken {
    NewToken(role: role, secretHash: hash, label: label)
  }

  @Test("creating a tenant records it with its owner token, the name trimmed")
  func createsTenant() throws {
    let events = try Self.when(
      .createTenant(name: "  AI 스터디 커뮤니티 ", owner: Self.token(.owner, "owner", hash: Self.ownerHash)))
    #expect(
      events == [
        .tenantCreated(TenantCreated(tenantID: Fixture.tenantID, name: "AI 스터디 커뮤니티", at: Fixture.now)),
        .tokenIssued(
          TokenIssued(tokenID: Self.tokenID, role: .owner, secretHash: Self.ownerHash, label: "owner", at: Fixture.now)),
      ])
  }

  @Test("a tenant is created once")
  func createsTenantOnce() {
    #expect(throws: DomainError(.alreadyExists, "the tenant already exists")) {
      try Self.when(.createTenant(name: "Again", owner: Self.token(.owner)), given: [Self.created, Self.ownerIssued])
    }
  }

  @Test("a tenant starts with an owner token, not another role")
  func tenantNeedsOwner() {
    #expect(
      throws: DomainError(.invalidArgument(field: "role"), "a tenant starts with an owner token, not a staff token")
    ) {
      try Self.when(.createTenant(name: "Community", owner: Self.token(.staff)))
    }
  }

  @Test("a tenant's name must not be empty")
  func tenantNeedsName() {
    #expect(throws: DomainError(.invalidArgument(field: "name"), "name must not be empty")) {
      try Self.when(.createTenant(name: " \n", owner: Self.token(.owner)))
    }
  }

  @Test("issuing a token records its hash, role and trimmed label under a new id", arguments: AccessRole.allCases)
  func issuesToken(role: AccessRole) throws {
    let events = try Self.when(.issueToken(Self.token(role, " staff: 박서연 ")), given: [Self.created, Self.ownerIssued])
    #expect(
      events == [
        .tokenIssued(
          TokenIssued(
            tokenID: Self.tokenID, role: role, secretHash: Self.staffHash, label: "staff: 박서연", at: Fixture.now))
      ])
  }

  @Test(
    "a token needs a label of 1 to 200 characters, without control, format or bidi characters",
    arguments: [
      ("", "label must not be empty"), ("   ", "label must not be empty"),
      (String(repeating: "가", count: 201), "label must be at most 200 characters; got 201"),
      ("e" + String(repeating: "\u{301}", count: 500), "label must be at most 800 bytes of UTF-8; got 1000"),
      ("staff \u{202E}nimda", "label contains the invisible format character U+202E"),
      ("staff\u{1B}[2J", "label contains the control character U+001B"),
    ])
  func tokenNeedsLabel(label: String, message: String) {
    let error = #expect(throws: DomainError.self) {
      try Self.when(.issueToken(Self.token(.staff, label)), given: [Self.created])
    }
    #expect(error?.kind == .invalidArgument(field: "label"))
    #expect(error?.message.hasPrefix(message) == true, "\(String(describing: error?.message))")
  }

  @Test("a token is recorded by a SHA-256 hash, never by anything else")
  func tokenNeedsHash() {
    #expect(throws: DomainError(.invalidArgument(field: "token"), "a token is recorded by its SHA-256 hash (32 bytes)"))
    {
      try Self.when(.issueToken(Self.token(.staff, hash: Data("cohort_secret".utf8))), given: [Self.created])
    }
  }

  @Test("no token for a tenant that does not exist")
  func tokenNeedsTenant() {
    #expect(throws: DomainError(.notFound, "the tenant does not exist")) {
      try Self.when(.issueToken(Self.token(.member)))
    }
  }

  @Test("evolve keeps the tenant's name, every token and which are revoked")
  func evolves() {
    let state = Access.fold([Self.created, Self.ownerIssued, Self.staffIssued, Self.revoked(Self.staffID)])
    #expect(state.tenantName == "AI 스터디 커뮤니티")
    #expect(Set(state.tokens.keys) == [Fixture.uuid(0x6F), Self.staffID])
    #expect(state.revoked == [Self.staffID])
    #expect(state.valid(.owner, at: Fixture.now) == [Fixture.uuid(0x6F)])
    #expect(state.valid(.staff, at: Fixture.now).isEmpty)
  }

  // MARK: Expiry and revocation

  static let staffID = Fixture.uuid(0x71)
  static let staffIssued = AccessEvent.tokenIssued(
    TokenIssued(tokenID: staffID, role: .staff, secretHash: staffHash, label: "staff", at: Fixture.scheduledAt))
  static func revoked(_ tokenID: UUID, reason: String = "left", by: UUID? = Fixture.uuid(0x6F)) -> AccessEvent {
    .tokenRevoked(TokenRevoked(tokenID: tokenID, reason: reason, revokedBy: by, at: Fixture.now))
  }

  @Test("a token may expire, in the future only")
  func expiry() throws {
    var token = Self.token(.partner)
    token.expiresAt = Fixture.now.addingTimeInterval(86_400)
    let events = try Self.when(.issueToken(token), given: [Self.created])
    guard case .tokenIssued(let issued)? = events.first else {
      Issue.record("\(events)")
      return
    }
    #expect(issued.expiresAt == Fixture.now.addingTimeInterval(86_400))
    #expect(issued.unexpired(at: Fixture.now) && !issued.unexpired(at: Fixture.now.addingTimeInterval(86_400)))
    for past in [Fixture.now, Fixture.now.addingTimeInterval(-1)] {
      token.expiresAt = past
      #expect(throws: DomainError(.invalidArgument(field: "expires_at"), "expires_at must be in the future")) {
        try Self.when(.issueToken(token), given: [Self.created])
      }
    }
  }

  @Test("revoking records who and why; again changes nothing; an unknown token is not found")
  func revokes() throws {
    let history = [Self.created, Self.ownerIssued, Self.staffIssued]
    let by = Fixture.uuid(0x6F)
    #expect(
      try Self.when(.revokeToken(Self.staffID, reason: " left the team ", by: by), given: history)
        == [Self.revoked(Self.staffID, reason: "left the team")])
    #expect(
      try Self.when(.revokeToken(Self.staffID, reason: "again", by: by), given: history + [Self.revoked(Self.staffID)])
        .isEmpty)
    #expect(throws: DomainError(.notFound, "no token \(Fixture.uuid(0x99).uuidString.lowercased()) in this community"))
    {
      try Self.when(.revokeToken(Fixture.uuid(0x99), reason: "", by: by), given: history)
    }
    let error = #expect(throws: DomainError.self) {
      try Self.when(.revokeToken(Self.staffID, reason: "\u{202E}", by: by), given: history)
    }
    #expect(error?.kind == .invalidArgument(field: "reason"))
  }

  @Test("the last valid owner token cannot be revoked; one of two can, and an expired one does not count")
  func lastOwner() throws {
    let owner = Fixture.uuid(0x6F)
    #expect(throws: DomainError.self) {
      try Self.when(.revokeToken(owner, reason: "", by: owner), given: [Self.created, Self.ownerIssued])
    }
    let second = AccessEvent.tokenIssued(
      TokenIssued(
        tokenID: Fixture.uuid(0x72), role: .owner, secretHash: Data(repeating: 3, count: 32), label: "recovered",
        at: Fixture.scheduledAt))
    #expect(
      try Self.when(.revokeToken(owner, reason: "replaced", by: nil), given: [Self.created, Self.ownerIssued, second])
        == [Self.revoked(owner, reason: "replaced", by: nil)])
    let expired = AccessEvent.tokenIssued(
      TokenIssued(
        tokenID: Fixture.uuid(0x72), role: .owner, secretHash: Data(repeating: 3, count: 32), label: "expired",
        at: Fixture.scheduledAt, expiresAt: Fixture.now))
    #expect(throws: DomainError.self) {
      try Self.when(.revokeToken(owner, reason: "", by: nil), given: [Self.created, Self.ownerIssued, expired])
    }
  }

  @Test("owners manage every role's tokens, staff partners' and members', nobody else any")
  func manages() {
    #expect(Access.manages(.owner) == Set(AccessRole.allCases))
    #expect(Access.manages(.staff) == [.partner, .member])
    #expect(Access.manages(.partner).isEmpty && Access.manages(.member).isEmpty)
  }
}
