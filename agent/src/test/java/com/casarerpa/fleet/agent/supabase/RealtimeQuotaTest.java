package com.casarerpa.fleet.agent.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.casarerpa.fleet.agent.supabase.RealtimeQuota.Kind;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RealtimeQuotaTest {
  @Test
  void supabases_refusal_texts_name_their_quota() {
    assertThat(RealtimeQuota.classify("Too many connected users")).contains(Kind.CONNECTIONS);
    assertThat(RealtimeQuota.classify("ConnectionRateLimitReached: Too many connected users"))
        .contains(Kind.CONNECTIONS);
    assertThat(RealtimeQuota.classify("ClientJoinRateLimitReached: Too many joins per second"))
        .contains(Kind.JOINS);
    assertThat(RealtimeQuota.classify("ChannelRateLimitReached: Too many channels"))
        .contains(Kind.CHANNELS);
    assertThat(RealtimeQuota.classify("Too many messages per second")).contains(Kind.MESSAGES);
    assertThat(RealtimeQuota.classify("Too many presence messages per second"))
        .contains(Kind.PRESENCE);
    assertThat(RealtimeQuota.classify("Client presence rate limit exceeded"))
        .contains(Kind.PRESENCE);
    assertThat(RealtimeQuota.classify("Token has expired 3 seconds ago")).isEmpty();
    assertThat(RealtimeQuota.classify(null)).isEmpty();
  }

  @Test
  void each_quota_is_counted_every_time_and_warned_about_once() {
    Logger logger = (Logger) LoggerFactory.getLogger(RealtimeQuota.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    logger.addAppender(events);
    try {
      RealtimeQuota quota = new RealtimeQuota();
      quota.refused(Kind.CONNECTIONS, "Too many connected users", "socket");
      quota.refused(Kind.CONNECTIONS, "Too many connected users", "socket");
      quota.refused(Kind.PRESENCE, "Too many presence messages per second", "realtime:robot-fleet");

      assertThat(quota.count(Kind.CONNECTIONS)).isEqualTo(2);
      assertThat(quota.count(Kind.PRESENCE)).isEqualTo(1);
      assertThat(quota.count(Kind.JOINS)).isZero();
      assertThat(events.list.stream().filter(e -> e.getLevel() == Level.WARN))
          .extracting(ILoggingEvent::getFormattedMessage)
          .hasSize(2)
          .anySatisfy(
              m ->
                  assertThat(m)
                      .contains("\"Too many connected users\"")
                      .contains("concurrent connections")
                      .contains("agent_realtime_quota_refusals_total{quota=\"connections\"}"))
          .anySatisfy(m -> assertThat(m).contains("presence messages per second"));
    } finally {
      logger.detachAppender(events);
    }
  }
}
