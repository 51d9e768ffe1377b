package com.casarerpa.fleet.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnqualifiedWriteCheckTest {
  @Test
  void the_statement_hosted_supabase_refused_is_found_with_its_line() {
    String sql =
        """
        CREATE OR REPLACE FUNCTION public.fleet_maintenance() RETURNS jsonb
        LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE public.fleet_maintenance_state
             SET last_run_at = now(), last_result = v_result;
          RETURN v_result;
        END
        $$;
        """;
    assertThat(UnqualifiedWriteCheck.check(sql))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.command()).isEqualTo("UPDATE");
              assertThat(f.line()).isEqualTo(4);
              assertThat(f.statement()).startsWith("update public . fleet_maintenance_state set");
            });
  }

  @Test
  void unqualified_writes_in_every_place_safeupdate_sees_them_are_found() {
    assertThat(UnqualifiedWriteCheck.check("DELETE FROM t;")).hasSize(1);
    assertThat(UnqualifiedWriteCheck.check("UPDATE ONLY t AS x SET a = 1;")).hasSize(1);
    assertThat(UnqualifiedWriteCheck.check("update \"T\" set a = (select 1 where true)"))
        .as("a WHERE inside a sub-select does not qualify the update")
        .hasSize(1);
    assertThat(UnqualifiedWriteCheck.check("UPDATE t SET a = b.a FROM b;"))
        .as("FROM without WHERE has no qualification")
        .hasSize(1);
    assertThat(
            UnqualifiedWriteCheck.check(
                "WITH gone AS (DELETE FROM t RETURNING id) SELECT * FROM gone WHERE id > 0;"))
        .as("data-modifying WITH")
        .hasSize(1);
    assertThat(
            UnqualifiedWriteCheck.check(
                "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS 'DELETE FROM t';"))
        .as("a body in single quotes")
        .hasSize(1);
    assertThat(
            UnqualifiedWriteCheck.check(
                "DO $x$ BEGIN EXECUTE format('DELETE FROM %I', 't'); END $x$;"))
        .as("dynamic SQL")
        .hasSize(1);
    assertThat(
            UnqualifiedWriteCheck.check(
                "FOR r IN UPDATE t SET a = 1 RETURNING * LOOP x := 1; IF y WHERE THEN END IF;"
                    + " END LOOP;"))
        .as("FOR … IN UPDATE ends at LOOP")
        .hasSize(1);
  }

  @Test
  void qualified_writes_and_lookalikes_are_not_reported() {
    String sql =
        """
        CREATE TABLE a (id int REFERENCES b ON DELETE CASCADE ON UPDATE SET NULL);
        CREATE TRIGGER x BEFORE UPDATE OF status OR DELETE ON a FOR EACH ROW EXECUTE FUNCTION f();
        GRANT SELECT, INSERT, UPDATE, DELETE ON a TO service_role;
        SELECT * FROM a FOR UPDATE SKIP LOCKED;
        SELECT * FROM a FOR NO KEY UPDATE OF a;
        INSERT INTO a VALUES (1) ON CONFLICT (id) DO UPDATE SET id = excluded.id;
        UPDATE a SET id = 2 WHERE true;
        DELETE FROM a WHERE CURRENT OF c;
        WITH x AS (UPDATE a SET id = 3 WHERE id = 2 RETURNING *) SELECT 1;
        -- UPDATE a SET id = 4;
        /* DELETE FROM a; */
        SELECT 'UPDATE is a word';
        UPDATE a SET note = 'no ; end' WHERE id = 1;
        """;
    assertThat(UnqualifiedWriteCheck.check(sql)).isEmpty();
  }
}
