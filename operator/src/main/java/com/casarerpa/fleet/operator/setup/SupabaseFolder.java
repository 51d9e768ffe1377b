package com.casarerpa.fleet.operator.setup;

import com.casarerpa.fleet.migrate.Migration;
import com.casarerpa.fleet.migrate.MigrationRunner;
import com.casarerpa.fleet.operator.CliException;
import com.casarerpa.fleet.operator.Env;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The project's Supabase folder ({@code install/supabase}: {@code migrations/}, {@code
 * functions/}): {@code --dir}, else {@code CASARE_SUPABASE_DIR}, else the nearest {@code
 * install/supabase} from the working directory upwards. Migrations fall back to the copy inside the
 * jar when there is no checkout.
 */
final class SupabaseFolder {
  private SupabaseFolder() {}

  static Optional<Path> find(Env env, Path explicit) {
    if (explicit != null) {
      Path dir = env.resolve(explicit);
      if (!Files.isDirectory(dir)) {
        throw CliException.config(dir + " is not a folder (expected install/supabase)");
      }
      return Optional.of(dir);
    }
    String fromEnv = env.variables().get("CASARE_SUPABASE_DIR");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(env.resolve(Path.of(fromEnv)));
    }
    for (Path dir = env.workingDir(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("install").resolve("supabase");
      if (Files.isDirectory(candidate.resolve("migrations"))) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  static List<Migration> migrations(Env env, Path explicit) {
    return find(env, explicit)
        .map(dir -> MigrationRunner.fromDirectory(dir.resolve("migrations")))
        .orElseGet(MigrationRunner::fromClasspath);
  }

  static String describe(Env env, Path explicit) {
    return find(env, explicit)
        .map(dir -> dir.resolve("migrations").toString())
        .orElse("the migrations bundled in this jar");
  }

  /** Function names: sub-folders of {@code functions/} with an {@code index.ts}, not {@code _x}. */
  static List<String> functions(Path supabaseDir) {
    Path dir = supabaseDir.resolve("functions");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(p -> Files.isRegularFile(p.resolve("index.ts")))
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("_"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw CliException.failure("cannot list " + dir + ": " + e.getMessage());
    }
  }
}
