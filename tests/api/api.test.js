// API tests against the real server on a loopback port: every endpoint's
// success path, each class of bad input, and the authorisation matrix.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeDb, startServer, client, addEntries } = require('../lib/harness');

let env, srv, admin, agent, alice, bob, anon;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  await addEntries(srv.url, env.accounts.admin.token, { category: ['Network', 'Email', 'Access', 'Hardware'] });
  admin = client(srv.url, env.accounts.admin.token);
  agent = client(srv.url, env.accounts.agent.token);
  alice = client(srv.url, env.accounts.alice.token);
  bob = client(srv.url, env.accounts.bob.token);
  anon = client(srv.url, null);
});
test.after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, 'server exits 0 on SIGTERM; stderr:\n' + srv.stderr());
});

function assertError(r, status, code, field) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.json.error.code, code, r.text);
  assert.ok(r.json.error.message.length > 0);
  if (field !== undefined) assert.equal(r.json.error.field, field, r.text);
}

test('health and metrics', async () => {
  const h = await anon('GET', '/healthz');
  assert.equal(h.status, 200);
  assert.equal(h.json.status, 'ok');
  await alice('POST', '/api/v1/tickets', { title: 'metrics probe' });
  const m = await admin('GET', '/metrics');
  assert.equal(m.status, 200);
  assert.match(m.headers.get('content-type'), /^text\/plain; version=0.0.4/);
  assert.match(m.text, /relais_http_requests_total\{route="POST \/api\/v1\/tickets",status="201"\} \d+/);
  assert.match(m.text, /relais_http_request_duration_seconds_bucket\{route="GET \/healthz",le="\+Inf"\} \d+/);
  assert.match(m.text, /relais_tickets\{status="new"\} \d+/);
  assert.equal((await anon('GET', '/metrics')).status, 401);
  assert.equal((await agent('GET', '/metrics')).status, 403);
});

test('ticket create, get, patch, history, comments', async () => {
  const c = await alice('POST', '/api/v1/tickets', {
    title: 'VPN ne fonctionne plus', description: "Erreur 809 depuis ce matin\nà l'agence",
  });
  assert.equal(c.status, 201, c.text);
  // impact and urgency are the desk's to set
  const rated = await agent('PATCH', `/api/v1/tickets/${c.json.id}`, { impact: 1, urgency: 2 });
  assert.equal(rated.status, 200, rated.text);
  const tk = rated.json;
  assert.equal(tk.status, 'new');
  assert.equal(tk.priority, 2, 'ITIL matrix: impact 1 × urgency 2 → P2');
  assert.equal(tk.requester_name, 'Alice');
  assert.equal(tk.source, 'api');
  assert.match(tk.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  const g = await admin('POST', '/api/v1/groups', { name: 'Réseau', description: 'network team' });
  assert.equal(g.status, 201, g.text);
  const agentId = (await agent('GET', '/api/v1/auth/me')).json.user.id;
  assert.equal((await admin('PUT', `/api/v1/groups/${g.json.id}/members/${agentId}`)).status, 200);

  const p = await agent('PATCH', `/api/v1/tickets/${tk.id}`, {
    status: 'open', group_id: g.json.id, assignee_id: agentId, category: 'Network', urgency: 1,
  });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.status, 'open');
  assert.equal(p.json.group_name, 'Réseau');
  assert.equal(p.json.priority, 1, 'priority follows impact × urgency');

  const bad = await agent('PATCH', `/api/v1/tickets/${tk.id}`, { status: 'new' });
  assertError(bad, 409, 'conflict', 'status');

  assert.equal((await agent('POST', `/api/v1/tickets/${tk.id}/comments`, { body: 'Nous regardons.' })).status, 201);
  const note = await agent('POST', `/api/v1/tickets/${tk.id}/comments`, { body: 'gateway vpn-gw-02 suspected', internal: true });
  assert.equal(note.status, 201);
  assert.equal(note.json.internal, true);

  const h = await agent('GET', `/api/v1/tickets/${tk.id}/history`);
  const fields = h.json.items.map((e) => e.field);
  for (const f of ['created', 'status', 'group_id', 'assignee_id', 'category', 'urgency', 'priority', 'comment', 'internal_note'])
    assert.ok(fields.includes(f), `history has ${f}: ${fields}`);
  const st = h.json.items.find((e) => e.field === 'status');
  assert.deepEqual([st.old_value, st.new_value, st.actor_kind, st.actor_name], ['new', 'open', 'person', 'Agent']);
  // ids come with the name they stand for, for the timeline
  const gr = h.json.items.find((e) => e.field === 'group_id');
  assert.deepEqual([gr.old_value, gr.old_label, gr.new_value, gr.new_label], [null, undefined, String(g.json.id), 'Réseau']);
  assert.equal(h.json.items.find((e) => e.field === 'assignee_id').new_label, 'Agent');
  assert.equal(st.new_label, undefined, 'plain values get no label');

  // The requester sees the public reply but never the internal note.
  const rc = await alice('GET', `/api/v1/tickets/${tk.id}/comments`);
  assert.deepEqual(rc.json.items.map((x) => x.body), ['Nous regardons.']);
  const rh = await alice('GET', `/api/v1/tickets/${tk.id}/history`);
  assert.ok(!rh.json.items.some((e) => e.field === 'internal_note'));
  assert.ok(!rh.text.includes('vpn-gw-02'));

  // Pending → the requester answers → back to open, by the system.
  assert.equal((await agent('PATCH', `/api/v1/tickets/${tk.id}`, { status: 'pending' })).status, 200);
  assert.equal((await alice('POST', `/api/v1/tickets/${tk.id}/comments`, { body: 'Toujours en panne' })).status, 201);
  const back = await alice('GET', `/api/v1/tickets/${tk.id}`);
  assert.equal(back.json.status, 'open');

  const res = await agent('PATCH', `/api/v1/tickets/${tk.id}`, { status: 'resolved', resolution: 'Passerelle redémarrée' });
  assert.equal(res.status, 200);
  assert.ok(res.json.resolved_at);
  const reopen = await agent('PATCH', `/api/v1/tickets/${tk.id}`, { status: 'open' });
  assert.equal(reopen.json.resolved_at, null);

  // "Still broken" on a resolved ticket reopens it, by the system; a closed
  // ticket takes no more replies from its requester (agents may still note).
  assert.equal((await agent('PATCH', `/api/v1/tickets/${tk.id}`, { status: 'resolved' })).status, 200);
  assert.equal((await alice('POST', `/api/v1/tickets/${tk.id}/comments`, { body: 'Ça recommence', still_broken: true })).status, 201);
  const again = await alice('GET', `/api/v1/tickets/${tk.id}`);
  assert.equal(again.json.status, 'open');
  const ev = (await agent('GET', `/api/v1/tickets/${tk.id}/history`)).json.items.filter((e) => e.field === 'status').at(-1);
  assert.deepEqual([ev.field, ev.old_value, ev.new_value, ev.actor_kind], ['status', 'resolved', 'open', 'system']);
  assert.equal((await agent('PATCH', `/api/v1/tickets/${tk.id}`, { status: 'closed' })).status, 200);
  const late = await alice('POST', `/api/v1/tickets/${tk.id}/comments`, { body: 'Encore' });
  assertError(late, 409, 'conflict');
  assert.match(late.json.error.message, /closed: open a new ticket/);
  assert.equal((await agent('POST', `/api/v1/tickets/${tk.id}/comments`, { body: 'for the record', internal: true })).status, 201);
  assert.equal((await alice('GET', `/api/v1/tickets/${tk.id}`)).json.status, 'closed');
});

test('list: filters, sort, cursor pagination, full-text search', async () => {
  const made = [];
  const bobId = (await bob('GET', '/api/v1/auth/me')).json.user.id;
  for (let i = 0; i < 12; i++) {
    const r = await agent('POST', '/api/v1/tickets', {
      requester_id: bobId,
      title: i % 3 === 0 ? `Imprimante bloquée ${i}` : `Outlook crash ${i}`,
      description: i % 3 === 0 ? "l'imprimante du 2e étage n'imprime plus" : 'Outlook closes on start',
      urgency: (i % 3) + 1, impact: 2,
    });
    made.push(r.json.id);
  }
  // Requesters only ever see their own tickets, whatever they ask for.
  const aliceId = (await alice('GET', '/api/v1/auth/me')).json.user.id;
  const mine = await bob('GET', `/api/v1/tickets?limit=200&requester_id=${aliceId}`);
  assert.equal(mine.status, 200);
  assert.ok(mine.json.items.length >= 12);
  assert.ok(mine.json.items.every((t) => t.requester_name === 'Bob'));

  // Pages of 5 visit every ticket once, newest first.
  const seen = [];
  let cursor = null;
  for (let page = 0; page < 10; page++) {
    const r = await bob('GET', '/api/v1/tickets?limit=5' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    assert.equal(r.status, 200, r.text);
    seen.push(...r.json.items.map((t) => t.id));
    cursor = r.json.next_cursor;
    if (!cursor) break;
  }
  assert.equal(new Set(seen).size, seen.length);
  for (const id of made) assert.ok(seen.includes(id));
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1] > seen[i], 'newest first');

  const p1 = await agent('GET', '/api/v1/tickets?priority=2&status=new&limit=200');
  assert.ok(p1.json.items.length > 0);
  assert.ok(p1.json.items.every((t) => t.priority === 2 && t.status === 'new'));

  const asc = await agent('GET', '/api/v1/tickets?sort=priority&limit=200');
  const prios = asc.json.items.map((t) => t.priority ?? 5);
  assert.deepEqual(prios, [...prios].sort((a, b) => a - b));

  // Soonest SLA first, tickets without one last, in pages of 4 that visit
  // every ticket once.
  const due = [];
  cursor = null;
  for (let page = 0; page < 100; page++) {
    const r = await agent('GET', '/api/v1/tickets?sort=sla_due_at&limit=4' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    assert.equal(r.status, 200, r.text);
    due.push(...r.json.items);
    cursor = r.json.next_cursor;
    if (!cursor) break;
  }
  const all = (await agent('GET', '/api/v1/tickets?limit=200')).json.items;
  assert.ok(all.length < 200);
  assert.equal(due.length, all.length);
  assert.equal(new Set(due.map((t) => t.id)).size, due.length);
  const keys = due.map((t) => (t.sla_due_at ? Date.parse(t.sla_due_at) : Infinity));
  for (let i = 1; i < keys.length; i++) assert.ok(keys[i - 1] <= keys[i], 'soonest due first');
  // every ticket has a priority and so a due time, but for those waiting on
  // their requester (pending: the clocks stop), which come last
  assert.ok(keys.some(Number.isFinite), 'due times present');
  for (const t of due) assert.equal(t.sla_due_at === null, t.status === 'pending', `ticket ${t.id} (${t.status})`);

  // Full text, accent-folded, ranked; requester scope still applies.
  const s = await agent('GET', '/api/v1/tickets?q=' + encodeURIComponent('imprimante etage'));
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.items.length, 4);
  assert.ok(s.json.items.every((t) => t.title.startsWith('Imprimante')));
  const sa = await alice('GET', '/api/v1/tickets?q=imprimante');
  assert.equal(sa.json.items.length, 0);

  const range = await agent('GET', '/api/v1/tickets?created_from=2000-01-01&created_to=2000-01-02');
  assert.deepEqual(range.json.items, []);
});

test('bad input: clear errors, nothing stored', async () => {
  const count = async () => (await agent('GET', '/api/v1/tickets?limit=200&sort=id')).json.items.length;
  const before = await count();
  assertError(await alice('POST', '/api/v1/tickets', '{"title": "x",\n  "description": }'), 400, 'malformed_json');
  const mj = await alice('POST', '/api/v1/tickets', '{"title": "x",\n  "description": }');
  assert.match(mj.json.error.message, /line 2, column \d+/);
  assertError(await alice('POST', '/api/v1/tickets', ''), 400, 'malformed_json');
  assertError(await alice('POST', '/api/v1/tickets', '[1,2]'), 400, 'malformed_json');
  assertError(await alice('POST', '/api/v1/tickets', { title: 'x', colour: 'red' }), 400, 'invalid', 'colour');
  assertError(await alice('POST', '/api/v1/tickets', { title: 42 }), 400, 'invalid', 'title');
  assertError(await alice('POST', '/api/v1/tickets', { title: '   ' }), 400, 'invalid', 'title');
  assertError(await alice('POST', '/api/v1/tickets', { description: 'no title' }), 400, 'invalid', 'title');
  assertError(await agent('POST', '/api/v1/tickets', { title: 'x', urgency: 7 }), 400, 'invalid', 'urgency');
  assertError(await agent('POST', '/api/v1/tickets', { title: 'x', urgency: '1' }), 400, 'invalid', 'urgency');
  assertError(await alice('POST', '/api/v1/tickets', { title: 'x', urgency: 1 }), 403, 'forbidden', 'urgency');
  assertError(await alice('POST', '/api/v1/tickets', { title: 'x'.repeat(301) }), 400, 'invalid', 'title');
  assertError(await alice('POST', '/api/v1/tickets', { title: 'a\u0000b' }), 400, 'malformed_json');
  assertError(await alice('POST', '/api/v1/tickets', { title: 'x', created_at: '2020-01-01' }), 400, 'invalid', 'created_at');
  assertError(await alice('POST', '/api/v1/tickets', { title: 'x', assignee_id: 1 }), 403, 'forbidden', 'assignee_id');
  assertError(await agent('POST', '/api/v1/tickets', { title: 'x', assignee_id: 99999 }), 400, 'invalid', 'assignee_id');
  assertError(await agent('POST', '/api/v1/tickets', { title: 'x', group_id: 99999 }), 400, 'invalid', 'group_id');
  assertError(await alice('POST', '/api/v1/tickets', '{"title":"x","title":"y"}'), 400, 'malformed_json');
  const utf = await alice('POST', '/api/v1/tickets', Buffer.from([0x7b, 0x22, 0x74, 0x69, 0x74, 0x6c, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
  assertError(utf, 400, 'invalid_utf8');
  const big = await alice('POST', '/api/v1/tickets', JSON.stringify({ title: 'x', description: 'y'.repeat(1100000) }));
  assertError(big, 413, 'too_large');
  // Hostile strings are stored verbatim and come back as data.
  const xss = await alice('POST', '/api/v1/tickets', { title: '<script>alert(1)</script>', description: "'; DROP TABLE tickets; --" });
  assert.equal(xss.status, 201);
  assert.equal(xss.json.title, '<script>alert(1)</script>');
  assert.equal(await count(), before + 1, 'only the valid ticket was stored');

  // A misspelt filter is refused by name, not silently dropped (which
  // would answer with every ticket).
  const typo = await agent('GET', '/api/v1/tickets?stauts=open');
  assertError(typo, 400, 'invalid', 'stauts');
  assert.match(typo.json.error.message, /known: q, status, /);
  assertError(await agent('GET', '/api/v1/tickets/1/history?page=5'), 400, 'invalid', 'page');
  const odd = await agent('GET', '/api/v1/tickets?%ff%fe=1');
  assert.equal(odd.status, 400);
  assert.match(odd.json.error.message, /non-UTF-8 name/);
  assertError(await alice('POST', '/api/v1/tickets?draft=1', { title: 'x' }), 400, 'invalid', 'draft');
  assert.equal((await agent('GET', '/api/v1/tickets?status=open&limit=2')).status, 200);
  assert.equal(await count(), before + 1, 'nothing stored by a refused call');

  assertError(await agent('GET', '/api/v1/tickets/999999'), 404, 'not_found');
  assertError(await agent('GET', '/api/v1/tickets/abc'), 404, 'not_found');
  assertError(await agent('GET', '/api/v1/nothing-here'), 404, 'not_found');
  const m = await agent('DELETE', '/api/v1/tickets/1');
  assertError(m, 405, 'method_not_allowed');
  assert.equal(m.headers.get('allow'), 'GET, PATCH');
  for (const q of ['"unclosed', 'AND', 'title:', '(((', 'NEAR(']) {
    assertError(await agent('GET', '/api/v1/tickets?q=' + encodeURIComponent(q)), 400, 'bad_query', 'q');
  }
  assertError(await agent('GET', '/api/v1/tickets?q=%FF'), 400, 'invalid_utf8', 'q');
  assertError(await agent('GET', '/api/v1/tickets?limit=0'), 400, 'invalid', 'limit');
  assertError(await agent('GET', '/api/v1/tickets?limit=abc'), 400, 'invalid', 'limit');
  assertError(await agent('GET', '/api/v1/tickets?status=bogus'), 400, 'invalid', 'status');
  assertError(await agent('GET', '/api/v1/tickets?sort=color'), 400, 'invalid', 'sort');
  assertError(await agent('GET', '/api/v1/tickets?created_from=yesterday'), 400, 'invalid', 'created_from');
  assertError(await agent('GET', '/api/v1/tickets?cursor=zzz'), 400, 'bad_query', 'cursor');
  const h = await anon('GET', '/healthz');
  assert.equal(h.status, 200, 'the server is still up after all that');
});

test('authorisation matrix', async () => {
  const t = (await alice('POST', '/api/v1/tickets', { title: 'private to alice' })).json;
  const me = (c) => c('GET', '/api/v1/auth/me');
  const bobId = (await me(bob)).json.user.id;
  const cases = [
    // [who, method, path, body, expected status]
    ['anon', 'GET', `/api/v1/tickets/${t.id}`, undefined, 401],
    ['anon', 'GET', '/api/v1/tickets', undefined, 401],
    ['anon', 'POST', '/api/v1/tickets', { title: 'x' }, 401],
    ['alice', 'GET', `/api/v1/tickets/${t.id}`, undefined, 200],
    ['bob', 'GET', `/api/v1/tickets/${t.id}`, undefined, 404],
    ['bob', 'GET', `/api/v1/tickets/${t.id}/comments`, undefined, 404],
    ['bob', 'GET', `/api/v1/tickets/${t.id}/history`, undefined, 404],
    ['bob', 'POST', `/api/v1/tickets/${t.id}/comments`, { body: 'hi' }, 404],
    ['alice', 'POST', `/api/v1/tickets/${t.id}/comments`, { body: 'hi' }, 201],
    ['alice', 'POST', `/api/v1/tickets/${t.id}/comments`, { body: 'x', internal: true }, 403],
    ['alice', 'PATCH', `/api/v1/tickets/${t.id}`, { status: 'closed' }, 403],
    ['agent', 'GET', `/api/v1/tickets/${t.id}`, undefined, 200],
    ['agent', 'PATCH', `/api/v1/tickets/${t.id}`, { category: 'Email' }, 200],
    ['admin', 'PATCH', `/api/v1/tickets/${t.id}`, { category: 'Access' }, 200],
    ['alice', 'GET', '/api/v1/users', undefined, 403],
    ['agent', 'GET', '/api/v1/users', undefined, 200],
    ['agent', 'POST', '/api/v1/users', { email: 'x@y.z', name: 'X', role: 'agent' }, 403],
    ['admin', 'POST', '/api/v1/users', { email: 'carol@test.example', name: 'Carol', role: 'agent', password: 'carol-password' }, 201],
    ['admin', 'POST', '/api/v1/users', { email: 'carol@test.example', name: 'Carol', role: 'agent' }, 409],
    ['admin', 'POST', '/api/v1/users', { email: 'dan@test.example', name: 'Dan', role: 'wizard' }, 400],
    ['agent', 'PATCH', `/api/v1/users/${bobId}`, { vip: true }, 403],
    ['admin', 'PATCH', `/api/v1/users/${bobId}`, { vip: true }, 200],
    ['alice', 'GET', '/api/v1/groups', undefined, 403],
    ['agent', 'POST', '/api/v1/groups', { name: 'Nope' }, 403],
    ['admin', 'POST', '/api/v1/groups', { name: 'Applications' }, 201],
    ['admin', 'POST', '/api/v1/groups', { name: 'applications' }, 409],
    ['alice', 'GET', '/metrics', undefined, 403],
  ];
  const who = { anon, alice, bob, agent, admin };
  for (const [w, method, p, body, want] of cases) {
    const r = await who[w](method, p, body);
    assert.equal(r.status, want, `${w} ${method} ${p} → ${r.status} ${r.text}`);
  }
  assert.equal((await bob('GET', `/api/v1/users/${bobId}`)).status, 403);
  const carol = await anon('POST', '/api/v1/auth/login', { email: 'carol@test.example', password: 'carol-password' });
  assert.equal(carol.status, 200);
  // the team only, for the assignee pickers
  const team = await agent('GET', '/api/v1/users?role=agent,admin');
  assert.equal(team.status, 200, team.text);
  assert.deepEqual([...new Set(team.json.items.map((u) => u.role))].sort(), ['admin', 'agent']);
  const everyone = (await agent('GET', '/api/v1/users')).json.items;
  assert.equal(team.json.items.length, everyone.filter((u) => u.role !== 'requester').length);
  assertError(await agent('GET', '/api/v1/users?role=agent,boss'), 400, 'invalid', 'role');
});

test('session login: cookie flags, CSRF, logout, bad credentials', async () => {
  const a = env.accounts.alice;
  const wrong = await anon('POST', '/api/v1/auth/login', { email: a.email, password: 'nope-nope' });
  assertError(wrong, 401, 'unauthenticated');
  const ghost = await anon('POST', '/api/v1/auth/login', { email: 'ghost@x.y', password: 'nope-nope' });
  assert.equal(ghost.json.error.message, wrong.json.error.message, 'same answer for unknown e-mail');
  assertError(await anon('POST', '/api/v1/auth/login', { email: a.email }), 400, 'invalid', 'password');

  const r = await anon('POST', '/api/v1/auth/login', { email: a.email, password: a.password });
  assert.equal(r.status, 200);
  const cookie = r.headers.get('set-cookie');
  assert.match(cookie, /relais_session=[0-9a-f]{64}/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.doesNotMatch(cookie, /Secure/, 'plain HTTP on loopback: a Secure cookie would never come back');
  // behind a TLS proxy the cookie is Secure, so it never travels in clear
  const tls = await anon('POST', '/api/v1/auth/login', { email: a.email, password: a.password }, { 'X-Forwarded-Proto': 'https' });
  assert.match(tls.headers.get('set-cookie'), /; Secure/);
  const secureSrv = await startServer(env.db, { args: ['--secure-cookies'] });
  try {
    const s2 = await client(secureSrv.url, null)('POST', '/api/v1/auth/login', { email: a.email, password: a.password });
    assert.match(s2.headers.get('set-cookie'), /; Secure/, '--secure-cookies marks every session cookie');
  } finally {
    await secureSrv.stop();
  }
  const csrf = r.json.csrf_token;
  assert.match(csrf, /^[0-9a-f]{64}$/);
  const sess = cookie.split(';')[0];
  const withCookie = client(srv.url, null);
  const me = await withCookie('GET', '/api/v1/auth/me', undefined, { Cookie: sess });
  assert.equal(me.json.user.email, a.email);
  assert.equal(me.json.csrf_token, csrf);
  const noCsrf = await withCookie('POST', '/api/v1/tickets', { title: 'x' }, { Cookie: sess });
  assertError(noCsrf, 403, 'forbidden');
  const badCsrf = await withCookie('POST', '/api/v1/tickets', { title: 'x' }, { Cookie: sess, 'X-CSRF-Token': 'f'.repeat(64) });
  assertError(badCsrf, 403, 'forbidden');
  const ok = await withCookie('POST', '/api/v1/tickets', { title: 'via the portal' }, { Cookie: sess, 'X-CSRF-Token': csrf });
  assert.equal(ok.status, 201);
  assert.equal(ok.json.source, 'web');
  const out = await withCookie('POST', '/api/v1/auth/logout', {}, { Cookie: sess, 'X-CSRF-Token': csrf });
  assert.equal(out.status, 200);
  assert.match(out.headers.get('set-cookie'), /Max-Age=0/);
  assert.equal((await withCookie('GET', '/api/v1/tickets', undefined, { Cookie: sess })).status, 401);
  assertError(await client(srv.url, 'rls_' + '0'.repeat(64))('GET', '/api/v1/tickets'), 401, 'unauthenticated');
  assertError(await anon('GET', '/api/v1/tickets', undefined, { Authorization: 'Basic abc' }), 401, 'unauthenticated');
});

test('password guessing is throttled per account, and a right password resets the count', async () => {
  // a fresh account so that the lock touches no other test
  const mk = await admin('POST', '/api/v1/users', { email: 'dave@test.example', name: 'Dave', role: 'requester', password: 'dave-password' });
  assert.equal(mk.status, 201, mk.text);
  const login = (password, email = 'dave@test.example') => anon('POST', '/api/v1/auth/login', { email, password });
  for (let i = 0; i < 4; i++) assert.equal((await login('wrong-' + i)).status, 401);
  assert.equal((await login('dave-password')).status, 200, 'four misses, then the right password');
  for (let i = 0; i < 5; i++) assert.equal((await login('wrong-' + i)).status, 401);
  const locked = await login('dave-password');
  assertError(locked, 429, 'too_many_requests');
  assert.match(locked.json.error.message, /try again in \d+ s/);
  assert.equal((await login('dave-password', 'DAVE@test.example')).status, 429, 'the lock ignores case');
  // an unknown address is throttled the same way: the answer tells nothing
  for (let i = 0; i < 5; i++) assert.equal((await login('x', 'nobody@test.example')).status, 401);
  assert.equal((await login('x', 'nobody@test.example')).status, 429);
  // other accounts are not affected
  assert.equal((await anon('POST', '/api/v1/auth/login', { email: env.accounts.bob.email, password: env.accounts.bob.password })).status, 200);
});

test('the UI is served with a strict content security policy', async () => {
  const r = await anon('GET', '/');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/html/);
  assert.match(r.headers.get('content-security-policy'), /default-src 'self'/);
  assert.match(r.text, /<script type="module" src="\/js\/main.js"><\/script>/);
  assert.equal((await anon('GET', '/js/main.js')).status, 200);
  assert.equal((await anon('GET', '/nope.js')).status, 404);
});
