package com.casarerpa.fleet.devstack.functions;

/** An edge function's Deno process failed to start; the message carries its output's tail. */
final class FunctionBootException extends RuntimeException {
  FunctionBootException(String message) {
    super(message, null, false, false);
  }
}
