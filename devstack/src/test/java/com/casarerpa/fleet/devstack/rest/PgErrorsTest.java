package com.casarerpa.fleet.devstack.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PgErrorsTest {
  @Test
  void sqlstates_map_to_postgrest_statuses() {
    assertThat(PgErrors.status("PT409", "lease lost", true)).isEqualTo(409);
    assertThat(PgErrors.status("PT401", "bad key", true)).isEqualTo(401);
    assertThat(PgErrors.status("23505", "duplicate", false)).isEqualTo(409);
    assertThat(PgErrors.status("23503", "fk", false)).isEqualTo(409);
    assertThat(PgErrors.status("23502", "not null", false)).isEqualTo(400);
    assertThat(PgErrors.status("42501", "denied", true)).isEqualTo(401);
    assertThat(PgErrors.status("42501", "denied", false)).isEqualTo(403);
    assertThat(PgErrors.status("P0001", "raise", false)).isEqualTo(400);
    assertThat(PgErrors.status("25006", "read-only", false)).isEqualTo(405);
    assertThat(PgErrors.status("42883", "no function", false)).isEqualTo(404);
    assertThat(PgErrors.status("57014", "timeout", false)).isEqualTo(500);
    assertThat(PgErrors.status("57P01", "shutdown", false)).isEqualTo(503);
    assertThat(PgErrors.status("53300", "too many", false)).isEqualTo(503);
    assertThat(PgErrors.status("28000", "auth", false)).isEqualTo(403);
    assertThat(PgErrors.status("22023", "role \"x\" does not exist", false)).isEqualTo(401);
    assertThat(PgErrors.status("PTABC", "not a status", false)).isEqualTo(400);
  }
}
