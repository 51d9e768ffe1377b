package com.casarerpa.fleet.operator.setup;

import com.casarerpa.fleet.operator.CliException;
import com.casarerpa.fleet.operator.Env;
import java.io.IOException;

/**
 * Where a secret may come from: the environment, standard input ({@code --…-stdin}), a hidden
 * prompt, or, only with {@code --insecure-flag-secrets}, a command-line flag (which {@code ps} and
 * shell history show).
 */
final class Secrets {
  private Secrets() {}

  static String fromFlag(String value, String flag, boolean insecureAllowed) {
    if (value == null) {
      return null;
    }
    if (!insecureAllowed) {
      throw CliException.config(
          flag
              + " puts a secret on the command line, where `ps` and the shell history show it:"
              + " set it in the environment or use the -stdin form, or add"
              + " --insecure-flag-secrets to accept that");
    }
    return value;
  }

  static String readLine(Env env) {
    try {
      String line = env.in().readLine();
      return line == null ? null : line.strip();
    } catch (IOException e) {
      throw CliException.failure("cannot read standard input: " + e.getMessage());
    }
  }

  /** Asks for a secret without echo when there is a console, else reads a line of stdin. */
  static String prompt(Env env, String label) {
    if (env.console() != null) {
      char[] chars = env.console().readPassword("%s: ", label);
      return chars == null ? null : new String(chars).strip();
    }
    env.out().print(label + ": ");
    env.out().flush();
    return readLine(env);
  }

  static String ask(Env env, String label, String defaultValue) {
    String shown = defaultValue == null || defaultValue.isEmpty() ? "" : " [" + defaultValue + "]";
    String answer;
    if (env.console() != null) {
      answer = env.console().readLine("%s%s: ", label, shown);
    } else {
      env.out().print(label + shown + ": ");
      env.out().flush();
      answer = readLine(env);
    }
    if (answer == null || answer.isBlank()) {
      return defaultValue;
    }
    return answer.strip();
  }
}
