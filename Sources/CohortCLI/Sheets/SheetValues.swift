import CohortAPI
import CohortDomain
import CohortMapping
import Foundation

/// How values are written in Korean and English spreadsheets, read into what the API takes.
enum SheetValues {
  /// "9", "9기", "제9기".
  static func cohort(_ text: String) throws(LineProblem) -> Int32 {
    let digits = text.replacingOccurrences(of: "제", with: "").replacingOccurrences(of: "기", with: "")
      .trimmingCharacters(in: .whitespaces)
    guard let number = Int32(digits), number > 0 else {
      throw LineProblem("cohort", "\(quoted(text)) is not a cohort number (9, 9기)")
    }
    return number
  }

  /// A day as spreadsheets write it: 2026-12-01, 2026.12.01, 2026/12/01, "2026. 12. 1.", 20261201,
  /// with or without a time after it.
  static func day(_ text: String, field: String) throws(LineProblem) -> CalendarDate {
    let numbers = text.split(whereSeparator: { !$0.isNumber }).map(String.init)
    var parts: [Int] = []
    if let first = numbers.first, first.count == 8, let whole = Int(first) {
      parts = [whole / 10000, whole / 100 % 100, whole % 100]
    } else if numbers.count >= 3, numbers[0].count == 4 {
      parts = numbers.prefix(3).compactMap { Int($0) }
    }
    guard parts.count == 3 else {
      throw LineProblem(field, "\(quoted(text)) is not a day; write it as 2026-12-01")
    }
    return try checked { () throws(DomainError) in
      try CalendarDate(year: parts[0], month: parts[1], day: parts[2], field: field)
    }
  }

  /// "200,000", "200000원", "₩200,000", "200,000 KRW".
  static func amount(_ text: String, currency: Currency) throws(LineProblem) -> Money {
    var cleaned = text
    for noise in [",", "원", "₩", "￦", " ", currency.code] {
      cleaned = cleaned.replacingOccurrences(of: noise, with: "")
    }
    guard !cleaned.isEmpty else { throw LineProblem("amount", "no amount (an empty cell, or a withdrawal?)") }
    let money = try checked { () throws(DomainError) in try Money(parsing: cleaned, currency: currency, field: "amount")
    }
    guard money.amountMinor > 0 else { throw LineProblem("amount", "the amount \(text) is not a deposit") }
    return money
  }

  /// The amount of a withdrawal line (money out, none in), as the sheet wrote it; nil otherwise.
  static func withdrawal(_ line: SheetLine, currency: Currency) -> String? {
    func positive(_ text: String) -> Bool { (try? amount(text, currency: currency)) != nil }
    let deposit = line["amount"]
    guard positive(line["withdrawal"]), !positive(deposit) else { return nil }
    return line["withdrawal"]
  }

  /// Yes or no: empty, no, n, false, 0, x, 아니오 are no; yes, y, true, 1, o, ✓, 예, 네 are yes.
  static func yes(_ text: String, field: String) throws(LineProblem) -> Bool {
    switch text.lowercased() {
    case "", "no", "n", "false", "0", "x", "아니오", "아니요": return false
    case "yes", "y", "true", "1", "o", "v", "✓", "✔", "예", "네": return true
    default: throw LineProblem(field, "\(quoted(text)) is neither yes nor no")
    }
  }

  /// One of `choices`, by any of its spellings (case and spaces ignored).
  static func choice<Value>(_ text: String, field: String, _ choices: [(Value, [String])]) throws(LineProblem) -> Value
  {
    let key = ColumnMap.normalized(text)
    guard !key.isEmpty else { throw LineProblem(field, "\(field) is empty") }
    for (value, spellings) in choices where spellings.contains(where: { ColumnMap.normalized($0) == key }) {
      return value
    }
    throw LineProblem(
      field,
      "\(quoted(text)) is not a known \(field); write one of \(choices.map { $0.1[0] }.joined(separator: ", "))")
  }

  static let channels: [(OutreachChannel, [String])] = [
    (.email, ["email", "이메일", "메일", "e-mail"]),
    (.call, ["call", "전화", "통화", "콜", "phone"]),
    (.message, ["message", "메시지", "메세지", "문자", "카톡", "카카오톡", "dm", "sns", "linkedin", "링크드인"]),
    (.meeting, ["meeting", "미팅", "만남", "대면", "면담", "커피챗"]),
    (.event, ["event", "행사", "이벤트", "세미나", "박람회", "밋업"]),
    (.other, ["other", "기타"]),
  ]

  static let outcomes: [(OutcomeKind, [String])] = [
    (.noAnswer, ["no-answer", "무응답", "응답없음", "답없음", "no answer", "none", "ghosted"]),
    (.rejected, ["rejected", "거절", "거부", "no", "reject"]),
    (.interested, ["interested", "관심", "관심있음", "interest"]),
    (.committed, ["committed", "약속", "커밋", "commit"]),
    (.paid, ["paid", "결제", "결제완료", "구매", "payment"]),
  ]

  static let reasons: [(RejectionReason, [String])] = [
    (.price, ["price", "가격", "비용", "비쌈", "비싸다", "too expensive"]),
    (.timing, ["timing", "시기", "타이밍", "시간", "나중에"]),
    (.noNeed, ["no-need", "필요없음", "불필요", "니즈없음", "no need"]),
    (.hasAlternative, ["has-alternative", "대안", "대안있음", "다른서비스", "경쟁사", "alternative"]),
    (.noAuthority, ["no-authority", "권한없음", "결정권없음", "no authority"]),
    (.other, ["other", "기타"]),
  ]

  static let commitments: [(CommitmentKind, [String])] = [
    (.time, ["time", "시간"]),
    (.reputation, ["reputation", "평판", "소개", "추천", "referral"]),
    (.money, ["money", "돈", "선결제", "예치금", "deposit"]),
  ]

  static let attendance: [(Attendance, [String])] = [
    (.present, ["present", "출석", "참석", "o", "yes", "y", "1", "✓", "✔", "v"]),
    (.absent, ["absent", "결석", "불참", "x", "no", "n", "0"]),
    (.excused, ["excused", "사유", "공결", "양해", "인정결석"]),
  ]

  /// An attempt's target: a registered person by e-mail, else an organisation.
  static func target(_ line: SheetLine) throws(LineProblem) -> Cohort_V1_AttemptTarget {
    let text = [line["email"], line["organisation"], line["target"]].first { !$0.isEmpty }
    guard let text else { throw LineProblem("target", "nobody to attempt: give an e-mail, a company or a target") }
    return .named(text, contactRole: line["contactRole"])
  }

  /// Names compared as a person reads them: NFC, spaces ignored.
  static func nameKey(_ name: String) -> String {
    name.precomposedStringWithCanonicalMapping.filter { !$0.isWhitespace }
  }

  /// Every registered person's id by name, for sheets that name people without an e-mail.
  static func peopleByName(_ client: Session.Client) async throws -> [String: [String]] {
    let people = Cohort_V1_PeopleService.Client(wrapping: client)
    var byName: [String: [String]] = [:]
    var token = ""
    repeat {
      let page = try await people.listPeople(
        .with {
          $0.pageSize = 500
          $0.pageToken = token
        })
      for person in page.people where !person.erased {
        byName[nameKey(person.name), default: []].append(person.personID)
      }
      token = page.nextPageToken
    } while !token.isEmpty
    return byName
  }

  /// Who paid: by e-mail, else the one person with the line's name (or the depositor's).
  static func payer(_ line: SheetLine, people: [String: [String]]) throws(LineProblem) -> Cohort_V1_PersonRef {
    if !line["email"].isEmpty { return .with { $0.email = line["email"] } }
    let field = line["name"].isEmpty ? "depositor" : "name"
    let name = line[field]
    guard !name.isEmpty else { throw LineProblem("email", "who paid? give an e-mail, a name or a depositor") }
    let ids = people[nameKey(name)] ?? []
    guard ids.count == 1, let id = ids.first else {
      throw LineProblem(
        field,
        ids.isEmpty
          ? "no registered person is named \(name); add an e-mail column, or register them first"
          : "\(ids.count) people are named \(name); add an e-mail column")
    }
    return .with { $0.personID = id }
  }
}

/// A value from a sheet in quotes, cut short if long.
func quoted(_ text: String) -> String {
  "'" + (text.count > 40 ? text.prefix(40) + "…" : text) + "'"
}
