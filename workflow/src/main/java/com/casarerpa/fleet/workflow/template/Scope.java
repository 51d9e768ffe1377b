package com.casarerpa.fleet.workflow.template;

/** Where templates and expressions look names up. */
@FunctionalInterface
public interface Scope {
  /** Marker for "no such name" (distinct from a present {@code None}). */
  Object MISSING =
      new Object() {
        @Override
        public String toString() {
          return "<missing>";
        }
      };

  /** The value bound to {@code name}, or {@link #MISSING}. */
  Object lookup(String name);
}
