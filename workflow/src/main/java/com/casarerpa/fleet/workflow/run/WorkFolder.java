package com.casarerpa.fleet.workflow.run;

import com.casarerpa.fleet.workflow.PathMap;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A job's working folder. Relative paths resolve inside it; paths that leave it (absolute
 * elsewhere, or {@code ..}) are refused unless the engine allows escapes. A Windows absolute path
 * ({@code C:\temp\x.xlsx}) goes through the robot's {@link PathMap}: into the mapped folder, which
 * it may not leave; unmapped, it is refused on a non-Windows robot with the setting that maps it.
 */
public record WorkFolder(Path root, boolean allowEscape, PathMap pathMap) {
  public WorkFolder {
    root = root.toAbsolutePath().normalize();
    Objects.requireNonNull(pathMap, "pathMap");
  }

  public WorkFolder(Path root, boolean allowEscape) {
    this(root, allowEscape, PathMap.NONE);
  }

  public Path resolve(String nodeId, String path) throws NodeException {
    if (PathMap.isWindowsAbsolute(path)) {
      var mapped = pathMap.map(path);
      if (mapped.isPresent()) {
        return mapped(nodeId, path, mapped.get());
      }
      if (!PathMap.WINDOWS_HOST) {
        throw new NodeException(
            nodeId
                + ": path '"
                + path
                + "' is a Windows path, and this robot does not run on Windows; "
                + PathMap.advice(path),
            "FileNotFoundError",
            null);
      }
    }
    Path p;
    try {
      p = root.resolve(path).normalize();
    } catch (InvalidPathException e) {
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

  /** The mapped folder (relative targets inside the job folder) plus the rest, kept inside it. */
  private Path mapped(String nodeId, String path, PathMap.Mapped m) throws NodeException {
    try {
      Path target = Path.of(m.target());
      boolean granted = target.isAbsolute(); // the operator's own folder
      target = (granted ? target : root.resolve(target)).normalize();
      Path p = target;
      for (String segment : m.rest()) {
        p = p.resolve(segment);
      }
      p = p.normalize();
      boolean inside = p.startsWith(target) && (granted || allowEscape || p.startsWith(root));
      if (!inside) {
        throw new NodeException(
            nodeId
                + ": path '"
                + path
                + "' leaves its mapped folder "
                + target
                + "; remove the '..' segments",
            "PermissionError",
            null);
      }
      return p;
    } catch (InvalidPathException e) {
      throw new NodeException(
          nodeId + ": path '" + path + "' maps to an invalid path: " + e.getReason());
    }
  }
}
