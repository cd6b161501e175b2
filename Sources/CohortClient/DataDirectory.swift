import Foundation

/// Where a local `cohortd` keeps its database, TLS material and tokens, and where the CLI looks
/// for them: `$COHORT_HOME`, else `$XDG_DATA_HOME/cohort`, else `~/.local/share/cohort`.
public enum DataDirectory {
  public static func resolve(environment: [String: String]) -> String {
    if let home = environment["COHORT_HOME"], !home.isEmpty { return home }
    if let data = environment["XDG_DATA_HOME"], !data.isEmpty { return data + "/cohort" }
    let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    return home + "/.local/share/cohort"
  }
}
