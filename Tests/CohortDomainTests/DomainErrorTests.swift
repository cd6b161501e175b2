import CohortDomain
import Testing

@Suite("DomainError")
struct DomainErrorTests {
  @Test("describes itself by its user-facing message")
  func describesItselfByMessage() {
    let error = DomainError(.notFound, "this cohort has not been scheduled; schedule it first")
    #expect(error.description == "this cohort has not been scheduled; schedule it first")
  }

  @Test("compares kind, field and message")
  func comparesAllParts() {
    #expect(
      DomainError(.invalidArgument(field: "title"), "a")
        != DomainError(.invalidArgument(field: "name"), "a"))
    #expect(DomainError(.notFound, "a") != DomainError(.notFound, "b"))
    #expect(DomainError(.alreadyExists, "a") != DomainError(.failedPrecondition, "a"))
  }
}
