package com.casarerpa.fleet.operator;

import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command may touch outside itself: environment variables, the working directory, the
 * streams and the console (null when not interactive). Tests pass their own.
 */
public record Env(
    Map<String, String> variables,
    Path workingDir,
    PrintWriter out,
    PrintWriter err,
    BufferedReader in,
    Console console) {

  public static Env system() {
    return new Env(
        System.getenv(),
        Path.of("").toAbsolutePath(),
        new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8),
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
        System.console());
  }

  public Path resolve(Path path) {
    return workingDir.resolve(path).normalize();
  }
}
