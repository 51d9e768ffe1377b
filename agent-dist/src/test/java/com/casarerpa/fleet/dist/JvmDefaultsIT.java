package com.casarerpa.fleet.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.agent.cli.JvmDefaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every launcher applies the one list of JVM defaults ({@code casare-agent-jvm.options}, {@link
 * JvmDefaults}): the distribution's {@code bin/casare-agent} (which the systemd units run), the
 * repository's {@code bin/casare-agent}, {@code casare-agent.cmd} and the Windows service (procrun,
 * checked in the agent's {@code ProcrunServiceTest}). The shell launchers run against a stand-in
 * {@code java} that prints what it was given, with a {@code release} file naming its version.
 */
class JvmDefaultsIT {
  private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
  @TempDir Path dir;

  /** A JAVA_HOME whose java prints MALLOC_ARENA_MAX and its arguments, one per line. */
  private Path fakeJava(String version) throws IOException {
    Path home = dir.resolve("java-" + version);
    Files.createDirectories(home.resolve("bin"));
    Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
    Path java = home.resolve("bin/java");
    Files.writeString(
        java,
        "#!/bin/sh\necho \"MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX\"\n"
            + "for a in \"$@\"; do echo \"arg:$a\"; done\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }

  /** The JVM options the launcher passed before {@code -jar}, and the arena setting. */
  private record Launch(List<String> options, String arenas) {}

  private Launch launch(Path launcher, Path javaHome) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(launcher.toString(), "version").redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("AGENT_") || k.equals("MALLOC_ARENA_MAX"));
    env.put("JAVA_HOME", javaHome.toString());
    env.put("PATH", "/usr/bin:/bin");
    Process p = pb.start();
    List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
    assertThat(p.waitFor()).as(String.join("\n", lines)).isZero();
    List<String> options = new ArrayList<>();
    String arenas = null;
    for (String line : lines) {
      if (line.startsWith("MALLOC_ARENA_MAX=")) {
        arenas = line.substring("MALLOC_ARENA_MAX=".length());
      } else if (line.equals("arg:-jar")) {
        break;
      } else if (line.startsWith("arg:")) {
        options.add(line.substring(4));
      }
    }
    return new Launch(options, arenas);
  }

  @Test
  void the_distribution_launcher_applies_the_defaults_file_with_its_conditions() throws Exception {
    Path home = Dist.unpack(Dist.archive("-bin.tar.gz"), dir.resolve("dist"));
    Path launcher = home.resolve("bin/casare-agent");

    Launch java25 = launch(launcher, fakeJava("25.0.1"));
    assertThat(java25.options()).isEqualTo(JvmDefaults.forRuntime(true, OptionalInt.of(25)));
    assertThat(java25.options()).contains("-XX:TrimNativeHeapInterval=5000");
    assertThat(java25.arenas()).isEqualTo("2");

    // Java 21 does not know the trim option as a product flag: it is left out, the JVM starts
    Launch java21 = launch(launcher, fakeJava("21.0.4"));
    assertThat(java21.options()).isEqualTo(JvmDefaults.forRuntime(true, OptionalInt.of(21)));
    assertThat(java21.options()).noneMatch(o -> o.contains("TrimNativeHeapInterval"));

    // console logging is built in; a config/logback.xml replaces it
    assertThat(java25.options()).noneMatch(o -> o.startsWith("-Dlogback.configurationFile"));
    Files.copy(home.resolve("config/logback.xml.example"), home.resolve("config/logback.xml"));
    assertThat(launch(launcher, fakeJava("25.0.2")).options())
        .endsWith("-Dlogback.configurationFile=" + home.resolve("config/logback.xml"));
  }

  @Test
  void the_distribution_ships_the_jars_own_defaults_file_and_every_launcher_reads_it()
      throws Exception {
    Path home = Dist.unpack(Dist.archive("-bin.tar.gz"), dir.resolve("dist"));

    assertThat(Files.readAllLines(home.resolve("lib/casare-agent-jvm.options")))
        .isEqualTo(JvmDefaults.lines());
    // the Windows launcher reads the same file and names no option of its own
    String cmd = Files.readString(home.resolve("bin/casare-agent.cmd"));
    assertThat(cmd).contains("lib\\casare-agent-jvm.options").doesNotContain("-XX:", "-Xmx");
    // the systemd units run the launcher, so they get its defaults
    for (String unit : List.of("casare-agent.service", "casare-agent@.service")) {
      assertThat(Files.readString(home.resolve("install/linux/" + unit)))
          .contains("ExecStart=/opt/casare-agent/bin/casare-agent run");
    }
  }

  @Test
  void the_repository_launcher_applies_the_same_defaults() throws Exception {
    Path launcher = REPOSITORY.resolve("bin/casare-agent");
    assertThat(launcher).isExecutable();

    Launch launch = launch(launcher, fakeJava("25.0.1"));
    assertThat(launch.options()).isEqualTo(JvmDefaults.forRuntime(true, OptionalInt.of(25)));
    assertThat(launch.arenas()).isEqualTo("2");
    assertThat(launch(launcher, fakeJava("21.0.4")).options())
        .isEqualTo(JvmDefaults.forRuntime(true, OptionalInt.of(21)));
  }
}
