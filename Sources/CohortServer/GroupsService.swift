import CohortAPI
import CohortDomain
import CohortMapping
import EventStore
import Foundation
import GRPCCore
import Projections

/// `cohort.v1.GroupsService`: a cohort's partner groups, one stream per cohort. Groups, sessions,
/// posts and presentations get ids derived from the request ids, so retries meet them. Partners
/// and members (tokens bound to a person) reach only their own groups (``Authorization``).
struct GroupsService: Cohort_V1_GroupsService.SimpleServiceProtocol {
  let core: ServerCore
  let identity: PersonIdentity
  let reads: ReadConsistency

  private static let namespace = UUID(uuidString: "6c8e0a2c-4e6a-4c8e-9a2c-4e6a8c0e2a07")!

  /// An id for what request `requestID` creates in the cohort.
  private static func newID(_ kind: String, cohortID: UUID, requestID: UUID) -> UUID {
    UUID(namespace: namespace, name: "\(kind)/\(cohortID.lowercased)/\(requestID.lowercased)")
  }

  // MARK: Commands

  func createGroup(
    request: Cohort_V1_CreateGroupRequest, context: ServerContext
  ) async throws -> Cohort_V1_GroupCommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let cohort = try cohort(request.cohortNumber, tenantID: principal.tenantID)
    let partner = request.hasPartner ? try person(request.partner, field: "partner", tenantID: principal.tenantID) : nil
    let groupID = Self.newID("group", cohortID: cohort.cohortID, requestID: fingerprint.requestID)
    let outcome = try await run(
      .createGroup(groupID: groupID, name: request.name, partner: partner), cohort: cohort, request: fingerprint,
      principal: principal)
    return .with {
      $0.reply = outcome.reply
      $0.groupID = groupID.lowercased
    }
  }

  func updateGroup(
    request: Cohort_V1_UpdateGroupRequest, context: ServerContext
  ) async throws -> Cohort_V1_GroupCommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let cohort = try cohort(request.cohortNumber, tenantID: principal.tenantID)
    let group = try group(request.group, in: cohort, tenantID: principal.tenantID)
    let partner = request.hasPartner ? try person(request.partner, field: "partner", tenantID: principal.tenantID) : nil
    let outcome = try await run(
      .updateGroup(groupID: group.groupID, name: request.name.isEmpty ? nil : request.name, partner: partner),
      cohort: cohort, request: fingerprint, principal: principal)
    return reply(outcome, group: group.groupID)
  }

  func dissolveGroup(
    request: Cohort_V1_GroupRequest, context: ServerContext
  ) async throws -> Cohort_V1_GroupCommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let cohort = try cohort(request.cohortNumber, tenantID: principal.tenantID)
    let group = try group(request.group, in: cohort, tenantID: principal.tenantID)
    let outcome = try await run(
      .dissolveGroup(groupID: group.groupID), cohort: cohort, request: fingerprint, principal: principal)
    return reply(outcome, group: group.groupID)
  }

  func placeMember(
    request: Cohort_V1_PlaceMemberRequest, context: ServerContext
  ) async throws -> Cohort_V1_GroupCommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let cohort = try cohort(request.cohortNumber, tenantID: principal.tenantID)
    let member = try person(request.member, field: "member", tenantID: principal.tenantID)
    guard !request.group.isEmpty else {
      let outcome = try await run(
        .unassignMember(memberID: member), cohort: cohort, request: fingerprint, principal: principal)
      return .with { $0.reply = outcome.reply }
    }
    guard cohort.enrolled.contains(where: { $0.memberID == member }) else {
      throw DomainError(
        .failedPrecondition, "this person is not enrolled in cohort \(cohort.number): only members join its groups")
    }
    let group = try group(request.group, in: cohort, tenantID: principal.tenantID)
    let outcome = try await run(
      .assignMember(memberID: member, groupID: group.groupID, allowMove: request.allowMove), cohort: cohort,
      request: fingerprint, principal: principal)
    return reply(outcome, group: group.groupID)
  }

  func balanceGroups(
    request: Cohort_V1_BalanceGroupsRequest, context: ServerContext
  ) async throws -> Cohort_V1_BalanceGroupsReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let cohort = try cohort(request.cohortNumber, tenantID: principal.tenantID)
    let members = cohort.enrolled.map(\.memberID)
    let alumni = core.readModel.read { $0.catalog.alumni(tenantID: principal.tenantID, except: cohort.number) }
    let outcome = try await run(
      .balance(unassigned: members, alumni: alumni, spreadAlumni: request.spreadAlumni), cohort: cohort,
      request: fingerprint, principal: principal)
    return .with {
      $0.reply = outcome.reply
      $0.assigned = Int32(outcome.events.count)
    }
  }

  func addSession(
    request: Cohort_V1_AddSessionRequest, context: ServerContext
  ) async throws -> Cohort_V1_SessionCommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let cohort = try cohort(request.cohortNumber, tenantID: principal.tenantID)
    let group = try group(request.group, in: cohort, tenantID: principal.tenantID)
    try Authorization.requireGroup(group)
    guard request.hasDate else { throw DomainError(.invalidArgument(field: "date"), "date is required") }
    let sessionID = Self.newID("session", cohortID: cohort.cohortID, requestID: fingerprint.requestID)
    let outcome = try await run(
      .addSession(
        sessionID: sessionID, groupID: group.groupID, date: try CalendarDate(request.date, field: "date"),
        topic: request.topic, mode: try SessionMode(request.mode, field: "mode")), cohort: cohort,
      request: fingerprint, principal: principal)
    return .with {
      $0.reply = outcome.reply
      $0.sessionID = sessionID.lowercased
    }
  }

  func markAttendance(
    request: Cohort_V1_MarkAttendanceRequest, context: ServerContext
  ) async throws -> Cohort_V1_SessionCommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let cohort = try cohort(request.cohortNumber, tenantID: principal.tenantID)
    let sessionID = try UUID(field: "session_id", request.sessionID)
    let group = try core.readModel.read { model throws(DomainError) in
      guard
        let group = model.groups.group(tenantID: principal.tenantID, cohortID: cohort.cohortID, session: sessionID)
      else { throw DomainError(.notFound, "session \(request.sessionID) is not in cohort \(cohort.number)") }
      return group
    }
    try Authorization.requireGroup(group)
    var marks: [UUID: Attendance] = [:]
    for (references, attendance, field) in [
      (request.present, Attendance.present, "present"), (request.absent, .absent, "absent"),
      (request.excused, .excused, "excused"),
    ] {
      for reference in references {
        let member = try person(reference, field: field, tenantID: principal.tenantID, mustBeRegistered: false)
        guard marks.updateValue(attendance, forKey: member) == nil else {
          throw DomainError(.invalidArgument(field: field), "a member is marked twice in one request")
        }
      }
    }
    let outcome = try await run(
      .markAttendance(sessionID: sessionID, marks: marks), cohort: cohort, request: fingerprint, principal: principal)
    return .with {
      $0.reply = outcome.reply
      $0.sessionID = sessionID.lowercased
    }
  }

  func addPost(request: Cohort_V1_AddPostRequest, context: ServerContext) async throws -> Cohort_V1_GroupCommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let cohort = try cohort(request.cohortNumber, tenantID: principal.tenantID)
    let member = try person(request.member, field: "member", tenantID: principal.tenantID)
    let group = try memberGroup(member, in: cohort, tenantID: principal.tenantID)
    try Authorization.requireGroup(group)
    let postID = Self.newID("post", cohortID: cohort.cohortID, requestID: fingerprint.requestID)
    let outcome = try await run(
      .addPost(
        postID: postID, memberID: member, title: request.title, url: request.url,
        date: request.hasDate ? try CalendarDate(request.date, field: "date") : .inKorea(core.commands.now())),
      cohort: cohort, request: fingerprint, principal: principal)
    return reply(outcome, group: group.groupID)
  }

  func addPresentation(
    request: Cohort_V1_AddPresentationRequest, context: ServerContext
  ) async throws -> Cohort_V1_GroupCommandReply {
    let (principal, fingerprint) = try Authorization.command(request, requestID: request.requestID, context: context)
    let cohort = try cohort(request.cohortNumber, tenantID: principal.tenantID)
    let member = try person(request.member, field: "member", tenantID: principal.tenantID)
    let sessionID = try UUID(field: "session_id", request.sessionID)
    let group = try memberGroup(member, in: cohort, tenantID: principal.tenantID)
    try Authorization.requireGroup(group)
    let presentationID = Self.newID("presentation", cohortID: cohort.cohortID, requestID: fingerprint.requestID)
    let outcome = try await run(
      .addPresentation(presentationID: presentationID, memberID: member, sessionID: sessionID, title: request.title),
      cohort: cohort, request: fingerprint, principal: principal)
    return reply(outcome, group: group.groupID)
  }

  private func run(
    _ command: GroupsCommand, cohort: CohortView, request: RequestFingerprint, principal: Principal
  ) async throws -> CommandHandler.Outcome<GroupsEvent> {
    try await core.commands.handle(
      command, on: GroupsEventCodec.aggregate,
      stream: GroupsEventCodec.stream(tenantID: principal.tenantID, cohortID: cohort.cohortID),
      subjectID: cohort.cohortID, request: request, principal: principal)
  }

  private func reply(_ outcome: CommandHandler.Outcome<GroupsEvent>, group: UUID) -> Cohort_V1_GroupCommandReply {
    .with {
      $0.reply = outcome.reply
      $0.groupID = group.lowercased
    }
  }

  // MARK: Looking things up

  private func cohort(_ number: Int32, tenantID: UUID) throws(DomainError) -> CohortView {
    let number = try Int(positive: number, field: "cohort_number")
    guard let cohort = core.readModel.read({ $0.catalog.cohort(tenantID: tenantID, number: number) }) else {
      throw DomainError(.notFound, "cohort \(number) is not scheduled")
    }
    return cohort
  }

  private func group(_ name: String, in cohort: CohortView, tenantID: UUID) throws(DomainError) -> GroupView {
    guard !name.isEmpty else { throw DomainError(.invalidArgument(field: "group"), "name the group (its name or id)") }
    guard
      let group = core.readModel.read({
        $0.groups.group(tenantID: tenantID, cohortID: cohort.cohortID, named: name)
      })
    else { throw DomainError(.notFound, "cohort \(cohort.number) has no group \(name)") }
    return group
  }

  private func memberGroup(_ member: UUID, in cohort: CohortView, tenantID: UUID) throws(DomainError) -> GroupView {
    guard
      let group = core.readModel.read({
        $0.groups.group(tenantID: tenantID, cohortID: cohort.cohortID, member: member)
      })
    else {
      throw DomainError(.failedPrecondition, "this member is in no group of cohort \(cohort.number): assign them first")
    }
    return group
  }

  /// The person a reference names, registered (unless `mustBeRegistered` is false).
  private func person(
    _ reference: Cohort_V1_PersonRef, field: String, tenantID: UUID, mustBeRegistered: Bool = true
  ) throws(DomainError) -> UUID {
    let personID = try identity.personID(of: reference, field: field, tenantID: tenantID)
    guard mustBeRegistered else { return personID }
    let registered = core.readModel.read { model in
      model.people.person(tenantID: tenantID, personID: personID).map { !$0.erased } ?? false
    }
    guard registered else {
      throw DomainError(.notFound, "no person with this e-mail or id is registered (\(field))")
    }
    return personID
  }

  // MARK: Queries

  func listGroups(
    request: Cohort_V1_ListGroupsRequest, context: ServerContext
  ) async throws -> Cohort_V1_ListGroupsReply {
    let principal = try Authorization.caller()
    try await reads.wait(for: request.consistency, in: core.readModel)
    let cohort = try cohort(request.cohortNumber, tenantID: principal.tenantID)
    return core.readModel.snapshot { model, position in
      let view = GroupsProjection(model: model, tenantID: principal.tenantID)
      let groups = model.groups.groups(tenantID: principal.tenantID, cohortID: cohort.cohortID)
      return .with {
        $0.groups = groups.filter { Authorization.sees($0, principal) }.map {
          view.summary($0, report: GroupReport($0))
        }
        if !principal.restrictedToOwn {
          let placed = Set(groups.flatMap(\.members))
          $0.unassigned = Int32(cohort.enrolled.count { !placed.contains($0.memberID) })
        }
        $0.position = position
      }
    }
  }

  func getGroup(request: Cohort_V1_GetGroupRequest, context: ServerContext) async throws -> Cohort_V1_GetGroupReply {
    let principal = try Authorization.caller()
    try await reads.wait(for: request.consistency, in: core.readModel)
    let cohort = try cohort(request.cohortNumber, tenantID: principal.tenantID)
    let group = try group(request.group, in: cohort, tenantID: principal.tenantID)
    try Authorization.requireGroup(group)
    return core.readModel.snapshot { model, position in
      var reply = GroupsProjection(model: model, tenantID: principal.tenantID).detail(group)
      reply.position = position
      return reply
    }
  }
}
