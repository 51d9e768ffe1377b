package com.casarerpa.fleet.devstack.realtime;

import io.javalin.http.HttpResponseException;

/**
 * Stops a WebSocket upgrade whose refusal ({@code {"error": …}}) was already written; a Javalin
 * response exception, so the refusal is not logged as an uncaught error.
 */
final class UpgradeRefusedException extends HttpResponseException {
  UpgradeRefusedException(int status, String message) {
    super(status, message);
  }
}
