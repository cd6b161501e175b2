import CohortAPI
import Foundation
import SwiftProtobuf

/// Builds fuzz requests: random bytes, random field soups, plausible messages full of edge
/// values (bogus UUIDs, Feb 30, negative and huge amounts, overlong and odd strings), those same
/// messages mutated or truncated, with fields re-sent in the wrong wire type or as invalid UTF-8.
struct FuzzCorpus {
  var random: SplitMix
  /// Request ids shared across RPCs, so that some requests reuse another request's id.
  let sharedRequestIDs: [String]

  init(seed: UInt64, sharedRequestIDs: [String]) {
    random = SplitMix(seed: seed)
    self.sharedRequestIDs = sharedRequestIDs
  }

  /// One request for `rpc` and the name of the strategy that made it.
  mutating func request(for rpc: FuzzRPC) -> (bytes: [UInt8], strategy: String) {
    switch Int.random(in: 0..<100, using: &random) {
    case 0..<12: return (random.bytes(Int.random(in: 0...192, using: &random)), "random-bytes")
    case 12..<30: return (soup(rpc.fields, depth: 0), "field-soup")
    case 30..<55: return (plausible(rpc), "edge-values")
    case 55..<80: return (mutate(plausible(rpc)), "mutated")
    case 80..<90: return (plausible(rpc) + wrongWireType(rpc.fields), "wrong-wire-type")
    default: return (plausible(rpc) + invalidUTF8(rpc.fields), "invalid-utf8")
    }
  }

  // MARK: Values

  mutating func requestID() -> String {
    switch Int.random(in: 0..<100, using: &random) {
    case 0..<55: UUID().uuidString.lowercased()
    case 55..<70: random.pick(sharedRequestIDs)
    case 70..<75: UUID().uuidString
    default: weirdString()
    }
  }

  mutating func weirdString() -> String {
    random.pick([
      "", " ", "a", "not-a-uuid", "{\(UUID().uuidString)}", "00000000-0000-0000-0000-000000000000",
      "ffffffff-ffff-ffff-ffff-ffffffffffff", "\(UUID().uuidString)x", String(UUID().uuidString.dropLast()),
      "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "'; DROP TABLE events; --", "%s%n%x", "\u{0}", "a\u{0}b",
      "\n", "\t \n", "김민지", "AI 활용 부트캠프 9기", "👩‍💻👨‍👩‍👧‍👦", "e\u{301}\u{301}\u{301}", "\u{202E}evil",
      "\u{FEFF}", "\u{FFFF}", "\u{10FFFF}", String(repeating: "x", count: 201), String(repeating: "가", count: 200),
      String(repeating: "가", count: 201), String(repeating: "a", count: 5_000),
      String(repeating: "🙂", count: Int.random(in: 1...3_000, using: &random)),
      String(repeating: "e\u{301}", count: 250),
    ])
  }

  mutating func email() -> String {
    switch Int.random(in: 0..<100, using: &random) {
    case 0..<35: "fuzz-\(Int.random(in: 0..<2_000, using: &random))@faults.example"
    case 35..<45: " Fuzz-\(Int.random(in: 0..<2_000, using: &random))@Faults.Example\n"
    default:
      random.pick([
        "", "a", "a@b", "@x.com", "a@.com", "a@b.", "a@b.c", "a b@c.de", "a@b@c.de", "a@@b.cd",
        String(repeating: "a", count: 250) + "@b.cd", String(repeating: "a", count: 245) + "@b.cd",
        "김@example.com", "a@ex\u{0}ample.com", "a@exa mple.com", "\u{0}@a.bc", "a@b.c\n", "a\t@b.cd",
        weirdString(),
      ])
    }
  }

  mutating func int32() -> Int32 {
    switch Int.random(in: 0..<100, using: &random) {
    case 0..<50: Int32.random(in: 1...6, using: &random)
    case 50..<60: Int32.random(in: -5...20_000, using: &random)
    default:
      random.pick([0, -1, Int32.min, Int32.max, 10_000, 10_001, 100_000, 100_001, 1 << 30, -(1 << 30)])
    }
  }

  mutating func int64() -> Int64 {
    random.pick([
      0, 1, -1, 200_000, Int64.max, Int64.min, Int64(Int32.max) + 1, -200_000, 1 << 53, 999_999_999_999,
      Int64.random(in: Int64.min...Int64.max, using: &random),
    ])
  }

  mutating func date() -> Cohort_V1_CalendarDate {
    let (y, m, d): (Int32, Int32, Int32) = random.pick([
      (2026, 2, 30), (2026, 2, 29), (2024, 2, 29), (2100, 2, 29), (2000, 2, 29), (2026, 4, 31), (2026, 13, 1),
      (2026, 0, 1), (2026, 1, 0), (0, 1, 1), (1, 1, 1), (9999, 12, 31), (10_000, 1, 1), (-1, -1, -1),
      (Int32.max, Int32.max, Int32.max), (Int32.min, 1, 1), (2026, 12, 1), (2027, 1, 31), (2026, 12, 32),
    ])
    return .with {
      $0.year = y
      $0.month = m
      $0.day = d
    }
  }

  mutating func currency() -> String {
    random.pick([
      "KRW", "krw", "USD", "XXX", "", "KR", "KRWW", "₩", "ÅÅÅ", "K1W", "BHD", "kRw", "\u{0}KR", weirdString(),
    ])
  }

  // MARK: Plausible messages

  /// A well-formed request of `rpc` full of edge values, chosen by each field's name and kind
  /// (request ids, e-mails, currencies, ids, dates, amounts, counts, enums), nested messages too.
  mutating func plausible(_ rpc: FuzzRPC) -> [UInt8] {
    guard rpc.kind != .reflection else { return reflection() }
    return plausible(rpc.request, depth: 0)
  }

  mutating func plausible(_ message: FuzzMessage, depth: Int) -> [UInt8] {
    var writer = ProtoWriter()
    for number in message.fields.keys.sorted() where random.chance(0.85) {
      let times = message.repeated.contains(number) ? Int.random(in: 0...3, using: &random) : 1
      for _ in 0..<times { value(number, of: message, depth: depth, into: &writer) }
    }
    return writer.bytes
  }

  private mutating func value(_ number: UInt64, of message: FuzzMessage, depth: Int, into writer: inout ProtoWriter) {
    let name = message.names[number] ?? ""
    switch message.fields[number] {
    case .string?:
      let text: String =
        if name == "request_id" { requestID() } else if name.contains("email") { email() } else if name == "currency" {
          currency()
        } else if name.hasSuffix("_id") || name.hasSuffix("_ids") || name == "id" {
          random.chance(0.7) ? UUID().uuidString.lowercased() : weirdString()
        } else { random.chance(0.4) ? random.pick(["Fuzz \(number)", "김민지", "AI 부트캠프 9기", "a"]) : weirdString() }
      writer.lengthDelimited(number, Array(text.utf8))
    case .int32?:
      if message.booleans.contains(number) {
        writer.varintField(number, random.chance(0.9) ? UInt64(Int.random(in: 0...1, using: &random)) : .max)
      } else {
        writer.varintField(number, UInt64(bitPattern: Int64(int32())))
      }
    case .int64?: writer.varintField(number, UInt64(bitPattern: int64()))
    case .enumeration?:
      writer.varintField(
        number, UInt64(bitPattern: Int64(random.pick([0, 1, 2, 3, 4, 5, 6, 7, 99, -1, Int32.max, Int32.min]))))
    case .message?:
      let nested = message.nested[number] ?? FuzzMessage(typeName: "")
      if nested.typeName.hasSuffix(".CalendarDate") {
        writer.lengthDelimited(number, (try? date().serializedBytes()) ?? [])
      } else if depth < 3 {
        writer.lengthDelimited(number, plausible(nested, depth: depth + 1))
      }
    case nil: break
    }
  }

  /// Reflection requests name real files and symbols as well as odd ones.
  private mutating func reflection() -> [UInt8] {
    let message = Grpc_Reflection_V1_ServerReflectionRequest.with {
      $0.host = random.chance(0.8) ? "" : weirdString()
      switch Int.random(in: 0..<6, using: &random) {
      case 0: $0.listServices = random.chance(0.5) ? "*" : weirdString()
      case 1:
        $0.fileByFilename = random.pick([
          "cohort/v1/enrollment.proto", "google/protobuf/timestamp.proto", weirdString(),
        ])
      case 2:
        $0.fileContainingSymbol = random.pick([
          "cohort.v1.EnrollmentService", "cohort.v1.Money", "cohort.v1.EnrollmentService.Enroll", ".cohort.v1",
          weirdString(),
        ])
      case 3:
        let type = random.pick(["cohort.v1.Money", weirdString()])
        let number = int32()
        $0.fileContainingExtension = .with {
          $0.containingType = type
          $0.extensionNumber = number
        }
      case 4: $0.allExtensionNumbersOfType = random.pick(["cohort.v1.Money", weirdString()])
      default: break
      }
    }
    return (try? message.serializedBytes()) ?? []
  }

  // MARK: Malformations

  mutating func mutate(_ input: [UInt8]) -> [UInt8] {
    var bytes = input
    for _ in 0..<Int.random(in: 1...3, using: &random) {
      switch Int.random(in: 0..<8, using: &random) {
      case 0 where !bytes.isEmpty:  // flip bits
        let index = Int.random(in: 0..<bytes.count, using: &random)
        bytes[index] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
      case 1 where !bytes.isEmpty:  // truncate
        bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &random)))
      case 2:  // insert random bytes
        let at = Int.random(in: 0...bytes.count, using: &random)
        bytes.insert(contentsOf: random.bytes(Int.random(in: 1...8, using: &random)), at: at)
      case 3 where bytes.count > 1:  // delete a range
        let from = Int.random(in: 0..<bytes.count, using: &random)
        let to = min(bytes.count, from + Int.random(in: 1...8, using: &random))
        bytes.removeSubrange(from..<to)
      case 4 where !bytes.isEmpty:  // duplicate a chunk
        let from = Int.random(in: 0..<bytes.count, using: &random)
        let chunk = bytes[from..<min(bytes.count, from + Int.random(in: 1...16, using: &random))]
        bytes.insert(contentsOf: chunk, at: Int.random(in: 0...bytes.count, using: &random))
      case 5 where !bytes.isEmpty:  // a byte set to a varint trap
        bytes[Int.random(in: 0..<bytes.count, using: &random)] = random.pick([0xFF, 0x80, 0x00, 0x7F, 0x0F])
      case 6:  // append a huge or overlong varint field
        var writer = ProtoWriter()
        writer.tag(UInt64.random(in: 1...8, using: &random), wire: 0)
        if random.chance(0.5) {
          writer.overlongVarint(count: Int.random(in: 10...14, using: &random))
        } else {
          writer.varint(.max)
        }
        bytes += writer.bytes
      default:  // a length-delimited field whose length runs past the end
        var writer = ProtoWriter()
        writer.tag(UInt64.random(in: 1...8, using: &random), wire: 2)
        writer.varint(random.pick([UInt64(1) << 20, UInt64(Int32.max), UInt64.max, 1_000]))
        bytes += writer.bytes + random.bytes(Int.random(in: 0...4, using: &random))
      }
    }
    return bytes
  }

  /// A field of random number and wire type with a random value, repeated, nested at times.
  mutating func soup(_ fields: [UInt64: FuzzField], depth: Int) -> [UInt8] {
    var writer = ProtoWriter()
    for _ in 0..<Int.random(in: 0...8, using: &random) {
      let field: UInt64 =
        random.chance(0.75) && !fields.isEmpty
        ? random.pick(Array(fields.keys))
        : random.pick([0, 1, 2, 15, 16, 19_000, 536_870_911, 536_870_912, UInt64.random(in: 1...100, using: &random)])
      let wire = UInt8.random(in: 0...7, using: &random)
      writer.tag(field, wire: wire)
      switch wire {
      case 0:
        if random.chance(0.2) {
          writer.overlongVarint(count: Int.random(in: 10...12, using: &random))
        } else {
          writer.varint(
            random.pick([0, 1, UInt64.max, 1 << 31, 1 << 32, 1 << 63, UInt64(bitPattern: Int64(Int32.min)), 300]))
        }
      case 1: writer.bytes += random.bytes(random.chance(0.9) ? 8 : Int.random(in: 0...7, using: &random))
      case 2:
        let payload: [UInt8]
        if depth < 3, case .message(let inner)? = fields[field], random.chance(0.6) {
          payload = soup(inner, depth: depth + 1)
        } else {
          payload =
            random.chance(0.5)
            ? Self.invalidUTF8.randomElement(using: &random)! : random.bytes(Int.random(in: 0...40, using: &random))
        }
        writer.varint(
          random.chance(0.9) ? UInt64(payload.count) : UInt64(payload.count + Int.random(in: 1...1_000, using: &random))
        )
        writer.bytes += payload
      case 5: writer.bytes += random.bytes(random.chance(0.9) ? 4 : Int.random(in: 0...3, using: &random))
      default: break  // groups (3, 4) with nothing inside, and the invalid wire types 6 and 7
      }
    }
    return writer.bytes
  }

  /// A known field sent again with a wire type that does not match its declared type.
  mutating func wrongWireType(_ fields: [UInt64: FuzzField]) -> [UInt8] {
    guard let (field, kind) = fields.randomElement(using: &random) else { return random.bytes(4) }
    var writer = ProtoWriter()
    switch kind {
    case .string, .message:
      writer.varintField(field, UInt64.random(in: 0...UInt64.max, using: &random))
    case .int32, .int64, .enumeration:
      if random.chance(0.5) {
        writer.lengthDelimited(field, random.bytes(Int.random(in: 0...12, using: &random)))
      } else {
        writer.tag(field, wire: random.pick([1, 5]))
        writer.bytes += random.bytes(8)
      }
    }
    return writer.bytes
  }

  static let invalidUTF8: [[UInt8]] = [
    [0xC3, 0x28], [0xFF], [0xFE, 0xFF], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xF4, 0x90, 0x80, 0x80],
    [0x61, 0x80, 0x62], [0xF0, 0x9F, 0x98], Array("a@b.cd".utf8) + [0xC3], [0xE2, 0x82],
  ]

  /// A string field (possibly inside a nested message) set to bytes that are not UTF-8.
  mutating func invalidUTF8(_ fields: [UInt64: FuzzField]) -> [UInt8] {
    var writer = ProtoWriter()
    let strings = fields.filter { if case .string = $0.value { true } else { false } }.map(\.key)
    let nested = fields.compactMap { key, value -> (UInt64, UInt64)? in
      guard case .message(let inner) = value,
        let string = inner.first(where: { if case .string = $0.value { true } else { false } })
      else { return nil }
      return (key, string.key)
    }
    let bad = random.pick(Self.invalidUTF8)
    if let (outer, inner) = nested.randomElement(using: &random), strings.isEmpty || random.chance(0.3) {
      var innerWriter = ProtoWriter()
      innerWriter.lengthDelimited(inner, bad)
      writer.lengthDelimited(outer, innerWriter.bytes)
    } else if let field = strings.randomElement(using: &random) {
      writer.lengthDelimited(field, bad)
    } else {
      writer.lengthDelimited(UInt64.random(in: 1...5, using: &random), bad)
    }
    return writer.bytes
  }
}
