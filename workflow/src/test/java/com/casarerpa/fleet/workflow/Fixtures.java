package com.casarerpa.fleet.workflow;

import static org.assertj.core.api.Assertions.fail;

import com.casarerpa.fleet.workflow.model.WorkflowDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared CasareRPA fixture workflows; fails (never skips) when they are missing. */
public final class Fixtures {
  private static final String RELATIVE = "../shared/fixtures/casare-workflows";

  private Fixtures() {}

  public static Path dir() {
    String top = System.getProperty("maven.multiModuleProjectDirectory");
    Path start = top != null ? Path.of(top) : Path.of("").toAbsolutePath();
    for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve(RELATIVE).normalize();
      if (Files.isRegularFile(candidate.resolve("index.md"))) {
        return candidate;
      }
    }
    return fail(
        "fixture workflows not found: expected "
            + RELATIVE
            + "/index.md relative to the repository root ("
            + start
            + " or a parent). Restore the shared fixtures (or the 'shared' symlink) and rerun.");
  }

  public static String text(String name) {
    try {
      return Files.readString(dir().resolve(name));
    } catch (IOException e) {
      return fail("cannot read fixture " + name + ": " + e);
    }
  }

  public static WorkflowDefinition load(String name) throws Exception {
    return WorkflowDefinition.parse(text(name));
  }
}
