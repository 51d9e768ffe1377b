package com.casarerpa.fleet.devstack.realtime;

/**
 * An inbound frame that is not a valid Phoenix message; it is dropped and the socket stays open.
 */
final class MalformedFrameException extends Exception {
  MalformedFrameException(String message) {
    super(message);
  }
}
