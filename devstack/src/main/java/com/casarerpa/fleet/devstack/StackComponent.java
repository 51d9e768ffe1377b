package com.casarerpa.fleet.devstack;

import io.javalin.config.JavalinConfig;

/**
 * One API of the local stack (REST, Realtime, Functions) served on the shared HTTP port.
 *
 * <p>Lifecycle: {@link #configure} registers routes before the server starts; {@link #start} runs
 * once the database is migrated and the port is bound; {@link #close} is idempotent and bounded.
 */
public interface StackComponent extends AutoCloseable {
  /** Registers this component's HTTP and WebSocket routes. */
  void configure(JavalinConfig config);

  /** Starts background work (listeners, timers). The default does nothing. */
  default void start() {}

  /** Called once every component has started, with the stack's URL ({@code http://host:port}). */
  default void started(String stackUrl) {}

  /** Stops background work; safe to call twice. */
  @Override
  void close();
}
