/// Why the event log refused or failed an operation.
///
/// `description` is deliberately generic so that nothing internal (SQL, file paths, server
/// messages) reaches a client; `debugDescription` (`String(reflecting:)`) adds the detail for logs.
public struct EventStoreError: Error, Hashable, Sendable, CustomStringConvertible,
  CustomDebugStringConvertible
{
  /// The kind of failure; new codes may be added, so switch with a default.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private let name: String
    private init(_ name: String) { self.name = name }

    /// The stream's version differs from the expected version; nothing was written.
    public static let wrongExpectedVersion = Code("wrong expected version")
    /// An event id is already in the log with a different stream, type or payload.
    public static let duplicateEventID = Code("duplicate event id")
    /// The append itself is malformed (no events, a bad stream name, too large).
    public static let invalidAppend = Code("invalid append")
    /// The store refused to change or delete an event: the log is append-only.
    public static let appendOnly = Code("append-only violation")
    /// The database cannot be reached right now; retrying later may succeed.
    public static let unavailable = Code("store unavailable")
    /// The stored data cannot be read back as events (corruption or an unknown schema).
    public static let corrupted = Code("corrupted data")
    /// Any other failure of the underlying database.
    public static let storage = Code("storage failure")

    public var description: String { name }
  }

  public var code: Code
  /// The stream concerned, where there is one.
  public var stream: StreamName?
  /// For `wrongExpectedVersion`: what the writer expected and what the stream was at.
  public var expected: ExpectedVersion?
  public var actualVersion: Int64?
  /// Details for operators (SQLSTATE, driver messages); never shown to clients.
  public var detail: String

  public init(
    _ code: Code, _ detail: String, stream: StreamName? = nil, expected: ExpectedVersion? = nil,
    actualVersion: Int64? = nil
  ) {
    self.code = code
    self.detail = detail
    self.stream = stream
    self.expected = expected
    self.actualVersion = actualVersion
  }

  public static func wrongExpectedVersion(
    _ stream: StreamName, expected: ExpectedVersion, actual: Int64
  ) -> EventStoreError {
    EventStoreError(
      .wrongExpectedVersion, "expected \(expected), stream is at version \(actual)", stream: stream,
      expected: expected, actualVersion: actual)
  }

  public var description: String {
    switch code {
    case .wrongExpectedVersion:
      "stream \(stream?.name ?? "?") changed concurrently (expected \(expected?.description ?? "?"), found version \(actualVersion.map(String.init) ?? "?"))"
    default:
      "event store: \(code)"
    }
  }

  public var debugDescription: String { "EventStoreError(\(code)): \(detail)" }
}
