package com.casarerpa.fleet.agent.fleet;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;

/**
 * Host metrics for the heartbeat, from OSHI: cpu and memory percent, disk free on the data folder,
 * system uptime, and the number of jobs held. CPU load is measured between two calls (the first
 * call reports 0).
 */
public final class HostMetrics {
  private final CentralProcessor cpu;
  private final GlobalMemory memory;
  private final oshi.software.os.OperatingSystem os;
  private final File disk;
  private long[] previousTicks;

  public HostMetrics(File disk) {
    SystemInfo system = new SystemInfo();
    this.cpu = system.getHardware().getProcessor();
    this.memory = system.getHardware().getMemory();
    this.os = system.getOperatingSystem();
    this.disk = disk;
    this.previousTicks = cpu.getSystemCpuLoadTicks();
  }

  /** A snapshot; called from the heartbeat thread only. */
  synchronized Map<String, Object> snapshot(int currentJobs) {
    long[] ticks = cpu.getSystemCpuLoadTicks();
    double load = cpu.getSystemCpuLoadBetweenTicks(previousTicks);
    previousTicks = ticks;
    long total = memory.getTotal();
    long used = total - memory.getAvailable();
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("cpu_percent", round(load * 100));
    metrics.put("memory_percent", total == 0 ? 0 : round(100.0 * used / total));
    metrics.put("memory_used_mb", used / (1024 * 1024));
    metrics.put("cpu_cores", cpu.getLogicalProcessorCount());
    long diskTotal = disk.getTotalSpace();
    metrics.put("disk_free_mb", disk.getUsableSpace() / (1024 * 1024));
    metrics.put(
        "disk_percent",
        diskTotal == 0 ? 0 : round(100.0 * (diskTotal - disk.getUsableSpace()) / diskTotal));
    metrics.put("uptime_seconds", os.getSystemUptime());
    metrics.put("current_job_count", currentJobs);
    return metrics;
  }

  private static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }
}
