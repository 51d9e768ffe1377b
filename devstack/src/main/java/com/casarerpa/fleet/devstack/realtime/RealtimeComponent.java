package com.casarerpa.fleet.devstack.realtime;

import com.casarerpa.fleet.devstack.StackComponent;
import com.casarerpa.fleet.devstack.StackContext;
import com.casarerpa.fleet.devstack.gateway.ApiGateway;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local Realtime server: Phoenix channels on {@code /realtime/v1/websocket} (and {@code
 * /socket/websocket}, as self-hosted Realtime), REST broadcast, broadcast from the database ({@code
 * realtime.send}) and postgres_changes. See the devstack README's Realtime section.
 *
 * <p>Threads: {@code realtime-timer} (idle sweep, token expiry, delayed join errors), plus the
 * database listener and change worker started by {@link ChangeFeed} and {@link
 * DatabaseNotifications}.
 */
public final class RealtimeComponent implements StackComponent {
  private static final Logger log = LoggerFactory.getLogger(RealtimeComponent.class);
  static final String SOCKET_PATH = "/realtime/v1/websocket";
  static final String SELF_HOSTED_SOCKET_PATH = "/socket/websocket";

  private final RealtimeSettings settings;
  private final ScheduledExecutorService timer;
  private final RealtimeHub hub;
  private final ChannelPolicy policy;
  private final ChangeFeed changes;
  private final SocketEndpoint sockets;
  private final BroadcastEndpoint broadcasts;
  private final DatabaseBroadcasts databaseBroadcasts;
  private final DatabaseNotifications notifications;
  private final AtomicBoolean closed = new AtomicBoolean();

  public RealtimeComponent(StackContext context) {
    this(context, RealtimeSettings.fromSystemProperties(context.settings().realtimePlan()));
  }

  public RealtimeComponent(StackContext context, RealtimeSettings settings) {
    this.settings = settings;
    ObjectMapper json = context.json();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "realtime-timer");
              t.setDaemon(true);
              return t;
            });
    this.hub =
        new RealtimeHub(
            settings, context.clock(), new TokenCheck(context.jwt(), context.clock()), timer);
    this.policy = new ChannelPolicy(context.adminPool(), json);
    this.changes = new ChangeFeed(context.adminPool(), json, context.clock());
    hub.onChannelClosed(changes::unsubscribe);
    this.databaseBroadcasts = new DatabaseBroadcasts(context.adminPool(), hub, json);
    this.notifications =
        new DatabaseNotifications(
            context.database().superuserDataSource(),
            Map.of(
                DatabaseBroadcasts.NOTIFY_CHANNEL,
                databaseBroadcasts::deliver,
                CaptureSchema.NOTIFY_CHANNEL,
                id -> changes.wake()),
            List.of(changes::wake, databaseBroadcasts::catchUp));
    ApiKeys keys = new ApiKeys(context.anonKey(), context.serviceRoleKey());
    this.sockets =
        new SocketEndpoint(
            hub,
            new ChannelRouter(
                hub, json, policy, changes, new BroadcastReplay(context.adminPool(), json)),
            json,
            keys);
    ApiGateway gateway =
        new ApiGateway(context.jwt(), context.clock(), context.anonKey(), context.serviceRoleKey());
    this.broadcasts = new BroadcastEndpoint(hub, policy, json, gateway, keys);
  }

  @Override
  public void configure(JavalinConfig config) {
    for (String path : new String[] {SOCKET_PATH, SELF_HOSTED_SOCKET_PATH}) {
      config.routes.wsBeforeUpgrade(path, sockets::beforeUpgrade);
      config.routes.ws(path, sockets::configure);
    }
    config.routes.post("/realtime/v1/api/broadcast", broadcasts::batch);
    config.routes.post("/realtime/v1/api/broadcast/{topic}/events/{event}", broadcasts::single);
  }

  @Override
  public void start() {
    try {
      changes.start();
      databaseBroadcasts.init();
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot start Realtime's database side (capture schema, realtime.messages): "
              + e.getMessage(),
          e);
    }
    notifications.start();
    timer.scheduleWithFixedDelay(databaseBroadcasts::prune, 1, 10, TimeUnit.MINUTES);
    long sweep = Math.max(50, Math.min(1000, settings.idleTimeout().toMillis() / 4));
    timer.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
    log.info(
        "realtime ready: idle timeout {}, {} channels/client, {} events/s, {} joins/s, payload {}"
            + " bytes, {} connections, {} presence events/s",
        settings.idleTimeout(),
        settings.maxChannelsPerClient(),
        settings.maxEventsPerSecond(),
        settings.maxJoinsPerSecond(),
        settings.maxPayloadBytes(),
        settings.maxConcurrentUsers(),
        settings.maxPresenceEventsPerSecond());
  }

  private void sweep() {
    try {
      hub.closeIdleSockets();
    } catch (Throwable t) {
      log.error("idle sweep failed", t);
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    notifications.close();
    changes.close();
    hub.closeAll();
    timer.shutdownNow();
    try {
      if (!timer.awaitTermination(2, TimeUnit.SECONDS)) {
        log.warn("realtime-timer did not stop within 2 s; abandoning it");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
