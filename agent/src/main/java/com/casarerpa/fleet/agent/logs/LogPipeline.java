package com.casarerpa.fleet.agent.logs;

import com.casarerpa.fleet.agent.internal.Backoff;
import com.casarerpa.fleet.agent.internal.NamedThreads;
import com.casarerpa.fleet.agent.supabase.BackendUnavailable;
import com.casarerpa.fleet.agent.supabase.RetryPolicy;
import com.casarerpa.fleet.agent.supabase.RobotKeyRejected;
import com.casarerpa.fleet.agent.supabase.RpcRejected;
import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships agent and workflow log lines to {@code robot_logs} through {@code append_robot_logs}.
 *
 * <p>Producers enqueue into a bounded memory queue (when full, a producer waits up to a second,
 * then the line is dropped and counted). One thread, {@code agent-log-shipper}, cuts batches by
 * size or by age and ships them. When the backend cannot take a batch, it goes to the {@link
 * LogSpool} on disk; while the spool holds anything, new batches are appended behind it and the
 * spool is replayed oldest first with full-jitter backoff, so lines reach the database in order,
 * and the client-generated ids make replays idempotent.
 */
public final class LogPipeline {
  private static final Logger log = LoggerFactory.getLogger(LogPipeline.class);
  private static final Duration OFFER_WAIT = Duration.ofSeconds(1);

  /** Batching settings. */
  public record Settings(
      int batchSize, Duration flushInterval, int memoryLines, LogLevel minLevel) {}

  private final SupabaseRest rest;
  private final LogSpool spool;
  private final LogSequence sequence;
  private final InstantSource clock;
  private final Settings settings;
  private final Consumer<RobotKeyRejected> onFatal;
  private final BlockingQueue<LogLine> queue;
  private final Backoff replayBackoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
  private final Thread thread;
  private final Counter shipped;
  private final Counter spooled;
  private final Counter dropped;
  private volatile LiveLogs live;
  private volatile boolean stopping;
  private volatile Instant stopDeadline = Instant.MAX;
  private Instant nextReplay = Instant.MIN;
  private int replayFailures;
  private boolean outageReported;

  public LogPipeline(
      SupabaseRest rest,
      LogSpool spool,
      InstantSource clock,
      Settings settings,
      MeterRegistry metrics,
      Consumer<RobotKeyRejected> onFatal) {
    this.rest = rest;
    this.spool = spool;
    this.sequence = new LogSequence(clock, spool.maxSeq());
    this.clock = clock;
    this.settings = settings;
    this.onFatal = onFatal;
    this.queue = new ArrayBlockingQueue<>(settings.memoryLines());
    this.thread = new NamedThreads("agent-log-shipper", false).newThread(this::loop);
    this.shipped = metrics.counter("agent.log.lines.shipped");
    this.spooled = metrics.counter("agent.log.lines.spooled");
    this.dropped = metrics.counter("agent.log.lines.dropped");
    Gauge.builder("agent.log.spool.bytes", spool, LogSpool::bytes).register(metrics);
    Gauge.builder("agent.log.queue.lines", queue, BlockingQueue::size).register(metrics);
  }

  /** Counts lines the spool had to drop (wire this to the spool's drop callback). */
  public void countDropped(long lines) {
    dropped.increment(lines);
  }

  /** Where live lines go once the Realtime channel exists. */
  public void attachLive(LiveLogs liveLogs) {
    this.live = liveLogs;
  }

  public void start() {
    thread.start();
  }

  /**
   * Queues a line; waits up to a second when the memory queue is full, then drops it (counted in
   * {@code agent_log_lines_dropped_total}). Lines below the configured level are ignored.
   */
  public void append(LogLevel level, String message, UUID jobId, String nodeId, String source) {
    if (!level.atLeast(settings.minLevel())) {
      return;
    }
    LogLine line =
        new LogLine(
            UUID.randomUUID(),
            sequence.next(),
            clock.instant(),
            level,
            message,
            jobId,
            nodeId,
            source);
    try {
      if (!queue.offer(line, OFFER_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        dropped.increment();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      dropped.increment();
    }
  }

  /** Like {@link #append} but never waits: a full queue drops the line (counted). */
  public void offer(LogLevel level, String message, String source) {
    if (!level.atLeast(settings.minLevel())) {
      return;
    }
    LogLine line =
        new LogLine(
            UUID.randomUUID(),
            sequence.next(),
            clock.instant(),
            level,
            message,
            null,
            null,
            source);
    if (!queue.offer(line)) {
      dropped.increment();
    }
  }

  /**
   * Ships (or spools) everything queued, tries to replay the spool until {@code deadline}, and
   * stops the shipper. Idempotent.
   */
  public void stop(Duration deadline) {
    stopDeadline = clock.instant().plus(deadline);
    stopping = true;
    try {
      thread.join(deadline.plusSeconds(2).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    List<LogLine> batch = new ArrayList<>(settings.batchSize());
    try {
      while (!stopping || !queue.isEmpty()) {
        fill(batch);
        if (!batch.isEmpty()) {
          deliver(batch);
          batch.clear();
        }
        if (spool.hasBacklog() && !clock.instant().isBefore(nextReplay)) {
          replayOneSegment();
        }
      }
      while (spool.hasBacklog() && clock.instant().isBefore(stopDeadline)) {
        if (!replayOneSegment()) {
          break;
        }
      }
      spool.close();
    } catch (IOException e) {
      log.error("log spool failed; logs of this run may be lost: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for a first line, then for the batch to fill or the flush interval to pass. */
  private void fill(List<LogLine> batch) throws InterruptedException {
    long wait = stopping ? 10 : settings.flushInterval().toMillis();
    LogLine first = queue.poll(wait, TimeUnit.MILLISECONDS);
    if (first == null) {
      return;
    }
    batch.add(first);
    long end = System.nanoTime() + settings.flushInterval().toNanos();
    while (batch.size() < settings.batchSize()) {
      queue.drainTo(batch, settings.batchSize() - batch.size());
      long left = end - System.nanoTime();
      if (batch.size() >= settings.batchSize() || left <= 0 || stopping) {
        return;
      }
      LogLine next = queue.poll(left, TimeUnit.NANOSECONDS);
      if (next == null) {
        return;
      }
      batch.add(next);
    }
  }

  private void deliver(List<LogLine> batch) throws IOException {
    if (spool.hasBacklog()) {
      toSpool(batch);
      return;
    }
    try {
      send(batch, RetryPolicy.QUICK);
      LiveLogs tail = live;
      if (tail != null) {
        tail.publish(batch);
      }
    } catch (BackendUnavailable e) {
      if (!outageReported) {
        log.warn("backend unreachable for logs ({}); spooling to disk", e.getMessage());
        outageReported = true;
      }
      toSpool(batch);
      nextReplay = clock.instant().plus(replayBackoff.delay(replayFailures++));
    } catch (RobotKeyRejected e) {
      toSpool(batch);
      onFatal.accept(e);
    } catch (RpcRejected e) {
      log.error("append_robot_logs refused a batch of {} lines: {}", batch.size(), e.getMessage());
      dropped.increment(batch.size());
    }
  }

  private void toSpool(List<LogLine> batch) throws IOException {
    spool.append(batch);
    spooled.increment(batch.size());
  }

  /** Replays the oldest spooled segment; returns false when the backend refused it. */
  private boolean replayOneSegment() throws IOException {
    var segment = spool.oldest();
    if (segment.isEmpty()) {
      return true;
    }
    List<LogLine> lines = segment.get().lines();
    try {
      for (int from = 0; from < lines.size(); from += settings.batchSize()) {
        send(
            lines.subList(from, Math.min(lines.size(), from + settings.batchSize())),
            RetryPolicy.ONCE);
      }
      spool.delete(segment.get());
      replayFailures = 0;
      if (!spool.hasBacklog()) {
        log.info("log spool replayed; shipping directly again");
        outageReported = false;
      }
      return true;
    } catch (BackendUnavailable e) {
      nextReplay = clock.instant().plus(replayBackoff.delay(replayFailures++));
      return false;
    } catch (RobotKeyRejected e) {
      onFatal.accept(e);
      nextReplay = Instant.MAX;
      return false;
    } catch (RpcRejected e) {
      log.error(
          "append_robot_logs refused spooled lines; dropping {}: {}", lines.size(), e.getMessage());
      dropped.increment(lines.size());
      spool.delete(segment.get());
      return true;
    }
  }

  private void send(List<LogLine> lines, RetryPolicy policy) {
    if (lines.isEmpty()) {
      return;
    }
    rest.rpc("append_robot_logs", Map.of("p_logs", lines), policy);
    shipped.increment(lines.size());
  }
}
