package com.casarerpa.fleet.devstack.realtime;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The local stand-in for Supabase's WAL reader (wal2json is not available on the embedded
 * PostgreSQL): a row trigger on every table of publication {@code supabase_realtime} writes each
 * change into the unlogged table {@code realtime_local.changes} and notifies channel {@code
 * realtime_local_changes}; the row never travels in the NOTIFY payload (8000-byte limit).
 *
 * <p>Only changes someone subscribed to are captured: {@code realtime_local.watched} lists the
 * (schema, table) pairs of the current postgres_changes subscriptions ({@code *} for any), kept by
 * {@link #watch} before a subscription is confirmed; the trigger of any other table returns after
 * one index probe. Supabase's Realtime likewise reads the database's changes only while a
 * postgres_changes subscription exists, and a change made before the subscription was confirmed is
 * never delivered, so nothing a client could receive is skipped.
 *
 * <p>What Supabase itself provides around private channels ({@code realtime.topic()}, the grants on
 * {@code realtime.messages}) is in the local platform bootstrap. Local stack only: never applied to
 * a real Supabase project.
 */
final class CaptureSchema {
  static final String NOTIFY_CHANNEL = "realtime_local_changes";
  static final String TRIGGER = "realtime_local_capture";

  private static final String INSTALL =
      """
      CREATE SCHEMA IF NOT EXISTS realtime_local;
      REVOKE ALL ON SCHEMA realtime_local FROM PUBLIC;
      CREATE UNLOGGED TABLE IF NOT EXISTS realtime_local.changes (
        id               bigserial PRIMARY KEY,
        schema_name      text        NOT NULL,
        table_name       text        NOT NULL,
        op               text        NOT NULL,
        new_row          jsonb,
        old_row          jsonb,
        commit_timestamp timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE TABLE IF NOT EXISTS realtime_local.watched (
        schema_name text NOT NULL,
        table_name  text NOT NULL,
        PRIMARY KEY (schema_name, table_name)
      );
      CREATE OR REPLACE FUNCTION realtime_local.capture() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
      DECLARE
        change_id bigint;
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM realtime_local.watched w
                        WHERE w.schema_name IN (TG_TABLE_SCHEMA, '*')
                          AND w.table_name IN (TG_TABLE_NAME, '*')) THEN
          RETURN NULL;
        END IF;
        INSERT INTO realtime_local.changes (schema_name, table_name, op, new_row, old_row)
        VALUES (TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP,
                CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END,
                CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END)
        RETURNING id INTO change_id;
        PERFORM pg_notify('realtime_local_changes', change_id::text);
        RETURN NULL;
      END
      $$;
      """;

  /**
   * Adds the capture trigger to every publication table that lacks it and removes it from tables
   * that left the publication. A short lock timeout keeps it from queueing behind long
   * transactions; the next reconcile retries.
   */
  private static final String RECONCILE =
      """
      DO $$
      DECLARE
        t record;
      BEGIN
        SET LOCAL lock_timeout = '1s';
        PERFORM pg_advisory_xact_lock(hashtext('realtime_local_capture'));
        FOR t IN
          SELECT p.schemaname, p.tablename FROM pg_publication_tables p
          WHERE p.pubname = 'supabase_realtime'
            AND NOT EXISTS (
              SELECT 1 FROM pg_trigger tr
              JOIN pg_class c ON c.oid = tr.tgrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE tr.tgname = 'realtime_local_capture'
                AND n.nspname = p.schemaname AND c.relname = p.tablename)
        LOOP
          EXECUTE format(
            'CREATE OR REPLACE TRIGGER realtime_local_capture AFTER INSERT OR UPDATE OR DELETE ON %I.%I'
            ' FOR EACH ROW EXECUTE FUNCTION realtime_local.capture()', t.schemaname, t.tablename);
        END LOOP;
        FOR t IN
          SELECT n.nspname AS schemaname, c.relname AS tablename FROM pg_trigger tr
          JOIN pg_class c ON c.oid = tr.tgrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE tr.tgname = 'realtime_local_capture'
            AND NOT EXISTS (
              SELECT 1 FROM pg_publication_tables p
              WHERE p.pubname = 'supabase_realtime'
                AND p.schemaname = n.nspname AND p.tablename = c.relname)
        LOOP
          EXECUTE format('DROP TRIGGER realtime_local_capture ON %I.%I', t.schemaname, t.tablename);
        END LOOP;
      END
      $$;
      """;

  private final DataSource superuser;

  CaptureSchema(DataSource superuser) {
    this.superuser = superuser;
  }

  void install() throws SQLException {
    try (Connection c = superuser.getConnection();
        Statement s = c.createStatement()) {
      s.execute(INSTALL);
    }
    reconcile();
  }

  /**
   * Makes {@code realtime_local.watched} hold exactly {@code tables} (each a schema and a table
   * name, {@code *} for any), committed before returning: changes to those tables are captured from
   * now on, changes to others no longer.
   */
  synchronized void watch(java.util.Set<java.util.List<String>> tables) throws SQLException {
    try (Connection c = superuser.getConnection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try (Statement clear = c.createStatement();
          java.sql.PreparedStatement add =
              c.prepareStatement(
                  "INSERT INTO realtime_local.watched (schema_name, table_name) VALUES (?, ?)")) {
        clear.execute("DELETE FROM realtime_local.watched WHERE true");
        for (java.util.List<String> table : tables) {
          add.setString(1, table.get(0));
          add.setString(2, table.get(1));
          add.addBatch();
        }
        add.executeBatch();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    }
  }

  synchronized void reconcile() throws SQLException {
    try (Connection c = superuser.getConnection();
        Statement s = c.createStatement()) {
      s.execute(RECONCILE);
    }
  }
}
