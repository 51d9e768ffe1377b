package com.casarerpa.fleet.devstack.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * CPU time spent so far by this JVM (the local stack and in-process agents) and by the benchmark's
 * PostgreSQL server (the postmaster, its live children, and the children it has reaped), read from
 * {@code /proc}. CPU time per job is a steadier figure than wall time on a shared machine: a busy
 * neighbour stretches the wall clock far more than the work done. Linux only; elsewhere the
 * PostgreSQL part reads as zero.
 */
final class CpuClock {
  /** Clock ticks per second of {@code /proc/<pid>/stat} (USER_HZ, 100 on Linux builds). */
  private static final double TICKS_PER_SECOND = 100.0;

  private final long postmaster;

  /** Where both CPU counters stood at one moment, in milliseconds. */
  record Reading(double jvmMillis, double postgresMillis) {
    Reading minus(Reading earlier) {
      return new Reading(jvmMillis - earlier.jvmMillis, postgresMillis - earlier.postgresMillis);
    }

    /** "JVM x ms + PostgreSQL y ms" per unit of work. */
    String per(double units, String unit) {
      return String.format(
          Locale.ROOT,
          "JVM %.2f ms + PostgreSQL %.2f ms = %.2f ms CPU per %s",
          jvmMillis / units,
          postgresMillis / units,
          (jvmMillis + postgresMillis) / units,
          unit);
    }
  }

  private CpuClock(long postmaster) {
    this.postmaster = postmaster;
  }

  /** Finds the server behind {@code db}: the parent process of one of its backends. */
  static CpuClock of(DataSource db) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
      rs.next();
      long backend = rs.getLong(1);
      String[] stat = stat(backend);
      return new CpuClock(stat == null ? -1 : Long.parseLong(stat[1]));
    }
  }

  Reading read() {
    double jvm =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime()
            / 1e6;
    return new Reading(jvm, postgresTicks() * 1000.0 / TICKS_PER_SECOND);
  }

  private long postgresTicks() {
    String[] own = stat(postmaster);
    if (own == null) {
      return 0;
    }
    // utime, stime, cutime, cstime: fields 14-17 of /proc/<pid>/stat (here 1-based after comm)
    long ticks = field(own, 14) + field(own, 15) + field(own, 16) + field(own, 17);
    try {
      String children =
          Files.readString(Path.of("/proc", "" + postmaster, "task", "" + postmaster, "children"));
      for (String child : children.trim().split("\\s+")) {
        if (!child.isEmpty()) {
          String[] stat = stat(Long.parseLong(child));
          if (stat != null) {
            ticks += field(stat, 14) + field(stat, 15);
          }
        }
      }
    } catch (IOException e) {
      // no /proc children list: the reaped children's time (cutime) is still counted
    }
    return ticks;
  }

  /**
   * The fields of {@code /proc/<pid>/stat} after the command name, shifted so that {@code [n-3]} is
   * field n of proc(5) ({@code [0]} = state, {@code [1]} = ppid); null when unreadable.
   */
  private static String[] stat(long pid) {
    try {
      String line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return line.substring(line.lastIndexOf(')') + 2).trim().split("\\s+");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static long field(String[] afterComm, int procField) {
    return Long.parseLong(afterComm[procField - 3]);
  }
}
