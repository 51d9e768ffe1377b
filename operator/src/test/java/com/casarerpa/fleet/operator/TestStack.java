package com.casarerpa.fleet.operator;

import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real local stack for operator tests, with a {@code .env} the CLI reads (the operator's view
 * of a project: URL, keys, DATABASE_URL). Deno comes from the devstack module's npm install when it
 * is not on the PATH, so edge functions run.
 */
public final class TestStack implements AutoCloseable {
  private final LocalStack stack;
  private final Path envFile;

  private TestStack(LocalStack stack, Path envFile) {
    this.stack = stack;
    this.envFile = envFile;
  }

  /** A migrated stack (what `bin/devstack start` gives). */
  public static TestStack start(Path dir) {
    return start(dir, true);
  }

  /** {@code migrated=false}: only the platform bootstrap, an empty project. */
  public static TestStack start(Path dir, boolean migrated) {
    useDevstackDeno();
    if (!migrated) {
      System.setProperty(LocalStack.MIGRATE_PROPERTY, "false");
    }
    LocalStack stack;
    try {
      stack = LocalStack.start(StackSettings.ephemeral());
    } finally {
      System.clearProperty(LocalStack.MIGRATE_PROPERTY);
    }
    Path env = dir.resolve(".env");
    try {
      Files.writeString(
          env,
          "SUPABASE_URL="
              + stack.url()
              + "\nSUPABASE_SERVICE_KEY="
              + stack.serviceRoleKey()
              + "\nSUPABASE_ANON_KEY="
              + stack.anonKey()
              + "\nDATABASE_URL="
              + stack.databaseUrl()
              + "\n");
    } catch (IOException e) {
      stack.close();
      throw new UncheckedIOException(e);
    }
    return new TestStack(stack, env);
  }

  public LocalStack stack() {
    return stack;
  }

  public Path envFile() {
    return envFile;
  }

  public Cli cli() {
    return new Cli(envFile.getParent());
  }

  @Override
  public void close() {
    stack.close();
  }

  static void useDevstackDeno() {
    if (System.getProperty("devstack.deno") != null) {
      return;
    }
    for (Path modules :
        List.of(
            Path.of("..", "devstack", "src", "test", "js", "node_modules"),
            Path.of("..", "dev-harness", "src", "test", "js", "node_modules"))) {
      Path scoped = modules.resolve("@deno");
      if (!Files.isDirectory(scoped)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(scoped, 3)) {
        files
            .filter(p -> p.getFileName().toString().equals("deno") && Files.isExecutable(p))
            .filter(Files::isRegularFile)
            .findFirst()
            .ifPresent(p -> System.setProperty("devstack.deno", p.toAbsolutePath().toString()));
      } catch (IOException ignored) {
        // no Deno: edge functions answer 503 and the checks that need them say so
      }
      if (System.getProperty("devstack.deno") != null) {
        return;
      }
    }
  }
}
