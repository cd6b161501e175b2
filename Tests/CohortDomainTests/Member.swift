import CohortDomain
import Foundation

/// A person who enrolls, with shortcuts for the commands and events about them.
struct Member {
  let id: UUID
  let name: String
  let email: String

  static let minji = Member(id: Fixture.uuid(1), name: "김민지", email: "minji@example.com")
  static let junho = Member(id: Fixture.uuid(2), name: "이준호", email: "junho@example.co.kr")
  static let emily = Member(id: Fixture.uuid(3), name: "Emily Carter", email: "emily@example.com")
  static let james = Member(id: Fixture.uuid(4), name: "James Park", email: "james@example.org")

  /// The n-th of many students filling a cohort.
  static func student(_ number: Int) -> Member {
    Member(
      id: Fixture.uuid(0x1000 + number), name: "수강생 \(number)",
      email: "student\(number)@example.com")
  }

  /// Enrolls with a paid seat: their validated payments cover any price in these tests.
  var enroll: EnrollmentCommand {
    .enroll(Enroll(memberID: id, name: name, email: email, seat: .paid, paid: Fixture.krw(200_000)))
  }

  func withdraw(reason: String = "") -> EnrollmentCommand {
    .withdraw(Withdraw(memberID: id, reason: reason))
  }

  func enrolled(at: Date = Fixture.now) -> EnrollmentEvent {
    .memberEnrolled(MemberEnrolled(memberID: id, name: name, email: email, seat: .paid, at: at))
  }

  func waitlisted(at: Date = Fixture.now) -> EnrollmentEvent {
    .memberWaitlisted(MemberWaitlisted(memberID: id, name: name, email: email, seat: .paid, at: at))
  }

  func withdrew(
    wasWaitlisted: Bool, reason: String = "", at: Date = Fixture.now
  ) -> EnrollmentEvent {
    .memberWithdrew(
      MemberWithdrew(memberID: id, reason: reason, wasWaitlisted: wasWaitlisted, at: at))
  }

  func promoted(at: Date = Fixture.now) -> EnrollmentEvent {
    .memberPromoted(MemberPromoted(memberID: id, at: at))
  }

  func entry(since: Date) -> RosterEntry {
    RosterEntry(memberID: id, contact: Contact(name: name, email: email), since: since, seat: .paid)
  }
}
