import ArgumentParser
import CohortClient
import Foundation

/// `cohort context add|use|list|remove`: named servers, like kubectl's contexts. With none in
/// use, the CLI talks to the cohortd on this machine (the context `local`).
public struct Context: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "Named servers to switch between: add, use, list, remove.",
    discussion: """
      A context is a server address, the CA to trust and a token file, kept in \
      ~/.config/cohort/config.json. `cohort context use NAME` makes every later command talk to \
      it; `--context NAME` or COHORT_CONTEXT picks one for a single command; the context `local` \
      is the cohortd on this machine. `cohort whoami` shows the one in use.
      """,
    subcommands: [Add.self, Use.self, List.self, Remove.self], defaultSubcommand: List.self)

  public init() {}

  struct FileOption: ParsableArguments {
    @Option(name: .customLong("config"), help: "Config file (default: ~/.config/cohort/config.json).")
    var configFile: String?

    var path: String { CLIConfigFile.path(configFile, environment: ProcessInfo.processInfo.environment) }

    func load() throws -> CLIConfigFile {
      try CLIConfigFile.loadIfPresent(path) ?? CLIConfigFile()
    }
  }

  public struct Add: ParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Add (or replace) a context.",
      discussion:
        "Example: cohort context add prod --server cohort.example.com:8443 --ca ~/prod-ca.pem --token-file ~/.prod-token --use"
    )
    @OptionGroup var file: FileOption
    @Argument(help: "Its name.") var name: String
    @Option(help: "The server, host:port.") var server: String
    @Option(help: "PEM file of the CA to trust (default: the system's).") var ca: String?
    @Option(name: .customLong("token-file"), help: "File holding the bearer token.") var tokenFile: String?
    @Flag(help: "Use it from now on.") var use = false

    public init() {}

    public func run() throws {
      guard name != CLIConfigFile.localContext, !name.isEmpty, !name.contains(where: \.isWhitespace) else {
        throw CLIError("a context's name is one word and not \(CLIConfigFile.localContext)", exitCode: ExitCodes.usage)
      }
      guard ServerAddress(parsing: server) != nil else {
        throw CLIError("--server \(server) is not host:port", exitCode: ExitCodes.usage)
      }
      for (flag, path) in [("--ca", ca), ("--token-file", tokenFile)] {
        if let path, !FileManager.default.isReadableFile(atPath: path) {
          throw CLIError("\(flag) \(path): no readable file there", exitCode: ExitCodes.usage)
        }
      }
      var config = try file.load()
      config.contexts = config.contexts ?? [:]
      config.contexts?[name] = CLIConfigFile(
        server: server, ca: ca.map(Self.absolute), tokenFile: tokenFile.map(Self.absolute))
      if use { config.currentContext = name }
      try config.save(to: file.path)
      print(
        "Added context \(name) (\(server))\(use ? "; it is in use" : "; use it with `cohort context use \(name)`").")
    }

    static func absolute(_ path: String) -> String {
      path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
  }

  public struct Use: ParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Talk to this context from now on (`local`: the cohortd on this machine).")
    @OptionGroup var file: FileOption
    @Argument(help: "The context's name.") var name: String

    public init() {}

    public func run() throws {
      var config = try file.load()
      guard name == CLIConfigFile.localContext || config.contexts?[name] != nil else {
        throw CLIError(
          "there is no context \(name); the contexts are \(Context.names(config).joined(separator: ", "))",
          exitCode: ExitCodes.usage)
      }
      config.currentContext = name == CLIConfigFile.localContext ? nil : name
      try config.save(to: file.path)
      print("Using context \(name).")
    }
  }

  public struct List: ParsableCommand {
    public static let configuration = CommandConfiguration(abstract: "List the contexts; * marks the one in use.")
    @OptionGroup var file: FileOption

    public init() {}

    public func run() throws {
      let config = try file.load()
      var table = Table("", "NAME", "SERVER", "CA", "TOKEN FILE")
      let current = config.currentContext ?? CLIConfigFile.localContext
      table.add(
        current == CLIConfigFile.localContext ? "*" : "", CLIConfigFile.localContext, "this machine's cohortd", "", "")
      for name in (config.contexts ?? [:]).keys.sorted() {
        let context = config.contexts?[name]
        table.add(
          current == name ? "*" : "", name, context?.server ?? "", context?.ca ?? "(system)", context?.tokenFile ?? "")
      }
      print(TerminalText.safe(table.rendered))
    }
  }

  public struct Remove: ParsableCommand {
    public static let configuration = CommandConfiguration(abstract: "Remove a context.")
    @OptionGroup var file: FileOption
    @Argument(help: "The context's name.") var name: String

    public init() {}

    public func run() throws {
      var config = try file.load()
      guard config.contexts?.removeValue(forKey: name) != nil else {
        throw CLIError("there is no context \(name)", exitCode: ExitCodes.usage)
      }
      if config.currentContext == name { config.currentContext = nil }
      try config.save(to: file.path)
      print("Removed context \(name).")
    }
  }

  static func names(_ config: CLIConfigFile) -> [String] {
    [CLIConfigFile.localContext] + (config.contexts ?? [:]).keys.sorted()
  }
}

/// `cohort completion bash|zsh|fish`: the shell completion script (ArgumentParser writes it).
public struct Completion: ParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "Print the shell completion script for bash, zsh or fish.",
    discussion: """
      bash: source <(cohort completion bash)   (or save it in /etc/bash_completion.d/cohort)
      zsh:  cohort completion zsh > "${fpath[1]}/_cohort"
      fish: cohort completion fish > ~/.config/fish/completions/cohort.fish
      """)
  @Argument(help: "bash, zsh or fish.") var shell: Shell

  enum Shell: String, ExpressibleByArgument, CaseIterable {
    case bash, zsh, fish
  }

  public init() {}

  public func run() throws {
    print(CohortCommand.completionScript(for: CompletionShell(rawValue: shell.rawValue) ?? .bash))
  }
}
