import ArgumentParser
import CohortAPI
import CohortDomain
import CohortMapping
import Foundation

/// `cohort import people FILE`: a roster or a sign-up sheet. Each line registers a person (one per
/// e-mail) and, with a cohort column, records their interest in that cohort.
struct ImportPeople: CLICommand {
  static let configuration = CommandConfiguration(
    commandName: "people", abstract: "Register the people of a roster or sign-up sheet (name, e-mail, phone, 기수).")
  @OptionGroup var connection: ConnectionOptions
  @OptionGroup var sheet: ImportOptions

  static let fields = [
    SheetField("name", headers: ["이름", "성명", "성함", "회원명", "full name"], required: true, help: "their name"),
    SheetField(
      "email", headers: ["이메일", "메일", "이메일주소", "e-mail", "email address", "mail"], required: true, help: "their e-mail"),
    SheetField(
      "phone",
      headers: ["전화번호", "연락처", "휴대폰", "휴대폰번호", "핸드폰", "핸드폰번호", "휴대전화", "mobile", "tel", "phone number", "cell"],
      help: "their phone"),
    SheetField("source", headers: ["유입경로", "경로", "출처", "가입경로", "referral"], help: "where they came from"),
    SheetField("note", headers: ["메모", "비고", "참고", "notes", "memo", "comment"], help: "a note"),
    SheetField("cohort", headers: ["기수", "코호트", "cohort number", "batch"], help: "the cohort they are interested in"),
  ]

  func output(_ session: Session) async throws -> Printout {
    try await sheet.run(
      SheetImportPlan(
        kind: "people", fields: Self.fields, lookup: { _ in () },
        prepare: { line, _ throws(LineProblem) in
          let name = try checked { () throws(DomainError) in try PersonFields.name(line["name"]) }
          let email = try checked { () throws(DomainError) in try PersonFields.email(line["email"]) }
          let phone =
            try line["phone"].isEmpty ? "" : checked { () throws(DomainError) in try PersonFields.phone(line["phone"]) }
          let source = line["source"].isEmpty ? "spreadsheet import" : line["source"]
          let note = line["note"]
          var steps = [
            ImportStep(name: "register") { client, ids in
              let reply = try await Cohort_V1_PeopleService.Client(wrapping: client).registerPerson(
                .with {
                  $0.requestID = ids.line
                  $0.name = name
                  $0.email = email
                  $0.phone = phone
                  $0.source = source
                  $0.note = note
                })
              return !reply.reply.eventTypes.isEmpty
            }
          ]
          if !line["cohort"].isEmpty {
            let cohort = try SheetValues.cohort(line["cohort"])
            steps.append(
              ImportStep(name: "interest") { client, ids in
                let reply = try await Cohort_V1_PeopleService.Client(wrapping: client).recordInterest(
                  .with {
                    $0.requestID = ids.line
                    $0.person = .named(email)
                    $0.cohortNumber = cohort
                    $0.channel = source
                  })
                return !reply.reply.eventTypes.isEmpty
              })
          }
          return (steps, ("email", email))
        }), session: session)
  }
}

/// `cohort import attempts FILE --experiment ID`: an outreach sheet, one attempt per line.
struct ImportAttempts: CLICommand {
  static let configuration = CommandConfiguration(
    commandName: "attempts", abstract: "Log the attempts of an outreach sheet (who, channel, outcome, reason, date).")
  @OptionGroup var connection: ConnectionOptions
  @OptionGroup var sheet: ImportOptions
  @Option(help: "The experiment the attempts belong to.") var experiment: String

  static let fields = [
    SheetField("email", headers: ["이메일", "메일", "e-mail"], help: "a registered person's e-mail"),
    SheetField(
      "organisation", headers: ["회사", "기업", "기관", "단체", "업체", "company", "organization", "org"],
      help: "an organisation's name"),
    SheetField("target", headers: ["대상", "고객", "who"], help: "an e-mail or an organisation"),
    SheetField("contactRole", headers: ["직책", "직함", "역할", "담당", "role", "title", "contact role"], help: "their role"),
    SheetField("channel", headers: ["채널", "방법", "수단", "via", "medium"], required: true, help: "how"),
    SheetField("outcome", headers: ["결과", "반응", "응답", "result", "response"], required: true, help: "what came of it"),
    SheetField("reason", headers: ["거절사유", "거절 이유", "사유", "이유", "why"], help: "why they said no"),
    SheetField("detail", headers: ["내용", "상세", "코멘트", "비고", "메모", "quote", "comment", "note"], help: "in their words"),
    SheetField("commitment", headers: ["약속", "약속 종류", "커밋"], help: "time, reputation or money"),
    SheetField("payment", headers: ["결제번호", "결제 id", "주문번호", "payment id", "order"], help: "the payment"),
    SheetField("pitch", headers: ["제안", "피치", "제안 내용", "offer"], help: "what you offered"),
    SheetField("nextStep", headers: ["다음 단계", "다음 할 일", "후속 조치", "next", "follow-up", "followup"], help: "what next"),
    SheetField("due", headers: ["기한", "마감", "예정일", "due date"], help: "when the next step is due"),
    SheetField("date", headers: ["날짜", "일자", "일시", "시도일", "on", "day"], help: "the day of the attempt"),
    SheetField("complimentsOnly", headers: ["칭찬만", "compliments", "compliments only"], help: "praise, no commitment"),
  ]

  func output(_ session: Session) async throws -> Printout {
    let experiment = self.experiment
    return try await sheet.run(
      SheetImportPlan(
        kind: "attempts", scope: experiment, fields: Self.fields, lookup: { _ in () },
        prepare: { line, _ throws(LineProblem) in
          let target = try SheetValues.target(line)
          let channel = try SheetValues.choice(line["channel"], field: "channel", SheetValues.channels)
          let kind = try SheetValues.choice(line["outcome"], field: "outcome", SheetValues.outcomes)
          let reason =
            line["reason"].isEmpty ? nil : try SheetValues.choice(line["reason"], field: "reason", SheetValues.reasons)
          let commitment =
            line["commitment"].isEmpty
            ? nil : try SheetValues.choice(line["commitment"], field: "commitment", SheetValues.commitments)
          if kind == .rejected, reason == nil {
            throw LineProblem("reason", "a rejection needs a reason (price, timing, …)")
          }
          if kind == .committed, commitment == nil {
            throw LineProblem("commitment", "a commitment needs its kind: time, reputation or money")
          }
          if kind != .paid, !line["payment"].isEmpty {
            throw LineProblem("payment", "a payment goes with outcome paid")
          }
          if line["nextStep"].isEmpty != line["due"].isEmpty {
            throw LineProblem(line["due"].isEmpty ? "due" : "nextStep", "a next step and its due day go together")
          }
          let due = line["due"].isEmpty ? nil : try SheetValues.day(line["due"], field: "due")
          let on = line["date"].isEmpty ? nil : try SheetValues.day(line["date"], field: "date")
          let compliments = try SheetValues.yes(line["complimentsOnly"], field: "complimentsOnly")
          let outcome = Cohort_V1_AttemptOutcome.with {
            $0.kind = kind.proto
            if let reason { $0.rejectionReason = reason.proto }
            if let commitment { $0.commitment = commitment.proto }
            $0.detail = line["detail"]
            $0.payment = line["payment"]
          }
          let nextStep = due.map { NextStep(action: line["nextStep"], due: $0).proto }
          let pitch = line["pitch"]
          let step = ImportStep(name: "attempt") { client, ids in
            let reply = try await Cohort_V1_OutreachService.Client(wrapping: client).logAttempt(
              .with {
                $0.requestID = ids.line
                $0.experimentID = experiment
                $0.target = target
                $0.channel = channel.proto
                $0.pitch = pitch
                $0.outcome = outcome
                $0.complimentsOnly = compliments
                if let nextStep { $0.nextStep = nextStep }
                if let on { $0.on = on.proto }
              })
            return !reply.reply.eventTypes.isEmpty
          }
          return ([step], nil)
        }), session: session)
  }
}

/// `cohort import payments FILE`: bank-transfer confirmations from a bank's export. Each line
/// validates a transfer for a person, found by e-mail or, without one, by a name (or the
/// depositor's) that exactly one registered person has.
struct ImportPayments: CLICommand {
  static let configuration = CommandConfiguration(
    commandName: "payments", abstract: "Confirm the bank transfers of a bank's export (입금자, 금액, 거래일).")
  @OptionGroup var connection: ConnectionOptions
  @OptionGroup var sheet: ImportOptions
  @Option(help: "The cohort paid for, when the sheet has no cohort column.") var cohort: Int32?
  @Option(help: "ISO 4217 currency code of the amounts.") var currency = "KRW"

  static let fields = [
    SheetField("email", headers: ["이메일", "메일", "e-mail"], help: "the payer's e-mail"),
    SheetField("name", headers: ["이름", "성명", "회원명"], help: "the person's name"),
    SheetField(
      "depositor", headers: ["입금자", "입금자명", "보낸분", "보내는분", "의뢰인", "예금주", "sender", "payer"],
      help: "who sent the money"),
    SheetField(
      "amount", headers: ["금액", "입금액", "입금금액", "거래금액", "맡기신금액", "입금", "deposit"], required: true,
      help: "how much"),
    SheetField(
      "withdrawal", headers: ["출금액", "출금", "출금금액", "찾으신금액", "withdrawal"],
      help: "money that went out (such lines are skipped)"),
    SheetField("cohort", headers: ["기수", "코호트"], help: "the cohort paid for"),
    SheetField(
      "date", headers: ["거래일", "거래일시", "거래일자", "입금일", "입금일시", "날짜", "일자", "transferred on"],
      help: "the day of the transfer"),
    SheetField("bank", headers: ["은행", "은행명"], help: "the bank"),
    SheetField(
      "reference", headers: ["적요", "거래메모", "기재내용", "memo", "description"], help: "the bank's reference"),
  ]

  func output(_ session: Session) async throws -> Printout {
    let cohort = self.cohort
    let currency = try usage { () throws(DomainError) in try Currency(self.currency, field: "currency") }
    return try await sheet.run(
      SheetImportPlan(
        kind: "payments", fields: Self.fields,
        lookup: { client in try await SheetValues.peopleByName(client) },
        prepare: { line, people throws(LineProblem) in
          // A bank's export has the money that went out on the same sheet: not a payment, no error.
          if let withdrawal = SheetValues.withdrawal(line, currency: currency) {
            throw LineProblem.skip("withdrawal", "a withdrawal of \(withdrawal)")
          }
          let person = try SheetValues.payer(line, people: people)
          let amount = try SheetValues.amount(line["amount"], currency: currency)
          let number = try line["cohort"].isEmpty ? cohort : SheetValues.cohort(line["cohort"])
          guard let number else { throw LineProblem("cohort", "no cohort: add a 기수 column or pass --cohort") }
          let day = line["date"].isEmpty ? nil : try SheetValues.day(line["date"], field: "date")
          let reference =
            line["reference"].isEmpty
            ? [line["bank"], line["depositor"].isEmpty ? line["name"] : line["depositor"], day?.iso ?? ""]
              .filter { !$0.isEmpty }.joined(separator: " ")
            : line["reference"]
          let bank = line["bank"]
          let depositor = line["depositor"]
          let step = ImportStep(name: "transfer") { client, ids in
            let reply = try await Cohort_V1_PaymentsService.Client(wrapping: client).confirmTransfer(
              .with {
                $0.requestID = ids.line
                $0.person = person
                $0.cohortNumber = number
                $0.amount = amount.proto
                $0.reference = reference
                $0.bank = bank
                $0.depositor = depositor
                if let day { $0.transferredOn = day.proto }
              })
            return !reply.reply.eventTypes.isEmpty
          }
          return ([step], nil)
        }), session: session)
  }
}

/// `cohort import attendance FILE --cohort N --group G`: who came to which session; a session on
/// a day the group has none yet is added.
struct ImportAttendance: CLICommand {
  static let configuration = CommandConfiguration(
    commandName: "attendance", abstract: "Mark the attendance of an attendance sheet (이름 or 이메일, 날짜, 출석).")
  @OptionGroup var connection: ConnectionOptions
  @OptionGroup var sheet: ImportOptions
  @Option(help: "The cohort's number.") var cohort: Int32
  @Option(help: "The group's name or id.") var group: String
  @Option(help: "online or offline: how a session the sheet adds was held, when it has no 방식 column.")
  var mode: SessionMode = .offline

  static let fields = [
    SheetField("email", headers: ["이메일", "메일", "e-mail"], help: "the member's e-mail"),
    SheetField("name", headers: ["이름", "성명", "회원", "멤버", "참가자", "member"], help: "the member's name"),
    SheetField("date", headers: ["날짜", "일자", "세션", "세션일", "모임일", "session", "day"], required: true, help: "the day"),
    SheetField(
      "attendance", headers: ["출석", "출결", "출석여부", "참석", "참석여부", "상태", "status", "present"], required: true,
      help: "present, absent or excused"),
    SheetField("topic", headers: ["주제", "subject"], help: "the session's topic"),
    SheetField("mode", headers: ["방식", "진행방식", "온오프라인", "온/오프라인", "format"], help: "online or offline"),
  ]

  struct GroupLookup: Sendable {
    var groupID: String
    var members: [String: [String]]
    var sessions: [String: String]
  }

  func output(_ session: Session) async throws -> Printout {
    let cohort = self.cohort
    let group = self.group
    let defaultMode = mode
    return try await sheet.run(
      SheetImportPlan(
        kind: "attendance", scope: "\(cohort)\u{1F}\(group)", fields: Self.fields,
        lookup: { client in
          let reply = try await Cohort_V1_GroupsService.Client(wrapping: client).getGroup(
            .with {
              $0.cohortNumber = cohort
              $0.group = group
            })
          return GroupLookup(
            groupID: reply.group.groupID,
            members: Dictionary(grouping: reply.members.filter { !$0.erased }, by: { SheetValues.nameKey($0.name) })
              .mapValues { $0.map(\.memberID) },
            sessions: Dictionary(
              reply.sessions.map { (Rendering.date($0.date), $0.sessionID) }, uniquingKeysWith: { first, _ in first }))
        },
        prepare: { line, lookup throws(LineProblem) in
          let member: Cohort_V1_PersonRef
          if !line["email"].isEmpty {
            member = .with { $0.email = line["email"] }
          } else if !line["name"].isEmpty {
            let ids = lookup.members[SheetValues.nameKey(line["name"])] ?? []
            guard ids.count == 1, let id = ids.first else {
              throw LineProblem(
                "name",
                ids.isEmpty
                  ? "nobody named \(line["name"]) is in group \(group)"
                  : "\(ids.count) members of group \(group) are named \(line["name"]); add an e-mail column")
            }
            member = .with { $0.personID = id }
          } else {
            throw LineProblem("name", "the member is missing: give a name or an e-mail")
          }
          let day = try SheetValues.day(line["date"], field: "date")
          let mark = try SheetValues.choice(line["attendance"], field: "attendance", SheetValues.attendance)
          let known = lookup.sessions[day.iso]
          // A session needs a topic; a sheet without one names it by its day.
          let topic = line["topic"].isEmpty ? "\(group) \(day.iso)" : line["topic"]
          let mode =
            line["mode"].isEmpty
            ? defaultMode
            : try SheetValues.choice(
              line["mode"], field: "mode",
              [(.online, ["online", "온라인", "zoom", "줌"]), (.offline, ["offline", "오프라인", "대면"])])
          let groupID = lookup.groupID
          let step = ImportStep(name: "attendance") { client, ids in
            let groups = Cohort_V1_GroupsService.Client(wrapping: client)
            var appended = false
            var sessionID = known ?? ""
            if known == nil {
              // One session per day: every line of that day asks with the same request id.
              let added = try await groups.addSession(
                .with {
                  $0.requestID = ids.shared("session \(groupID) \(day.iso)")
                  $0.cohortNumber = cohort
                  $0.group = groupID
                  $0.date = day.proto
                  $0.topic = topic
                  $0.mode = mode.proto
                })
              sessionID = added.sessionID
              appended = !added.reply.eventTypes.isEmpty
            }
            let reply = try await groups.markAttendance(
              .with {
                $0.requestID = ids.line
                $0.cohortNumber = cohort
                $0.sessionID = sessionID
                switch mark {
                case .present: $0.present = [member]
                case .absent: $0.absent = [member]
                case .excused: $0.excused = [member]
                }
              })
            return appended || !reply.reply.eventTypes.isEmpty
          }
          return ([step], nil)
        }), session: session)
  }
}

/// A domain check of one value, as a line's problem.
func checked<T>(_ check: () throws(DomainError) -> T) throws(LineProblem) -> T {
  do {
    return try check()
  } catch {
    if case .invalidArgument(let field) = error.kind { throw LineProblem(field, error.message) }
    throw LineProblem(nil, error.message)
  }
}
