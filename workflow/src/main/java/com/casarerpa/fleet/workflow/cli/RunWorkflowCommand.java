package com.casarerpa.fleet.workflow.cli;

import com.casarerpa.fleet.workflow.CancellationToken;
import com.casarerpa.fleet.workflow.LogLevel;
import com.casarerpa.fleet.workflow.PathMap;
import com.casarerpa.fleet.workflow.RunListener;
import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import com.casarerpa.fleet.workflow.model.JsonValues;
import com.casarerpa.fleet.workflow.model.WorkflowDefinition;
import com.casarerpa.fleet.workflow.validate.WorkflowValidationException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code workflow run FILE [--var k=v]... [--json]}: the local debugging path. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run a workflow file locally, printing its logs and result.")
final class RunWorkflowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "workflow JSON (.json or .json.gz)")
  Path file;

  @Option(
      names = "--var",
      paramLabel = "NAME=VALUE",
      description =
          "initial variable; VALUE is parsed as JSON when it is valid JSON, else taken as text")
  List<String> vars = List.of();

  @Option(names = "--json", description = "print the result as one JSON object")
  boolean json;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "job timeout (default: the workflow's settings.timeout)")
  Double timeoutSeconds;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description = "working folder for file nodes (default: the current directory)")
  Path workDir = Path.of(".");

  @Option(names = "--allow-run-command", description = "allow RunCommandNode")
  boolean allowRunCommand;

  @Option(
      names = "--path-map",
      paramLabel = "WINDOWS_FOLDER=DIR",
      description =
          "where a Windows folder the workflow names lives here, e.g. 'C:\\temp=/srv/files' (a"
              + " relative DIR is inside the working folder); entries separated by ';'"
              + " (default: $CASARE_PATH_MAP)")
  String pathMap = System.getenv("CASARE_PATH_MAP");

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    WorkflowDefinition wf;
    Map<String, Object> variables;
    PathMap paths;
    try {
      wf = WorkflowFiles.read(file);
      variables = parseVars(vars);
      paths = PathMap.parse(pathMap);
    } catch (WorkflowValidationException e) {
      WorkflowFiles.print(err, e.issues());
      return WorkflowCommand.EXIT_INVALID;
    } catch (IOException | IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return WorkflowCommand.EXIT_INVALID;
    }
    WorkflowEngine engine =
        WorkflowEngine.builder().allowRunCommand(allowRunCommand).pathMap(paths).build();
    CancellationToken token = new CancellationToken();
    Thread hook = new Thread(() -> token.cancel("interrupted (Ctrl-C)"), "workflow-cli-cancel");
    Runtime.getRuntime().addShutdownHook(hook);
    RunOptions options =
        new RunOptions(
            variables,
            timeoutSeconds == null ? null : Duration.ofMillis((long) (timeoutSeconds * 1000)),
            null,
            workDir.toAbsolutePath());
    RunResult result = engine.run(wf, options, json ? RunListener.NONE : printer(out), token);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is already exiting; nothing to remove
    }
    out.println(json ? JsonValues.write(ResultJson.of(result)) : ResultJson.summary(result));
    out.flush();
    return result.succeeded() ? 0 : WorkflowCommand.EXIT_FAILED;
  }

  private static RunListener printer(PrintWriter out) {
    return new RunListener() {
      @Override
      public void onLog(LogLevel level, String nodeId, String message) {
        out.println(String.format("%-8s %s", level, message));
        out.flush();
      }
    };
  }

  static Map<String, Object> parseVars(List<String> vars) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String v : vars) {
      int eq = v.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--var '" + v + "' must look like NAME=VALUE");
      }
      String raw = v.substring(eq + 1);
      Object value;
      try {
        value = JsonValues.toValue(JsonValues.MAPPER.readTree(raw));
        if (value == null && !raw.strip().equals("null")) {
          value = raw;
        }
      } catch (IOException notJson) {
        value = raw;
      }
      out.put(v.substring(0, eq).strip(), value);
    }
    return out;
  }
}
