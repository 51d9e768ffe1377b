package com.casarerpa.fleet.agent.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.agent.internal.Json;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RunningJobTest {
  private static ClaimedJob job() {
    return new ClaimedJob(
        UUID.randomUUID(),
        UUID.randomUUID(),
        1,
        null,
        "w",
        Json.MAPPER.createObjectNode(),
        Json.MAPPER.createObjectNode(),
        null,
        0,
        "default");
  }

  @Test
  void a_lost_lease_reported_after_the_outcome_was_decided_is_not_taken_for_the_reason() {
    ActiveJobs active = new ActiveJobs(1);
    RunningJob running = active.add(job());
    AtomicInteger stops = new AtomicInteger();
    running.cancellation().onCancel(stops::incrementAndGet);

    // the job completed and its final write begins ...
    assertThat(running.seal()).isNull();
    // ... while a heartbeat that carried its lease comes back listing it as lost
    boolean taken = active.cancel(running.jobId(), CancelReason.LEASE_LOST);

    assertThat(taken).as("the heartbeat logs a stop only when this is true").isFalse();
    assertThat(running.stopReason()).isNull();
    assertThat(running.cancellation().isCancelled()).isFalse();
    assertThat(stops).hasValue(0);
  }

  @Test
  void the_first_reason_stands_and_cancels_the_engine_token() {
    RunningJob running = new ActiveJobs(1).add(job());

    assertThat(running.requestStop(CancelReason.OPERATOR)).isTrue();
    assertThat(running.requestStop(CancelReason.TIMEOUT)).isFalse();

    assertThat(running.cancellation().isCancelled()).isTrue();
    assertThat(running.cancellation().reason()).isEqualTo("operator");
    assertThat(running.seal()).isEqualTo(CancelReason.OPERATOR);
  }
}
