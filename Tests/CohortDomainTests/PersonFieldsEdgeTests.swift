import CohortDomain
import Foundation
import Testing

/// The edges of the personal-field rules: every refused character class with its exact sentence,
/// byte bounds measured after NFC, the phone forms people type, and refusals that never echo an
/// oversized value back.
@Suite("PersonFields: the edges")
struct PersonFieldsEdgeTests {
  @Test(
    "every refused character class is named with its code point and why",
    arguments: [
      ("\u{0009}", "the control character U+0009"), ("\u{007F}", "the control character U+007F"),
      ("\u{0085}", "the control character U+0085"), ("\u{200E}", "the invisible format character U+200E"),
      ("\u{200F}", "the invisible format character U+200F"), ("\u{202A}", "the invisible format character U+202A"),
      ("\u{202E}", "the invisible format character U+202E"), ("\u{2066}", "the invisible format character U+2066"),
      ("\u{2069}", "the invisible format character U+2069"), ("\u{200D}", "the invisible format character U+200D"),
      ("\u{00AD}", "the invisible format character U+00AD"), ("\u{2028}", "the separator character U+2028"),
      ("\u{2029}", "the separator character U+2029"), ("\u{E000}", "the private-use character U+E000"),
      ("\u{F0000}", "the private-use character U+F0000"), ("\u{0378}", "the unassigned code point U+0378"),
      ("\u{FFFF}", "the unassigned code point U+FFFF"),
    ])
  func refusedClasses(scalar: String, why: String) {
    #expect(
      throws: DomainError(
        .invalidArgument(field: "name"), "name contains \(why); type it without that character")
    ) { try PersonFields.name("김" + scalar + "민지") }
  }

  @Test("the refusal names the field it was given")
  func namesGivenField() {
    #expect {
      try PersonFields.name("Emily\u{202E}Carter", field: "person.name")
    } throws: { ($0 as? DomainError)?.kind == .invalidArgument(field: "person.name") }
  }

  @Test("white space is trimmed, the ideographic space included; a no-break space inside is kept")
  func trimming() throws {
    #expect(try PersonFields.name("\u{3000} 김민지\t\r\n") == "김민지")
    #expect(try PersonFields.name("Emily\u{00A0}Carter") == "Emily\u{00A0}Carter")
  }

  @Test("bounds are measured after NFC: 200 decomposed syllables are 200 characters of 600 bytes")
  func boundsAfterNFC() throws {
    let decomposed = String(repeating: "\u{1112}\u{1161}\u{11AB}", count: 200)
    #expect(decomposed.utf8.count == 1_800)
    let name = try PersonFields.name(decomposed)
    #expect(name == String(repeating: "한", count: 200) && name.utf8.count == 600)
  }

  @Test("exactly 800 bytes passes; 200 characters carrying combining marks do not")
  func byteBoundary() throws {
    #expect(try PersonFields.name(String(repeating: "𠀀", count: 200)).utf8.count == 800)
    let padded = String(repeating: "가", count: 199) + "x" + String(repeating: "\u{0301}", count: 203)
    #expect(padded.count == 200)
    #expect(throws: DomainError(.invalidArgument(field: "name"), "name must be at most 800 bytes of UTF-8; got 1004")) {
      try PersonFields.name(padded)
    }
  }

  @Test("an e-mail of combining marks is not a short address")
  func emailBomb() {
    let bomb = "a" + String(repeating: "\u{0301}", count: 100_000) + "@example.com"
    #expect(
      throws: DomainError(.invalidArgument(field: "email"), "email must be at most 1,016 bytes of UTF-8; got 200,012")
    ) { try PersonFields.email(bomb) }
  }

  @Test("e-mail: the same address however it is typed, in enrollment and identity alike")
  func emailOneRule() throws {
    let typed = " E\u{0301}milie@Example.COM\n"
    #expect(try PersonFields.email(typed) == "\u{00E9}milie@example.com")
    #expect(EmailAddress.normalized(typed) == "\u{00E9}milie@example.com")
    #expect(try PersonFields.email(typed) == PersonFields.email("\u{00C9}MILIE@example.com"))
    #expect(
      try PersonFields.email(String(repeating: "a", count: 64) + "@" + String(repeating: "b", count: 185) + ".com")
        .count == 254)
  }

  @Test(
    "more phone forms people type",
    arguments: [
      ("０１０－１２３４－５６７８", "+821012345678"), ("+82 (0)2 123 4567", "+8221234567"), ("0082 2 123 4567", "+8221234567"),
      ("+82-10-1234-5678", "+821012345678"), ("(010) 1234-5678", "+821012345678"), ("070-1234-5678", "+827012345678"),
      ("+44 20 7946 0958", "+442079460958"), ("+123456789012345", "+123456789012345"), ("+12345678", "+12345678"),
    ])
  func morePhones(typed: String, e164: String) throws {
    #expect(try PersonFields.phone(typed) == e164)
  }

  @Test(
    "more phones that are refused",
    arguments: [
      "+", "00", "0", "++821012345678", "010+1234+5678", "010-1234-5678 ext 1", "+82 10 1234 567",
      "+82 10 1234 56789", "+82 2 123 456", "1588-1234", "+1234567", "\u{202E}010-1234-5678",
    ])
  func moreBadPhones(typed: String) {
    #expect {
      try PersonFields.phone(typed, field: "person.phone")
    } throws: { ($0 as? DomainError)?.kind == .invalidArgument(field: "person.phone") }
  }

  @Test("a letter in a phone is named")
  func phoneLetter() {
    #expect(
      throws: DomainError(
        .invalidArgument(field: "phone"), "phone \"010-CALL-ME\" contains \"C\"; use digits, e.g. 010-1234-5678")
    ) { try PersonFields.phone("010-CALL-ME") }
  }

  @Test("a refusal never sends back more than a short quote of what was typed")
  func refusalsAreShort() {
    let bomb = "x" + String(repeating: "\u{0301}", count: 100_000)
    let phone = #expect(throws: DomainError.self) { try PersonFields.phone(bomb) }
    #expect((phone?.message.utf8.count ?? .max) < 300)
    let heavy = String(repeating: "e" + String(repeating: "\u{0301}", count: 20), count: 10)
    let email = #expect(throws: DomainError.self) { try PersonFields.email(heavy) }
    #expect((email?.message.utf8.count ?? .max) < 300)
    #expect(email?.message.hasSuffix("(10 characters) is not a valid address; use the form name@example.com") == true)
  }

  @Test("texts: characters and bytes (4 a character) bounded, empty only if allowed")
  func textBounds() throws {
    #expect(
      throws: DomainError(.invalidArgument(field: "source"), "source must be at most 100 characters; got 101")
    ) {
      try PersonFields.text(String(repeating: "가", count: 101), field: "source", maxCharacters: 100, allowEmpty: true)
    }
    #expect(
      throws: DomainError(.invalidArgument(field: "bank"), "bank must be at most 40 bytes of UTF-8; got 101")
    ) {
      try PersonFields.text(
        "x" + String(repeating: "\u{0301}", count: 50), field: "bank", maxCharacters: 10, allowEmpty: true)
    }
    #expect(throws: DomainError(.invalidArgument(field: "channel"), "channel must not be empty")) {
      try PersonFields.text(" \n", field: "channel", maxCharacters: 100, allowEmpty: false)
    }
    #expect(try PersonFields.text(" 인스타그램 ", field: "channel", maxCharacters: 100, allowEmpty: false) == "인스타그램")
  }

  @Test("a note keeps CR LF and tabs but still refuses separators and bidi controls; a source keeps no line break")
  func noteLineBreaks() throws {
    #expect(
      try PersonFields.text(
        "첫 줄\r\n\t둘째 줄", field: "note", maxCharacters: 2_000, allowEmpty: true, allowsLineBreaks: true)
        == "첫 줄\r\n\t둘째 줄")
    for scalar in ["\u{2029}", "\u{202E}"] {
      #expect {
        try PersonFields.text(
          "a\(scalar)b", field: "note", maxCharacters: 2_000, allowEmpty: true, allowsLineBreaks: true)
      } throws: { ($0 as? DomainError)?.kind == .invalidArgument(field: "note") }
    }
    #expect(
      throws: DomainError(
        .invalidArgument(field: "source"),
        "source contains the control character U+000A; type it without that character")
    ) { try PersonFields.text("open\nchat", field: "source", maxCharacters: 100, allowEmpty: true) }
  }

  /// ASCII text skips Foundation's NFC and trimming, and the general-category lookup: every ASCII
  /// character, alone and around others, and every short string of white space, controls and a
  /// few others, must come out as the Unicode rules make them.
  @Test("ASCII text is normalised, refused and compared exactly as by the Unicode rules")
  func asciiAsUnicode() {
    var samples: [String] = []
    for value in 0..<128 {
      let c = String(UnicodeScalar(UInt8(value)))
      samples += [c, "a\(c)b", " \(c) ", "\(c)x\(c)", "x@\(c)y.com", "\(c)M@x.org\(c)", "\(c)\(c)"]
    }
    // Every string of up to three characters from white space, controls and a few others.
    let alphabet = Array(" \t\n\r\u{0B}\u{0C}\u{00}\u{1F}\u{7F}aZ9@.-_'".unicodeScalars).map(String.init)
    var shorter = [""]
    for _ in 1...3 {
      shorter = shorter.flatMap { prefix in alphabet.map { prefix + $0 } }
      samples += shorter
    }
    for raw in samples {
      let trimmed = raw.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)
      #expect(EmailAddress.normalized(raw) == trimmed.lowercased(), "e-mail \(raw.debugDescription)")
      let refused = trimmed.unicodeScalars.first { scalar in
        [.control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned]
          .contains(scalar.properties.generalCategory)
      }
      let expected: Result<String, DomainError> =
        if trimmed.isEmpty {
          .failure(DomainError(.invalidArgument(field: "name"), "name must not be empty"))
        } else if let refused {
          .failure(
            DomainError(
              .invalidArgument(field: "name"),
              "name contains the control character U+\(String(format: "%04X", refused.value)); type it without that character"
            ))
        } else {
          .success(trimmed)
        }
      let named = Result(catching: { () throws(DomainError) -> String in try PersonFields.name(raw) })
      #expect(named == expected, "name \(raw.debugDescription)")
    }
  }
}
