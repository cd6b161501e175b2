/// The schema of the event log, as numbered migrations applied in order.
///
/// A migration is never edited once released: change the schema with a new one. Each is a list
/// of single statements because PostgresNIO sends every query as one extended-protocol statement.
///
/// Portability to PostgreSQL-compatible distributed engines (checked against their documentation,
/// not run here):
/// - advisory locks (migrations, and the append lock in ``PostgresEventStore``) are per node: on
///   Citus every append must go through the coordinator; YugabyteDB supports them only in recent
///   releases.
/// - the identity column: YugabyteDB caches sequence values per connection, so positions would not
///   follow commit order across nodes even under the append lock; it needs a sequence with
///   `CACHE 1` (slow) or positions assigned from `max(position)` under the lock.
/// - the append-only trigger: Citus runs triggers on distributed tables only with
///   `citus.enable_unsafe_triggers`; TRUNCATE triggers are not supported everywhere.
/// Everything else (UNNEST, UNIQUE constraints, bytea, timestamptz) is common ground.
enum PostgresMigrations {
  struct Migration: Sendable {
    var version: Int32
    var statements: [String]
  }

  /// The SQLSTATE the append-only trigger raises; `CE` is a class PostgreSQL does not use.
  static let appendOnlySQLState = "CE001"
  /// The constraint that keeps event ids unique.
  static let uniqueEventID = "events_id_unique"
  /// The constraint that gives every event of a stream its own version.
  static let uniqueStreamVersion = "events_stream_version_unique"

  static let all: [Migration] = [
    Migration(
      version: 1,
      statements: [
        """
        CREATE TABLE events (
          position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          id uuid NOT NULL,
          tenant_id uuid NOT NULL,
          stream text NOT NULL,
          version bigint NOT NULL CHECK (version >= 1),
          type text NOT NULL,
          schema_version int NOT NULL,
          data bytea NOT NULL,
          metadata bytea NOT NULL,
          recorded_at timestamptz NOT NULL DEFAULT now(),
          CONSTRAINT \(uniqueEventID) UNIQUE (id),
          CONSTRAINT \(uniqueStreamVersion) UNIQUE (tenant_id, stream, version)
        )
        """,
        """
        CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'the event log is append-only: % on events is refused', TG_OP
            USING ERRCODE = '\(appendOnlySQLState)';
        END
        $$
        """,
        // A statement trigger fires even when no row matches, so `DELETE FROM events` on an
        // empty log is refused as well, and it is the only kind PostgreSQL allows for TRUNCATE.
        """
        CREATE TRIGGER events_append_only
          BEFORE UPDATE OR DELETE OR TRUNCATE ON events
          FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change()
        """,
      ]),
    // Keys for personal data, outside the log (``KeyStore``): deleting one erases what it sealed.
    Migration(
      version: 2,
      statements: [
        """
        CREATE TABLE personal_keys (
          subject_id uuid PRIMARY KEY,
          tenant_id uuid NOT NULL,
          key bytea NOT NULL CHECK (length(key) = 32),
          created_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        """
        CREATE TABLE shared_secrets (
          purpose text PRIMARY KEY,
          secret bytea NOT NULL CHECK (length(secret) = 32),
          created_at timestamptz NOT NULL DEFAULT now()
        )
        """,
      ]),
  ]
}
