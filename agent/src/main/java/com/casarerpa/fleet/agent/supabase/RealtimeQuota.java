package com.casarerpa.fleet.agent.supabase;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Realtime server said when one of the project's quotas stopped this robot: counted per
 * quota (for {@code /metrics}) and reported by ONE warning per quota, saying what happened, what
 * the robot does meanwhile and what to change; repeats are logged at DEBUG. The texts recognised
 * are those of Supabase Realtime ({@code lib/realtime_web/channels/realtime_channel.ex} and the
 * socket's connect refusals). Thread-safe.
 */
public final class RealtimeQuota {
  private static final Logger log = LoggerFactory.getLogger(RealtimeQuota.class);

  /** The quotas of Supabase's Realtime table that a robot can run into. */
  public enum Kind {
    CONNECTIONS("concurrent connections"),
    JOINS("channel joins per second"),
    CHANNELS("channels per connection"),
    MESSAGES("messages per second"),
    PRESENCE("presence messages per second");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** The metric tag value: {@code connections}, {@code joins}, ... */
    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Map<Kind, AtomicLong> counts = new EnumMap<>(Kind.class);
  private final Map<Kind, Boolean> warned = new EnumMap<>(Kind.class);

  public RealtimeQuota() {
    for (Kind kind : Kind.values()) {
      counts.put(kind, new AtomicLong());
    }
  }

  /** Which quota a server text names, if any. */
  public static Optional<Kind> classify(String serverText) {
    if (serverText == null) {
      return Optional.empty();
    }
    String t = serverText.toLowerCase(Locale.ROOT);
    if (t.contains("too many connected users") || t.contains("connectionratelimitreached")) {
      return Optional.of(Kind.CONNECTIONS);
    }
    if (t.contains("too many joins")) {
      return Optional.of(Kind.JOINS);
    }
    if (t.contains("too many channels")) {
      return Optional.of(Kind.CHANNELS);
    }
    if (t.contains("presence messages per second") || t.contains("presence rate limit")) {
      return Optional.of(Kind.PRESENCE);
    }
    if (t.contains("too many messages per second")) {
      return Optional.of(Kind.MESSAGES);
    }
    return Optional.empty();
  }

  /** Refusals of {@code kind} so far. */
  public long count(Kind kind) {
    return counts.get(kind).get();
  }

  /**
   * Counts one refusal; the first of its kind is logged at WARN with the advice.
   *
   * @param serverText what the server said, quoted in the warning
   * @param where the topic or "socket"
   */
  public void refused(Kind kind, String serverText, String where) {
    counts.get(kind).incrementAndGet();
    boolean first;
    synchronized (warned) {
      first = warned.put(kind, Boolean.TRUE) == null;
    }
    if (!first) {
      log.debug("realtime quota {} hit again on {}: {}", kind.tag(), where, serverText);
      return;
    }
    log.warn(
        "Realtime refused this robot ({}: \"{}\"): the project's Realtime quota of {} is used up."
            + " The robot keeps working without it: it heartbeats and claims jobs over REST,"
            + " polling at JOB_POLL_INTERVAL; {} It retries Realtime with a long backoff."
            + " Fix: a plan with a higher Realtime quota, fewer robots per project, or a larger"
            + " fleet_settings.presence_budget_per_second only if the plan allows it"
            + " (README: \"How many robots per plan\"). Counted in"
            + " agent_realtime_quota_refusals_total{quota=\"{}\"}; this warning is not repeated.",
        where,
        serverText,
        kind.label,
        kind == Kind.PRESENCE || kind == Kind.CONNECTIONS || kind == Kind.JOINS
            ? "dashboards may not show it in robot-fleet presence meanwhile."
            : "new jobs wake it at the next poll instead of at once.",
        kind.tag());
  }
}
