package com.casarerpa.fleet.devstack.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code Prefer} header values PostgREST honours here. {@link #applied()} lists the ones that
 * were understood, for {@code Preference-Applied}.
 *
 * @param returning {@code minimal}, {@code representation} or {@code headers-only} (null: not
 *     given)
 * @param count whether a total count was asked for ({@code exact}, {@code planned} and {@code
 *     estimated} are all exact here)
 * @param resolution {@code merge-duplicates} or {@code ignore-duplicates} (null: plain insert)
 * @param missingDefault {@code missing=default}: absent keys take the column default
 * @param applied the preferences to echo
 */
record Prefer(
    String returning,
    boolean count,
    String resolution,
    boolean missingDefault,
    List<String> applied) {

  static Prefer parse(List<String> headers) {
    String returning = null;
    boolean count = false;
    String resolution = null;
    boolean missingDefault = false;
    List<String> applied = new ArrayList<>();
    for (String header : headers) {
      for (String raw : header.split(",")) {
        String pref = raw.strip().toLowerCase(Locale.ROOT);
        switch (pref) {
          case "return=minimal", "return=representation", "return=headers-only" -> {
            returning = pref.substring("return=".length());
            applied.add(pref);
          }
          case "count=exact", "count=planned", "count=estimated" -> {
            count = true;
            applied.add(pref);
          }
          case "resolution=merge-duplicates", "resolution=ignore-duplicates" -> {
            resolution = pref.substring("resolution=".length());
            applied.add(pref);
          }
          case "missing=default" -> {
            missingDefault = true;
            applied.add(pref);
          }
          default -> {}
        }
      }
    }
    return new Prefer(returning, count, resolution, missingDefault, List.copyOf(applied));
  }

  boolean representation() {
    return "representation".equals(returning);
  }
}
