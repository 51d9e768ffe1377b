package com.casarerpa.fleet.devstack.realtime;

import java.nio.ByteBuffer;

/**
 * One WebSocket frame to send: text, or binary (vsn 2.0.0 user broadcasts only).
 *
 * @param text the text frame, or null for a binary frame
 * @param binary the binary frame, or null for a text frame; read with {@link ByteBuffer#duplicate}
 */
record Frame(String text, ByteBuffer binary) {
  static Frame text(String text) {
    return new Frame(text, null);
  }

  static Frame binary(byte[] bytes) {
    return new Frame(null, ByteBuffer.wrap(bytes).asReadOnlyBuffer());
  }
}
