package com.casarerpa.fleet.operator;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs {@code casare-fleet} in-process with its own environment, working folder and stdin. */
public final class Cli {
  private final Path workingDir;
  private final Map<String, String> variables = new HashMap<>();

  public Cli(Path workingDir) {
    this.workingDir = workingDir;
    variables.put("PATH", System.getenv().getOrDefault("PATH", ""));
  }

  public Cli env(String name, String value) {
    variables.put(name, value);
    return this;
  }

  public Path workingDir() {
    return workingDir;
  }

  /** What one command printed and returned. */
  public record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  public Result run(String... args) {
    return runWithInput("", args);
  }

  public Result runWithInput(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Env env =
        new Env(
            Map.copyOf(variables),
            workingDir,
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new BufferedReader(new StringReader(stdin)),
            null);
    int code = FleetMain.run(env, args);
    return new Result(code, out.toString(), err.toString());
  }
}
