package com.casarerpa.fleet.agent.logs;

import com.casarerpa.fleet.agent.internal.Json;
import com.casarerpa.fleet.agent.internal.PrivateFiles;
import com.casarerpa.fleet.workflow.LogLevel;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead journal of log lines: every accepted line is appended here before it is shipped.
 * The journal assigns each line its {@code seq} as it writes it, so journal order and {@code seq}
 * order are the same thing whatever the producers' interleaving (the reader's "after the acked
 * {@code seq}" can then never skip a line). Segments are JSON-lines files named by their first
 * {@code seq}, so their names sort in log order; a small {@code acked} file holds the highest
 * {@code seq} the backend acknowledged, so a restart replays only what may not have arrived (and
 * the client {@code id} makes that replay idempotent).
 *
 * <p>The journal belongs to one robot: {@link #bindRobot} records its id in the file {@code robot}.
 * Nothing is read for shipping before that; segments a previous run of another robot left (or an
 * unlabelled journal) are moved aside to {@code foreign-<robot>-<time>/} and never shipped with
 * this robot's key. Files are private to the user ({@link PrivateFiles}).
 *
 * <p>One writer thread calls {@link #append} and {@link #sync}; one reader thread calls {@link
 * #read} and {@link #ack}. They share only the segment index, guarded by {@code this} and never
 * held across I/O. Disk budget ({@code maxBytes}): at 90 % lines below INFO are refused, at 100 %
 * every line is refused; accepted lines are never dropped to make room. Segments older than the
 * retention are dropped (counted) when the journal opens.
 */
public final class LogSpool {
  private static final Logger log = LoggerFactory.getLogger(LogSpool.class);
  private static final long SEGMENT_BYTES = 4L * 1024 * 1024;
  private static final int READ_CHUNK = 512 * 1024;
  private static final String SUFFIX = ".jsonl";

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;
  private final Duration retention;
  private final InstantSource clock;
  private long droppedAtOpen;

  /** First seq of each segment -> bytes written to it so far (guarded by this). */
  private final TreeMap<Long, Long> segments = new TreeMap<>();

  private long bytes;
  private volatile long maxSeq;
  private LogSequence sequence;
  private UUID previousRobot;
  private final List<Long> inherited = new ArrayList<>();
  private volatile UUID robot;
  private long writing = -1;
  private FileChannel current;
  private long currentSize;
  private FileChannel ackFile;
  private volatile long acked;
  private long readSegment = -1;
  private long readOffset;
  private FileChannel reading;
  private long readingSegment = -1;

  public LogSpool(Path dir, long maxBytes, Duration retention, InstantSource clock) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = Math.max(64 * 1024, Math.min(SEGMENT_BYTES, maxBytes / 8));
    this.retention = retention;
    this.clock = clock;
  }

  /**
   * Lines read from the journal exactly as stored (one JSON object each, never parsed into a {@link
   * LogLine} and written again: the shipper sends these bytes), and where the reader continues once
   * they are acknowledged.
   */
  record Batch(List<byte[]> json, long lastSeq, long segment, long offset) {
    boolean isEmpty() {
      return json.isEmpty();
    }

    int size() {
      return json.size();
    }

    /** The lines parsed (tests and diagnostics; the shipper never needs this). */
    List<LogLine> lines() {
      List<LogLine> lines = new ArrayList<>(json.size());
      for (byte[] line : json) {
        try {
          lines.add(Json.MAPPER.readValue(line, LogLine.class));
        } catch (IOException e) {
          throw new IllegalStateException("a journal line that was read as valid is not", e);
        }
      }
      return lines;
    }

    /** {@code {"<name>":[line,line,...]}}: the lines as one JSON request body, bytes as stored. */
    byte[] requestBody(String name) {
      int size = name.length() + 6 + json.size();
      for (byte[] line : json) {
        size += line.length;
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream(size);
      body.writeBytes(("{\"" + name + "\":[").getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < json.size(); i++) {
        if (i > 0) {
          body.write(',');
        }
        body.writeBytes(json.get(i));
      }
      body.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
      return body.toByteArray();
    }
  }

  /** Creates the folder, drops expired segments, and indexes what a previous run left. */
  public void open() throws IOException {
    PrivateFiles.directory(dir);
    ackFile =
        PrivateFiles.open(
            dir.resolve("acked"),
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE));
    acked = readAcked();
    previousRobot = readRobot();
    maxSeq = acked;
    for (Path file : segmentFiles()) {
      if (Files.getLastModifiedTime(file).toInstant().isBefore(clock.instant().minus(retention))) {
        drop(file, "older than the retention of " + retention.toDays() + " days");
      } else {
        segments.put(firstSeq(file), Files.size(file));
        inherited.add(firstSeq(file));
        bytes += Files.size(file);
      }
    }
    if (!segments.isEmpty()) {
      maxSeq = Math.max(maxSeq, segments.lastKey());
      for (long seq :
          parse(Files.readAllBytes(path(segments.lastKey())), true, Integer.MAX_VALUE).seqs()) {
        maxSeq = Math.max(maxSeq, seq);
      }
      log.info(
          "log journal holds {} segment(s), {} bytes, from a previous run", segments.size(), bytes);
    }
    sequence = new LogSequence(clock, maxSeq);
  }

  /**
   * Records which robot this journal ships for, once registration told us. Segments a previous run
   * left under another robot (or under none recorded) are moved aside, logged as ERROR and never
   * shipped with this robot's key; until this call nothing is read for shipping.
   */
  public void bindRobot(UUID robotId) throws IOException {
    if (robotId.equals(robot)) {
      return;
    }
    List<Long> foreign = new ArrayList<>();
    synchronized (this) {
      if (!robotId.equals(previousRobot)) {
        for (Long first : inherited) {
          Long size = segments.remove(first);
          if (size != null) {
            bytes -= size;
            foreign.add(first);
          }
        }
      }
      inherited.clear();
    }
    if (!foreign.isEmpty()) {
      String owner = previousRobot == null ? "unknown" : previousRobot.toString();
      Path aside = dir.resolve("foreign-" + owner + "-" + clock.instant().toEpochMilli());
      PrivateFiles.directory(aside);
      for (Long first : foreign) {
        Files.move(path(first), aside.resolve(path(first).getFileName()));
      }
      log.error(
          "the log journal in {} holds {} segment(s) of robot {} from a previous run; they are"
              + " not this robot's ({}) and were moved to {} instead of being shipped with this"
              + " robot's key",
          dir,
          foreign.size(),
          owner,
          robotId,
          aside);
    }
    PrivateFiles.write(dir.resolve("robot"), robotId + "\n");
    previousRobot = robotId;
    robot = robotId;
  }

  /** The robot this journal ships for, or null before {@link #bindRobot}. */
  public UUID robot() {
    return robot;
  }

  /** Lines {@link #open} dropped because their segment was past the retention. */
  long droppedAtOpen() {
    return droppedAtOpen;
  }

  long maxBytes() {
    return maxBytes;
  }

  public synchronized long bytes() {
    return bytes;
  }

  /** Highest seq ever journaled (0 when empty): seeds the sequence after a restart. */
  long maxSeq() {
    return maxSeq;
  }

  /**
   * Appends the lines the disk budget admits, in order, to the OS (not yet fsynced: see {@link
   * #sync}), giving each its {@code seq} here (the {@code seq} a line arrives with is ignored);
   * returns the lines refused by the budget. One writer thread only.
   */
  public List<LogLine> append(List<LogLine> lines) throws IOException {
    List<LogLine> refused = new ArrayList<>();
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    ByteArrayOutputStream one = new ByteArrayOutputStream(256);
    long budgetLeft = maxBytes - bytes();
    try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(one)) {
      json.setRootValueSeparator(null);
      for (LogLine unsequenced : lines) {
        LogLine line = unsequenced.withSeq(sequence.next());
        one.reset();
        write(json, line);
        if (!appendOne(line, unsequenced, one, text, refused, budgetLeft)) {
          continue;
        }
        budgetLeft -= one.size() + 1L;
      }
    }
    write(text);
    return refused;
  }

  /**
   * One line as {@link LogLine}'s JSON form (what {@code Json.MAPPER} would write, fields in the
   * same order, nulls left out), through a streaming generator: the journal writer's main cost was
   * serialising each line by reflection.
   */
  private static void write(JsonGenerator json, LogLine line) throws IOException {
    json.writeStartObject();
    json.writeStringField("id", line.id().toString());
    json.writeNumberField("seq", line.seq());
    json.writeStringField("ts", line.ts().toString());
    json.writeStringField("level", line.level().name());
    if (line.message() != null) {
      json.writeStringField("message", line.message());
    }
    if (line.jobId() != null) {
      json.writeStringField("job_id", line.jobId().toString());
    }
    if (line.nodeId() != null) {
      json.writeStringField("node_id", line.nodeId());
    }
    if (line.source() != null) {
      json.writeStringField("source", line.source());
    }
    json.writeEndObject();
    json.flush();
  }

  /** Adds one serialised line to {@code text} unless the budget refuses it; true when added. */
  private boolean appendOne(
      LogLine line,
      LogLine unsequenced,
      ByteArrayOutputStream one,
      ByteArrayOutputStream text,
      List<LogLine> refused,
      long budgetLeft)
      throws IOException {
    long size = one.size() + 1L;
    boolean low = !line.level().atLeast(LogLevel.INFO);
    if (size > budgetLeft || (low && maxBytes - budgetLeft + size > maxBytes * 9 / 10)) {
      refused.add(unsequenced);
      return false;
    }
    if (current == null || currentSize + text.size() >= segmentBytes) {
      write(text);
      rotate(line.seq());
    }
    one.writeTo(text);
    text.write('\n');
    maxSeq = Math.max(maxSeq, line.seq());
    return true;
  }

  /** Forces what was appended to the device (power-loss safety). */
  void sync() throws IOException {
    if (current != null) {
      current.force(false);
    }
  }

  /** True when lines not yet acknowledged are journaled for the bound robot. */
  boolean hasBacklog() {
    return robot != null && maxSeq > acked;
  }

  /**
   * Up to {@code max} unacknowledged lines, oldest first; does not move the reader. Empty before
   * {@link #bindRobot}.
   */
  Batch read(int max) throws IOException {
    return read(max, null);
  }

  /**
   * Like {@link #read(int)}, but from where {@code after} ends (a batch read but not yet
   * acknowledged: the shipper keeps two in flight), or from the reader's place when null.
   */
  Batch read(int max, Batch after) throws IOException {
    List<byte[]> lines = new ArrayList<>();
    long lastSeq = after == null ? acked : after.lastSeq();
    long segment;
    long offset;
    synchronized (this) {
      segment = after == null ? readSegment : after.segment();
      offset = after == null ? readOffset : after.offset();
    }
    if (robot == null) {
      return new Batch(lines, lastSeq, segment, offset);
    }
    while (lines.size() < max) {
      Map.Entry<Long, Long> at = locate(segment);
      if (at == null) {
        break;
      }
      if (at.getKey() != segment) {
        segment = at.getKey();
        offset = 0;
      }
      long end = at.getValue();
      if (offset >= end) {
        if (isSealed(segment) && locate(segment + 1) != null) {
          segment++;
          offset = 0; // the next segment may start at exactly this seq: read it from its start
          continue;
        }
        break;
      }
      byte[] chunk = readChunk(segment, offset, (int) Math.min(READ_CHUNK, end - offset));
      boolean last = isSealed(segment) && offset + chunk.length >= end;
      Parsed parsed = parse(chunk, last, max - lines.size());
      int take = 0;
      for (int i = 0; i < parsed.seqs().size(); i++) {
        if (lines.size() >= max) {
          break;
        }
        take++;
        long seq = parsed.seqs().get(i);
        if (seq > acked) {
          lines.add(Arrays.copyOfRange(chunk, parsed.starts().get(i), parsed.stops().get(i)));
          lastSeq = Math.max(lastSeq, seq);
        }
      }
      offset += take == parsed.seqs().size() ? parsed.consumed() : parsed.ends().get(take - 1);
      if (parsed.consumed() == 0) {
        break;
      }
    }
    return new Batch(lines, lastSeq, segment, offset);
  }

  /** Records that the backend stored a batch; deletes segments read to their end. */
  void ack(Batch batch) throws IOException {
    if (!batch.isEmpty()) {
      acked = Math.max(acked, batch.lastSeq());
      byte[] text = String.format("%020d\n", acked).getBytes(StandardCharsets.US_ASCII);
      ackFile.write(ByteBuffer.wrap(text), 0);
    }
    List<Long> done = new ArrayList<>();
    synchronized (this) {
      readSegment = batch.segment();
      readOffset = batch.offset();
      for (Long first : List.copyOf(segments.headMap(readSegment).keySet())) {
        bytes -= segments.remove(first);
        done.add(first);
      }
    }
    for (Long first : done) {
      Files.deleteIfExists(path(first));
    }
  }

  public void close() throws IOException {
    sync();
    for (FileChannel channel : new FileChannel[] {current, reading, ackFile}) {
      if (channel != null) {
        channel.close();
      }
    }
    current = null;
    reading = null;
  }

  /**
   * The complete lines of a chunk: their {@code seq}, where each starts and stops (its newline),
   * where reading continues after it, and the bytes consumed.
   */
  private record Parsed(
      List<Long> seqs,
      List<Integer> starts,
      List<Integer> stops,
      List<Integer> ends,
      int consumed) {}

  /** Complete lines of {@code bytes}; a torn or unreadable line is skipped with a warning. */
  private Parsed parse(byte[] bytes, boolean last, int limit) {
    List<Long> seqs = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    List<Integer> stops = new ArrayList<>();
    List<Integer> ends = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length && seqs.size() < limit; i++) {
      if (bytes[i] != '\n') {
        continue;
      }
      long seq = checkedSeq(bytes, start, i - start);
      if (seq >= 0) {
        seqs.add(seq);
        starts.add(start);
        stops.add(i);
        ends.add(i + 1);
      } else {
        log.warn("skipping an unreadable journal line ({} bytes)", i - start);
      }
      start = i + 1;
    }
    if (last && start < bytes.length && seqs.size() < limit) {
      log.warn(
          "skipping a torn last journal line ({} bytes; written during a crash?)",
          bytes.length - start);
      start = bytes.length;
    }
    if (!ends.isEmpty() && ends.getLast() < start) {
      ends.set(ends.size() - 1, start); // skipped lines after the last good one go with it
    }
    return new Parsed(seqs, starts, stops, ends, start);
  }

  /**
   * The {@code seq} of one journal line, or -1 when the line is not what {@link #append} writes: a
   * single JSON object with a uuid {@code id}, a non-negative integer {@code seq}, and string
   * {@code ts} and {@code message}. One pass of the streaming parser, no objects built: the line is
   * shipped as these bytes, so it must be one the backend takes.
   */
  private static long checkedSeq(byte[] bytes, int offset, int length) {
    long seq = -1;
    boolean id = false;
    boolean ts = false;
    boolean message = false;
    try (JsonParser parser = Json.MAPPER.getFactory().createParser(bytes, offset, length)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return -1;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "id" ->
              id =
                  value == JsonToken.VALUE_STRING
                      && parser.getTextLength() == 36
                      && UUID.fromString(parser.getText()) != null;
          case "seq" -> seq = value == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : -1;
          case "ts" -> ts = value == JsonToken.VALUE_STRING;
          case "message" -> message = value == JsonToken.VALUE_STRING;
          default -> parser.skipChildren();
        }
      }
      if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
        return -1;
      }
    } catch (IOException | IllegalArgumentException e) {
      return -1;
    }
    return id && ts && message ? seq : -1;
  }

  private void write(ByteArrayOutputStream text) throws IOException {
    if (text.size() == 0) {
      return;
    }
    ByteBuffer buffer = ByteBuffer.wrap(text.toByteArray());
    int size = buffer.remaining();
    while (buffer.hasRemaining()) {
      current.write(buffer);
    }
    currentSize += size;
    text.reset();
    synchronized (this) {
      segments.put(writing, currentSize);
      bytes += size;
    }
  }

  private void rotate(long firstSeq) throws IOException {
    if (current != null) {
      current.force(false);
      current.close();
    }
    current =
        PrivateFiles.open(
            path(firstSeq),
            Set.of(
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING));
    currentSize = 0;
    synchronized (this) {
      writing = firstSeq;
      segments.put(firstSeq, 0L);
    }
  }

  private byte[] readChunk(long segment, long offset, int size) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(size);
    FileChannel channel = channel(segment);
    while (chunk.hasRemaining() && channel.read(chunk, offset + chunk.position()) >= 0) {
      // a regular file fills the buffer in one or two reads
    }
    return chunk.position() == size
        ? chunk.array()
        : Arrays.copyOf(chunk.array(), chunk.position());
  }

  private synchronized Map.Entry<Long, Long> locate(long segment) {
    return segments.ceilingEntry(segment);
  }

  private synchronized boolean isSealed(long segment) {
    return segment != writing;
  }

  private FileChannel channel(long segment) throws IOException {
    if (reading == null || readingSegment != segment) {
      if (reading != null) {
        reading.close();
      }
      reading = FileChannel.open(path(segment), StandardOpenOption.READ);
      readingSegment = segment;
    }
    return reading;
  }

  private long readAcked() throws IOException {
    ByteBuffer text = ByteBuffer.allocate(32);
    ackFile.read(text, 0);
    String value = new String(text.array(), 0, text.position(), StandardCharsets.US_ASCII).trim();
    try {
      return value.isEmpty() ? 0 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      log.warn("log journal ack mark unreadable; replaying the whole journal (idempotent)");
      return 0;
    }
  }

  private UUID readRobot() throws IOException {
    Path file = dir.resolve("robot");
    if (!Files.exists(file)) {
      return null;
    }
    try {
      return UUID.fromString(Files.readString(file, StandardCharsets.UTF_8).trim());
    } catch (IllegalArgumentException e) {
      log.warn("log journal robot mark unreadable; treating the journal as another robot's");
      return null;
    }
  }

  private List<Path> segmentFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(LogSpool::isSegment).sorted().toList();
    }
  }

  private static boolean isSegment(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(SUFFIX)
        && name.substring(0, name.length() - SUFFIX.length()).matches("\\d{1,20}");
  }

  private static long firstSeq(Path file) {
    String name = file.getFileName().toString();
    return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
  }

  private Path path(long firstSeq) {
    return dir.resolve(String.format("%020d%s", firstSeq, SUFFIX));
  }

  private void drop(Path file, String why) throws IOException {
    long lines;
    try (Stream<String> all = Files.lines(file, StandardCharsets.UTF_8)) {
      lines = all.count();
    }
    Files.deleteIfExists(file);
    log.error("dropped {} journaled log lines ({}): {}", lines, file.getFileName(), why);
    droppedAtOpen += lines;
  }
}
