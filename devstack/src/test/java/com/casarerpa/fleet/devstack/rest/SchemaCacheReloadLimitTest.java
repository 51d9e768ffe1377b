package com.casarerpa.fleet.devstack.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.devstack.db.EmbeddedDatabase;
import com.casarerpa.fleet.migrate.MigrationRunner;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Unknown names must not make every request read the whole catalog (issue 16, point 5). */
class SchemaCacheReloadLimitTest {
  @Test
  void lookups_of_unknown_names_read_the_catalog_at_most_once_per_interval() {
    Instant start = Instant.parse("2026-11-30T00:00:00Z");
    AtomicReference<Instant> now = new AtomicReference<>(start);
    // the pause moves the driven clock instead of sleeping
    SchemaCache.Pause pause = when -> now.updateAndGet(t -> t.isBefore(when) ? when : t);
    try (EmbeddedDatabase db = EmbeddedDatabase.startEphemeral()) {
      SchemaCache cache = new SchemaCache(db.superuserDataSource(), "public", now::get, pause);
      cache.reload();
      long loaded = cache.generation();

      int misses = 40;
      for (int i = 0; i < misses; i++) {
        assertThat(cache.relation("no_such_table_" + i)).isEmpty();
      }
      long reloads = cache.generation() - loaded;
      Duration elapsed = Duration.between(start, now.get());
      assertThat(reloads).as("a reload per miss, each one interval after the last").isPositive();
      assertThat(elapsed)
          .as("%d reloads took %s of driven time", reloads, elapsed)
          .isGreaterThanOrEqualTo(SchemaCache.MISS_RELOAD_INTERVAL.multipliedBy(reloads));

      new MigrationRunner(db.superuserDataSource())
          .execute("create", "CREATE TABLE public.late (id int PRIMARY KEY)");
      assertThat(cache.relation("late")).as("objects created later are still found").isPresent();

      long before = cache.generation();
      Instant pinned = now.get();
      cache.reload();
      assertThat(cache.generation())
          .as("NOTIFY-driven reloads are not limited")
          .isEqualTo(before + 1);
      assertThat(now.get()).isEqualTo(pinned);
    }
  }
}
