package com.casarerpa.fleet.agent.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * What {@code /healthz} shows about one long-running worker: whether it still runs, and how many
 * failures it survived.
 */
public interface Worker {
  String name();

  boolean alive();

  /** Errors caught and logged while the worker went on. */
  long failures();

  /** A worker that is one thread (or loop) and counts its own survived failures. */
  static Worker of(String name, BooleanSupplier alive, LongSupplier failures) {
    return new Worker() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean alive() {
        return alive.getAsBoolean();
      }

      @Override
      public long failures() {
        return failures.getAsLong();
      }
    };
  }

  /** The {@code /healthz} fields of this worker. */
  default Map<String, Object> report() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("alive", alive());
    fields.put("failures", failures());
    return fields;
  }
}
