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
    // One round trip per append batch (``AppendWriter``): the whole batch goes to this function
    // as arrays, which takes the append lock, judges each append in batch order as
    // ``AppendRules`` do in memory, and inserts. Append i's events are the slice
    // p_first[i] ..< p_first[i + 1] of the event arrays (1-based, as PostgreSQL's arrays are);
    // p_expected[i] is the version it expects (0: no stream), or -1 for any. One row per append:
    //   outcome 0  written: version is the stream's new version, event_position its last event's
    //   outcome 1  a retry, every event already stored as proposed: the first answer
    //   outcome 2  some ids are stored, but not as this append: a duplicate event id
    //   outcome 3  the stream is at another version than expected: version is where it is
    // Earlier appends of the batch count as stored for the later ones (one transaction), so two
    // copies of one retried append in a batch write once.
    Migration(
      version: 3,
      statements: [
        """
        CREATE FUNCTION events_append(
          p_first int4[], p_expected int8[], p_tenants uuid[], p_streams text[],
          p_ids uuid[], p_types text[], p_schema_versions int4[], p_datas bytea[], p_metadatas bytea[]
        ) RETURNS TABLE (outcome int4, version int8, event_position int8)
        LANGUAGE plpgsql AS $$
        DECLARE
          v_appends int4 := coalesce(cardinality(p_first), 0);
          v_total int4 := coalesce(cardinality(p_ids), 0);
          v_lo int4;
          v_hi int4;
          v_size int4;
          v_stored int4;
          v_same int4;
          v_low_offset int8;
          v_high_offset int8;
          v_last_version int8;
          v_last_position int8;
          v_current int8;
        BEGIN
          PERFORM pg_advisory_xact_lock(\(appendLockKey));
          FOR i IN 1 .. v_appends LOOP
            v_lo := p_first[i];
            v_hi := CASE WHEN i < v_appends THEN p_first[i + 1] - 1 ELSE v_total END;
            v_size := v_hi - v_lo + 1;
            SELECT count(e.id),
                count(e.id) FILTER (WHERE e.tenant_id = p_tenants[i] AND e.stream = p_streams[i] AND e.type = p.type
                  AND e.schema_version = p.schema_version AND e.data = p.data AND e.metadata = p.metadata),
                min(e.version - p.k), max(e.version - p.k),
                max(e.version) FILTER (WHERE p.k = v_size), max(e.position) FILTER (WHERE p.k = v_size)
              INTO v_stored, v_same, v_low_offset, v_high_offset, v_last_version, v_last_position
              FROM unnest(p_ids[v_lo:v_hi], p_types[v_lo:v_hi], p_schema_versions[v_lo:v_hi], p_datas[v_lo:v_hi], p_metadatas[v_lo:v_hi])
                WITH ORDINALITY AS p(id, type, schema_version, data, metadata, k)
              JOIN events e ON e.id = p.id;
            IF v_stored > 0 THEN
              IF v_stored = v_size AND v_same = v_size AND v_low_offset = v_high_offset THEN
                outcome := 1; version := v_last_version; event_position := v_last_position;
              ELSE
                outcome := 2; version := NULL; event_position := NULL;
              END IF;
              RETURN NEXT;
              CONTINUE;
            END IF;
            SELECT coalesce(max(e.version), 0) INTO v_current FROM events e
              WHERE e.tenant_id = p_tenants[i] AND e.stream = p_streams[i];
            IF p_expected[i] >= 0 AND p_expected[i] <> v_current THEN
              outcome := 3; version := v_current; event_position := NULL;
              RETURN NEXT;
              CONTINUE;
            END IF;
            -- Rows are produced in k order and the identity default is drawn per row as it is
            -- produced, so positions follow versions.
            WITH inserted AS (
              INSERT INTO events (id, tenant_id, stream, version, type, schema_version, data, metadata)
              SELECT p.id, p_tenants[i], p_streams[i], v_current + p.k, p.type, p.schema_version, p.data, p.metadata
                FROM unnest(p_ids[v_lo:v_hi], p_types[v_lo:v_hi], p_schema_versions[v_lo:v_hi], p_datas[v_lo:v_hi], p_metadatas[v_lo:v_hi])
                  WITH ORDINALITY AS p(id, type, schema_version, data, metadata, k)
                ORDER BY p.k
              RETURNING events.position
            )
            SELECT max(inserted.position) INTO v_last_position FROM inserted;
            outcome := 0; version := v_current + v_size; event_position := v_last_position;
            RETURN NEXT;
          END LOOP;
        END
        $$
        """
      ]),
    // The function's statements take arrays whose slices the planner cannot size, so PostgreSQL
    // planned them again on every call (its custom plans looked cheaper than a generic one):
    // about 0.3 ms per append, two thirds of the function's time. One plan per connection fits
    // every call if it uses the unique indexes: a generic plan made while `events` is nearly empty
    // would otherwise scan the table (a hash join) and, without autovacuum's ANALYZE to replace
    // it, keep scanning as the log grows. With sequential scans off, every lookup goes through
    // `events_id_unique` or `events_stream_version_unique`, whatever the table's size.
    Migration(
      version: 4,
      statements: [
        """
        ALTER FUNCTION events_append(int4[], int8[], uuid[], text[], uuid[], text[], int4[], bytea[], bytea[])
          SET plan_cache_mode = force_generic_plan
        """,
        """
        ALTER FUNCTION events_append(int4[], int8[], uuid[], text[], uuid[], text[], int4[], bytea[], bytea[])
          SET enable_seqscan = off
        """,
      ]),
    // Personal-data keys made in the appends' transaction (``PostgresEventStore/key(for:tenantID:)``):
    // a key of its own was a transaction of its own, and so a disk flush per new person, the
    // wait that bounded enrollment. `events_write` takes the append lock first (a key insert
    // waiting on another server's uncommitted key while holding the lock that server waits for
    // would deadlock), inserts the keys whose subjects have none, and answers one row per key in
    // order (outcome 4, the stored key; NULL if it was deleted between the insert and the read),
    // then one row per append as `events_append` answers.
    Migration(
      version: 5,
      statements: [
        """
        CREATE FUNCTION events_write(
          p_first int4[], p_expected int8[], p_tenants uuid[], p_streams text[],
          p_ids uuid[], p_types text[], p_schema_versions int4[], p_datas bytea[], p_metadatas bytea[],
          p_key_subjects uuid[], p_key_tenants uuid[], p_keys bytea[]
        ) RETURNS TABLE (outcome int4, version int8, event_position int8, key bytea)
        LANGUAGE plpgsql
        SET plan_cache_mode = force_generic_plan
        SET enable_seqscan = off
        AS $$
        BEGIN
          PERFORM pg_advisory_xact_lock(\(appendLockKey));
          IF coalesce(cardinality(p_key_subjects), 0) > 0 THEN
            INSERT INTO personal_keys (subject_id, tenant_id, key)
              SELECT * FROM unnest(p_key_subjects, p_key_tenants, p_keys)
              ON CONFLICT (subject_id) DO NOTHING;
            RETURN QUERY
              SELECT 4, NULL::int8, NULL::int8, k.key
                FROM unnest(p_key_subjects) WITH ORDINALITY AS s(subject_id, n)
                LEFT JOIN personal_keys k ON k.subject_id = s.subject_id
                ORDER BY s.n;
          END IF;
          RETURN QUERY
            SELECT a.outcome, a.version, a.event_position, NULL::bytea
              FROM events_append(p_first, p_expected, p_tenants, p_streams, p_ids, p_types, p_schema_versions,
                p_datas, p_metadatas) AS a;
        END
        $$
        """
      ]),
    // Committed events handed to this server's readers without reading them back
    // (``AppendSignal/committed(after:limit:)``): `events_commit` writes as `events_write` does
    // (with the append loop of `events_append` inlined) and answers, for each append written,
    // its first position, the log's head before it (under the lock, so nothing can come
    // between) and the `recorded_at` its rows got. The two older functions stay for servers of
    // the build before, during an upgrade.
    Migration(
      version: 6,
      statements: [
        """
        CREATE FUNCTION events_commit(
          p_first int4[], p_expected int8[], p_tenants uuid[], p_streams text[],
          p_ids uuid[], p_types text[], p_schema_versions int4[], p_datas bytea[], p_metadatas bytea[],
          p_key_subjects uuid[], p_key_tenants uuid[], p_keys bytea[]
        ) RETURNS TABLE (outcome int4, version int8, event_position int8, key bytea,
          first_position int8, after_position int8, recorded_at timestamptz)
        LANGUAGE plpgsql
        SET plan_cache_mode = force_generic_plan
        SET enable_seqscan = off
        AS $$
        DECLARE
          v_appends int4 := coalesce(cardinality(p_first), 0);
          v_total int4 := coalesce(cardinality(p_ids), 0);
          v_lo int4;
          v_hi int4;
          v_size int4;
          v_stored int4;
          v_same int4;
          v_low_offset int8;
          v_high_offset int8;
          v_last_version int8;
          v_last_position int8;
          v_current int8;
          v_head int8;
        BEGIN
          PERFORM pg_advisory_xact_lock(\(appendLockKey));
          IF coalesce(cardinality(p_key_subjects), 0) > 0 THEN
            INSERT INTO personal_keys (subject_id, tenant_id, key)
              SELECT * FROM unnest(p_key_subjects, p_key_tenants, p_keys)
              ON CONFLICT (subject_id) DO NOTHING;
            RETURN QUERY
              SELECT 4, NULL::int8, NULL::int8, k.key, NULL::int8, NULL::int8, NULL::timestamptz
                FROM unnest(p_key_subjects) WITH ORDINALITY AS s(subject_id, n)
                LEFT JOIN personal_keys k ON k.subject_id = s.subject_id
                ORDER BY s.n;
          END IF;
          SELECT coalesce(max(e.position), 0) INTO v_head FROM events e;
          FOR i IN 1 .. v_appends LOOP
            v_lo := p_first[i];
            v_hi := CASE WHEN i < v_appends THEN p_first[i + 1] - 1 ELSE v_total END;
            v_size := v_hi - v_lo + 1;
            key := NULL; first_position := NULL; after_position := NULL; recorded_at := NULL;
            SELECT count(e.id),
                count(e.id) FILTER (WHERE e.tenant_id = p_tenants[i] AND e.stream = p_streams[i] AND e.type = p.type
                  AND e.schema_version = p.schema_version AND e.data = p.data AND e.metadata = p.metadata),
                min(e.version - p.k), max(e.version - p.k),
                max(e.version) FILTER (WHERE p.k = v_size), max(e.position) FILTER (WHERE p.k = v_size)
              INTO v_stored, v_same, v_low_offset, v_high_offset, v_last_version, v_last_position
              FROM unnest(p_ids[v_lo:v_hi], p_types[v_lo:v_hi], p_schema_versions[v_lo:v_hi], p_datas[v_lo:v_hi], p_metadatas[v_lo:v_hi])
                WITH ORDINALITY AS p(id, type, schema_version, data, metadata, k)
              JOIN events e ON e.id = p.id;
            IF v_stored > 0 THEN
              IF v_stored = v_size AND v_same = v_size AND v_low_offset = v_high_offset THEN
                outcome := 1; version := v_last_version; event_position := v_last_position;
              ELSE
                outcome := 2; version := NULL; event_position := NULL;
              END IF;
              RETURN NEXT;
              CONTINUE;
            END IF;
            SELECT coalesce(max(e.version), 0) INTO v_current FROM events e
              WHERE e.tenant_id = p_tenants[i] AND e.stream = p_streams[i];
            IF p_expected[i] >= 0 AND p_expected[i] <> v_current THEN
              outcome := 3; version := v_current; event_position := NULL;
              RETURN NEXT;
              CONTINUE;
            END IF;
            -- Rows are produced in k order and the identity default is drawn per row as it is
            -- produced, so positions follow versions.
            WITH inserted AS (
              INSERT INTO events (id, tenant_id, stream, version, type, schema_version, data, metadata)
              SELECT p.id, p_tenants[i], p_streams[i], v_current + p.k, p.type, p.schema_version, p.data, p.metadata
                FROM unnest(p_ids[v_lo:v_hi], p_types[v_lo:v_hi], p_schema_versions[v_lo:v_hi], p_datas[v_lo:v_hi], p_metadatas[v_lo:v_hi])
                  WITH ORDINALITY AS p(id, type, schema_version, data, metadata, k)
                ORDER BY p.k
              RETURNING events.position
            )
            SELECT min(inserted.position), max(inserted.position) INTO first_position, v_last_position FROM inserted;
            outcome := 0; version := v_current + v_size; event_position := v_last_position;
            after_position := v_head; recorded_at := now();
            v_head := v_last_position;
            RETURN NEXT;
          END LOOP;
        END
        $$
        """
      ]),
  ]

  /// The append lock's key, as SQL (see ``AppendWriter/appendLock``).
  private static let appendLockKey = String(AppendWriter.appendLock)
}
