import EventStore

/// A broken promise of the event store contract, with where it was found.
public struct ContractFailure: Error, CustomStringConvertible {
  public var message: String
  public var location: String

  public var description: String { "\(location): \(message)" }
}

/// Fails the running contract case with `message` unless `condition` holds.
func require(
  _ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
) throws {
  guard condition else { throw ContractFailure(message: message(), location: "\(file):\(line)") }
}

/// Runs `body` and returns the event store error it throws; fails if it throws none.
func requireError(
  _ code: EventStoreError.Code, file: StaticString = #fileID, line: UInt = #line,
  _ body: () async throws -> Void
) async throws -> EventStoreError {
  do {
    try await body()
  } catch let error as EventStoreError {
    try require(
      error.code == code, "expected \(code), got \(error.code): \(String(reflecting: error))", file: file, line: line)
    return error
  }
  throw ContractFailure(message: "expected \(code), but the call succeeded", location: "\(file):\(line)")
}
