package com.casarerpa.fleet.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's JVM defaults, {@code casare-agent-jvm.options} (a resource of this jar; the
 * distribution's {@code lib/} holds a copy that its shell and batch launchers read, and the
 * repository's {@code bin/casare-agent} reads the source file): one list for every launcher. A line
 * may start with conditions in brackets, all of which must hold: {@code [linux]} and {@code
 * [java>=N]} (the runtime's major version; unknown = the line does not apply). Public for the
 * distribution's tests, which check that the launchers apply the same list.
 */
public final class JvmDefaults {
  /** The resource name (at the root of the agent jar). */
  public static final String RESOURCE = "casare-agent-jvm.options";

  private static final Pattern CONDITION = Pattern.compile("^\\[([^]]*)]\\s*(.*)$");

  private JvmDefaults() {}

  /**
   * The options that apply on a runtime: {@code linux} whether it runs on Linux, {@code javaMajor}
   * its major version (empty when not known, as for the Windows service installed before its
   * runtime is looked at).
   */
  public static List<String> forRuntime(boolean linux, OptionalInt javaMajor) {
    return select(lines(), linux, javaMajor);
  }

  /** What the Windows service (procrun) and {@code casare-agent.cmd} apply. */
  static List<String> forWindows() {
    return forRuntime(false, OptionalInt.empty());
  }

  static List<String> select(List<String> lines, boolean linux, OptionalInt javaMajor) {
    List<String> options = new ArrayList<>();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      boolean applies = true;
      Matcher m;
      while ((m = CONDITION.matcher(line)).matches()) {
        applies &= holds(m.group(1), linux, javaMajor);
        line = m.group(2);
      }
      if (applies) {
        options.add(line);
      }
    }
    return List.copyOf(options);
  }

  private static boolean holds(String condition, boolean linux, OptionalInt javaMajor) {
    if (condition.equals("linux")) {
      return linux;
    }
    if (condition.startsWith("java>=")) {
      int needed = Integer.parseInt(condition.substring("java>=".length()));
      return javaMajor.isPresent() && javaMajor.getAsInt() >= needed;
    }
    return false; // a condition no launcher knows: skip the line everywhere
  }

  /** The file's lines. */
  public static List<String> lines() {
    try (InputStream in = JvmDefaults.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the agent jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
