package com.casarerpa.fleet.agent.config;

/** Masks secrets for logs and messages: at most the first 8 characters are ever shown. */
public final class Secrets {
  private static final int SHOWN = 8;

  private Secrets() {}

  static String mask(String secret) {
    if (secret == null || secret.isEmpty()) {
      return "<empty>";
    }
    if (secret.length() <= SHOWN) {
      return "…";
    }
    return secret.substring(0, SHOWN) + "…";
  }

  /** Replaces every occurrence of the given secrets in {@code text} with their masked form. */
  public static String scrub(String text, String... secrets) {
    if (text == null) {
      return null;
    }
    String result = text;
    for (String secret : secrets) {
      if (secret != null && secret.length() > SHOWN) {
        result = result.replace(secret, mask(secret));
      }
    }
    return result;
  }
}
