package com.casarerpa.fleet.devstack.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on refused calls: PostgREST turns SQLSTATE PTxyz into HTTP xyz. */
final class Refusals {
  static final String UNAUTHORIZED = "PT401";
  static final String LEASE_LOST = "PT409";
  static final String BAD_ARGUMENT = "PT400";
  static final String NOT_FOUND = "PT404";
  static final String PERMISSION_DENIED = "42501";

  private Refusals() {}

  /** The call fails with {@code sqlState}; returns the error's message. */
  static String refusedWith(String sqlState, ThrowingCallable call) {
    SQLException[] caught = new SQLException[1];
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            SQLException.class,
            e -> {
              caught[0] = e;
              assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo(sqlState);
            });
    return caught[0].getMessage();
  }
}
