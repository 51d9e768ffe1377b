package com.casarerpa.fleet.agent.config;

import com.casarerpa.fleet.agent.internal.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects raw setting values from the four layers, lowest first: built-in defaults, the config
 * file, environment variables, command-line flags. Each value remembers where it came from so that
 * errors and the effective-config line can say so.
 */
public final class ConfigSources {
  private static final Logger log = LoggerFactory.getLogger(ConfigSources.class);

  /** The file looked for when {@code --config} is not given. */
  static final String DEFAULT_FILE_NAME = "agent.env";

  /** A raw value and the layer it came from. */
  record Value(String text, String source) {}

  private final Map<Setting, Value> values = new EnumMap<>(Setting.class);
  private final Map<String, Value> credentialEntries = new java.util.TreeMap<>();
  private final List<String> problems = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  private ConfigSources() {
    for (Setting setting : Setting.values()) {
      setting.defaultValue().ifPresent(v -> values.put(setting, new Value(v, "default")));
    }
  }

  /**
   * Loads all layers.
   *
   * @param explicitFile the {@code --config} file; it must exist when given
   * @param workingDir where {@code agent.env} is looked for first
   * @param env environment variables (only known names are read)
   * @param flags values given on the command line, by setting name
   */
  public static ConfigSources load(
      Path explicitFile, Path workingDir, Map<String, String> env, Map<String, String> flags) {
    ConfigSources sources = new ConfigSources();
    sources.readFile(explicitFile, workingDir, env);
    for (Setting setting : Setting.values()) {
      String fromEnv = env.get(setting.name());
      if (fromEnv != null) {
        sources.values.put(setting, new Value(fromEnv.strip(), "env"));
      }
    }
    env.forEach(
        (name, text) -> {
          if (name.startsWith(WorkflowCredentials.PREFIX)) {
            sources.put(name, text.strip(), "env");
          }
        });
    flags.forEach((name, text) -> sources.put(name, text, "flag"));
    return sources;
  }

  private void readFile(Path explicitFile, Path workingDir, Map<String, String> env) {
    if (explicitFile != null) {
      if (!Files.exists(explicitFile) || Files.isDirectory(explicitFile)) {
        problems.add(
            "--config "
                + explicitFile
                + ": no such file; create it from config/agent.env.example or drop --config");
        return;
      }
      parseFile(explicitFile);
      return;
    }
    defaultFile(workingDir, env).ifPresent(this::parseFile);
  }

  /** {@code ./agent.env}, else the platform config folder's {@code agent.env}. */
  static Optional<Path> defaultFile(Path workingDir, Map<String, String> env) {
    List<Path> candidates = new ArrayList<>();
    candidates.add(workingDir.resolve(DEFAULT_FILE_NAME));
    if (env.get("APPDATA") != null) {
      candidates.add(Path.of(env.get("APPDATA"), "CasareRPA", DEFAULT_FILE_NAME));
    }
    String xdg = env.get("XDG_CONFIG_HOME");
    String home = System.getProperty("user.home");
    Path configHome = xdg != null ? Path.of(xdg) : Path.of(home, ".config");
    candidates.add(configHome.resolve("casare-agent").resolve(DEFAULT_FILE_NAME));
    return candidates.stream().filter(Files::isRegularFile).findFirst();
  }

  private void parseFile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      problems.add(file + ": cannot be read (" + e.getMessage() + "); check its permissions");
      return;
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring("export ".length()).strip();
      }
      int eq = line.indexOf('=');
      String where = file + ":" + (i + 1);
      if (eq <= 0) {
        problems.add(where + ": expected NAME=value, got '" + line + "'");
        continue;
      }
      put(line.substring(0, eq).strip(), unquote(line.substring(eq + 1).strip()), where);
    }
    warnIfKeyExposed(file);
  }

  /** The robot key is a secret: its file should be readable by this user only. */
  private void warnIfKeyExposed(Path file) {
    Value key = values.get(Setting.ROBOT_API_KEY);
    if (key == null || !key.source().startsWith(file + ":")) {
      return;
    }
    try {
      if (PrivateFiles.readableByOthers(file)) {
        String warning =
            file
                + " holds ROBOT_API_KEY and is readable by other users ("
                + PosixFilePermissions.toString(Files.getPosixFilePermissions(file))
                + "); restrict it: chmod 600 "
                + file;
        warnings.add(warning);
        log.warn("{}", warning);
      }
    } catch (IOException | UnsupportedOperationException e) {
      log.debug("cannot check the permissions of {}: {}", file, e.toString());
    }
  }

  /** Things worth fixing that do not stop the agent (a config file others can read). */
  List<String> warnings() {
    return List.copyOf(warnings);
  }

  private void put(String name, String text, String source) {
    if (name.startsWith(WorkflowCredentials.PREFIX)) {
      credentialEntries.put(name, new Value(text, source));
      return;
    }
    Optional<Setting> setting = Setting.named(name);
    if (setting.isEmpty()) {
      problems.add(
          source
              + ": unknown setting "
              + name
              + "; see config/agent.env.example for the names the agent reads");
      return;
    }
    values.put(setting.get(), new Value(text, source));
  }

  private static String unquote(String text) {
    if (text.length() >= 2
        && ((text.startsWith("\"") && text.endsWith("\""))
            || (text.startsWith("'") && text.endsWith("'")))) {
      return text.substring(1, text.length() - 1);
    }
    return text;
  }

  /** The {@code CASARE_CRED_<SERVICE>_<FIELD>} entries, by name (values are secrets). */
  Map<String, Value> credentialEntries() {
    return java.util.Collections.unmodifiableMap(credentialEntries);
  }

  Optional<Value> value(Setting setting) {
    return Optional.ofNullable(values.get(setting));
  }

  /** Problems found while reading (unknown names, unreadable files); reported with the rest. */
  public List<String> problems() {
    return List.copyOf(problems);
  }
}
