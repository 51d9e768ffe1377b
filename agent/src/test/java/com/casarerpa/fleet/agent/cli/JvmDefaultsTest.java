package com.casarerpa.fleet.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The one list of JVM defaults and its conditions (the launchers' own checks: agent-dist ITs). */
class JvmDefaultsTest {
  private static final List<String> FILE =
      List.of(
          "# a comment",
          "",
          "-XX:+UseSerialGC",
          "  -Xss512k  ",
          "[linux] -Dlinux-only",
          "[java>=23] -Dnew-java",
          "[linux][java>=23] -Dboth",
          "[windows] -Dunknown-condition");

  @Test
  void unconditional_lines_apply_everywhere_and_conditions_must_all_hold() {
    assertThat(JvmDefaults.select(FILE, true, OptionalInt.of(25)))
        .containsExactly("-XX:+UseSerialGC", "-Xss512k", "-Dlinux-only", "-Dnew-java", "-Dboth");
    assertThat(JvmDefaults.select(FILE, true, OptionalInt.of(21)))
        .containsExactly("-XX:+UseSerialGC", "-Xss512k", "-Dlinux-only");
    assertThat(JvmDefaults.select(FILE, false, OptionalInt.of(25)))
        .containsExactly("-XX:+UseSerialGC", "-Xss512k", "-Dnew-java");
    // a runtime of unknown version (the Windows service): only lines without a java condition
    assertThat(JvmDefaults.select(FILE, false, OptionalInt.empty()))
        .containsExactly("-XX:+UseSerialGC", "-Xss512k");
  }

  @Test
  void the_shipped_defaults_keep_the_footprint_settings_and_start_on_java_21() {
    List<String> java21 = JvmDefaults.forRuntime(true, OptionalInt.of(21));
    assertThat(java21)
        .contains("-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1")
        .noneMatch(o -> o.contains("TrimNativeHeapInterval")); // unknown to 21 as a product flag
    assertThat(JvmDefaults.forRuntime(true, OptionalInt.of(25)))
        .containsAll(java21)
        .contains("-XX:TrimNativeHeapInterval=5000");
    assertThat(JvmDefaults.forWindows())
        .isEqualTo(JvmDefaults.forRuntime(false, OptionalInt.of(21)));
  }
}
