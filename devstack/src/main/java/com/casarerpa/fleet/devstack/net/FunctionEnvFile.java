package com.casarerpa.fleet.devstack.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code <functions>/.env}: the edge functions' secrets, as {@code supabase functions serve} reads
 * them locally ({@code supabase secrets set} on a project). Lines {@code KEY=value}; blank lines
 * and {@code #} comments are skipped; a value may be wrapped in single or double quotes.
 */
public final class FunctionEnvFile {
  private FunctionEnvFile() {}

  public static Map<String, String> read(Path functionsDirectory) {
    Path file = functionsDirectory.resolve(".env");
    Map<String, String> env = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return env;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("#")) {
          continue;
        }
        if (l.startsWith("export ")) {
          l = l.substring(7).strip();
        }
        int eq = l.indexOf('=');
        if (eq <= 0) {
          continue;
        }
        String value = l.substring(eq + 1).strip();
        if (value.length() >= 2
            && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
          value = value.substring(1, value.length() - 1);
        }
        env.put(l.substring(0, eq).strip(), value);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return env;
  }
}
