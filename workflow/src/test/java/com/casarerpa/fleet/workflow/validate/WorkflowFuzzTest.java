package com.casarerpa.fleet.workflow.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.casarerpa.fleet.workflow.CancellationToken;
import com.casarerpa.fleet.workflow.Fixtures;
import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import com.casarerpa.fleet.workflow.model.WorkflowDefinition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * Bounded fuzzing: random edits of the real fixtures must end in validation errors or a finished
 * run (any status), never an unexpected exception or a hang.
 */
class WorkflowFuzzTest {
  private static final List<String> FIXTURES =
      List.of(
          "task_1.json",
          "task_2.json",
          "task_3.json",
          "task_6.json",
          "task_9.json",
          "task_10.json",
          "batch_1_5_control_flow.json");
  private static final List<String> TOKENS =
      List.of(
          "{",
          "}",
          "[",
          "]",
          ",",
          ":",
          "\"",
          "null",
          "0",
          "-1",
          "1e309",
          "\"exec_out\"",
          "\"body\"",
          "\"ForLoopEndNode\"",
          "\"{{x}}\"",
          "\"IfNode\"",
          "true",
          "\"nodes\"",
          "\"\\u0000\"",
          "\"%a%\"",
          "\"${\"");

  private final Path work;
  private final WorkflowEngine engine;

  WorkflowFuzzTest() throws Exception {
    work = Files.createTempDirectory("fuzz");
    engine = WorkflowEngine.builder().workRoot(work).build();
  }

  @AfterProperty
  void cleanUp() throws Exception {
    try (var files = Files.walk(work)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Provide
  Arbitrary<String> mutated() {
    Arbitrary<String> base = Arbitraries.of(FIXTURES).map(Fixtures::text);
    return base.flatMap(
        text ->
            Arbitraries.integers()
                .between(0, text.length() - 1)
                .list()
                .ofMinSize(1)
                .ofMaxSize(4)
                .flatMap(
                    positions ->
                        Arbitraries.of(TOKENS)
                            .list()
                            .ofSize(positions.size())
                            .flatMap(
                                tokens ->
                                    Arbitraries.integers()
                                        .between(0, 12)
                                        .map(cut -> edit(text, positions, tokens, cut)))));
  }

  private static String edit(String text, List<Integer> positions, List<String> tokens, int cut) {
    StringBuilder s = new StringBuilder(text);
    for (int i = 0; i < positions.size(); i++) {
      int at = Math.min(positions.get(i), s.length());
      int end = Math.min(s.length(), at + cut);
      s.replace(at, end, tokens.get(i));
    }
    return s.toString();
  }

  @Property(tries = 400)
  void mutated_workflows_are_refused_or_run_to_an_end(@ForAll("mutated") String json) {
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          WorkflowDefinition wf;
          try {
            wf = WorkflowDefinition.parse(json.getBytes(StandardCharsets.UTF_8));
          } catch (WorkflowValidationException e) {
            assertThat(e.errors())
                .isNotEmpty()
                .allSatisfy(i -> assertThat(i.message()).isNotBlank());
            return;
          }
          RunOptions options =
              RunOptions.DEFAULTS.withJobTimeout(Duration.ofSeconds(3)).withWorkingDirectory(work);
          RunResult r = engine.run(wf, options, null, new CancellationToken());
          assertThat(r.status()).isNotNull();
          if (!r.succeeded()) {
            assertThat(r.errorMessage()).isNotBlank();
          }
        });
  }
}
