package com.casarerpa.fleet.agent.config;

import com.casarerpa.fleet.agent.internal.Json;
import com.casarerpa.fleet.agent.internal.PrivateFiles;
import com.casarerpa.fleet.workflow.nodes.CredentialsProvider;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secrets workflow service nodes use (FTP, e-mail, Gmail, Sheets, Drive, Telegram, WhatsApp,
 * ...), by service name: what the engine's {@link CredentialsProvider} hands to nodes. Read from
 * the JSON file named by {@code CASARE_CREDENTIALS_FILE} ({@code {"gmail": {"access_token":
 * "..."}}}), then from settings named {@code CASARE_CRED_<SERVICE>_<FIELD>} (environment, agent.env
 * or {@code --set}), which override the file field by field. Never the workflow JSON. {@link
 * #describe()} and {@link #toString()} name services and fields only, never a value: a prefix of a
 * short password or token would already say too much.
 */
public final class WorkflowCredentials {
  private static final Logger log = LoggerFactory.getLogger(WorkflowCredentials.class);

  /** Prefix of the per-field settings: {@code CASARE_CRED_TELEGRAM_BOT_TOKEN}. */
  public static final String PREFIX = "CASARE_CRED_";

  /** No credentials: every service node is refused before the run (NEEDS_CREDENTIALS). */
  public static final WorkflowCredentials NONE = new WorkflowCredentials(Map.of());

  private final Map<String, Map<String, String>> byService;

  private WorkflowCredentials(Map<String, Map<String, String>> byService) {
    Map<String, Map<String, String>> copy = new TreeMap<>();
    byService.forEach((service, fields) -> copy.put(service, Map.copyOf(fields)));
    this.byService = java.util.Collections.unmodifiableMap(copy);
  }

  /** Fixed credentials (tests, embedders): service name to its fields. */
  public static WorkflowCredentials of(Map<String, Map<String, String>> byService) {
    return new WorkflowCredentials(byService);
  }

  /**
   * Reads the file (when given) and the {@code CASARE_CRED_*} entries; adds a message to {@code
   * problems} for each thing wrong, never quoting a value.
   */
  static WorkflowCredentials read(
      Path file, Map<String, ConfigSources.Value> entries, List<String> problems) {
    Map<String, Map<String, String>> all = new TreeMap<>();
    if (file != null) {
      readFile(file, all, problems);
    }
    entries.forEach(
        (name, value) -> {
          String rest = name.substring(PREFIX.length());
          int cut = rest.indexOf('_');
          if (cut <= 0 || cut == rest.length() - 1) {
            problems.add(
                name
                    + " (from "
                    + value.source()
                    + "): name a service and a field, e.g. CASARE_CRED_GMAIL_ACCESS_TOKEN");
            return;
          }
          String service = rest.substring(0, cut).toLowerCase(Locale.ROOT);
          String field = rest.substring(cut + 1).toLowerCase(Locale.ROOT);
          all.computeIfAbsent(service, s -> new TreeMap<>()).put(field, value.text());
        });
    return new WorkflowCredentials(all);
  }

  private static void readFile(
      Path file, Map<String, Map<String, String>> all, List<String> problems) {
    String where = Setting.CASARE_CREDENTIALS_FILE.name() + "=" + file;
    if (!Files.isRegularFile(file)) {
      problems.add(
          where + ": no such file; create it (JSON: {\"gmail\": {\"access_token\": ...}})");
      return;
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      // the parser's own message may quote the text around the error, i.e. a secret
      problems.add(
          where
              + ": not valid JSON (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ")");
      return;
    } catch (IOException e) {
      problems.add(where + ": cannot be read (" + e.getClass().getSimpleName() + ")");
      return;
    }
    if (root == null || !root.isObject()) {
      problems.add(where + ": must be a JSON object of services, e.g. {\"ftp\": {\"host\": ...}}");
      return;
    }
    for (var service : root.properties()) {
      if (!service.getValue().isObject()) {
        problems.add(where + ": '" + service.getKey() + "' must be an object of fields");
        continue;
      }
      Map<String, String> fields =
          all.computeIfAbsent(service.getKey().toLowerCase(Locale.ROOT), s -> new TreeMap<>());
      for (var field : service.getValue().properties()) {
        if (!field.getValue().isValueNode() || field.getValue().isNull()) {
          problems.add(
              where
                  + ": "
                  + service.getKey()
                  + "."
                  + field.getKey()
                  + " must be a string, number or boolean");
          continue;
        }
        fields.put(field.getKey(), field.getValue().asText());
      }
    }
    try {
      if (PrivateFiles.readableByOthers(file)) {
        log.warn("{} holds secrets and is readable by other users; restrict it: chmod 600", file);
      }
    } catch (IOException | UnsupportedOperationException e) {
      log.debug("cannot check the permissions of {}: {}", file, e.toString());
    }
  }

  /** What the workflow engine reads: {@code lookup(service)}. */
  public CredentialsProvider provider() {
    return byService.isEmpty() ? CredentialsProvider.NONE : CredentialsProvider.of(byService);
  }

  /** The services configured, sorted. */
  public List<String> services() {
    return new ArrayList<>(byService.keySet());
  }

  /**
   * Services and their field names, never values: {@code ftp{host,password} gmail{access_token}}.
   */
  public String describe() {
    if (byService.isEmpty()) {
      return "none";
    }
    return byService.entrySet().stream()
        .map(
            e ->
                e.getKey()
                    + e.getValue().keySet().stream()
                        .sorted()
                        .collect(Collectors.joining(",", "{", "}")))
        .collect(Collectors.joining(" "));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof WorkflowCredentials c && c.byService.equals(byService);
  }

  @Override
  public int hashCode() {
    return byService.hashCode();
  }

  @Override
  public String toString() {
    return "WorkflowCredentials[" + describe() + "]";
  }
}
