import ArgumentParser
import Foundation

/// A leaf command: it talks to the server through a ``Session`` and returns what to print, so
/// that tests can run it against a real server and read its output.
public protocol CLICommand: AsyncParsableCommand {
  var connection: ConnectionOptions { get }
  func output(_ session: Session) async throws -> Printout
}

extension CLICommand {
  public func run() async throws {
    let printout: Printout
    do {
      printout = try await output(try Session(connection))
    } catch let error as CLIError {
      FileHandle.standardError.write(Data("error: \(TerminalText.safe(error.description))\n".utf8))
      throw ExitCode(error.exitCode)
    }
    printout.write()
    if printout.exitCode != 0 { throw ExitCode(printout.exitCode) }
  }
}

extension Printout {
  /// To standard output. Server text is printed safely whatever the format (JSON escapes stay
  /// valid JSON); a CSV file goes out byte for byte unless a terminal shows it.
  func write() {
    switch body {
    case .text(let text):
      if !text.isEmpty { print(TerminalText.safe(text)) }
    case .file(let data):
      if isatty(STDOUT_FILENO) != 0 {
        print(TerminalText.safe(String(decoding: data, as: UTF8.self)), terminator: "")
      } else {
        FileHandle.standardOutput.write(data)
      }
    }
  }
}
