import CohortAPI
import GRPCCore

/// Who may call which RPC: one row per method, consulted by ``AuthenticationInterceptor`` before
/// any handler runs.
///
/// Deny by default: a method with no row is refused to every caller, owner included, so a new RPC
/// cannot be reached until someone decides who may call it (and the authorization matrix test
/// fails until they have). Which tenant's data a call sees is the token's tenant, always.
enum AccessPolicy {
  enum Rule: Sendable, Equatable {
    /// Anyone, without a token: the health service, for load balancers and orchestrators.
    case open
    /// A valid token with one of these roles. `action` words a refusal: "a member token may not
    /// <action>".
    case roles(Set<Principal.Role>, action: String)
    /// As `roles`, and besides them the `own` roles for what is their own only: the record of the
    /// person their token is bound to, the groups that person runs (partners) or belongs to
    /// (members). The handler checks it (``Authorization/requireRecord(of:)``,
    /// ``Authorization/requireGroup(_:)``).
    case rolesOrOwn(Set<Principal.Role>, own: Set<Principal.Role>, action: String)
  }

  static let managers: Set<Principal.Role> = [.owner, .staff]
  static let everyone: Set<Principal.Role> = [.owner, .staff, .partner, .member]

  static let rules: [MethodDescriptor: Rule] = {
    typealias Enrollment = Cohort_V1_EnrollmentService.Method
    typealias Admin = Cohort_V1_AdminService.Method
    typealias People = Cohort_V1_PeopleService.Method
    typealias Payments = Cohort_V1_PaymentsService.Method
    typealias Outreach = Cohort_V1_OutreachService.Method
    typealias Groups = Cohort_V1_GroupsService.Method
    return [
      // Partner groups: the managers organise them; a partner runs their own groups; a member
      // sees their own group.
      Groups.CreateGroup.descriptor: .roles(managers, action: "create groups"),
      Groups.UpdateGroup.descriptor: .roles(managers, action: "change groups"),
      Groups.DissolveGroup.descriptor: .roles(managers, action: "dissolve groups"),
      Groups.PlaceMember.descriptor: .roles(managers, action: "assign members to groups"),
      Groups.BalanceGroups.descriptor: .roles(managers, action: "balance groups"),
      Groups.AddSession.descriptor: .rolesOrOwn(managers, own: [.partner], action: "add sessions"),
      Groups.MarkAttendance.descriptor: .rolesOrOwn(managers, own: [.partner], action: "mark attendance"),
      Groups.AddPost.descriptor: .rolesOrOwn(managers, own: [.partner], action: "add posts"),
      Groups.AddPresentation.descriptor: .rolesOrOwn(managers, own: [.partner], action: "add presentations"),
      Groups.ListGroups.descriptor: .rolesOrOwn(managers, own: [.partner, .member], action: "list groups"),
      Groups.GetGroup.descriptor: .rolesOrOwn(managers, own: [.partner, .member], action: "see a group"),
      Enrollment.ScheduleCohort.descriptor: .roles(managers, action: "schedule cohorts"),
      Enrollment.OpenEnrollment.descriptor: .roles(managers, action: "open enrollment"),
      Enrollment.CloseEnrollment.descriptor: .roles(managers, action: "close enrollment"),
      Enrollment.Enroll.descriptor: .roles(managers, action: "enroll members"),
      Enrollment.Withdraw.descriptor: .roles(managers, action: "withdraw members"),
      Enrollment.ListCohorts.descriptor: .roles(everyone, action: "list cohorts"),
      Enrollment.GetCohort.descriptor: .roles(managers, action: "see a cohort's roster"),
      Enrollment.StartCohort.descriptor: .roles(managers, action: "start cohorts"),
      Enrollment.CompleteCohort.descriptor: .roles(managers, action: "complete cohorts"),
      Enrollment.CancelCohort.descriptor: .roles(managers, action: "cancel cohorts"),
      Enrollment.GrantDiscount.descriptor: .roles(managers, action: "grant discounts"),
      Enrollment.GetCohortReport.descriptor: .roles(managers, action: "see a cohort's report"),
      Enrollment.TransferMember.descriptor: .roles(managers, action: "transfer members"),
      // People and payments are personal data and money: the community's managers only, but a
      // member whose token is bound to them sees their own record (with their own payments).
      People.RegisterPerson.descriptor: .roles(managers, action: "register people"),
      People.RecordInterest.descriptor: .roles(managers, action: "record interest"),
      People.ForgetPerson.descriptor: .roles(managers, action: "forget people"),
      People.ListPeople.descriptor: .roles(managers, action: "list people"),
      People.GetPerson.descriptor: .rolesOrOwn(managers, own: [.member], action: "see a person's record"),
      Payments.ExpectPayment.descriptor: .roles(managers, action: "expect payments"),
      Payments.ConfirmTransfer.descriptor: .roles(managers, action: "confirm bank transfers"),
      Payments.RefundPayment.descriptor: .roles(managers, action: "refund payments"),
      Payments.ListPayments.descriptor: .roles(managers, action: "see payments"),
      Payments.GetPayment.descriptor: .roles(managers, action: "see payments"),
      Payments.GetFunnel.descriptor: .roles(managers, action: "see the funnel"),
      // A founder's experiments: prices, targets and every "no" are the managers' business.
      Outreach.StartExperiment.descriptor: .roles(managers, action: "start experiments"),
      Outreach.ConcludeExperiment.descriptor: .roles(managers, action: "conclude experiments"),
      Outreach.LogAttempt.descriptor: .roles(managers, action: "log attempts"),
      Outreach.UpdateAttempt.descriptor: .roles(managers, action: "update attempts"),
      Outreach.ListExperiments.descriptor: .roles(managers, action: "see experiments"),
      Outreach.GetExperiment.descriptor: .roles(managers, action: "see experiments"),
      Outreach.ListAttempts.descriptor: .roles(managers, action: "see attempts"),
      Outreach.ListFollowups.descriptor: .roles(managers, action: "see follow-ups"),
      Admin.WhoAmI.descriptor: .roles(everyone, action: "ask who they are"),
      Admin.IssueToken.descriptor: .roles([.owner, .staff], action: "issue tokens"),
      Admin.ListTokens.descriptor: .roles([.owner, .staff], action: "list tokens"),
      Admin.RevokeToken.descriptor: .roles([.owner, .staff], action: "revoke tokens"),
      // The whole log of the community as it happens: the managers only. What of it is personal
      // data is shown as the caller may see people (``readsAnyonesPersonalData(_:)``).
      Admin.TailEvents.descriptor: .roles(managers, action: "read the event log"),
      Grpc_Health_V1_Health.Method.Check.descriptor: .open,
      Grpc_Health_V1_Health.Method.Watch.descriptor: .open,
      Grpc_Reflection_V1_ServerReflection.Method.ServerReflectionInfo.descriptor:
        .roles(everyone, action: "list the server's services"),
      Grpc_Reflection_V1alpha_ServerReflection.Method.ServerReflectionInfo.descriptor:
        .roles(everyone, action: "list the server's services"),
    ]
  }()
}

extension AccessPolicy {
  /// Whether `role` may read anyone's personal data: it may list people and see any person's
  /// record, not only its own. Readers of raw events (the event tail) open sealed data for these
  /// roles only.
  static func readsAnyonesPersonalData(_ role: Principal.Role) -> Bool {
    [Cohort_V1_PeopleService.Method.ListPeople.descriptor, Cohort_V1_PeopleService.Method.GetPerson.descriptor]
      .allSatisfy { method in
        switch rules[method] {
        case .roles(let roles, _)?, .rolesOrOwn(let roles, _, _)?: roles.contains(role)
        case .open?, nil: false
        }
      }
  }
}
