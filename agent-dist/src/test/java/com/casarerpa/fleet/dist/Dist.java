package com.casarerpa.fleet.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The build's outputs (from failsafe's system properties) and running external tools on them. */
final class Dist {
  static final Path DIR = Path.of(System.getProperty("dist.dir", "target"));
  static final String NAME = System.getProperty("dist.name", "casare-agent");

  private Dist() {}

  static Path archive(String suffix) {
    Path file = DIR.resolve(NAME + suffix);
    if (!Files.isRegularFile(file)) {
      throw new AssertionError(file + " is missing: run ./mvnw package first");
    }
    return file;
  }

  static Path deb() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files
          .filter(p -> p.getFileName().toString().matches("casare-agent_.*_amd64\\.deb"))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no casare-agent_*_amd64.deb in " + DIR));
    }
  }

  /** Unpacks an archive with tar (keeps modes) into {@code into}; returns the top folder. */
  static Path unpack(Path archive, Path into) throws IOException, InterruptedException {
    Files.createDirectories(into);
    Result r = run(List.of("tar", "-xzf", archive.toString(), "-C", into.toString()));
    r.assertOk();
    return into.resolve(NAME);
  }

  record Result(List<String> command, int code, String output) {
    Result assertOk() {
      if (code != 0) {
        throw new AssertionError(
            String.join(" ", command) + " exited with " + code + ":\n" + output);
      }
      return this;
    }
  }

  /** Runs a tool to its end (at most two minutes), stdout and stderr together. */
  static Result run(List<String> command) throws IOException, InterruptedException {
    return run(command, null);
  }

  static Result run(List<String> command, Path workDir) throws IOException, InterruptedException {
    requireTool(command.get(0));
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish within 2 minutes");
    }
    return new Result(command, p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** Fails with the package to install when a tool is missing (.ci/run installs them). */
  static void requireTool(String tool) {
    if (tool.contains("/")) {
      return;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return;
      }
    }
    String pkg =
        switch (tool) {
          case "systemd-analyze" -> "systemd";
          case "dpkg-deb" -> "dpkg";
          default -> tool;
        };
    throw new AssertionError(tool + " is not installed: apt-get install " + pkg);
  }
}
