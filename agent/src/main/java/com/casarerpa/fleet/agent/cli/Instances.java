package com.casarerpa.fleet.agent.cli;

import java.util.regex.Pattern;

/**
 * Named service instances (several robots on one machine): {@code casare-agent@NAME} on Linux,
 * {@code CasareAgent-NAME} on Windows. A name becomes part of file, folder and service names, so it
 * is kept to letters, digits, {@code -} and {@code _}.
 */
final class Instances {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,39}");

  private Instances() {}

  /** Accepts null (the default instance) or a valid name; otherwise says what is allowed. */
  static void check(String instance) {
    if (instance != null && !NAME.matcher(instance).matches()) {
      throw new IllegalArgumentException(
          "--instance "
              + instance
              + ": use 1 to 40 letters, digits, '-' or '_', starting with a letter or digit");
    }
  }
}
