import CohortDomain
import Foundation
import Testing

@testable import CohortServer

@Suite("Snapshot coding: the read model's binary form")
struct SnapshotCodingTests {
  enum Color: String, Codable, Equatable { case red, green }

  enum Shape: Codable, Equatable {
    case none
    case circle(radius: Double)
    case labeled(String, Int)
    case nested(Sample.Inner?)
  }

  /// Written with an unkeyed container of its own, as a hand-written `Codable` might.
  struct Pair: Codable, Equatable {
    var first: Int
    var second: String

    init(first: Int, second: String) {
      self.first = first
      self.second = second
    }

    init(from decoder: any Decoder) throws {
      var container = try decoder.unkeyedContainer()
      first = try container.decode(Int.self)
      second = try container.decode(String.self)
    }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.unkeyedContainer()
      try container.encode(first)
      try container.encode(second)
    }
  }

  struct Sample: Codable, Equatable {
    struct Inner: Codable, Equatable {
      var note: String?
      var count: Int
    }

    var int = -42
    var int32: Int32 = .min
    var int64: Int64 = .max
    var byte: UInt8 = 255
    var flag = true
    var double = 3.25
    var float: Float = -0.5
    var text = "김민지 ✓"
    var empty = ""
    var data = Data([0, 1, 2, 255])
    var date = Date(timeIntervalSince1970: 1_790_000_000.125)
    var id = UUID()
    var present: Int? = 7
    var absent: Int?
    var optionalList: [Int?] = [1, nil, 3]
    var byID: [UUID: [String]] = [UUID(): ["a", "b"], UUID(): []]
    var byName: [String: Int] = ["one": 1, "two": 2]
    var byNumber: [Int: Set<UUID>] = [9: [UUID(), UUID()]]
    var shapes: [Shape] = [
      .none, .circle(radius: 2), .labeled("x", 3), .nested(Inner(note: nil, count: 1)), .nested(nil),
    ]
    var color = Color.green
    var pairs = [Pair(first: 1, second: "one")]
    var inner: Inner? = Inner(note: "n", count: 2)
    var nothing: [Inner] = []
  }

  @Test("values of every shape the read model uses come back equal")
  func roundTrip() throws {
    let sample = Sample()
    let bytes = try SnapshotCoding.encode(sample)
    #expect(try SnapshotCoding.decode(Sample.self, from: bytes) == sample)
    var other = Sample()
    other.present = nil
    other.absent = 0
    other.shapes = []
    other.inner = nil
    #expect(try SnapshotCoding.decode(Sample.self, from: SnapshotCoding.encode(other)) == other)
    #expect(try SnapshotCoding.decode([Shape].self, from: SnapshotCoding.encode(sample.shapes)) == sample.shapes)
  }

  @Test("bytes cut short, with more after the value, or damaged throw a decoding error and never crash")
  func damaged() throws {
    let bytes = try SnapshotCoding.encode(Sample())
    for cut in 0..<bytes.count {
      #expect(throws: DecodingError.self) { try SnapshotCoding.decode(Sample.self, from: Array(bytes[..<cut])) }
    }
    #expect(throws: DecodingError.self) { try SnapshotCoding.decode(Sample.self, from: bytes + [0]) }
    for index in bytes.indices {
      var damaged = bytes
      damaged[index] ^= 0xA5
      _ = try? SnapshotCoding.decode(Sample.self, from: damaged)
    }
  }

  @Test("a value read as another type throws")
  func wrongType() throws {
    let bytes = try SnapshotCoding.encode(Sample.Inner(note: "n", count: 1))
    #expect(throws: DecodingError.self) { try SnapshotCoding.decode(Sample.self, from: bytes) }
    #expect(throws: DecodingError.self) {
      try SnapshotCoding.decode(Shape.self, from: SnapshotCoding.encode(Color.red))
    }
  }

  @Test("every event of every area, folded into the domain's read models, comes back equal")
  func domainModels() throws {
    let tenantID = UUID()
    var people = CustomerDirectory()
    for example in PeopleEventSchemaHistoryTests.examples {
      switch example.event {
      case .people(let event):
        people.apply(tenantID: tenantID, personID: PeopleEventSchemaHistoryTests.personID, event: event)
      case .payment(let event):
        people.apply(tenantID: tenantID, paymentID: PeopleEventSchemaHistoryTests.paymentID, event: event)
      }
    }
    var catalog = CohortCatalog()
    for example in EventSchemaHistoryTests.examples {
      catalog.apply(tenantID: tenantID, cohortID: EventSchemaHistoryTests.cohortID, event: example.event)
    }
    var groups = GroupsBook()
    for example in GroupsEventSchemaHistoryTests.examples {
      groups.apply(tenantID: tenantID, cohortID: GroupsEventSchemaHistoryTests.cohortID, event: example.event)
    }
    var outreach = OutreachBook()
    for example in OutreachEventSchemaHistoryTests.examples {
      outreach.apply(
        tenantID: tenantID, experimentID: OutreachEventSchemaHistoryTests.experimentID, event: example.event)
    }
    #expect(
      people != CustomerDirectory() && catalog != CohortCatalog() && groups != GroupsBook()
        && outreach != OutreachBook())
    #expect(try SnapshotCoding.decode(CustomerDirectory.self, from: SnapshotCoding.encode(people)) == people)
    #expect(try SnapshotCoding.decode(CohortCatalog.self, from: SnapshotCoding.encode(catalog)) == catalog)
    #expect(try SnapshotCoding.decode(GroupsBook.self, from: SnapshotCoding.encode(groups)) == groups)
    #expect(try SnapshotCoding.decode(OutreachBook.self, from: SnapshotCoding.encode(outreach)) == outreach)
  }
}

extension SnapshotCodingTests {
  @Test(
    "the types coded by hand still have the stored properties their coding writes (add one there, and bump the format)")
  func handWritten() throws {
    let entry = RosterEntry(
      memberID: UUID(), contact: Contact(name: "김민지", email: "minji@example.com"), since: Date(),
      seat: .scholarship(reason: "partner", grantedBy: UUID()), transfer: nil)
    #expect(Mirror(reflecting: entry).children.map(\.label) == ["memberID", "contact", "since", "seat", "transfer"])
    #expect(Mirror(reflecting: entry.contact!).children.map(\.label) == ["name", "email"])
    for entry in [entry, RosterEntry(memberID: UUID(), contact: nil, since: Date(timeIntervalSince1970: 0))] {
      #expect(try SnapshotCoding.decode(RosterEntry.self, from: SnapshotCoding.encode(entry)) == entry)
    }
  }
}
