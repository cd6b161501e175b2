import ArgumentParser
import CohortAPI
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2

/// Sends malformed and random protobuf requests to every RPC as raw bytes, each bounded by a
/// deadline, and counts the statuses per RPC. A status outside the RPC's acceptable set
/// (UNKNOWN, INTERNAL, DEADLINE_EXCEEDED, ...) or a server that stops answering fails the run.
/// Before that: a few exact probes, and messages over the server's size limit.
struct Fuzz: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Fuzz every RPC with malformed protobuf.")

  @OptionGroup var targets: Targets

  @Option(help: "Number of fuzz requests.")
  var count = 100_000

  @Option(help: "Concurrent requests.")
  var concurrency = 48

  @Option(help: "HTTP/2 connections.")
  var connections = 4

  @Option(help: "Seconds one request may take.")
  var deadline: Double = 10

  @Option(help: "Stop starting new requests after this many seconds.")
  var maxSeconds: Double = 300

  @Option(help: "Random seed (default: random; printed).")
  var seed: UInt64?

  @Option(help: "The server's request size limit in bytes (ServerConfiguration.maximumRequestBytes).")
  var limit = 1 << 20

  @Option(parsing: .upToNextOption, help: "Leave out these RPCs (for example Health/Watch, AdminService/TailEvents).")
  var skip: [String] = []

  @Flag(help: "Only the exact probes (no size checks, no fuzzing).")
  var probesOnly = false

  @Flag(help: "Leave out the exact probes.")
  var noProbes = false

  @Option(
    help:
      "Health/Watch calls per second per connection: the client cancels each watch after its first answer, and the server closes a connection after 200 RST_STREAM frames in 10 s (HTTP/2 flood protection), so watches are paced on connections of their own."
  )
  var watchRate = 12

  @Option(help: "A cohort number the probes may enroll into (scheduled and opened here).")
  var probeCohort: Int32 = 6

  @Option(
    help:
      "The role of --token-file's token (owner, staff, partner, member), or none to send no token: it decides which refusals are right answers."
  )
  var role: FuzzRole = .owner

  func run() async throws {
    let role = role
    let settings = try targets.settings().map { setting in
      var setting = setting
      if role == .none { setting.token = nil }
      return setting
    }
    let seed = self.seed ?? UInt64.random(in: 1...UInt64.max)
    let tally = Tally(samplesPerCode: 4)
    let failures = Locked<[String]>([])
    let failureCount = Locked(0)
    let tickets = Locked(0)
    let (count, concurrency, deadline, limit, probeCohort) = (count, concurrency, self.deadline, limit, probeCohort)
    let rpcs = FuzzRPC.all.filter { !skip.contains($0.name) && $0 != .healthWatch }
    let watching = !skip.contains(FuzzRPC.healthWatch.name)
    let watchRate = max(watchRate, 1)
    let mainDone = Locked(false)
    let stopAt = ContinuousClock.now + .milliseconds(Int(maxSeconds * 1000))
    print(
      "fuzz: seed \(seed), \(count) requests over \(FuzzRPC.all.count) RPCs as \(role.rawValue), \(concurrency) concurrent on \(connections) connections, deadline \(deadline) s each"
    )

    let unknown = skip.filter { name in !FuzzRPC.all.contains { $0.name == name } }
    guard unknown.isEmpty else {
      throw ValidationError(
        "--skip: no RPC named \(unknown.joined(separator: ", ")) (names look like EnrollmentService/Enroll)")
    }
    let (probeResults, oversized, alive) = try await Connections.with([settings[0]], perServer: connections) {
      clients -> ([Probes.Result], [(String, String, String)], Bool) in
      let service = Cohort_V1_EnrollmentService.Client(wrapping: clients[0])
      try await Self.prepare(service, probeCohort: probeCohort)

      // 1. Exact probes.
      let probes =
        noProbes
        ? []
        : await Probes(
          service: service, health: Grpc_Health_V1_Health.Client(wrapping: clients[0]), cohort: probeCohort
        ).run()
      if probesOnly { return (probes, [], true) }

      // 2. Messages over the size limit, and one just under it.
      var oversized: [(String, String, String)] = []
      for rpc in rpcs + (watching ? [.healthWatch] : []) {
        for size in [limit + 1, limit + (512 << 10), 4 * limit] {
          var writer = ProtoWriter()
          writer.lengthDelimited(rpc == .whoAmI ? 99 : 1, [UInt8](repeating: 0x61, count: size))
          let (code, message) = await Self.call(clients[0], rpc, writer.bytes, deadline: .seconds(30))
          oversized.append(("\(rpc.name) \(writer.bytes.count) B", code, message))
        }
      }
      var under = ProtoWriter()
      under.lengthDelimited(99, [UInt8](repeating: 0x61, count: limit - 64))
      let (underCode, underMessage) = await Self.call(clients[0], .whoAmI, under.bytes, deadline: .seconds(30))
      oversized.append(("under the limit: \(FuzzRPC.whoAmI.name) \(under.bytes.count) B", underCode, underMessage))

      // 3. The fuzz itself.
      let shared = (0..<16).map { _ in UUID().uuidString.lowercased() }
      let watchClients = watching ? Array(clients.suffix(2)) : []
      let mainClients = watching && clients.count > 2 ? Array(clients.dropLast(2)) : clients
      await withTaskGroup(of: Void.self) { group in
        for (index, client) in watchClients.enumerated() {
          group.addTask {
            var corpus = FuzzCorpus(seed: seed &+ 0xA5A5 &+ UInt64(index), sharedRequestIDs: shared)
            while !mainDone.value, ContinuousClock.now < stopAt {
              let next = ContinuousClock.now + .milliseconds(1_000 / watchRate)
              let (bytes, strategy) = corpus.request(for: .healthWatch)
              let (code, message) = await Self.call(
                client, .healthWatch, bytes, deadline: .milliseconds(Int(deadline * 1000)))
              Self.note(.healthWatch, role, code, message, bytes, strategy, tally, failures, failureCount)
              try? await Task.sleep(until: next)
            }
          }
        }
        group.addTask {
          await Self.fuzzMain(
            rpcs: rpcs, role: role, clients: mainClients, concurrency: concurrency, count: count, stopAt: stopAt,
            seed: seed,
            shared: shared, deadline: deadline, tally: tally, failures: failures, failureCount: failureCount,
            tickets: tickets)
          mainDone.withLock { $0 = true }
        }
      }

      // 4. Still alive and still right?
      let health = Grpc_Health_V1_Health.Client(wrapping: clients[0])
      let serving = (try? await health.check(.with { $0.service = "" }))?.status == .serving
      let whoami = role == .none ? nil : try? await Cohort_V1_AdminService.Client(wrapping: clients[0]).whoAmI(.init())
      return (probes, oversized, serving && (role == .none || whoami != nil))
    }

    var failed = false
    for probe in probeResults {
      print("fuzz: probe \(probe.passed ? "PASS" : "FAIL"): \(probe.name): \(probe.detail)")
      if !probe.passed { failed = true }
    }
    if probesOnly {
      print(
        "fuzz: probes \(failed ? "FAIL" : "PASS"): \(probeResults.filter(\.passed).count) of \(probeResults.count) passed"
      )
      if failed { throw ExitCode(1) }
      return
    }
    // Over the limit must be refused. The right status is RESOURCE_EXHAUSTED; a stream reset
    // reaches the client as UNAVAILABLE, which clients retry: refused, but reported.
    var resets = 0
    for (what, code, message) in oversized {
      let isUnder = what.hasPrefix("under")
      let refused = code != StatusName.ok
      let ok = isUnder ? code != "RESOURCE_EXHAUSTED" : refused
      if !ok { failed = true }
      if !isUnder && code != "RESOURCE_EXHAUSTED" && refused { resets += 1 }
      print("fuzz: size \(ok ? "PASS" : "FAIL"): \(what) -> \(code)\(code == "OK" ? "" : " (\(message.prefix(90)))")")
    }
    if resets > 0 {
      print(
        "fuzz: WARN: \(resets) oversized requests were refused with a stream reset the client sees as UNAVAILABLE (retryable), not RESOURCE_EXHAUSTED"
      )
    }

    let snapshot = tally.snapshot
    let sent = snapshot.total.values.reduce(0, +)
    print("fuzz: \(sent) requests in \(tally.elapsed): \(snapshot.total.rendered)")
    for rpc in FuzzRPC.all {
      let codes = snapshot.byKey[rpc.name] ?? [:]
      let bad = codes.filter { !rpc.acceptable(as: role).contains($0.key) }.values.reduce(0, +)
      print(
        "fuzz:   \(rpc.name.padding(toLength: 40, withPad: " ", startingAt: 0)) \(String(codes.values.reduce(0, +)).leftPad(6))  \(codes.rendered)\(bad > 0 ? "  <- \(bad) unexpected" : "")"
      )
    }
    for (code, messages) in snapshot.samples.sorted(by: { $0.key < $1.key }) {
      for message in messages { print("fuzz:   sample \(code): \(message)") }
    }
    let unexpected = failureCount.value
    for failure in failures.value { print("fuzz: FAIL: \(failure)") }
    if unexpected > 0 { failed = true }
    if sent < count {
      print("fuzz: FAIL: only \(sent) of \(count) requests sent within \(maxSeconds) s")
      failed = true
    }
    if !alive {
      print("fuzz: FAIL: the server does not answer health or WhoAmI after fuzzing")
      failed = true
    }
    print(
      "fuzz: \(failed ? "FAIL" : "PASS"): \(sent) requests, \(unexpected) unexpected statuses, server \(alive ? "alive" : "NOT answering")"
    )
    if failed { throw ExitCode(1) }
  }

  /// Cohorts 1 to 5 in every state, so that fuzzed commands reach the business rules; and the
  /// probes' cohort, open.
  private static func prepare(
    _ service: Cohort_V1_EnrollmentService.Client<HTTP2ClientTransport.Posix>, probeCohort: Int32
  ) async throws {
    for number: Int32 in [1, 2, 3, 4, 5, probeCohort] {
      _ = try? await service.scheduleCohort(
        .with {
          $0.requestID = UUID().uuidString
          $0.number = number
          $0.title = "fuzz cohort \(number)"
          // Free, so that well-formed Enrolls (the probes') take seats without a payment.
          $0.price = .with {
            $0.amountMinor = 0
            $0.currency = "KRW"
          }
          $0.capacity = number == probeCohort ? 10_000 : 3
          $0.startsOn = .with {
            $0.year = 2026; $0.month = 12; $0.day = 1
          }
          $0.endsOn = .with {
            $0.year = 2027; $0.month = 1; $0.day = 31
          }
        })
      if number != 4 {
        _ = try? await service.openEnrollment(
          .with {
            $0.requestID = UUID().uuidString
            $0.cohortNumber = number
          })
      }
      if number == 5 {
        _ = try? await service.closeEnrollment(
          .with {
            $0.requestID = UUID().uuidString
            $0.cohortNumber = number
          })
      }
    }
  }

  private static func fuzzMain(
    rpcs: [FuzzRPC], role: FuzzRole, clients: [Client], concurrency: Int, count: Int, stopAt: ContinuousClock.Instant,
    seed: UInt64,
    shared: [String], deadline: Double, tally: Tally, failures: Locked<[String]>, failureCount: Locked<Int>,
    tickets: Locked<Int>
  ) async {
    await withTaskGroup(of: Void.self) { group in
      for worker in 0..<concurrency {
        group.addTask {
          var corpus = FuzzCorpus(seed: seed &+ UInt64(worker) &* 0x9E37_79B9, sharedRequestIDs: shared)
          let client = clients[worker % clients.count]
          while ContinuousClock.now < stopAt {
            let ticket = tickets.withLock { value -> Int in
              value += 1
              return value
            }
            if ticket > count { break }
            let rpc = rpcs[ticket % rpcs.count]
            let (bytes, strategy) = corpus.request(for: rpc)
            let (code, message) = await call(
              client, rpc, bytes, deadline: rpc.deadline(.milliseconds(Int(deadline * 1000))))
            note(rpc, role, code, message, bytes, strategy, tally, failures, failureCount)
          }
        }
      }
    }
  }

  /// Counts one answer; keeps the first unexpected ones with their bytes.
  private static func note(
    _ rpc: FuzzRPC, _ role: FuzzRole, _ code: String, _ message: String, _ bytes: [UInt8], _ strategy: String,
    _ tally: Tally,
    _ failures: Locked<[String]>, _ failureCount: Locked<Int>
  ) {
    tally.record(code, key: rpc.name, message: "\(rpc.name): \(message)")
    guard !rpc.acceptable(as: role).contains(code) else { return }
    let index = failureCount.withLock { value -> Int in
      value += 1
      return value
    }
    if index <= 25 {
      let hex = bytes.prefix(48).map { String(format: "%02x", $0) }.joined()
      failures.withLock {
        $0.append(
          "\(rpc.name) [\(strategy), \(bytes.count) B] -> \(code): \(message.prefix(160).debugDescription) | bytes \(hex)"
        )
      }
    }
  }

  /// One call with raw request bytes; the status name and message.
  static func call(_ client: Client, _ rpc: FuzzRPC, _ bytes: [UInt8], deadline: Duration) async -> (String, String) {
    var options = CallOptions.defaults
    options.timeout = deadline
    options.maxRequestMessageBytes = 64 << 20
    do {
      switch rpc.shape {
      case .unary:
        try await client.unary(
          request: ClientRequest(message: bytes), descriptor: rpc.descriptor, serializer: RawSerializer(),
          deserializer: RawDeserializer(), options: options
        ) { response in _ = try response.message }
      case .serverStreaming:
        try await client.serverStreaming(
          request: ClientRequest(message: bytes), descriptor: rpc.descriptor, serializer: RawSerializer(),
          deserializer: RawDeserializer(), options: options
        ) { response in
          // Watch never ends by itself: the first answer is the answer.
          for try await _ in response.messages { return }
        }
      case .bidirectional:
        try await client.bidirectionalStreaming(
          request: StreamingClientRequest(of: [UInt8].self) { writer in try await writer.write(bytes) },
          descriptor: rpc.descriptor, serializer: RawSerializer(), deserializer: RawDeserializer(), options: options
        ) { response in
          for try await _ in response.messages {}
        }
      }
      return (StatusName.ok, "")
    } catch {
      return StatusName.of(error: error)
    }
  }
}

extension String {
  func leftPad(_ width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }
}
