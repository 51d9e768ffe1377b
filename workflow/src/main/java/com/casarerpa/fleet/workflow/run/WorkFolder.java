package com.casarerpa.fleet.workflow.run;

import com.casarerpa.fleet.workflow.nodes.NodeException;
import java.nio.file.Path;

/**
 * A job's working folder. Relative paths resolve inside it; paths that leave it (absolute
 * elsewhere, or {@code ..}) are refused unless the engine allows escapes.
 */
public record WorkFolder(Path root, boolean allowEscape) {
  public WorkFolder {
    root = root.toAbsolutePath().normalize();
  }

  public Path resolve(String nodeId, String path) throws NodeException {
    Path p;
    try {
      p = root.resolve(path).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      throw new NodeException(nodeId + ": invalid path '" + path + "': " + e.getReason());
    }
    if (!allowEscape && !p.startsWith(root)) {
      throw new NodeException(
          nodeId
              + ": path '"
              + path
              + "' is outside the job's working folder "
              + root
              + "; use a relative path, or enable allowFileAccessOutsideWorkFolder on the engine",
          "PermissionError",
          null);
    }
    return p;
  }
}
