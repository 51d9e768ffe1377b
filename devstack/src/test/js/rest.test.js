// REST scenarios with the official supabase-js client against the local stack (/rest/v1).
// Tables and functions: sql/10_rest_fixtures.sql.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { createClient } from '@supabase/supabase-js';

const url = process.env.SUPABASE_URL;
const anonKey = process.env.SUPABASE_ANON_KEY;
const serviceKey = process.env.SUPABASE_SERVICE_KEY;
const JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
const options = { auth: { persistSession: false, autoRefreshToken: false } };

const service = createClient(url, serviceKey, options);
const anon = createClient(url, anonKey, options);

function b64url(value) {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

function signJwt(claims, secret = JWT_SECRET) {
  const head = b64url({ alg: 'HS256', typ: 'JWT' }) + '.' + b64url(claims);
  return head + '.' + createHmac('sha256', secret).update(head).digest('base64url');
}

function userClient(sub) {
  const token = signJwt({
    sub, role: 'authenticated', aud: 'authenticated',
    exp: Math.floor(Date.now() / 1000) + 3600, iat: Math.floor(Date.now() / 1000),
  });
  return createClient(url, anonKey, { ...options, global: { headers: { Authorization: `Bearer ${token}` } } });
}

const run = randomUUID().slice(0, 8);
const t = (name) => `${run}-${name}`;

before(async () => {
  const { error } = await service.from('rest_todos').insert([
    { title: t('alpha'), priority: 1, tags: ['home'], meta: { size: 's' } },
    { title: t('beta'), priority: 5, tags: ['work', 'urgent'], meta: { size: 'm' } },
    { title: t('gamma'), priority: 9, tags: ['work'], done: true },
    { title: t('delta'), priority: 3, tags: [], note: null },
  ], { defaultToNull: false });
  assert.equal(error, null);
});

test('select with eq, in, gt, like/ilike, is, cs and order/limit', async () => {
  const like = await service.from('rest_todos').select('title,priority')
    .like('title', `${run}-%a`).order('priority', { ascending: false });
  assert.equal(like.error, null);
  assert.deepEqual(like.data.map((r) => r.title), [t('gamma'), t('beta'), t('delta'), t('alpha')]);

  const inList = await service.from('rest_todos').select('title')
    .in('title', [t('alpha'), t('gamma')]).order('title');
  assert.deepEqual(inList.data, [{ title: t('alpha') }, { title: t('gamma') }]);

  const gt = await service.from('rest_todos').select('title').ilike('title', `${run.toUpperCase()}%`)
    .gt('priority', 3).lte('priority', 9).order('priority');
  assert.deepEqual(gt.data.map((r) => r.title), [t('beta'), t('gamma')]);

  const tagged = await service.from('rest_todos').select('title').like('title', `${run}%`)
    .contains('tags', ['work']).order('title');
  assert.deepEqual(tagged.data.map((r) => r.title), [t('beta'), t('gamma')]);

  const nullNotes = await service.from('rest_todos').select('title').like('title', `${run}%`)
    .is('note', null).neq('done', true).order('id').limit(2);
  assert.deepEqual(nullNotes.data.map((r) => r.title), [t('alpha'), t('beta')]);
});

test('select with or(), not, renames, casts and json paths', async () => {
  const { data, error } = await service.from('rest_todos')
    .select('name:title, p:priority::text, size:meta->>size')
    .like('title', `${run}%`)
    .or(`priority.eq.1,priority.gte.9`)
    .not('done', 'is', true)
    .order('title');
  assert.equal(error, null);
  assert.deepEqual(data, [{ name: t('alpha'), p: '1', size: 's' }]);
});

test('count=exact gives Content-Range totals, head and 206 for a partial page', async () => {
  const page = await service.from('rest_todos').select('id', { count: 'exact' })
    .like('title', `${run}%`).order('id').range(0, 1);
  assert.equal(page.error, null);
  assert.equal(page.count, 4);
  assert.equal(page.data.length, 2);
  assert.equal(page.status, 206);

  const head = await service.from('rest_todos').select('*', { count: 'exact', head: true })
    .like('title', `${run}%`);
  assert.equal(head.count, 4);
  assert.equal(head.data, null);
});

test('views are readable like tables', async () => {
  const { data, error } = await service.from('rest_open_todos').select('title')
    .like('title', `${run}%`).order('priority', { ascending: false });
  assert.equal(error, null);
  assert.deepEqual(data.map((r) => r.title), [t('beta'), t('delta'), t('alpha')]);
});

test('insert returns the row with defaults; single() gives one object', async () => {
  const { data, error, status } = await service.from('rest_todos')
    .insert({ title: t('epsilon'), priority: 2 }).select().single();
  assert.equal(error, null);
  assert.equal(status, 201);
  assert.equal(data.title, t('epsilon'));
  assert.equal(data.done, false);
  assert.deepEqual(data.tags, []);
  assert.ok(Number.isInteger(data.id));
  assert.match(data.created_at, /^\d{4}-\d\d-\d\dT/);
});

test('bulk insert with missing keys: null by default, column default with defaultToNull=false', async () => {
  const plain = await service.from('rest_todos')
    .insert([{ title: t('b1'), note: 'x' }, { title: t('b2'), priority: 4 }]).select('title,note,priority').order('title');
  assert.equal(plain.error?.code, '23502', 'priority is NOT NULL and the absent key is null');

  const withDefaults = await service.from('rest_todos')
    .insert([{ title: t('b1'), note: 'x' }, { title: t('b2'), priority: 4 }], { defaultToNull: false })
    .select('title,note,priority');
  assert.equal(withDefaults.error, null);
  assert.deepEqual(withDefaults.data, [
    { title: t('b1'), note: 'x', priority: 0 },
    { title: t('b2'), note: null, priority: 4 },
  ]);
});

test('update with filters returns the changed rows; minimal update is 204', async () => {
  const { data, error } = await service.from('rest_todos').update({ done: true, note: 'bulk' })
    .in('title', [t('b1'), t('b2')]).select('title,done,note').order('title');
  assert.equal(error, null);
  assert.deepEqual(data, [
    { title: t('b1'), done: true, note: 'bulk' },
    { title: t('b2'), done: true, note: 'bulk' },
  ]);
  const minimal = await service.from('rest_todos').update({ note: 'again' }).eq('title', t('b1'));
  assert.equal(minimal.error, null);
  assert.equal(minimal.status, 204);
});

test('upsert merges on a conflict column, or ignores duplicates', async () => {
  const merged = await service.from('rest_todos')
    .upsert({ title: t('alpha'), priority: 7 }, { onConflict: 'title' }).select('title,priority');
  assert.equal(merged.error, null);
  assert.deepEqual(merged.data, [{ title: t('alpha'), priority: 7 }]);

  const ignored = await service.from('rest_todos')
    .upsert([{ title: t('alpha'), priority: 0 }, { title: t('zeta'), priority: 6 }],
      { onConflict: 'title', ignoreDuplicates: true }).select('title,priority');
  assert.equal(ignored.error, null);
  assert.deepEqual(ignored.data, [{ title: t('zeta'), priority: 6 }]);

  const check = await service.from('rest_todos').select('priority').eq('title', t('alpha')).single();
  assert.equal(check.data.priority, 7);
});

test('delete with filters returns what it removed', async () => {
  const { data, error } = await service.from('rest_todos').delete().eq('title', t('zeta')).select('title');
  assert.equal(error, null);
  assert.deepEqual(data, [{ title: t('zeta') }]);
  const gone = await service.from('rest_todos').select('id').eq('title', t('zeta'));
  assert.deepEqual(gone.data, []);
});

test('errors: unique violation 409, check violation 400, unknown table/column, single() on none', async () => {
  const dup = await service.from('rest_todos').insert({ title: t('alpha') });
  assert.equal(dup.status, 409);
  assert.equal(dup.error.code, '23505');
  assert.match(dup.error.message, /duplicate key value violates unique constraint/);
  assert.match(dup.error.details, /already exists/);

  const check = await service.from('rest_todos').insert({ title: t('bad'), priority: 99 });
  assert.equal(check.status, 400);
  assert.equal(check.error.code, '23514');

  const table = await service.from('rest_nope').select();
  assert.equal(table.status, 404);
  assert.equal(table.error.code, 'PGRST205');
  assert.equal(table.error.message, "Could not find the table 'public.rest_nope' in the schema cache");

  const column = await service.from('rest_todos').insert({ title: t('c'), colour: 'red' });
  assert.equal(column.status, 400);
  assert.equal(column.error.code, 'PGRST204');
  assert.equal(column.error.message, "Could not find the 'colour' column of 'rest_todos' in the schema cache");

  const selectColumn = await service.from('rest_todos').select('colour');
  assert.equal(selectColumn.status, 400);
  assert.equal(selectColumn.error.code, '42703');

  const none = await service.from('rest_todos').select().eq('title', t('missing')).single();
  assert.equal(none.status, 406);
  assert.equal(none.error.code, 'PGRST116');
  assert.equal(none.error.details, 'The result contains 0 rows');

  const maybe = await service.from('rest_todos').select().eq('title', t('missing')).maybeSingle();
  assert.equal(maybe.error, null);
  assert.equal(maybe.data, null);
});

test('RLS: anon reads public rows only and cannot write (401); a user owns its rows (403 otherwise)', async () => {
  const anonRead = await anon.from('rest_todos').select('title').like('title', `${run}%`).order('title');
  assert.equal(anonRead.error, null);
  assert.ok(anonRead.data.length >= 4);

  const anonInsert = await anon.from('rest_todos').insert({ title: t('anon') });
  assert.equal(anonInsert.status, 401);
  assert.equal(anonInsert.error.code, '42501');

  const userId = randomUUID();
  const user = userClient(userId);
  const own = await user.from('rest_todos').insert({ title: t('mine'), owner: userId }).select('title,owner').single();
  assert.equal(own.error, null);
  assert.equal(own.data.owner, userId);

  const foreign = await user.from('rest_todos').insert({ title: t('theirs'), owner: randomUUID() });
  assert.equal(foreign.status, 403);
  assert.equal(foreign.error.code, '42501');
  assert.match(foreign.error.message, /row-level security/);

  const visible = await user.from('rest_todos').select('title').like('title', `${run}%`);
  assert.deepEqual(visible.data, [{ title: t('mine') }]);

  const hidden = await anon.from('rest_todos').select('title').eq('title', t('mine'));
  assert.deepEqual(hidden.data, []);
});

test('rpc: scalar with named arguments and defaults, via POST and GET', async () => {
  const post = await anon.rpc('rest_add', { a: 2, b: 40 });
  assert.equal(post.error, null);
  assert.equal(post.data, 42);
  const defaulted = await anon.rpc('rest_add', { a: 2 });
  assert.equal(defaulted.data, 3);
  const get = await anon.rpc('rest_add', { a: 5, b: 5 }, { get: true });
  assert.equal(get.error, null);
  assert.equal(get.data, 10);
});

test('rpc: the request is visible to SQL (role, claims, lower-cased headers, method, path)', async () => {
  const userId = randomUUID();
  const client = createClient(url, anonKey, {
    ...options,
    global: {
      headers: {
        Authorization: `Bearer ${signJwt({ sub: userId, role: 'authenticated', exp: Math.floor(Date.now() / 1000) + 60 })}`,
        'X-Test-Header': 'hello',
      },
    },
  });
  const { data, error } = await client.rpc('rest_whoami');
  assert.equal(error, null);
  assert.equal(data.role, 'authenticated');
  assert.equal(data.uid, userId);
  assert.equal(data.claims.sub, userId);
  assert.equal(data.test_header, 'hello');
  assert.equal(data.method, 'POST');
  assert.equal(data.path, '/rpc/rest_whoami');
  assert.equal(data.read_only, 'on', 'a STABLE function runs read-only');

  const anonWho = await anon.rpc('rest_whoami');
  assert.equal(anonWho.data.role, 'anon');
  assert.equal(anonWho.data.claims.role, 'anon');
});

test('rpc: setof rows take filters, select and order; table and scalar sets; json in and out', async () => {
  const rows = await service.rpc('rest_todos_from', { min_priority: 5 })
    .select('title,priority').like('title', `${run}%`).order('priority');
  assert.equal(rows.error, null);
  assert.deepEqual(rows.data.map((r) => r.title), [t('beta'), t('alpha'), t('gamma')]);

  const squares = await anon.rpc('rest_squares', { n: 3 });
  assert.deepEqual(squares.data, [{ x: 1, squared: 1 }, { x: 2, squared: 4 }, { x: 3, squared: 9 }]);

  const series = await anon.rpc('rest_series', { n: 3 });
  assert.deepEqual(series.data, [1, 2, 3]);

  const echo = await anon.rpc('rest_echo', { payload: { a: [1, 2], b: { c: 'd' }, n: 1.25 } });
  assert.deepEqual(echo.data, { a: [1, 2], b: { c: 'd' }, n: 1.25 });
});

test('rpc: void returns 204 and null; custom SQLSTATEs map to HTTP statuses', async () => {
  const touched = await service.rpc('rest_touch', { p_note: 'touched' });
  assert.equal(touched.error, null);
  assert.equal(touched.status, 204);
  assert.equal(touched.data, null);

  const lease = await service.rpc('rest_raise', { p_state: 'PT409', p_message: 'lease lost' });
  assert.equal(lease.status, 409);
  assert.equal(lease.error.code, 'PT409');
  assert.equal(lease.error.message, 'lease lost');

  const plain = await service.rpc('rest_raise', {
    p_state: 'P0001', p_message: 'cannot dispatch', p_detail: 'robot is offline', p_hint: 'retry later',
  });
  assert.equal(plain.status, 400);
  const { code, message, details, hint } = plain.error;
  assert.deepEqual({ code, message, details, hint },
    { code: 'P0001', message: 'cannot dispatch', details: 'robot is offline', hint: 'retry later' });

  const unauthorized = await anon.rpc('rest_raise', { p_state: 'PT401', p_message: 'invalid robot api key' });
  assert.equal(unauthorized.status, 401);
});

test('rpc: unknown functions and arguments are 404 PGRST202; privileges are 401/403', async () => {
  const missing = await anon.rpc('rest_nope', { x: 1 });
  assert.equal(missing.status, 404);
  assert.equal(missing.error.code, 'PGRST202');
  assert.equal(missing.error.message, 'Could not find the function public.rest_nope(x) in the schema cache');

  const wrongArgs = await anon.rpc('rest_add', { c: 1 });
  assert.equal(wrongArgs.status, 404);
  assert.equal(wrongArgs.error.code, 'PGRST202');
  assert.match(wrongArgs.error.hint, /rest_add\(a, b\)/);

  const asAnon = await anon.rpc('rest_service_only');
  assert.equal(asAnon.status, 401);
  assert.equal(asAnon.error.code, '42501');
  const asUser = await userClient(randomUUID()).rpc('rest_service_only');
  assert.equal(asUser.status, 403);
  const asService = await service.rpc('rest_service_only');
  assert.equal(asService.data, 'secret');
});

test('match(), not in(), range past the end (416) and rpc count with head', async () => {
  const matched = await service.from('rest_todos').select('title')
    .like('title', `${run}%`).match({ priority: 5, done: false });
  assert.equal(matched.error, null);
  assert.deepEqual(matched.data, [{ title: t('beta') }]);

  const notIn = await service.from('rest_todos').select('title')
    .like('title', `${run}-%a`).not('title', 'in', `(${t('alpha')},${t('beta')})`).order('title');
  assert.deepEqual(notIn.data.map((r) => r.title), [t('delta'), t('gamma')]);

  const past = await service.from('rest_todos').select('id', { count: 'exact' })
    .like('title', `${run}%`).range(1000, 1010);
  assert.equal(past.status, 416);
  assert.equal(past.error.code, 'PGRST103');

  const counted = await anon.rpc('rest_series', { n: 5 }, { count: 'exact', head: true });
  assert.equal(counted.error, null);
  assert.equal(counted.count, 5);
});

test('embedding: many-to-one as an object, one-to-many as an array, through foreign keys', async () => {
  const project = await service.from('rest_projects').insert({ name: t('proj') }).select('id').single();
  assert.equal(project.error, null);
  const moved = await service.from('rest_todos').update({ project_id: project.data.id })
    .in('title', [t('alpha'), t('beta')]);
  assert.equal(moved.error, null);

  const todo = await service.from('rest_todos').select('title, project:rest_projects(name)')
    .eq('title', t('alpha')).single();
  assert.equal(todo.error, null);
  assert.deepEqual(todo.data, { title: t('alpha'), project: { name: t('proj') } });

  const loose = await service.from('rest_todos').select('title, rest_projects(name)')
    .eq('title', t('gamma')).single();
  assert.deepEqual(loose.data, { title: t('gamma'), rest_projects: null });

  const withTodos = await service.from('rest_projects').select('name, rest_todos(title, priority)')
    .eq('id', project.data.id).single();
  assert.equal(withTodos.error, null);
  assert.equal(withTodos.data.name, t('proj'));
  assert.deepEqual(withTodos.data.rest_todos.map((r) => r.title).sort(), [t('alpha'), t('beta')]);

  const unrelated = await service.from('rest_projects').select('name, rest_open_todos(title)');
  assert.equal(unrelated.status, 400);
  assert.equal(unrelated.error.code, 'PGRST200');
});
