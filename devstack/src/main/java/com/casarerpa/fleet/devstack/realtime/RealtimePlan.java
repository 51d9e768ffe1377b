package com.casarerpa.fleet.devstack.realtime;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The Realtime quotas of a hosted Supabase plan (the published "Quotas by plan" table), so that the
 * local stack refuses what such a project would refuse, with the same errors (see {@link
 * RealtimeSettings}): concurrent connections ({@code 429 "Too many connected users"} before the
 * upgrade), messages per second ({@code system} "Too many messages per second" + {@code
 * phx_close}), presence messages per second ("Too many presence messages per second"), channel
 * joins per second ({@code ClientJoinRateLimitReached: Too many joins per second}, then the socket
 * is closed) and the broadcast payload size. Per-channel rules that every plan shares (100 channels
 * per connection, 5 presence calls per 30 s) are left as they are.
 *
 * <p>{@link #UNLIMITED} lifts the project-wide counts, for development and benchmarks.
 */
public enum RealtimePlan {
  FREE(200, 100, 20, 100, 256 * 1024),
  PRO(500, 500, 50, 500, 3000 * 1024),
  TEAM(10_000, 2_500, 1_000, 2_500, 3000 * 1024),
  UNLIMITED(1_000_000, 1_000_000, 1_000_000, 1_000_000, 3000 * 1024);

  private final int connections;
  private final int messagesPerSecond;
  private final int presencePerSecond;
  private final int joinsPerSecond;
  private final int payloadBytes;

  RealtimePlan(
      int connections,
      int messagesPerSecond,
      int presencePerSecond,
      int joinsPerSecond,
      int payloadBytes) {
    this.connections = connections;
    this.messagesPerSecond = messagesPerSecond;
    this.presencePerSecond = presencePerSecond;
    this.joinsPerSecond = joinsPerSecond;
    this.payloadBytes = payloadBytes;
  }

  public int connections() {
    return connections;
  }

  public int messagesPerSecond() {
    return messagesPerSecond;
  }

  public int presencePerSecond() {
    return presencePerSecond;
  }

  public int joinsPerSecond() {
    return joinsPerSecond;
  }

  /** {@code free}, {@code pro}, {@code team} or {@code unlimited} (any case). */
  public static RealtimePlan named(String name) {
    String wanted = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(p -> p.name().equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown Realtime plan '"
                        + name
                        + "'; use one of "
                        + Arrays.stream(values())
                            .map(p -> p.name().toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining(", "))));
  }

  /** {@code base} with this plan's quotas (timeouts and per-channel rules unchanged). */
  public RealtimeSettings applyTo(RealtimeSettings base) {
    return new RealtimeSettings(
        base.idleTimeout(),
        base.maxChannelsPerClient(),
        joinsPerSecond,
        messagesPerSecond,
        connections,
        payloadBytes,
        base.presenceMaxCalls(),
        base.presenceWindow(),
        base.maxTokenCheckInterval(),
        base.joinErrorBackoff(),
        base.connectErrorBackoff(),
        base.maxPendingFrames(),
        presencePerSecond,
        base.noChannelTimeout());
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
