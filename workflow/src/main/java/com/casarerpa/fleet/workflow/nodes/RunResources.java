package com.casarerpa.fleet.workflow.nodes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one run keeps open between nodes (a workbook between ExcelOpen and ExcelClose, an FTP
 * connection between FTPConnect and FTPDisconnect), by key. The engine closes what is left when the
 * run ends, however it ends. Used on the run's thread only.
 */
public final class RunResources implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunResources.class);

  private final Map<String, AutoCloseable> open = new LinkedHashMap<>();

  /** Keeps {@code resource} under {@code key}, closing one already there. */
  public void put(String key, AutoCloseable resource) {
    AutoCloseable old = open.remove(key);
    if (old != null && old != resource) {
      closeQuietly(key, old);
    }
    open.put(key, resource);
  }

  /** The resource under {@code key} if it is a {@code type}, else null. */
  public <T> T get(String key, Class<T> type) {
    AutoCloseable r = open.get(key);
    return type.isInstance(r) ? type.cast(r) : null;
  }

  /** The most recently kept resource of {@code type}, or null. */
  public <T> T latest(Class<T> type) {
    List<AutoCloseable> all = new ArrayList<>(open.values());
    for (int i = all.size() - 1; i >= 0; i--) {
      if (type.isInstance(all.get(i))) {
        return type.cast(all.get(i));
      }
    }
    return null;
  }

  /** The key of {@code resource}, or null. */
  public String keyOf(Object resource) {
    for (Map.Entry<String, AutoCloseable> e : open.entrySet()) {
      if (e.getValue() == resource) {
        return e.getKey();
      }
    }
    return null;
  }

  /** Forgets and closes the resource under {@code key}; a failure to close propagates. */
  public void close(String key) throws Exception {
    AutoCloseable r = open.remove(key);
    if (r != null) {
      r.close();
    }
  }

  /** Closes everything still open (failures are logged). */
  @Override
  public void close() {
    List<String> keys = new ArrayList<>(open.keySet());
    for (int i = keys.size() - 1; i >= 0; i--) {
      closeQuietly(keys.get(i), open.remove(keys.get(i)));
    }
  }

  private static void closeQuietly(String key, AutoCloseable r) {
    try {
      r.close();
    } catch (Exception e) {
      LOG.warn("could not close run resource {}: {}", key, e.toString());
    }
  }
}
