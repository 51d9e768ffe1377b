// job-notification: called by the database webhook on `jobs` (migration
// 20261130000400_job_notification_webhook.sql) with Supabase's webhook body
// {type: "INSERT"|"UPDATE"|"DELETE", table, schema, record, old_record}.
//
// Event map (the seed's): INSERT -> job.created; UPDATE to running -> job.started, completed ->
// job.completed, failed -> job.failed, cancelled -> job.cancelled, timeout -> job.timeout.
// Ignored (200 {skipped: reason}): other tables, DELETE, unchanged status, unmapped status, events
// not in NOTIFICATION_EVENTS, no JOB_NOTIFICATION_WEBHOOK.
//
// Environment (`supabase secrets set …`; locally functions/.env):
//   JOB_NOTIFICATION_WEBHOOK  where to POST
//   NOTIFICATION_EVENTS       comma list, default "job.completed,job.failed" (job_completed works too)
//   JOB_NOTIFICATION_SECRET   optional: X-Casare-Signature: sha256=<hex HMAC-SHA256 of the raw body>
//   JOB_NOTIFICATION_ATTEMPTS optional: attempts on 5xx / network errors, 1..10, default 4
//   JOB_NOTIFICATION_BACKOFF_MS optional: first backoff, doubled per retry, default 500
// Outbound: POST, Content-Type application/json, User-Agent CasareRPA-Notifier/1.0,
//   X-CasareRPA-Event: <event>, X-Casare-Delivery: <uuid, the same on every attempt>,
//   body {event, timestamp, job: {id, workflow_id, workflow_name, status, robot_id, progress,
//   duration_ms, error}, previous_status}. A 4xx is final (not retried).
// Outcome: record_job_notification merges {event: {success, status, attempts, delivery_id,
//   timestamp, error?}} into jobs.metadata.notifications; other metadata keys are kept.
// Only the service role may call it (the webhook sends its key): 401 otherwise.

const EVENTS: Record<string, string> = {
  running: "job.started",
  completed: "job.completed",
  failed: "job.failed",
  cancelled: "job.cancelled",
  timeout: "job.timeout",
};

type Row = Record<string, unknown>;

function reply(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

function jwtRole(token: string): string | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  try {
    const b64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
    const role = JSON.parse(atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, "="))).role;
    return typeof role === "string" ? role : null;
  } catch {
    return null;
  }
}

function isServiceRole(req: Request, serviceKey: string): boolean {
  const auth = req.headers.get("authorization") ?? "";
  const token = auth.toLowerCase().startsWith("bearer ") ? auth.slice(7).trim() : "";
  return token !== "" && (token === serviceKey || jwtRole(token) === "service_role");
}

function normaliseEvent(name: string): string {
  return name.trim().toLowerCase().replace(/^job_/, "job.");
}

export function eventFor(body: Row): { event: string } | { skipped: string } {
  if (body.table !== "jobs") return { skipped: `not a jobs change (table ${body.table})` };
  const record = body.record as Row | null;
  const old = body.old_record as Row | null;
  if (body.type === "INSERT" && record) return { event: "job.created" };
  if (body.type !== "UPDATE" || !record) return { skipped: `${body.type} is not notified` };
  if (old && old.status === record.status) return { skipped: "status unchanged" };
  const event = EVENTS[String(record.status)];
  return event ? { event } : { skipped: `status ${record.status} has no event` };
}

async function sign(secret: string, body: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(body)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

function intEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = Deno.env.get(name);
  const n = raw === undefined || raw.trim() === "" ? fallback : Number(raw);
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

type Outcome = { success: boolean; status: number | null; attempts: number; error?: string };

async function deliver(url: string, headers: Record<string, string>, body: string): Promise<Outcome> {
  const attempts = intEnv("JOB_NOTIFICATION_ATTEMPTS", 4, 1, 10);
  let backoff = intEnv("JOB_NOTIFICATION_BACKOFF_MS", 500, 0, 60000);
  let last: Outcome = { success: false, status: null, attempts: 0 };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(10000) });
      await response.body?.cancel();
      last = { success: response.ok, status: response.status, attempts: attempt };
      if (response.ok) return last;
      last.error = `HTTP ${response.status}`;
      if (response.status < 500) return last; // the receiver refused it: retrying will not help
    } catch (e) {
      last = { success: false, status: null, attempts: attempt, error: String(e instanceof Error ? e.message : e) };
    }
    if (attempt < attempts) {
      await new Promise((r) => setTimeout(r, backoff));
      backoff *= 2;
    }
  }
  return last;
}

Deno.serve(async (req: Request) => {
  if (req.method !== "POST") return reply(405, { success: false, error: "use POST" });
  const supabaseUrl = Deno.env.get("SUPABASE_URL") ?? "";
  const serviceKey = Deno.env.get("SUPABASE_SERVICE_ROLE_KEY") ?? "";
  if (!isServiceRole(req, serviceKey)) {
    return reply(401, { success: false, error: "job-notification needs the service role key (Authorization: Bearer <service_role key>)" });
  }
  let body: Row;
  try {
    body = JSON.parse(await req.text());
    if (body === null || typeof body !== "object" || Array.isArray(body)) throw new Error();
  } catch {
    return reply(400, { success: false, error: "the body must be a database webhook's JSON object {type, table, schema, record, old_record}" });
  }
  const mapped = eventFor(body);
  if ("skipped" in mapped) return reply(200, { success: true, skipped: mapped.skipped });
  const event = mapped.event;
  const wanted = (Deno.env.get("NOTIFICATION_EVENTS") ?? "job.completed,job.failed")
    .split(",").map(normaliseEvent).filter((e) => e !== "");
  if (!wanted.includes(event)) return reply(200, { success: true, skipped: `${event} is not in NOTIFICATION_EVENTS` });
  const target = Deno.env.get("JOB_NOTIFICATION_WEBHOOK") ?? "";
  if (target === "") return reply(200, { success: true, skipped: "JOB_NOTIFICATION_WEBHOOK is not set" });

  const record = body.record as Row;
  const old = (body.old_record ?? null) as Row | null;
  const jobId = String(record.job_id);
  const timestamp = new Date().toISOString();
  const payload = JSON.stringify({
    event,
    timestamp,
    job: {
      id: jobId,
      workflow_id: record.workflow_id ?? null,
      workflow_name: record.workflow_name ?? "Unknown",
      status: record.status,
      robot_id: record.robot_id ?? record.robot_uuid ?? null,
      progress: record.progress ?? null,
      duration_ms: record.duration_ms ?? null,
      error: record.error ?? null,
    },
    previous_status: old?.status ?? null,
  });
  const deliveryId = crypto.randomUUID();
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "User-Agent": "CasareRPA-Notifier/1.0",
    "X-CasareRPA-Event": event,
    "X-Casare-Delivery": deliveryId,
  };
  const secret = Deno.env.get("JOB_NOTIFICATION_SECRET") ?? "";
  if (secret !== "") headers["X-Casare-Signature"] = `sha256=${await sign(secret, payload)}`;

  const outcome = await deliver(target, headers, payload);
  const recorded = await fetch(`${supabaseUrl}/rest/v1/rpc/record_job_notification`, {
    method: "POST",
    headers: { "Content-Type": "application/json", apikey: serviceKey, Authorization: `Bearer ${serviceKey}` },
    body: JSON.stringify({ p_job_id: jobId, p_event: event, p_outcome: { ...outcome, delivery_id: deliveryId, timestamp } }),
  });
  const recordError = recorded.ok ? undefined : await recorded.text();
  if (recorded.ok) await recorded.body?.cancel();
  return reply(outcome.success ? 200 : 502, {
    success: outcome.success,
    event,
    job_id: jobId,
    webhook_status: outcome.status,
    attempts: outcome.attempts,
    ...(outcome.error ? { error: outcome.error } : {}),
    ...(recordError ? { record_error: recordError } : {}),
  });
});
