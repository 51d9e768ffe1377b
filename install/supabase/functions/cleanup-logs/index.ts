// cleanup-logs: drops robot_logs partitions older than the retention and keeps partitions ahead.
//
// POST {retention_days?: 1..365 (default 30), dry_run?: boolean (default false)}
//   200 {success: true, dry_run, retention_days, partitions_dropped: [...], purged_rows,
//        history_id, duration_ms, message}
//       a dry run lists what would go and changes nothing; a real run leaves exactly one
//       robot_logs_cleanup_history row (database function cleanup_robot_logs).
//   400 {success: false, error}  bad body: says which field and what is allowed
//   401 {success: false, error}  caller is not the service role (Authorization: Bearer <service key>)
//   405 for methods other than POST/OPTIONS; 500 {success: false, error} when the database fails
// Environment (set by Supabase and by the local stack): SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY.

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "authorization, x-client-info, apikey, content-type",
};

function reply(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...CORS, "Content-Type": "application/json" },
  });
}

/** The role claim of a JWT; the API gateway has already verified its signature. */
function jwtRole(token: string): string | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  try {
    const json = atob(parts[1].replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(parts[1].length / 4) * 4, "="));
    const role = JSON.parse(json).role;
    return typeof role === "string" ? role : null;
  } catch {
    return null;
  }
}

function isServiceRole(req: Request, serviceKey: string): boolean {
  const auth = req.headers.get("authorization") ?? "";
  const token = auth.toLowerCase().startsWith("bearer ") ? auth.slice(7).trim() : "";
  if (token === "") return false;
  return token === serviceKey || jwtRole(token) === "service_role";
}

type Input = { retentionDays: number; dryRun: boolean };

function parseInput(text: string): Input | string {
  let body: unknown = {};
  if (text.trim() !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      return "the body must be JSON: {\"retention_days\": 1..365, \"dry_run\": true|false}";
    }
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return "the body must be a JSON object: {\"retention_days\": 1..365, \"dry_run\": true|false}";
  }
  const b = body as Record<string, unknown>;
  const retention = b.retention_days ?? 30;
  if (typeof retention !== "number" || !Number.isInteger(retention) || retention < 1 || retention > 365) {
    return `retention_days must be a whole number from 1 to 365, got ${JSON.stringify(b.retention_days)}`;
  }
  const dryRun = b.dry_run ?? false;
  if (typeof dryRun !== "boolean") {
    return `dry_run must be true or false, got ${JSON.stringify(b.dry_run)}`;
  }
  return { retentionDays: retention, dryRun };
}

Deno.serve(async (req: Request) => {
  if (req.method === "OPTIONS") return new Response("ok", { headers: CORS });
  if (req.method !== "POST") return reply(405, { success: false, error: "use POST" });
  const url = Deno.env.get("SUPABASE_URL") ?? "";
  const serviceKey = Deno.env.get("SUPABASE_SERVICE_ROLE_KEY") ?? "";
  if (!isServiceRole(req, serviceKey)) {
    return reply(401, { success: false, error: "cleanup-logs needs the service role key (Authorization: Bearer <service_role key>)" });
  }
  const input = parseInput(await req.text());
  if (typeof input === "string") return reply(400, { success: false, error: input });

  const started = Date.now();
  const response = await fetch(`${url}/rest/v1/rpc/cleanup_robot_logs`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      apikey: serviceKey,
      Authorization: `Bearer ${serviceKey}`,
    },
    body: JSON.stringify({ p_retention_days: input.retentionDays, p_dry_run: input.dryRun }),
  });
  const text = await response.text();
  if (!response.ok) {
    return reply(response.status === 400 ? 400 : 500, { success: false, error: text });
  }
  const result = JSON.parse(text);
  const names: string[] = result.partitions ?? [];
  const message = names.length === 0 && !result.purged_rows
    ? "No partitions to clean up"
    : input.dryRun
    ? `Would drop ${names.length} partition(s)`
    : `Dropped ${names.length} partition(s)`;
  return reply(200, {
    success: true,
    dry_run: input.dryRun,
    retention_days: input.retentionDays,
    partitions_dropped: names,
    purged_rows: result.purged_rows,
    history_id: result.history_id,
    partitions_ensured: result.partitions_ensured,
    duration_ms: Date.now() - started,
    message,
  });
});
