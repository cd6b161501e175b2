import ArgumentParser
import Foundation

/// A leaf command: it talks to the server through a ``Session`` and returns what to print, so
/// that tests can run it against a real server and read its output.
public protocol CLICommand: AsyncParsableCommand {
  var connection: ConnectionOptions { get }
  func output(_ session: Session) async throws -> String
}

extension CLICommand {
  public func run() async throws {
    do {
      let text = try await output(try Session(connection))
      // Server text is printed safely whatever the format (JSON escapes stay valid JSON).
      if !text.isEmpty { print(TerminalText.safe(text)) }
    } catch let error as CLIError {
      FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
      throw ExitCode(error.exitCode)
    }
  }
}
