import CohortDomain
import Foundation
import Testing

@Suite("PersonFields: personal data normalised at the door")
struct PersonFieldsTests {
  @Test("names are NFC and trimmed: a decomposed 한 equals the precomposed one")
  func namesAreNFC() throws {
    let decomposed = "  \u{1112}\u{1161}\u{11AB}민지\n"
    #expect(try PersonFields.name(decomposed) == "한민지")
    #expect(try PersonFields.name(decomposed).unicodeScalars.count == 3)
  }

  @Test(
    "control, format, separator and private-use characters are refused, naming the field and the character",
    arguments: [
      ("김\u{202E}민지", "U+202E"), ("김\u{200B}민지", "U+200B"), ("김\u{0007}민지", "U+0007"),
      ("김\u{2028}민지", "U+2028"), ("김\u{E000}민지", "U+E000"), ("Min\u{2066}ji", "U+2066"), ("김\u{FEFF}민지", "U+FEFF"),
    ])
  func refusesInvisibleCharacters(name: String, scalar: String) {
    #expect {
      try PersonFields.name(name)
    } throws: { error in
      guard let error = error as? DomainError, error.kind == .invalidArgument(field: "name") else { return false }
      return error.message.contains(scalar)
    }
  }

  @Test("a name is 1 to 200 characters and at most 800 bytes: combining marks cannot hide length")
  func nameBounds() throws {
    #expect(throws: DomainError(.invalidArgument(field: "name"), "name must not be empty")) {
      try PersonFields.name("  \n ")
    }
    #expect(try PersonFields.name(String(repeating: "가", count: 200)).count == 200)
    #expect(throws: DomainError(.invalidArgument(field: "name"), "name must be at most 200 characters; got 201")) {
      try PersonFields.name(String(repeating: "가", count: 201))
    }
    // One character of 500 combining marks: 1 character, 1,001 bytes.
    let bomb = "x" + String(repeating: "\u{0301}", count: 500)
    #expect(bomb.count == 1)
    #expect(throws: DomainError(.invalidArgument(field: "name"), "name must be at most 800 bytes of UTF-8; got 1001")) {
      try PersonFields.name(bomb)
    }
  }

  @Test("e-mail addresses are trimmed, NFC and lower-cased")
  func emails() throws {
    #expect(try PersonFields.email("  MinJi@Example.COM\n") == "minji@example.com")
    #expect(try PersonFields.email("e\u{0301}@example.com") == "\u{00E9}@example.com")
    #expect(throws: DomainError.self) { try PersonFields.email("minji@example") }
    #expect(throws: DomainError.self) { try PersonFields.email("min ji@example.com") }
    #expect(throws: DomainError.self) { try PersonFields.email("minji\u{202E}@example.com") }
    #expect(
      throws: DomainError(
        .invalidArgument(field: "person.email"),
        "person.email \"nobody\" is not a valid address; use the form name@example.com")
    ) { try PersonFields.email("nobody", field: "person.email") }
  }

  @Test(
    "phones as people type them become E.164",
    arguments: [
      ("010-1234-5678", "+821012345678"), ("010 1234 5678", "+821012345678"), ("01012345678", "+821012345678"),
      ("010.1234.5678", "+821012345678"), ("(02) 123-4567", "+8221234567"), ("02-1234-5678", "+82212345678"),
      ("+82 10-1234-5678", "+821012345678"), ("+82 (0)10 1234 5678", "+821012345678"),
      ("0082-10-1234-5678", "+821012345678"), ("+1 415-555-2671", "+14155552671"),
      ("０１０-１２３４-５６７８", "+821012345678"), (" 031-123-4567 ", "+82311234567"),
    ])
  func phones(typed: String, e164: String) throws {
    #expect(try PersonFields.phone(typed) == e164)
  }

  @Test(
    "phones that are not numbers are refused, naming the field",
    arguments: [
      "", "010-1234", "010-1234-56789", "010-CALL-ME", "+82 10+1234+5678", "1234-5678", "+82 0 10 1234 5678",
      "+1234567", "+1234567890123456",
    ])
  func badPhones(typed: String) {
    #expect {
      try PersonFields.phone(typed)
    } throws: { error in
      (error as? DomainError)?.kind == .invalidArgument(field: "phone")
    }
  }

  @Test("notes keep their line breaks; other texts do not allow them")
  func notes() throws {
    #expect(
      try PersonFields.text(" 첫 줄\n둘째 줄 ", field: "note", maxCharacters: 100, allowEmpty: true, allowsLineBreaks: true)
        == "첫 줄\n둘째 줄")
    #expect(throws: DomainError.self) {
      try PersonFields.text("a\nb", field: "source", maxCharacters: 100, allowEmpty: true)
    }
    #expect(try PersonFields.text("", field: "source", maxCharacters: 100, allowEmpty: true) == "")
  }
}
