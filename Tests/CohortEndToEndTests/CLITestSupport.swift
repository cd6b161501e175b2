import ArgumentParser
import CohortCLI
import Testing

/// Parses a `cohort` command line exactly as the executable does and runs it in `session`.
func cohort(_ arguments: String..., in session: Session) async throws -> String {
  let parsed = try CohortCommand.parseAsRoot(arguments)
  guard let command = parsed as? any CLICommand else {
    Issue.record("'\(arguments.joined(separator: " "))' is not a command that talks to the server")
    return ""
  }
  return try await command.output(session).text
}

/// Runs a command that must fail, and returns the error the CLI would print.
func cohortFailure(_ arguments: String..., in session: Session) async throws -> CLIError {
  let parsed = try CohortCommand.parseAsRoot(arguments)
  let command = try #require(parsed as? any CLICommand)
  do {
    let output = try await command.output(session).text
    Issue.record("expected '\(arguments.joined(separator: " "))' to fail, it printed: \(output)")
    return CLIError("", exitCode: 0)
  } catch let error as CLIError {
    return error
  }
}
