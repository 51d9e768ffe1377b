package com.casarerpa.fleet.devstack.rest;

import java.sql.SQLException;
import java.util.Map;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** Maps a PostgreSQL error to PostgREST's answer (status table of PostgREST v12–v14). */
final class PgErrors {
  private PgErrors() {}

  /**
   * The answer for {@code e}, raised while running as {@code role} ({@code 42501} is 401 for the
   * anonymous role and 403 for any other).
   */
  static ApiError toApiError(SQLException e, boolean anonymous) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String message = e.getMessage();
    String details = null;
    String hint = null;
    if (e instanceof PSQLException pe && pe.getServerErrorMessage() != null) {
      ServerErrorMessage server = pe.getServerErrorMessage();
      message = server.getMessage();
      details = server.getDetail();
      hint = server.getHint();
    }
    if (state.isEmpty() || state.startsWith("08")) {
      return new ApiError(
          503, "PGRST001", "Database client error. Retrying the connection.", message, null);
    }
    int status = status(state, message, anonymous);
    Map<String, String> headers =
        status == 401 && state.equals("42501") ? Map.of("WWW-Authenticate", "Bearer") : Map.of();
    return new ApiError(status, state, message, details, hint, headers);
  }

  static int status(String state, String message, boolean anonymous) {
    if (state.length() == 5
        && state.startsWith("PT")
        && state.substring(2).chars().allMatch(Character::isDigit)) {
      return Integer.parseInt(state.substring(2));
    }
    return switch (state) {
      case "23503", "23505" -> 409;
      case "25006" -> 405;
      case "42883", "42P01" -> 404;
      case "42501" -> anonymous ? 401 : 403;
      case "P0001" -> 400;
      case "57P01" -> 503;
      case "42P17", "53400" -> 500;
      case "21000" -> message != null && message.contains("requires a WHERE clause") ? 400 : 500;
      case "22023" -> message != null && message.matches("role .* does not exist") ? 401 : 400;
      default -> byClass(state.substring(0, 2));
    };
  }

  private static int byClass(String stateClass) {
    return switch (stateClass) {
      case "08", "53" -> 503;
      case "09",
          "25",
          "2D",
          "38",
          "39",
          "3B",
          "40",
          "54",
          "55",
          "57",
          "58",
          "F0",
          "HV",
          "XX",
          "P0" ->
          500;
      case "0L", "0P", "28" -> 403;
      default -> 400;
    };
  }
}
