// health: answers {status: "ok", time} so callers can check that edge functions run.
// Deployed as is with `supabase functions deploy health`; the local stack serves it at /functions/v1/health.
Deno.serve((_req: Request) =>
  new Response(JSON.stringify({ status: "ok", time: new Date().toISOString() }), {
    headers: { "Content-Type": "application/json" },
  })
);
