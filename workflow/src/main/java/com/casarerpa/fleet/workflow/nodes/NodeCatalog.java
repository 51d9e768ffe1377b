package com.casarerpa.fleet.workflow.nodes;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The original's node registry (468 names, each with the Python module it lives in) and what a
 * robot needs to run each family. Classification follows the original's modules, so siblings agree:
 * everything in {@code desktop_nodes.*} needs {@code desktop}, everything in {@code ftp_nodes}
 * needs FTP credentials, every {@code trigger_nodes.*} type is a trigger.
 */
public final class NodeCatalog {
  /** What running a family of nodes takes. */
  public enum Family {
    /** Pure data, files in the job folder, HTTP: the built-in library runs these. */
    HEADLESS,
    /** A {@code *TriggerNode}: an entry point; the engine passes through it. */
    TRIGGER,
    /** Needs a browser (Playwright in the original). */
    BROWSER,
    /** Needs an interactive desktop (windows, mouse, keyboard, dialogs, sound, clipboard). */
    DESKTOP,
    /** Reads or changes the robot's host (commands, processes, services, scripts). */
    HOST,
    /** Talks to an outside service with credentials (FTP, e-mail, Google, messaging, LLM, SQL). */
    SERVICE,
    /** Parallel branches and sub-workflows: engine features this engine does not have. */
    ENGINE_FEATURE,
    /** Not a CasareRPA node type (the original's registry has no such name). */
    NOT_IN_ORIGINAL
  }

  /** One registry entry: type, module, aliased class (or null), family and service (or null). */
  public record Entry(String type, String module, String aliasOf, Family family, String service) {
    /** The capability name for BROWSER/DESKTOP/HOST, else null. */
    public String capability() {
      return switch (family) {
        case BROWSER -> "browser";
        case DESKTOP -> "desktop";
        case HOST -> "host";
        default -> null;
      };
    }
  }

  private static final String RESOURCE = "casare-node-registry.tsv";
  private static final Map<String, Entry> ENTRIES = load();

  private NodeCatalog() {}

  /** The original's entry for {@code type}, if it has one. */
  public static Optional<Entry> find(String type) {
    return Optional.ofNullable(ENTRIES.get(type));
  }

  /** Every type name of the original's registry. */
  public static Set<String> names() {
    return Collections.unmodifiableSet(ENTRIES.keySet());
  }

  /** The family of {@code type}; {@link Family#NOT_IN_ORIGINAL} for names the original lacks. */
  public static Family family(String type) {
    Entry e = ENTRIES.get(type);
    return e == null ? Family.NOT_IN_ORIGINAL : e.family();
  }

  /** A registered name that differs from {@code type} only in case, if any. */
  public static Optional<String> caseInsensitiveMatch(String type) {
    String lower = type.toLowerCase(Locale.ROOT);
    return ENTRIES.keySet().stream()
        .filter(n -> n.toLowerCase(Locale.ROOT).equals(lower))
        .findFirst();
  }

  static Family classify(String type, String module) {
    String top = module.contains(".") ? module.substring(0, module.indexOf('.')) : module;
    return switch (top) {
      case "browser", "data_nodes" -> Family.BROWSER;
      case "wait_nodes" -> "WaitNode".equals(type) ? Family.HEADLESS : Family.BROWSER;
      case "desktop_nodes" -> Family.DESKTOP;
      case "trigger_nodes" -> Family.TRIGGER;
      case "script_nodes" -> Family.HOST;
      case "ftp_nodes", "email", "google", "messaging", "llm", "database", "document" ->
          Family.SERVICE;
      case "error_handling" -> Family.SERVICE; // AIRecoveryNode: an LLM call
      case "parallel_nodes", "subflow_node", "workflow" -> Family.ENGINE_FEATURE;
      case "system" -> system(type, module);
      default -> Family.HEADLESS;
    };
  }

  private static Family system(String type, String module) {
    return switch (module) {
      case "system.command_nodes", "system.service_nodes" -> Family.HOST;
      case "system.system_nodes" ->
          switch (type) {
            case "ScreenRegionPickerNode", "VolumeControlNode" -> Family.DESKTOP;
            default -> Family.HOST;
          };
      case "system.utility_system_nodes" ->
          "FileWatcherNode".equals(type) ? Family.HOST : Family.HEADLESS;
      default ->
          Family.DESKTOP; // dialogs, clipboard, quick (beep, hotkeys), media (speech, webcam)
    };
  }

  static String service(String type, String module) {
    if (module.startsWith("ftp_nodes")) {
      return "ftp";
    }
    if (module.startsWith("email")) {
      return "email";
    }
    if (module.startsWith("google.gmail")) {
      return "gmail";
    }
    if (module.startsWith("google.sheets")) {
      return "sheets";
    }
    if (module.startsWith("google.drive")) {
      return "drive";
    }
    if (module.startsWith("google")) {
      return "google";
    }
    if (module.startsWith("messaging.telegram")) {
      return "telegram";
    }
    if (module.startsWith("messaging.whatsapp")) {
      return "whatsapp";
    }
    if (module.startsWith("database")) {
      return "database";
    }
    if (module.startsWith("llm")
        || module.startsWith("document")
        || module.equals("error_handling")) {
      return "llm";
    }
    return null;
  }

  private static Map<String, Entry> load() {
    Map<String, Entry> map = new LinkedHashMap<>();
    try (InputStream in = NodeCatalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t");
        String aliasOf = f.length > 2 ? f[2] : null;
        Family family = classify(aliasOf != null ? aliasOf : f[0], f[1]);
        String service = family == Family.SERVICE ? service(f[0], f[1]) : null;
        map.put(f[0], new Entry(f[0], f[1], aliasOf, family, service));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return map;
  }
}
