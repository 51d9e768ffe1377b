package com.casarerpa.fleet.devstack.sim;

import java.time.Duration;

/**
 * A scripted fault for one simulated robot.
 *
 * <ul>
 *   <li>{@link Vanish}: the robot's process dies: its sockets close without a Realtime leave or
 *       {@code robot_offline}, its loops stop, a job it runs is never finished by it.
 *   <li>{@link SlowNetwork}: every REST call of the robot waits {@code delay} before it is sent.
 *   <li>{@link ClockSkew}: the robot's clock is off by {@code skew} (the server must not care).
 * </ul>
 */
public sealed interface Fault {
  record Vanish() implements Fault {}

  record SlowNetwork(Duration delay) implements Fault {}

  record ClockSkew(Duration skew) implements Fault {}
}
