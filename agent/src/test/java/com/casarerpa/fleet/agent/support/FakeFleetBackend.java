package com.casarerpa.fleet.agent.support;

import com.casarerpa.fleet.agent.internal.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * An in-memory stand-in for the fleet's robot RPCs (docs/RPC.md) plus Realtime, on one real
 * loopback port. It keeps just enough state to check the agent's side of the contract: claims with
 * fresh tokens, fencing (409 PT409), cancel and lost lists, idempotent log appends. It exists until
 * the real local stack does; the acceptance tests run against the real one.
 */
public final class FakeFleetBackend implements AutoCloseable {
  /** One job as the fake database sees it. */
  public static final class Job {
    public final UUID id = UUID.randomUUID();
    public final JsonNode workflow;
    public volatile String status = "queued";
    public volatile UUID token;
    public volatile int progress;
    public volatile String currentNode;
    public volatile boolean cancelRequested;
    public volatile boolean lost;
    public volatile JsonNode result;
    public volatile String error;
    public volatile Boolean timedOut;
    public volatile int claims;

    /** Fields written over this job's {@code claim_jobs} row (to hand the agent a bad row). */
    public volatile ObjectNode claimRowOverride;

    Job(JsonNode workflow) {
      this.workflow = workflow;
    }
  }

  public final UUID robotId = UUID.randomUUID();
  private final FakePhoenixServer server;
  private final Map<UUID, Job> jobs = new LinkedHashMap<>();
  private final Map<UUID, JsonNode> logsById = new LinkedHashMap<>();
  private final Set<String> failOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private volatile boolean down;
  private volatile boolean keyRevoked;
  private volatile int leaseSeconds = 30;
  private volatile int heartbeatSeconds = 1;
  private final java.util.Set<String> held = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicInteger waiting =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile boolean closed;
  private volatile boolean schemaWithoutName;
  private volatile String takenName;
  private volatile String name = "fake-robot";

  public FakeFleetBackend() throws IOException {
    server = new FakePhoenixServer(this::answer);
  }

  /** The timing {@code robot_register} hands out (default: a 30 s lease, a heartbeat a second). */
  public void serverTiming(int leaseSeconds, int heartbeatSeconds) {
    this.leaseSeconds = leaseSeconds;
    this.heartbeatSeconds = heartbeatSeconds;
  }

  public URI url() {
    return server.url();
  }

  public FakePhoenixServer realtime() {
    return server;
  }

  /** Makes every REST call fail with 503, as an unreachable database does. */
  public void down(boolean isDown) {
    this.down = isDown;
  }

  /**
   * Calls of {@code rpc} hang (no answer) until {@link #answer(String)} or {@link #close}: a slow
   * or stuck endpoint.
   */
  public void hold(String rpc) {
    held.add(rpc);
  }

  /** Lets held calls of {@code rpc} (and later ones) through. */
  public void answer(String rpc) {
    held.remove(rpc);
    synchronized (held) {
      held.notifyAll();
    }
  }

  /**
   * The next {@code append_robot_logs} call whose first line's message is {@code message} answers
   * 503 (once): one batch of several in flight fails.
   */
  public void failOnce(String message) {
    failOnce.add(message);
  }

  /** How many calls are hanging on {@link #hold} right now. */
  public int waiting() {
    return waiting.get();
  }

  /** Answers robot_register with p_name as a database before migration 20261201000100 does. */
  public void schemaWithoutName() {
    this.schemaWithoutName = true;
  }

  /** Another robot of the fleet holds {@code name}. */
  public void nameTaken(String name) {
    this.takenName = name;
  }

  /** The robot's name in the fake fleet. */
  public String name() {
    return name;
  }

  public void revokeKey() {
    this.keyRevoked = true;
  }

  public synchronized Job enqueue(JsonNode workflow) {
    Job job = new Job(workflow);
    jobs.put(job.id, job);
    return job;
  }

  public synchronized Job job(UUID id) {
    return jobs.get(id);
  }

  /** An operator cancel: the job is flagged and the robot is hinted. */
  public void cancel(Job job) {
    job.cancelRequested = true;
    server.broadcast(
        "realtime:robot:" + robotId,
        "cancel_job",
        Json.MAPPER.createObjectNode().put("job_id", job.id.toString()));
  }

  /** The job was taken away (e.g. requeued by maintenance): the next heartbeat lists it lost. */
  public void takeAway(Job job) {
    job.lost = true;
    job.token = UUID.randomUUID();
  }

  public void announce(Job job) {
    server.broadcast(
        "realtime:job-queue",
        "job_queued",
        Json.MAPPER.createObjectNode().put("job_id", job.id.toString()));
  }

  /**
   * The stored lines in {@code seq} order, as a reader of {@code robot_logs} sees them (the shipper
   * keeps two batches in flight, so they may arrive in either order).
   */
  public synchronized List<JsonNode> logs() {
    List<JsonNode> lines = new ArrayList<>(logsById.values());
    lines.sort(java.util.Comparator.comparingLong(l -> l.path("seq").asLong()));
    return lines;
  }

  public List<String> calls() {
    return List.copyOf(calls);
  }

  public long calls(String rpc) {
    return calls.stream().filter(rpc::equals).count();
  }

  @Override
  public void close() {
    closed = true;
    synchronized (held) {
      held.notifyAll();
    }
    server.close();
  }

  private MockResponse answer(RecordedRequest request) {
    String path = request.getUrl().encodedPath();
    if (!path.startsWith("/rest/v1/rpc/")) {
      return json(200, "{}");
    }
    String rpc = path.substring("/rest/v1/rpc/".length());
    calls.add(rpc);
    if (held.contains(rpc)) {
      waiting.incrementAndGet();
      try {
        synchronized (held) {
          while (held.contains(rpc) && !closed) {
            held.wait(100);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        waiting.decrementAndGet();
      }
    }
    if (rpc.equals("append_robot_logs") && !failOnce.isEmpty()) {
      try {
        String first =
            Json.MAPPER.readTree(request.getBody().utf8()).at("/p_logs/0/message").asText();
        if (failOnce.remove(first)) {
          return json(503, "{\"code\":\"PGRST001\",\"message\":\"database unreachable\"}");
        }
      } catch (IOException e) {
        return json(400, "{\"code\":\"PGRST102\",\"message\":\"bad json\"}");
      }
    }
    if (down) {
      return json(503, "{\"code\":\"PGRST001\",\"message\":\"database unreachable\"}");
    }
    if (keyRevoked) {
      return json(401, "{\"code\":\"PT401\",\"message\":\"robot api key revoked\"}");
    }
    try {
      JsonNode params = Json.MAPPER.readTree(request.getBody().utf8());
      if (schemaWithoutName && rpc.equals("robot_register") && params.has("p_name")) {
        return json(
            404,
            "{\"code\":\"PGRST202\",\"message\":\"Could not find the function"
                + " public.robot_register(p_name, ...) in the schema cache\"}");
      }
      synchronized (this) {
        return json(200, handle(rpc, params).toString());
      }
    } catch (Fenced e) {
      return json(409, "{\"code\":\"PT409\",\"message\":\"lease lost\"}");
    } catch (IOException e) {
      return json(400, "{\"code\":\"PGRST102\",\"message\":\"bad json\"}");
    }
  }

  private JsonNode handle(String rpc, JsonNode p) {
    return switch (rpc) {
      case "robot_register" -> register(p);
      case "robot_heartbeat" -> heartbeat(p);
      case "claim_jobs" -> claim(p.path("p_limit").asInt(1));
      case "start_job" -> fenced(p, "running");
      case "report_job_progress" -> progress(p);
      case "complete_job" -> finish(p, "completed");
      case "fail_job" -> fail(p);
      case "release_job" -> finish(p, "queued");
      case "finish_cancelled_job" -> finish(p, "cancelled");
      case "append_robot_logs" -> append(p.path("p_logs"));
      case "robot_offline" -> obj().put("status", "offline");
      case "robot_fleet_maintenance" -> obj().put("ran", false);
      default -> obj();
    };
  }

  private JsonNode register(JsonNode p) {
    ObjectNode reply = obj();
    ObjectNode robot = reply.putObject("robot");
    robot.put("robot_id", robotId.toString());
    String requested = p.path("p_name").asText(null);
    if (requested != null) {
      String id = robotId.toString();
      name =
          requested.equals(takenName)
              ? requested + " (" + id.substring(id.length() - 8) + ")"
              : requested;
    }
    reply.put("requested_name", requested);
    robot.put("name", name);
    robot.put("hostname", p.path("p_hostname").asText());
    robot.put("environment", p.path("p_environment").asText());
    robot.set("capabilities", p.path("p_capabilities"));
    robot.put("max_concurrent_jobs", p.path("p_max_concurrent_jobs").asInt());
    robot.putNull("tenant_id");
    ObjectNode settings = reply.putObject("settings");
    settings.put("lease_seconds", leaseSeconds);
    settings.put("heartbeat_interval_seconds", heartbeatSeconds);
    settings.put("offline_threshold_seconds", 10);
    settings.put("job_poll_interval_seconds", 30);
    settings.put("maintenance_interval_seconds", 5);
    reply.put("server_time", Instant.now().toString());
    return reply;
  }

  private JsonNode heartbeat(JsonNode p) {
    ObjectNode reply = obj().put("server_time", Instant.now().toString());
    ArrayNode cancel = reply.putArray("cancel");
    ArrayNode lost = reply.putArray("lost");
    for (JsonNode lease : p.path("p_jobs")) {
      Job job = jobs.get(UUID.fromString(lease.path("job_id").asText()));
      if (job == null
          || job.lost
          || !lease.path("claim_token").asText().equals(String.valueOf(job.token))) {
        lost.add(lease.path("job_id").asText());
      } else if (job.cancelRequested) {
        cancel.add(job.id.toString());
      }
    }
    reply.put("maintenance_due", false);
    return reply;
  }

  private JsonNode claim(int limit) {
    ArrayNode rows = Json.MAPPER.createArrayNode();
    for (Job job : jobs.values()) {
      if (rows.size() >= limit) {
        break;
      }
      if (job.status.equals("queued")) {
        job.status = "claimed";
        job.token = UUID.randomUUID();
        job.claims++;
        ObjectNode row = rows.addObject();
        row.put("job_id", job.id.toString());
        row.put("claim_token", job.token.toString());
        row.put("attempt", job.claims);
        row.put("workflow_id", UUID.randomUUID().toString());
        row.put("workflow_name", "fake");
        row.putObject("payload");
        row.set("workflow_json", job.workflow);
        row.put("timeout_seconds", job.workflow.path("timeout_seconds").asInt(0));
        row.put("priority", 10);
        row.put("environment", "default");
        if (job.claimRowOverride != null) {
          row.setAll(job.claimRowOverride);
        }
      }
    }
    return rows;
  }

  private Job held(JsonNode p) {
    Job job = jobs.get(UUID.fromString(p.path("p_job_id").asText()));
    if (job == null
        || job.lost
        || !p.path("p_claim_token").asText().equals(String.valueOf(job.token))
        || !(job.status.equals("claimed") || job.status.equals("running"))) {
      throw new Fenced();
    }
    return job;
  }

  private JsonNode fenced(JsonNode p, String status) {
    Job job = held(p);
    job.status = status;
    return obj().put("job_id", job.id.toString()).put("status", status);
  }

  private JsonNode progress(JsonNode p) {
    Job job = held(p);
    job.progress = p.path("p_progress").asInt();
    job.currentNode = p.path("p_current_node").asText(null);
    return obj().put("job_id", job.id.toString()).put("cancel_requested", job.cancelRequested);
  }

  private JsonNode finish(JsonNode p, String status) {
    Job job = held(p);
    job.status = status;
    job.result = p.path("p_result");
    if (status.equals("queued")) {
      job.token = null;
    }
    return obj().put("job_id", job.id.toString()).put("status", status);
  }

  private JsonNode fail(JsonNode p) {
    Job job = held(p);
    job.error = p.path("p_error_message").asText();
    job.timedOut = p.path("p_timed_out").asBoolean();
    job.status = job.timedOut ? "timeout" : "failed";
    return obj().put("job_id", job.id.toString()).put("status", job.status);
  }

  private JsonNode append(JsonNode lines) {
    int added = 0;
    for (JsonNode line : lines) {
      if (logsById.putIfAbsent(UUID.fromString(line.path("id").asText()), line) == null) {
        added++;
      }
    }
    return Json.MAPPER.getNodeFactory().numberNode(added);
  }

  private static ObjectNode obj() {
    return Json.MAPPER.createObjectNode();
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  private static final class Fenced extends RuntimeException {
    Fenced() {
      super("lease lost", null, false, false);
    }
  }
}
