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
        interactiveConsole());
  }

  /**
   * The console when stdin and stdout are a terminal. JDK 22+ returns a console even for pipes;
   * {@code Console.isTerminal()} (22+) tells them apart; on 21 a non-null console is a terminal.
   */
  public static Console interactiveConsole() {
    Console console = System.console();
    if (console == null) {
      return null;
    }
    try {
      Object terminal = Console.class.getMethod("isTerminal").invoke(console);
      return Boolean.TRUE.equals(terminal) ? console : null;
    } catch (ReflectiveOperationException e) {
      return console;
    }
  }

  public Path resolve(Path path) {
    return workingDir.resolve(path).normalize();
  }
}
