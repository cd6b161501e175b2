/// One numbered change to the schema.
///
/// Its statements run in one transaction together with the row that records it in
/// `schema_migrations`, so a migration is either wholly applied and recorded, or not at all.
/// (A list rather than one SQL string because the driver prepares one statement at a time, and
/// a trigger body holds semicolons of its own.)
struct SQLiteMigration: Sendable {
  var version: Int
  var statements: [String]
}
