package com.casarerpa.fleet.devstack.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConcurrentClaimTest {
  private static final int JOBS = 10_000;
  private static final int ROBOTS = 16;

  @RegisterExtension static final SchemaDatabase db = new SchemaDatabase();

  @Test
  void sixteen_robots_claiming_at_once_take_every_one_of_ten_thousand_jobs_exactly_once()
      throws Exception {
    Fleet fleet = new Fleet(db);
    UUID workflow = fleet.workflow();
    db.execute(
        "INSERT INTO jobs (workflow_id, workflow_name, status, priority, tenant_id)"
            + " SELECT ?, 'bulk', 'queued', (i % 21), ? FROM generate_series(1, ?) i",
        workflow, fleet.tenant, JOBS);
    List<TestRobot> robots = new ArrayList<>();
    for (int i = 0; i < ROBOTS; i++) {
      robots.add(fleet.robot("default", List.of(), 1000));
    }

    ExecutorService pool = Executors.newFixedThreadPool(ROBOTS);
    List<Future<List<UUID>>> results = new ArrayList<>();
    try {
      for (TestRobot robot : robots) {
        results.add(pool.submit(claimUntilEmpty(robot)));
      }
      List<UUID> claimed = new ArrayList<>();
      for (Future<List<UUID>> result : results) {
        claimed.addAll(result.get(5, TimeUnit.MINUTES));
      }
      assertThat(claimed).hasSize(JOBS).doesNotHaveDuplicates();
    } finally {
      pool.shutdownNow();
    }
    assertThat(
            db.count(
                "SELECT count(*) FROM jobs WHERE tenant_id = ? AND status = 'claimed'"
                    + " AND attempt = 1",
                fleet.tenant))
        .isEqualTo(JOBS);
    assertThat(
            db.count(
                "SELECT count(DISTINCT robot_uuid) FROM jobs WHERE tenant_id = ?", fleet.tenant))
        .as("every robot got work")
        .isEqualTo(ROBOTS);
  }

  private static Callable<List<UUID>> claimUntilEmpty(TestRobot robot) {
    return () -> {
      List<UUID> mine = new ArrayList<>();
      while (true) {
        List<JsonNode> batch = robot.claim(10);
        if (batch.isEmpty()) {
          return mine;
        }
        batch.forEach(job -> mine.add(TestRobot.jobId(job)));
      }
    };
  }
}
