package com.casarerpa.fleet.agent.logs;

import com.casarerpa.fleet.agent.internal.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk spool for log lines the backend could not take. Segments are JSON-lines files named by
 * their first {@code seq}, so their names sort in log order; each append is forced to disk.
 *
 * <p>Bounded: beyond {@code maxBytes} the oldest segment is deleted, its lines counted as dropped
 * and reported (policy: keep the newest logs). Segments older than the retention are dropped the
 * same way when the spool opens. Used by the log shipper thread only; not thread-safe.
 */
public final class LogSpool {
  private static final Logger log = LoggerFactory.getLogger(LogSpool.class);
  private static final long SEGMENT_BYTES = 4L * 1024 * 1024;
  private static final String SUFFIX = ".jsonl";

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;
  private final Duration retention;
  private final InstantSource clock;
  private final LongConsumer onDropped;
  private final TreeMap<Long, Path> segments = new TreeMap<>();
  private FileChannel current;
  private long currentFirstSeq;
  private long bytes;
  private long maxSeq;

  public LogSpool(
      Path dir, long maxBytes, Duration retention, InstantSource clock, LongConsumer onDropped) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = Math.max(64 * 1024, Math.min(SEGMENT_BYTES, maxBytes / 4));
    this.retention = retention;
    this.clock = clock;
    this.onDropped = onDropped;
  }

  /** Creates the folder, drops expired segments, and indexes what a previous run left. */
  public void open() throws IOException {
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).toList()) {
        String name = file.getFileName().toString();
        try {
          segments.put(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())), file);
        } catch (NumberFormatException e) {
          log.warn("ignoring unexpected file {} in the log spool", file);
        }
      }
    }
    for (Path file : List.copyOf(segments.values())) {
      if (Files.getLastModifiedTime(file).toInstant().isBefore(clock.instant().minus(retention))) {
        drop(file, "older than the retention of " + retention.toDays() + " days");
      }
    }
    for (Path file : segments.values()) {
      bytes += Files.size(file);
    }
    if (!segments.isEmpty()) {
      readSegment(segments.lastEntry().getValue()).stream()
          .mapToLong(LogLine::seq)
          .max()
          .ifPresent(s -> maxSeq = s);
      log.info(
          "log spool holds {} segment(s), {} bytes, from a previous run", segments.size(), bytes);
    }
  }

  public boolean hasBacklog() {
    return !segments.isEmpty();
  }

  public long bytes() {
    return bytes;
  }

  /** Highest seq ever spooled (0 when empty): seeds the sequence after a restart. */
  public long maxSeq() {
    return maxSeq;
  }

  /** Appends lines in order, forced to disk before returning. */
  public void append(List<LogLine> lines) throws IOException {
    if (lines.isEmpty()) {
      return;
    }
    if (current == null || current.size() >= segmentBytes) {
      rotate(lines.getFirst().seq());
    }
    StringBuilder text = new StringBuilder();
    for (LogLine line : lines) {
      text.append(Json.MAPPER.writeValueAsString(line)).append('\n');
      maxSeq = Math.max(maxSeq, line.seq());
    }
    ByteBuffer buffer = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
    bytes += buffer.remaining();
    while (buffer.hasRemaining()) {
      current.write(buffer);
    }
    current.force(false);
    enforceLimit();
  }

  /** The oldest segment's lines, sealing the segment being written if it is the oldest. */
  public Optional<Batch> oldest() throws IOException {
    if (segments.isEmpty()) {
      return Optional.empty();
    }
    var first = segments.firstEntry();
    if (current != null && first.getKey() == currentFirstSeq) {
      sealCurrent();
    }
    return Optional.of(new Batch(first.getKey(), readSegment(first.getValue())));
  }

  /** Deletes a segment whose lines were all accepted by the backend. */
  public void delete(Batch batch) throws IOException {
    Path file = segments.remove(batch.firstSeq());
    if (file != null) {
      bytes -= Files.size(file);
      Files.deleteIfExists(file);
    }
  }

  public void close() throws IOException {
    sealCurrent();
  }

  /** Lines of one segment, in order. */
  public record Batch(long firstSeq, List<LogLine> lines) {}

  private void rotate(long firstSeq) throws IOException {
    sealCurrent();
    Path file = dir.resolve(String.format("%020d%s", firstSeq, SUFFIX));
    current =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    currentFirstSeq = firstSeq;
    segments.put(firstSeq, file);
  }

  private void sealCurrent() throws IOException {
    if (current != null) {
      current.close();
      current = null;
    }
  }

  private void enforceLimit() throws IOException {
    while (bytes > maxBytes && segments.size() > 1) {
      drop(
          segments.firstEntry().getValue(),
          "the spool is over its limit of " + maxBytes + " bytes");
    }
  }

  private void drop(Path file, String why) throws IOException {
    long lines;
    try (Stream<String> all = Files.lines(file, StandardCharsets.UTF_8)) {
      lines = all.count();
    }
    long size = Files.size(file);
    segments.values().remove(file);
    Files.deleteIfExists(file);
    if (bytes >= size) {
      bytes -= size;
    }
    log.error("dropped {} spooled log lines ({}): {}", lines, file.getFileName(), why);
    onDropped.accept(lines);
  }

  private static List<LogLine> readSegment(Path file) throws IOException {
    List<LogLine> lines = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String text;
      while ((text = reader.readLine()) != null) {
        if (text.isBlank()) {
          continue;
        }
        try {
          lines.add(Json.MAPPER.readValue(text, LogLine.class));
        } catch (IOException e) {
          log.warn("skipping a torn line in {} (written during a crash?)", file.getFileName());
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return lines;
  }
}
