package com.casarerpa.fleet.workflow.run;

import com.casarerpa.fleet.workflow.CancellationToken;
import com.casarerpa.fleet.workflow.LogLevel;
import com.casarerpa.fleet.workflow.RunListener;
import java.time.Clock;
import java.time.Duration;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Everything fixed for one run: services, limits and where events go. */
record RunEnvironment(
    Clock clock,
    CancellationToken token,
    RunListener listener,
    OkHttpClient http,
    WorkFolder workFolder,
    Duration nodeTimeout,
    Duration jobTimeout,
    long jobDeadline,
    Grants grants) {
  private static final Logger LOG = LoggerFactory.getLogger(RunEnvironment.class);
  private static final long FAR = Long.MAX_VALUE / 4;

  static RunEnvironment create(
      Clock clock,
      CancellationToken token,
      RunListener listener,
      OkHttpClient http,
      WorkFolder folder,
      Duration nodeTimeout,
      Duration jobTimeout,
      Grants grants) {
    long deadline =
        System.nanoTime() + (jobTimeout == null ? FAR : Math.min(FAR, jobTimeout.toNanos()));
    return new RunEnvironment(
        clock, token, listener, http, folder, nodeTimeout, jobTimeout, deadline, grants);
  }

  long nodeTimeoutNanos() {
    return Math.min(FAR, nodeTimeout.toNanos());
  }

  String nodeTimeoutText() {
    return seconds(nodeTimeout);
  }

  String jobTimeoutText() {
    return jobTimeout == null ? "(no limit)" : seconds(jobTimeout);
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  void log(LogLevel level, String nodeId, String message) {
    try {
      listener.onLog(level, nodeId, message);
    } catch (RuntimeException e) {
      LOG.warn("run listener failed in onLog: {}", e.toString());
    }
  }
}
