package com.casarerpa.fleet.workflow.corpus;

import com.casarerpa.fleet.workflow.WorkflowEngine;
import java.nio.file.Path;

/** The robots the corpus table names: what each is allowed. */
final class CorpusRobots {
  private CorpusRobots() {}

  static WorkflowEngine engine(String robot, Path workDir) {
    WorkflowEngine.Builder b = WorkflowEngine.builder().workRoot(workDir);
    return switch (robot) {
      case "default" -> b.build();
      case "host" -> b.allowRunCommand(true).build();
      default -> throw new IllegalArgumentException("unknown robot in the corpus table: " + robot);
    };
  }
}
