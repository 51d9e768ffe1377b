package com.casarerpa.fleet.agent.logs;

import com.casarerpa.fleet.agent.internal.Backoff;
import com.casarerpa.fleet.agent.internal.NamedThreads;
import com.casarerpa.fleet.agent.internal.Sleeper;
import com.casarerpa.fleet.agent.internal.Worker;
import com.casarerpa.fleet.agent.supabase.BackendUnavailable;
import com.casarerpa.fleet.agent.supabase.RetryPolicy;
import com.casarerpa.fleet.agent.supabase.RobotKeyRejected;
import com.casarerpa.fleet.agent.supabase.RpcRejected;
import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import com.casarerpa.fleet.workflow.LogLevel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships agent and workflow log lines to {@code robot_logs} through {@code append_robot_logs},
 * write-ahead: a line is accepted once the journal ({@link LogSpool}) holds it.
 *
 * <p>Producers hand lines to a bounded memory queue of {@code memoryLines}; {@link #append} waits
 * while it is full (back-pressure from the disk, never a drop), {@link #offer} (the agent's own log
 * appender) never waits and counts a full queue as dropped. Thread {@code
 * agent-log-shipper-journal} drains the queue into the journal, written to the OS at least every
 * {@value #JOURNAL_TICK_MS} ms (a {@code kill -9} loses nothing written) and fsynced every second
 * and at stop (a power loss loses at most that second). Thread {@code agent-log-shipper} reads the
 * journal oldest first, cuts batches by size or age and hands them, as the journal's JSON bytes, to
 * {@value #IN_FLIGHT} sender threads ({@code agent-log-shipper-send-*}), so that {@value
 * #IN_FLIGHT} batches are in flight at once; it acknowledges them in the journal strictly in order
 * (a failed batch is sent again together with every batch after it, never skipped); while the
 * backend is away it retries with full-jitter backoff. At start, whatever a previous run left
 * unacknowledged ships first; the client {@code id} and {@code seq} make that replay idempotent.
 * Disk budget policy: see {@link LogSpool}; refused lines are counted in {@code
 * agent_log_lines_refused_total} and reported by one WARN per episode.
 */
public final class LogPipeline {
  private static final Logger log = LoggerFactory.getLogger(LogPipeline.class);
  private static final long JOURNAL_TICK_MS = 100;
  private static final Duration SYNC_EVERY = Duration.ofSeconds(1);
  private static final Duration WRITER_STOP = Duration.ofSeconds(2);
  private static final Duration LONGEST_WAIT = Duration.ofMinutes(1);

  /**
   * Batches shipped at once: while the database stores one, the next is read, sent and parsed on
   * the way (measured: the agent's and the API's share of a batch is as large as the database's).
   * Acknowledged strictly in order.
   */
  static final int IN_FLIGHT = 2;

  /** Batching settings. */
  public record Settings(
      int batchSize, Duration flushInterval, int memoryLines, LogLevel minLevel) {}

  private final SupabaseRest rest;
  private final LogSpool spool;
  private final InstantSource clock;
  private final Sleeper sleeper;
  private final Settings settings;
  private final Consumer<RobotKeyRejected> onFatal;
  private final BlockingQueue<LogLine> queue;
  private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
  private final Thread writer;
  private final Thread shipper;
  private final ThreadPoolExecutor senders;
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  private final Object journaled = new Object();

  /** Markers queued by {@link #awaitJournaled}, released once the writer has written past them. */
  private final Map<LogLine, CountDownLatch> barriers = new ConcurrentHashMap<>();

  private final Counter shipped;
  private final Counter spooled;
  private final Counter dropped;
  private final Counter refused;
  private volatile long signals; // incremented under journaled
  private volatile boolean stopping;
  private volatile boolean writerDone;
  private volatile Instant stopDeadline = Instant.MAX;
  private Instant nextTry = Instant.MIN;
  private Instant firstSeen;
  private int failures;
  private volatile long writerFailures;
  private volatile long shipperFailures;
  private boolean outageReported;
  private boolean budgetReported;

  public LogPipeline(
      SupabaseRest rest,
      LogSpool spool,
      InstantSource clock,
      Settings settings,
      MeterRegistry metrics,
      Consumer<RobotKeyRejected> onFatal) {
    this(rest, spool, clock, Sleeper.SYSTEM, settings, metrics, onFatal);
  }

  /**
   * With the shipper's waits (batch age, backoff) and the journal writer's retry pause going
   * through {@code sleeper}, against {@code clock}: a test drives both.
   */
  LogPipeline(
      SupabaseRest rest,
      LogSpool spool,
      InstantSource clock,
      Sleeper sleeper,
      Settings settings,
      MeterRegistry metrics,
      Consumer<RobotKeyRejected> onFatal) {
    this.rest = rest;
    this.spool = spool;
    this.clock = clock;
    this.sleeper = sleeper;
    this.settings = settings;
    this.onFatal = onFatal;
    this.queue = new ArrayBlockingQueue<>(settings.memoryLines());
    this.writer = new NamedThreads("agent-log-shipper-journal", false).newThread(this::journal);
    this.shipper = new NamedThreads("agent-log-shipper", false).newThread(this::ship);
    this.senders =
        new ThreadPoolExecutor(
            IN_FLIGHT,
            IN_FLIGHT,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            new NamedThreads("agent-log-shipper-send", true));
    senders.allowCoreThreadTimeOut(true); // an idle agent keeps no sender thread
    this.shipped = metrics.counter("agent.log.lines.shipped");
    this.spooled = metrics.counter("agent.log.lines.spooled");
    this.dropped = metrics.counter("agent.log.lines.dropped");
    this.refused = metrics.counter("agent.log.lines.refused");
    dropped.increment(spool.droppedAtOpen());
    Gauge.builder("agent.log.spool.bytes", spool, LogSpool::bytes).register(metrics);
    Gauge.builder("agent.log.queue.lines", queue, BlockingQueue::size).register(metrics);
  }

  /**
   * Tells the journal which robot it ships for (after registration): nothing ships before, and a
   * previous run's lines of another robot are set aside (see {@link LogSpool#bindRobot}).
   */
  public void bindRobot(UUID robotId) throws IOException {
    spool.bindRobot(robotId);
    signal();
  }

  public void start() {
    writer.start();
    shipper.start();
  }

  /** The journal writer and the shipper, for {@code /healthz}. */
  public List<Worker> workers() {
    return List.of(
        Worker.of("log-journal", () -> writer.isAlive() || !started(), () -> writerFailures),
        Worker.of("log-shipper", () -> shipper.isAlive() || !started(), () -> shipperFailures));
  }

  /** True once both threads have ended (a stop with a short deadline may return before). */
  boolean stopped() {
    return !writer.isAlive() && !shipper.isAlive();
  }

  private boolean started() {
    return writer.getState() != Thread.State.NEW && !stopping;
  }

  /**
   * Queues a line for the journal, waiting while the memory queue is full (the journal writer
   * empties it at disk speed). Lines below the configured level are ignored. Only a stopped
   * pipeline or an interrupt drops a line, counted in {@code agent_log_lines_dropped_total}.
   */
  public void append(LogLevel level, String message, UUID jobId, String nodeId, String source) {
    if (!level.atLeast(settings.minLevel())) {
      return;
    }
    LogLine line = line(level, message, jobId, nodeId, source);
    try {
      while (!queue.offer(line, JOURNAL_TICK_MS, TimeUnit.MILLISECONDS)) {
        if (writerDone) {
          dropped.increment();
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (!queue.offer(line)) {
        dropped.increment();
      }
    }
  }

  /**
   * Waits until every line the calling thread appended before this call is in the journal, written
   * to the OS (a {@code kill -9} after this loses none of them), for at most {@code wait}. A job's
   * final write to the database waits on this, so that a job the fleet sees ended never lacks a
   * line its robot logged before it. Returns whether the lines are journaled (false on timeout, a
   * stopped or not yet started writer, or an interrupt).
   */
  public boolean awaitJournaled(Duration wait) {
    if (!started() || writerDone) {
      return false;
    }
    long deadline = System.nanoTime() + wait.toNanos();
    LogLine marker = line(LogLevel.DEBUG, "", null, null, "journal-barrier");
    CountDownLatch passed = new CountDownLatch(1);
    barriers.put(marker, passed);
    try {
      // FIFO queue: once the writer is past the marker, it has written every earlier line
      return queue.offer(marker, wait.toNanos(), TimeUnit.NANOSECONDS)
          && passed.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      barriers.remove(marker);
    }
  }

  /** Like {@link #append} but never waits: a full queue drops the line (counted). */
  void offer(LogLevel level, String message, String source) {
    if (!level.atLeast(settings.minLevel())) {
      return;
    }
    if (!queue.offer(line(level, message, null, null, source))) {
      dropped.increment();
    }
  }

  /**
   * Journals everything queued, ships what the backend takes until {@code deadline} (the rest stays
   * in the journal for the next start), and stops both threads. Idempotent.
   */
  public void stop(Duration deadline) {
    Instant end = clock.instant().plus(deadline);
    stopDeadline = end;
    stopping = true;
    signal();
    try {
      // journaling what is queued is local disk work: it gets at least WRITER_STOP
      writer.join(Math.max(WRITER_STOP.toMillis(), deadline.toMillis()));
      shipper.join(Math.max(1, Duration.between(clock.instant(), end).toMillis()));
      if (!writer.isAlive() && !shipper.isAlive()) {
        spool.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      log.warn("closing the log journal failed: {}", e.toString());
    }
  }

  private LogLine line(LogLevel level, String message, UUID jobId, String nodeId, String source) {
    return new LogLine(UUID.randomUUID(), clock.instant(), level, message, jobId, nodeId, source);
  }

  /**
   * The journal writer: queue -> disk, in order. A failing write (disk full, a file removed under
   * it) is logged and retried every second with the same lines (their ids make a repeat harmless);
   * meanwhile producers wait on the full queue. At stop it gives up after the stop deadline.
   */
  private void journal() {
    List<LogLine> lines = new ArrayList<>();
    List<CountDownLatch> passedBarriers = new ArrayList<>();
    long lastSync = System.nanoTime();
    boolean dirty = false;
    boolean failing = false;
    try {
      while (!stopping || !queue.isEmpty() || !lines.isEmpty()) {
        try {
          if (lines.isEmpty()) {
            LogLine first = queue.poll(JOURNAL_TICK_MS, TimeUnit.MILLISECONDS);
            if (first != null) {
              lines.add(first);
              queue.drainTo(lines, 4 * settings.batchSize());
              takeBarriers(lines, passedBarriers);
            }
          }
          if (!lines.isEmpty()) {
            write(lines);
            lines.clear();
            dirty = true;
          }
          passedBarriers.forEach(CountDownLatch::countDown);
          passedBarriers.clear();
          if (dirty && System.nanoTime() - lastSync >= SYNC_EVERY.toNanos()) {
            spool.sync();
            lastSync = System.nanoTime();
            dirty = false;
          }
          if (failing) {
            log.info("the log journal works again");
            failing = false;
          }
        } catch (IOException | RuntimeException e) {
          writerFailures++;
          if (!failing) {
            log.error(
                "writing the log journal failed ({}); retrying every second, producers wait", e);
            failing = true;
          }
          if (stopping && !clock.instant().isBefore(stopDeadline)) {
            log.error("stopping with {} log line(s) not journaled", lines.size() + queue.size());
            return;
          }
          sleeper.sleep(SYNC_EVERY);
        }
      }
      spool.sync();
    } catch (IOException e) {
      log.error("the final fsync of the log journal failed: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      writerDone = true;
      signal();
    }
  }

  /** Moves the {@link #awaitJournaled} markers out of {@code lines} (they are never journaled). */
  private void takeBarriers(List<LogLine> lines, List<CountDownLatch> passed) {
    if (barriers.isEmpty()) {
      return;
    }
    lines.removeIf(
        line -> {
          CountDownLatch latch = barriers.get(line);
          if (latch != null) {
            passed.add(latch);
          }
          return latch != null;
        });
  }

  private void write(List<LogLine> lines) throws IOException {
    List<LogLine> over = spool.append(lines);
    spooled.increment(lines.size() - over.size());
    if (!over.isEmpty()) {
      refused.increment(over.size());
      if (!budgetReported) {
        budgetReported = true;
        log.warn(
            "log journal at its disk budget (ROBOT_SPOOL_MAX_MB); refusing {} new line(s) below"
                + " INFO from 90 % and every new line from 100 % until the backend takes the"
                + " backlog (agent_log_lines_refused_total counts them)",
            over.size());
      }
    } else if (budgetReported && spool.bytes() < spoolHalf()) {
      budgetReported = false;
    }
    signal();
  }

  private long spoolHalf() {
    return spool.maxBytes() / 2;
  }

  private void signal() {
    synchronized (journaled) {
      signals++;
      journaled.notifyAll();
    }
  }

  /** The shipper: journal -> backend, oldest first. */
  private void ship() {
    try {
      while (shipOnce()) {
        // one batch (or one wait) per round
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      senders.shutdownNow();
    }
  }

  private boolean shipStep() throws IOException, InterruptedException {
    long seen = signals;
    boolean draining = stopping && writerDone;
    if (inFlight.isEmpty()) {
      if (draining && (!spool.hasBacklog() || !clock.instant().isBefore(stopDeadline))) {
        return false;
      }
      if (clock.instant().isBefore(nextTry)) {
        if (draining) {
          return false;
        }
        awaitUntil(nextTry, seen);
        return true;
      }
    }
    boolean pastDeadline = draining && !clock.instant().isBefore(stopDeadline);
    if (inFlight.size() < IN_FLIGHT && !clock.instant().isBefore(nextTry) && !pastDeadline) {
      LogSpool.Batch last = inFlight.isEmpty() ? null : inFlight.peekLast().batch();
      LogSpool.Batch batch = spool.read(settings.batchSize(), last);
      if (batch.isEmpty() && inFlight.isEmpty()) {
        spool.ack(batch);
        firstSeen = null;
        await(settings.flushInterval(), seen);
        return true;
      }
      if (!batch.isEmpty()) {
        if (firstSeen == null) {
          firstSeen = clock.instant();
        }
        boolean full = batch.size() >= settings.batchSize();
        Instant due = firstSeen.plus(settings.flushInterval());
        if (full || !clock.instant().isBefore(due) || stopping) {
          inFlight.addLast(new InFlight(batch, senders.submit(() -> deliver(batch))));
          firstSeen = null;
          return true;
        }
        if (inFlight.isEmpty()) {
          awaitUntil(due, seen); // a journaled line or the stop wakes it earlier
          return true;
        }
      }
    }
    settle(inFlight.removeFirst());
    return true;
  }

  /**
   * Waits for the oldest batch in flight and acknowledges it when it may be; on a failure the
   * batches sent after it are awaited and forgotten (never acknowledged before it), and the next
   * round reads again from the oldest unacknowledged line (the client id makes the repeat
   * harmless).
   */
  private void settle(InFlight oldest) throws IOException, InterruptedException {
    Delivery delivery;
    try {
      delivery = oldest.result().get();
    } catch (ExecutionException e) {
      delivery = new Delivery(Delivery.Kind.FAILED, e.getCause());
    }
    switch (delivery.kind()) {
      case STORED -> {
        shipped.increment(oldest.batch().size());
        failures = 0;
        if (outageReported) {
          log.info("backend reachable again; shipping the log journal");
          outageReported = false;
        }
        spool.ack(oldest.batch());
      }
      case REFUSED -> {
        log.error(
            "append_robot_logs refused a batch of {} lines: {}",
            oldest.batch().size(),
            delivery.error().getMessage());
        dropped.increment(oldest.batch().size());
        spool.ack(oldest.batch());
      }
      case UNAVAILABLE -> {
        if (!outageReported) {
          log.warn(
              "backend unreachable for logs ({}); lines wait in the journal",
              delivery.error().getMessage());
          outageReported = true;
        }
        retryLater();
      }
      case KEY_REJECTED -> {
        forgetInFlight();
        onFatal.accept((RobotKeyRejected) delivery.error());
        nextTry = Instant.MAX;
      }
      case FAILED -> {
        shipperFailures++;
        log.error(
            "shipping the log journal failed ({}); retrying, lines stay on disk",
            delivery.error().toString());
        retryLater();
      }
    }
  }

  private void retryLater() throws InterruptedException {
    forgetInFlight();
    nextTry = clock.instant().plus(backoff.delay(failures++));
    firstSeen = Instant.MIN; // the batch was due already: ship it as soon as the backoff ends
  }

  /** Lets the later batches in flight end; their results are not used (they will be resent). */
  private void forgetInFlight() throws InterruptedException {
    for (InFlight later : inFlight) {
      try {
        later.result().get();
      } catch (ExecutionException e) {
        // resent with the oldest batch's retry
      }
    }
    inFlight.clear();
  }

  /** One round of the shipper; false when it should end. Failures are logged and retried. */
  private boolean shipOnce() throws InterruptedException {
    try {
      return shipStep();
    } catch (IOException | RuntimeException e) {
      shipperFailures++;
      log.error("shipping the log journal failed ({}); retrying, lines stay on disk", e);
      if (stopping) {
        return false;
      }
      nextTry = clock.instant().plus(backoff.delay(failures++));
      return true;
    }
  }

  /**
   * Waits up to {@code wait} for a signal (a journaled line, the writer's end, the stop, the
   * robot's binding) unless one came since the shipper's step began ({@code seen}).
   */
  private void await(Duration wait, long seen) throws InterruptedException {
    sleeper.awaitSignal(journaled, wait, () -> signals != seen);
  }

  /** Waits until {@code due} on the clock (at most a minute at a time), or a signal. */
  private void awaitUntil(Instant due, long seen) throws InterruptedException {
    Instant now = clock.instant();
    Duration left = due.isAfter(now.plus(LONGEST_WAIT)) ? LONGEST_WAIT : Duration.between(now, due);
    await(left, seen);
  }

  /** How one batch's call ended (decided on the sender thread, acted on by the shipper). */
  private record Delivery(Kind kind, Throwable error) {
    enum Kind {
      STORED,
      REFUSED,
      UNAVAILABLE,
      KEY_REJECTED,
      FAILED
    }
  }

  /** A batch sent and not yet settled. */
  private record InFlight(LogSpool.Batch batch, Future<Delivery> result) {}

  /**
   * Ships one batch: the journal's JSON lines as they are, concatenated into the request body (no
   * parse, no re-serialisation). Runs on a sender thread.
   */
  private Delivery deliver(LogSpool.Batch batch) {
    try {
      rest.rpcJson("append_robot_logs", batch.requestBody("p_logs"), RetryPolicy.ONCE);
      return new Delivery(Delivery.Kind.STORED, null);
    } catch (BackendUnavailable e) {
      return new Delivery(Delivery.Kind.UNAVAILABLE, e);
    } catch (RobotKeyRejected e) {
      return new Delivery(Delivery.Kind.KEY_REJECTED, e);
    } catch (RpcRejected e) {
      return new Delivery(Delivery.Kind.REFUSED, e);
    } catch (RuntimeException e) {
      return new Delivery(Delivery.Kind.FAILED, e);
    }
  }
}
