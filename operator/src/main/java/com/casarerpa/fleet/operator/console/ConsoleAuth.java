package com.casarerpa.fleet.operator.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may use the console: whoever knows the login secret (a token printed at start, or the
 * configured password) gets a session, a random id in an HttpOnly SameSite=Strict cookie, with its
 * own CSRF token. Sessions live in memory: restarting the console logs everyone out.
 */
final class ConsoleAuth {
  static final String COOKIE = "casare_console";
  static final String CSRF_HEADER = "X-CSRF-Token";
  static final String CSRF_FIELD = "_csrf";
  static final Duration SESSION_TTL = Duration.ofHours(12);
  private static final int MAX_SESSIONS = 1000;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One logged-in browser. */
  record Session(String id, String csrf, Instant expires) {}

  private final byte[] secretDigest;
  private final InstantSource clock;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  ConsoleAuth(String secret, InstantSource clock) {
    this.secretDigest = sha256(secret);
    this.clock = clock;
  }

  /** A fresh login token: 32 random bytes, URL-safe. */
  static String newToken() {
    return random(32);
  }

  /** Constant-time check of what the login form was given. */
  boolean accepts(String given) {
    return given != null && MessageDigest.isEqual(sha256(given.strip()), secretDigest);
  }

  Session open() {
    Instant now = clock.instant();
    sessions.values().removeIf(s -> s.expires().isBefore(now));
    if (sessions.size() >= MAX_SESSIONS) {
      // the oldest sessions make room: a login flood cannot grow the map without bound
      sessions.values().stream()
          .sorted(java.util.Comparator.comparing(Session::expires))
          .limit(sessions.size() - MAX_SESSIONS + 1L)
          .map(Session::id)
          .toList()
          .forEach(sessions::remove);
    }
    Session session = new Session(random(32), random(24), now.plus(SESSION_TTL));
    sessions.put(session.id(), session);
    return session;
  }

  Optional<Session> find(String cookie) {
    if (cookie == null) {
      return Optional.empty();
    }
    Session session = sessions.get(cookie);
    if (session == null || session.expires().isBefore(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(session);
  }

  boolean csrfMatches(Session session, String given) {
    return given != null
        && MessageDigest.isEqual(
            given.getBytes(StandardCharsets.UTF_8),
            session.csrf().getBytes(StandardCharsets.UTF_8));
  }

  void close(String id) {
    if (id != null) {
      sessions.remove(id);
    }
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
