// Realtime scenarios with the official supabase-js client against the local stack
// (/realtime/v1/websocket, vsn 2.0.0 as supabase-js 2.109 speaks it, and /realtime/v1/api/broadcast).
// Tables: sql/20_realtime_tables.sql (rt_items: RLS by owner = JWT sub, in supabase_realtime).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { createClient } from '@supabase/supabase-js';

const url = process.env.SUPABASE_URL;
const anonKey = process.env.SUPABASE_ANON_KEY;
const serviceKey = process.env.SUPABASE_SERVICE_KEY;
const JWT_SECRET = process.env.SUPABASE_JWT_SECRET ?? 'super-secret-jwt-token-with-at-least-32-characters-long';
const options = { auth: { persistSession: false, autoRefreshToken: false } };
const WAIT_MS = 10_000;

const clients = [];
function client(key = anonKey, realtime = {}) {
  const c = createClient(url, key, { ...options, realtime });
  clients.push(c);
  return c;
}

after(async () => {
  for (const c of clients) {
    await c.removeAllChannels();
    c.realtime.disconnect();
  }
});

function signJwt(claims, secret = JWT_SECRET) {
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const head = b64({ alg: 'HS256', typ: 'JWT' }) + '.' + b64(claims);
  return head + '.' + createHmac('sha256', secret).update(head).digest('base64url');
}

function userToken(sub, ttlSeconds = 3600) {
  const now = Math.floor(Date.now() / 1000);
  return signJwt({ sub, role: 'authenticated', aud: 'authenticated', iat: now, exp: now + ttlSeconds });
}

const run = randomUUID().slice(0, 8);
const topic = (name) => `${run}-${name}`;

/** Resolves with the first value for which `check` returns truthy, or rejects after WAIT_MS. */
function waitFor(what, check) {
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      const value = check();
      if (value) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(value);
      }
    }, 20);
    const timer = setTimeout(() => {
      clearInterval(poll);
      reject(new Error(`timed out waiting for ${what}`));
    }, WAIT_MS);
  });
}

/** Subscribes and resolves with the first status reported (SUBSCRIBED, CHANNEL_ERROR, …) and its error. */
function subscribe(channel) {
  return new Promise((resolve) => {
    let done = false;
    channel.subscribe((status, err) => {
      if (!done) {
        done = true;
        resolve({ status, err });
      }
    });
  });
}

test('presence: two clients see each other join, sync and leave', async () => {
  const name = topic('presence');
  const a = client().channel(name, { config: { presence: { key: 'robot-a' } } });
  const b = client().channel(name, { config: { presence: { key: 'robot-b' } } });
  const joinsSeenByB = [];
  const leavesSeenByB = [];
  b.on('presence', { event: 'join' }, ({ key }) => joinsSeenByB.push(key));
  b.on('presence', { event: 'leave' }, ({ key }) => leavesSeenByB.push(key));
  let syncs = 0;
  a.on('presence', { event: 'sync' }, () => { syncs += 1; });

  assert.equal((await subscribe(a)).status, 'SUBSCRIBED');
  assert.equal(await a.track({ status: 'idle', online_at: 'now' }), 'ok');
  assert.equal((await subscribe(b)).status, 'SUBSCRIBED');
  assert.equal(await b.track({ status: 'busy' }), 'ok');

  await waitFor('robot-a in b\'s presence state', () => b.presenceState()['robot-a']);
  const stateOfA = await waitFor('both keys in a\'s state', () => {
    const s = a.presenceState();
    return s['robot-a'] && s['robot-b'] ? s : null;
  });
  assert.equal(stateOfA['robot-b'][0].status, 'busy');
  assert.ok(stateOfA['robot-b'][0].presence_ref, 'metas carry a presence_ref');
  assert.ok(joinsSeenByB.includes('robot-a'));
  assert.ok(syncs > 0);

  await a.untrack();
  await waitFor('robot-a leaving', () => leavesSeenByB.includes('robot-a'));
  assert.equal(b.presenceState()['robot-a'], undefined);
});

test('presence: a client that disconnects leaves', async () => {
  const name = topic('presence-disconnect');
  const goner = client();
  const a = goner.channel(name, { config: { presence: { key: 'goner' } } });
  const b = client().channel(name, { config: { presence: { key: 'watcher' } } });
  b.on('presence', { event: 'sync' }, () => {});
  await subscribe(a);
  await a.track({ here: true });
  await subscribe(b);
  await waitFor('goner present', () => b.presenceState().goner);
  goner.realtime.disconnect();
  await waitFor('goner gone', () => !b.presenceState().goner);
});

test('broadcast: others receive, self only when asked, ack resolves ok', async () => {
  const name = topic('broadcast');
  const sender = client().channel(name, { config: { broadcast: { self: true, ack: true } } });
  const quiet = client().channel(name, { config: { broadcast: { self: false } } });
  const listener = client().channel(name);
  const got = { sender: [], quiet: [], listener: [] };
  sender.on('broadcast', { event: 'telemetry' }, (m) => got.sender.push(m));
  quiet.on('broadcast', { event: 'telemetry' }, (m) => got.quiet.push(m));
  listener.on('broadcast', { event: 'telemetry' }, (m) => got.listener.push(m));
  for (const ch of [sender, quiet, listener]) {
    assert.equal((await subscribe(ch)).status, 'SUBSCRIBED');
  }

  assert.equal(await sender.send({ type: 'broadcast', event: 'telemetry', payload: { battery: 0.81 } }), 'ok');
  await waitFor('listener delivery', () => got.listener.length === 1);
  await waitFor('self delivery', () => got.sender.length === 1);
  assert.deepEqual(got.listener[0].payload, { battery: 0.81 });
  assert.equal(got.listener[0].event, 'telemetry');

  assert.equal(await quiet.send({ type: 'broadcast', event: 'telemetry', payload: { from: 'quiet' } }), 'ok');
  await waitFor('quiet message delivered', () => got.listener.length === 2);
  // a later message from the sender reaches quiet after its own would have: then nothing is pending
  assert.equal(await sender.send({ type: 'broadcast', event: 'telemetry', payload: { from: 'sender' } }), 'ok');
  await waitFor('quiet got the later message', () => got.quiet.some((m) => m.payload.from === 'sender'));
  assert.deepEqual(got.quiet.map((m) => m.payload), [{ battery: 0.81 }, { from: 'sender' }],
    'quiet (self=false) never sees its own message');
});

test('broadcast: vsn 1.0.0 (JSON) and vsn 2.0.0 (binary) clients understand each other', async () => {
  const name = topic('mixed');
  const v1 = client(anonKey, { vsn: '1.0.0' }).channel(name);
  const v2 = client(anonKey, { vsn: '2.0.0' }).channel(name);
  const got = { v1: [], v2: [] };
  v1.on('broadcast', { event: 'hello' }, (m) => got.v1.push(m.payload));
  v2.on('broadcast', { event: 'hello' }, (m) => got.v2.push(m.payload));
  assert.equal((await subscribe(v1)).status, 'SUBSCRIBED');
  assert.equal((await subscribe(v2)).status, 'SUBSCRIBED');
  await v2.send({ type: 'broadcast', event: 'hello', payload: { from: 'v2' } });
  await v1.send({ type: 'broadcast', event: 'hello', payload: { from: 'v1' } });
  await waitFor('v1 got v2', () => got.v1.length === 1);
  await waitFor('v2 got v1', () => got.v2.length === 1);
  assert.deepEqual(got.v1[0], { from: 'v2' });
  assert.deepEqual(got.v2[0], { from: 'v1' });
});

test('broadcast over REST: batch endpoint (send before join) and httpSend', async () => {
  const name = topic('rest');
  const listener = client().channel(name);
  const got = [];
  listener.on('broadcast', { event: 'command' }, (m) => got.push(m));
  await subscribe(listener);

  const notJoined = client().channel(name);
  assert.equal(await notJoined.send({ type: 'broadcast', event: 'command', payload: { cmd: 'stop' } }), 'ok');
  await waitFor('REST batch delivery', () => got.length === 1);
  assert.deepEqual(got[0].payload, { cmd: 'stop' });

  const result = await notJoined.httpSend('command', { cmd: 'start' });
  assert.deepEqual(result, { success: true });
  await waitFor('httpSend delivery', () => got.length === 2);
  assert.deepEqual(got[1].payload, { cmd: 'start' });

  const res = await fetch(`${url}/realtime/v1/api/broadcast`, {
    method: 'POST',
    headers: { apikey: anonKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ messages: [{ topic: name, event: 'command', payload: { n: 3 }, id: 'msg-3' }] }),
  });
  assert.equal(res.status, 202);
  assert.equal(await res.text(), '');
  await waitFor('raw REST delivery', () => got.length === 3);
  assert.deepEqual(got[2].meta, { id: 'msg-3' });
});

test('postgres_changes: INSERT/UPDATE/DELETE with a filter; no RLS rights means nothing', async () => {
  const owner = `owner-${run}`;
  const alice = client();
  alice.realtime.setAuth(userToken(owner));
  const stranger = client();
  stranger.realtime.setAuth(userToken(`stranger-${run}`));
  const service = client(serviceKey);

  const seen = [];
  const unseen = [];
  const filtered = alice.channel(topic('changes'))
    .on('postgres_changes', { event: '*', schema: 'public', table: 'rt_items', filter: `owner=eq.${owner}` }, (p) => seen.push(p));
  const denied = stranger.channel(topic('changes-denied'))
    .on('postgres_changes', { event: '*', schema: 'public', table: 'rt_items' }, (p) => unseen.push(p));
  const ready = [];
  for (const ch of [filtered, denied]) {
    ch.on('system', {}, (m) => { if (m.message === 'Subscribed to PostgreSQL') ready.push(ch); });
    assert.equal((await subscribe(ch)).status, 'SUBSCRIBED');
  }
  await waitFor('both change feeds live', () => ready.length === 2);

  const inserted = await service.from('rt_items').insert({ owner, status: 'new', secret: 'hidden' }).select('id').single();
  assert.equal(inserted.error, null);
  const id = inserted.data.id;
  await service.from('rt_items').insert({ owner: `someone-else-${run}`, status: 'new' });
  const insert = await waitFor('INSERT', () => seen.find((p) => p.eventType === 'INSERT'));
  assert.equal(insert.schema, 'public');
  assert.equal(insert.table, 'rt_items');
  assert.equal(insert.new.id, id);
  assert.equal(insert.new.owner, owner);
  assert.equal(insert.new.secret, undefined, 'a column the role may not SELECT is left out');
  assert.equal(insert.errors, null);
  assert.match(insert.commit_timestamp, /Z$/);

  assert.equal((await service.from('rt_items').update({ status: 'done' }).eq('id', id)).error, null);
  const update = await waitFor('UPDATE', () => seen.find((p) => p.eventType === 'UPDATE'));
  assert.equal(update.new.status, 'done');
  assert.deepEqual(update.old, { id });

  // a DELETE carries only the primary key, so an owner filter cannot match it (as in Supabase);
  // an unfiltered subscription sees it
  const deletes = [];
  const unfiltered = alice.channel(topic('changes-delete'))
    .on('postgres_changes', { event: 'DELETE', schema: 'public', table: 'rt_items' }, (p) => deletes.push(p));
  let live = false;
  unfiltered.on('system', {}, (m) => { live ||= m.message === 'Subscribed to PostgreSQL'; });
  await subscribe(unfiltered);
  await waitFor('delete feed live', () => live);
  assert.equal((await service.from('rt_items').delete().eq('id', id)).error, null);
  const deleted = await waitFor('DELETE', () => deletes.find((p) => p.old.id === id));
  assert.deepEqual(deleted.old, { id });
  assert.equal(seen.length, 2, 'the filtered feed saw only its own INSERT and UPDATE');
  assert.equal(seen.filter((p) => p.new.owner && p.new.owner !== owner).length, 0);

  // a row the stranger may see, committed last: the feed delivers in commit order, so once it
  // arrives every earlier change has been decided for the stranger
  const strangers = await service.from('rt_items').insert({ owner: `stranger-${run}`, status: 'mine' }).select('id').single();
  assert.equal(strangers.error, null);
  await waitFor('the stranger\'s own row', () => unseen.find((p) => p.new && p.new.id === strangers.data.id));
  assert.deepEqual(unseen.filter((p) => p.eventType !== 'DELETE').map((p) => p.new.id), [strangers.data.id],
    'RLS hides other owners\' rows');
});

test('postgres_changes: a bad filter is reported on the channel', async () => {
  const ch = client().channel(topic('bad-filter'))
    .on('postgres_changes', { event: '*', schema: 'public', table: 'rt_items', filter: 'status=foo.bar' }, () => {});
  const systems = [];
  ch.on('system', {}, (m) => systems.push(m));
  assert.equal((await subscribe(ch)).status, 'SUBSCRIBED');
  const error = await waitFor('system error', () => systems.find((m) => m.status === 'error'));
  assert.equal(error.message, 'Error parsing `filter` params: ["foo", "bar"]');
  assert.equal(error.extension, 'postgres_changes');
});

test('keys: a bad or missing key cannot connect or broadcast; an expired user token cannot join', async () => {
  const bad = createClient(url, signJwt({ role: 'anon', exp: 4102444800 }, 'not-the-project-secret-but-long-enough!!'), options);
  clients.push(bad);
  const refused = await subscribe(bad.channel(topic('bad-key')));
  assert.notEqual(refused.status, 'SUBSCRIBED');
  bad.realtime.disconnect();

  const noKey = await fetch(`${url}/realtime/v1/api/broadcast`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ messages: [{ topic: 'x', event: 'e', payload: {} }] }),
  });
  assert.equal(noKey.status, 401);
  assert.equal((await noKey.json()).message, 'No API key found in request');

  const badToken = await fetch(`${url}/realtime/v1/api/broadcast`, {
    method: 'POST',
    headers: { apikey: anonKey, Authorization: 'Bearer not-a-jwt', 'Content-Type': 'application/json' },
    body: JSON.stringify({ messages: [{ topic: 'x', event: 'e', payload: {} }] }),
  });
  assert.equal(badToken.status, 401);
  assert.deepEqual(await badToken.json(), { message: 'Unauthorized' });

  const expired = client();
  expired.realtime.setAuth(userToken('late', -30));
  const result = await subscribe(expired.channel(topic('expired')));
  assert.equal(result.status, 'CHANNEL_ERROR');
  assert.match(String(result.err?.message), /InvalidJWTToken: Token has expired \d+ seconds ago/);
});
