// Gateway scenarios: missing, unknown and bad keys and tokens, as hosted Supabase answers them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createClient } from '@supabase/supabase-js';

const url = process.env.SUPABASE_URL;
const anonKey = process.env.SUPABASE_ANON_KEY;
const options = { auth: { persistSession: false, autoRefreshToken: false } };

function signJwt(claims, secret) {
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const head = b64({ alg: 'HS256', typ: 'JWT' }) + '.' + b64(claims);
  return head + '.' + createHmac('sha256', secret).update(head).digest('base64url');
}

test('a request without an API key is refused with the hosted body', async () => {
  const res = await fetch(`${url}/rest/v1/rest_todos?select=id`);
  assert.equal(res.status, 401);
  assert.deepEqual(await res.json(), {
    message: 'No API key found in request',
    hint: 'No `apikey` request header or url param was found.',
  });
});

test('an unknown API key is refused, through supabase-js too', async () => {
  const client = createClient(url, 'not-a-project-key', options);
  const { data, error, status } = await client.from('rest_todos').select('id');
  assert.equal(status, 401);
  assert.equal(data, null);
  assert.equal(error.message, 'Invalid API key');
  assert.equal(error.hint, 'Double check your Supabase `anon` or `service_role` API key.');
});

test('the apikey query parameter is accepted', async () => {
  const res = await fetch(`${url}/rest/v1/rpc/rest_add?a=1&b=2&apikey=${anonKey}`);
  assert.equal(res.status, 200);
  assert.equal(await res.json(), 3);
});

test('an expired user token is 401 PGRST303 "JWT expired" with WWW-Authenticate', async () => {
  const expired = signJwt({ role: 'authenticated', exp: Math.floor(Date.now() / 1000) - 120 },
    'super-secret-jwt-token-with-at-least-32-characters-long');
  const res = await fetch(`${url}/rest/v1/rest_todos`, {
    headers: { apikey: anonKey, Authorization: `Bearer ${expired}` },
  });
  assert.equal(res.status, 401);
  assert.match(res.headers.get('www-authenticate'), /invalid_token/);
  assert.deepEqual(await res.json(), { code: 'PGRST303', details: null, hint: null, message: 'JWT expired' });
});

test('a token signed with another secret or not a JWT at all is 401 PGRST301', async () => {
  const forged = signJwt({ role: 'service_role', exp: Math.floor(Date.now() / 1000) + 60 },
    'another-secret-that-is-at-least-32-characters');
  const client = createClient(url, anonKey, { ...options, global: { headers: { Authorization: `Bearer ${forged}` } } });
  const { error, status } = await client.from('rest_todos').select('id');
  assert.equal(status, 401);
  assert.equal(error.code, 'PGRST301');

  const res = await fetch(`${url}/rest/v1/rest_todos`, {
    headers: { apikey: anonKey, Authorization: 'Bearer garbage' },
  });
  assert.equal(res.status, 401);
  assert.equal((await res.json()).message, 'Expected 3 parts in JWT; got 1');
});
