package com.casarerpa.fleet.devstack.bench;

import com.casarerpa.fleet.agent.Agent;
import com.casarerpa.fleet.agent.jobs.EngineExecutor;
import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Real agents in this JVM ({@code Agent.start()}), default settings, for load scenarios. */
final class InProcessFleet implements AutoCloseable {
  private final List<Agent> agents = new ArrayList<>();

  InProcessFleet(BenchFleet fleet, String prefix, int robots, int slots) throws Exception {
    List<FleetAdmin.Robot> created = new ArrayList<>();
    for (int i = 0; i < robots; i++) {
      FleetAdmin.Robot robot =
          fleet.admin().createRobot(prefix + "-" + i + "-" + UUID.randomUUID(), slots);
      Agent agent =
          new Agent(
              fleet.agentConfig(robot).maxConcurrentJobs(slots).build(),
              EngineExecutor.standard(fleet.work().resolve("engine-" + robot.name())));
      agent.start();
      agents.add(agent);
      created.add(robot);
    }
    for (FleetAdmin.Robot robot : created) {
      if (!BenchFleet.await(
          Duration.ofSeconds(60), () -> !"offline".equals(fleet.robotStatus(robot.id())))) {
        throw new IllegalStateException("robot " + robot.name() + " did not come online");
      }
    }
  }

  int size() {
    return agents.size();
  }

  @Override
  public void close() {
    for (Agent agent : agents) {
      agent.close(Duration.ofSeconds(20));
    }
  }
}
