package com.casarerpa.fleet.agent.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.workflow.LogLevel;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A line the agent builds always fits what append_robot_logs accepts (docs/RPC.md). */
class LogLineTest {
  /** append_robot_logs refuses a message over this many characters (the whole batch is lost). */
  private static final int RPC_MESSAGE_CAP = 32_768;

  @Test
  void an_oversized_message_is_cut_below_the_rpc_cap() {
    LogLine line =
        new LogLine(
            UUID.randomUUID(),
            1,
            Instant.now(),
            LogLevel.INFO,
            "x".repeat(15_000_000),
            null,
            null,
            "workflow");
    assertThat(line.message().length()).isLessThanOrEqualTo(RPC_MESSAGE_CAP);
    assertThat(line.message()).endsWith("…[truncated]");
  }
}
