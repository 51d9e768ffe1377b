// Edge functions through supabase-js: install/supabase/functions/health runs under Deno.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '@supabase/supabase-js';

const options = { auth: { persistSession: false, autoRefreshToken: false } };
const anon = createClient(process.env.SUPABASE_URL, process.env.SUPABASE_ANON_KEY, options);

test('functions.invoke runs the health function', async () => {
  const { data, error } = await anon.functions.invoke('health', { body: { ping: true } });
  assert.equal(error, null);
  assert.equal(data.status, 'ok');
  assert.ok(!Number.isNaN(Date.parse(data.time)));
});

test('an unknown function is a 404 error', async () => {
  const { data, error } = await anon.functions.invoke('no-such-function');
  assert.equal(data, null);
  assert.equal(error.context.status, 404);
});
