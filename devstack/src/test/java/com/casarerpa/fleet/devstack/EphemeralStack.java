package com.casarerpa.fleet.devstack;

import com.casarerpa.fleet.migrate.MigrationRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One ephemeral {@link LocalStack} per test class, started before the class's {@code @BeforeAll}
 * methods and closed after its {@code @AfterAll} methods. Register it on a static field:
 * {@code @RegisterExtension static final EphemeralStack stack = EphemeralStack.perClass();}.
 *
 * <p>Optional set-up, in this order: system properties set only while the stack starts (settings
 * read at start), then SQL fixtures run as the superuser.
 */
public final class EphemeralStack implements BeforeAllCallback, AfterAllCallback {
  /** The SQL fixtures shared with the supabase-js conformance scenarios. */
  public static final Path JS_SQL_DIR = Path.of("src", "test", "js", "sql");

  private final Map<String, String> startProperties;
  private final List<Fixture> fixtures;
  private volatile LocalStack stack;

  private EphemeralStack(Map<String, String> startProperties, List<Fixture> fixtures) {
    this.startProperties = Map.copyOf(startProperties);
    this.fixtures = List.copyOf(fixtures);
  }

  public static EphemeralStack perClass() {
    return new EphemeralStack(Map.of(), List.of());
  }

  /** System properties {@code prefix + key} set while the stack starts and cleared right after. */
  public EphemeralStack withStartProperties(String prefix, Map<String, String> properties) {
    Map<String, String> prefixed = new HashMap<>(startProperties);
    properties.forEach((k, v) -> prefixed.put(prefix + k, v));
    return new EphemeralStack(prefixed, fixtures);
  }

  /** Runs {@code sql} once the stack is up. */
  public EphemeralStack withSql(String name, String sql) {
    return with(runner -> runner.execute(name, sql));
  }

  /** Runs the {@code .sql} files of {@code dir} whose names pass {@code filter}, in name order. */
  public EphemeralStack withSqlFiles(Path dir, Predicate<String> filter) {
    return with(
        runner -> {
          try (Stream<Path> files = Files.list(dir)) {
            for (Path sql :
                files
                    .filter(p -> p.getFileName().toString().endsWith(".sql"))
                    .filter(p -> filter.test(p.getFileName().toString()))
                    .sorted()
                    .toList()) {
              runner.execute(sql.getFileName().toString(), Files.readString(sql));
            }
          } catch (IOException e) {
            throw new UncheckedIOException("reading SQL fixtures from " + dir, e);
          }
        });
  }

  private EphemeralStack with(Fixture fixture) {
    List<Fixture> more = new ArrayList<>(fixtures);
    more.add(fixture);
    return new EphemeralStack(startProperties, more);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (stack != null) {
      throw new IllegalStateException(
          "EphemeralStack is already running: register it on a static field of one test class");
    }
    LocalStack started = startWithProperties();
    try {
      MigrationRunner runner = new MigrationRunner(started.context().adminPool());
      fixtures.forEach(f -> f.apply(runner));
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
    stack = started;
  }

  private LocalStack startWithProperties() {
    startProperties.forEach(System::setProperty);
    try {
      return LocalStack.start(StackSettings.ephemeral());
    } finally {
      startProperties.keySet().forEach(System::clearProperty);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    LocalStack stopping = stack;
    stack = null;
    if (stopping != null) {
      stopping.close();
    }
  }

  /** The running stack. */
  public LocalStack get() {
    LocalStack current = stack;
    if (current == null) {
      throw new IllegalStateException(
          "EphemeralStack is not running: register it with @RegisterExtension on a static field");
    }
    return current;
  }

  public String url() {
    return get().url();
  }

  public String anonKey() {
    return get().anonKey();
  }

  public String serviceRoleKey() {
    return get().serviceRoleKey();
  }

  public String databaseUrl() {
    return get().databaseUrl();
  }

  public StackContext context() {
    return get().context();
  }

  @FunctionalInterface
  private interface Fixture {
    void apply(MigrationRunner runner);
  }
}
