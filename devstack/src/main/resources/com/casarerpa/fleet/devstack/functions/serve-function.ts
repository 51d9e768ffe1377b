// Runs one edge function as Supabase's edge runtime does: the function's module calls Deno.serve(...);
// here that server is bound to the loopback port the local stack chose (DEVSTACK_FUNCTION_PORT).
const port = Number(Deno.env.get("DEVSTACK_FUNCTION_PORT"));
const entry = Deno.env.get("DEVSTACK_FUNCTION_ENTRY");
if (!port || !entry) {
  throw new Error("DEVSTACK_FUNCTION_PORT and DEVSTACK_FUNCTION_ENTRY must be set");
}
const serve = Deno.serve.bind(Deno);
// deno-lint-ignore no-explicit-any
(Deno as any).serve = (first: any, second?: any) => {
  const handler = typeof first === "function" ? first : (second ?? first.handler);
  const options = typeof first === "function" ? {} : { ...first };
  delete options.handler;
  return serve({ ...options, hostname: "127.0.0.1", port, onListen() {} }, handler);
};
await import(entry);
