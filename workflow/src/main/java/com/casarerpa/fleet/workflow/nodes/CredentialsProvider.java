package com.casarerpa.fleet.workflow.nodes;

import java.util.Map;
import java.util.Optional;

/**
 * Where service nodes get their secrets: the robot's configuration, never the workflow JSON. The
 * agent fills it from its config file; tests give fixed values. A service is a short name ({@code
 * ftp}, {@code email}, {@code gmail}, {@code sheets}, {@code drive}, {@code telegram}, {@code
 * whatsapp}, ...) and its settings are plain strings ({@code host}, {@code port}, {@code username},
 * {@code password}, {@code token}, {@code base_url}, ...). A workflow that uses a service the robot
 * has no credentials for is refused before it runs ({@code NEEDS_CREDENTIALS}).
 */
@FunctionalInterface
public interface CredentialsProvider {
  /** No credentials for anything. */
  CredentialsProvider NONE = service -> Optional.empty();

  /** The settings for {@code service}, or empty when the robot has none. */
  Optional<ServiceCredentials> lookup(String service);

  /** Fixed credentials: service name to its settings. */
  static CredentialsProvider of(Map<String, Map<String, String>> byService) {
    Map<String, Map<String, String>> copy = Map.copyOf(byService);
    return service ->
        Optional.ofNullable(copy.get(service)).map(v -> new ServiceCredentials(service, v));
  }

  /** One service's settings. {@link #toString()} never shows the values. */
  record ServiceCredentials(String service, Map<String, String> values) {
    public ServiceCredentials {
      values = Map.copyOf(values);
    }

    /** The setting {@code key}, or {@code fallback}. */
    public String get(String key, String fallback) {
      String v = values.get(key);
      return v == null || v.isBlank() ? fallback : v;
    }

    /** The setting {@code key}; a clear error naming the service and key when it is missing. */
    public String require(String key) throws NodeException {
      String v = values.get(key);
      if (v == null || v.isBlank()) {
        throw new NodeException(
            "the robot's "
                + service
                + " credentials have no '"
                + key
                + "'; add it to the robot's configuration",
            "ConfigurationError",
            null);
      }
      return v;
    }

    @Override
    public String toString() {
      return "ServiceCredentials[" + service + ", keys=" + values.keySet() + "]";
    }
  }
}
