package com.casarerpa.fleet.devstack.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.casarerpa.fleet.devstack.db.EmbeddedDatabase;
import com.casarerpa.fleet.migrate.MigrationRunner;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SchemaReloadListenerTest {
  @Test
  void notify_pgrst_reload_schema_refreshes_the_cache() {
    try (EmbeddedDatabase db = EmbeddedDatabase.startEphemeral()) {
      SchemaCache cache = new SchemaCache(db.superuserDataSource(), "public");
      cache.reload();
      assertThat(cache.relationNames()).doesNotContain("late");
      SchemaReloadListener listener = new SchemaReloadListener(db.superuserDataSource(), cache);
      listener.start();
      try {
        MigrationRunner runner = new MigrationRunner(db.superuserDataSource());
        runner.execute("create", "CREATE TABLE public.late (id int PRIMARY KEY)");
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () -> {
                  runner.execute("notify", "NOTIFY pgrst, 'reload schema'");
                  assertThat(cache.relationNames()).contains("late");
                });
      } finally {
        listener.stop();
        listener.stop();
      }
    }
  }
}
