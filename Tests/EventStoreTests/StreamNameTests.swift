import EventStore
import Foundation
import Testing

@Suite("Stream names")
struct StreamNameTests {
  @Test("a stream's id is read back only from a stream of that category with an id")
  func idInCategory() {
    let (tenant, id) = (UUID(), UUID())
    let stream = StreamName(tenantID: tenant, category: "person", id: id)
    #expect(stream.category == "person")
    #expect(stream.id(in: "person") == id)
    #expect(stream.id(in: "payment") == nil)
    #expect(stream.id(in: "pers") == nil, "a prefix of the category")
    #expect(StreamName(tenantID: tenant, category: "personx", id: id).id(in: "person") == nil)
    let upper = StreamName(trustedTenantID: tenant, name: "person-" + id.uuidString.uppercased())
    #expect(upper.id(in: "person") == id)
    for name in [
      "person", "person-", "person_" + id.uuidString, "person-" + id.uuidString + "x",
      "person-" + String(id.uuidString.dropLast()) + "g",
      "person-" + id.uuidString.replacingOccurrences(of: "-", with: "_"),
      "person-" + String(repeating: "é", count: 18),
    ] {
      #expect(StreamName(trustedTenantID: tenant, name: name).id(in: "person") == nil, "\(name)")
    }
    #expect(StreamName(trustedTenantID: tenant, name: "access").category == "access")
    #expect(StreamName(trustedTenantID: tenant, name: "그룹-ünïcode-x").category == "그룹")
  }
}
