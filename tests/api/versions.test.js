// API tests of conditional changes: a ticket carries a version (its ETag);
// a PATCH made from an older version gets 412 and changes nothing, so two
// agents editing one ticket never silently lose one of the changes.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeDb, startServer, client, addEntries } = require('../lib/harness');

let env, srv, admin, agent, alice;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  await addEntries(srv.url, env.accounts.admin.token, { category: ['Hardware', 'Access', 'Network', 'Email', ...Array.from({ length: 20 }, (_, i) => [`Agent ${i}`, `Admin ${i}`]).flat()] });
  admin = client(srv.url, env.accounts.admin.token);
  agent = client(srv.url, env.accounts.agent.token);
  alice = client(srv.url, env.accounts.alice.token);
});
test.after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, 'server exits 0 on SIGTERM; stderr:\n' + srv.stderr());
});

test('a change made from an old version is refused with 412 and who changed it', async () => {
  const made = await alice('POST', '/api/v1/tickets', { title: 'Badge reader broken', description: 'door B' });
  assert.equal(made.status, 201, made.text);
  const id = made.json.id;
  const g = await agent('GET', `/api/v1/tickets/${id}`);
  assert.equal(g.json.version, 1);
  assert.equal(g.headers.get('etag'), '"1"');
  const first = await admin('PATCH', `/api/v1/tickets/${id}`, { category: 'Hardware' }, { 'If-Match': '"1"' });
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json.version, 2);
  assert.equal(first.headers.get('etag'), '"2"');
  const second = await agent('PATCH', `/api/v1/tickets/${id}`, { category: 'Access' }, { 'If-Match': '"1"' });
  assert.equal(second.status, 412, second.text);
  assert.equal(second.json.error.code, 'precondition_failed');
  assert.equal(second.json.error.version, 2);
  assert.equal(second.json.error.changed_by, 'Admin');
  assert.match(second.json.error.message, /changed since you read it/);
  assert.equal(second.headers.get('etag'), '"2"');
  assert.equal((await agent('GET', `/api/v1/tickets/${id}`)).json.category, 'Hardware', 'the first change stands');
  // the same through the body's version, and with the right one it applies
  const viaBody = await agent('PATCH', `/api/v1/tickets/${id}`, { category: 'Access', version: 1 });
  assert.equal(viaBody.status, 412);
  const ok = await agent('PATCH', `/api/v1/tickets/${id}`, { category: 'Access', version: 2 });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.version, 3);
  // a change that changes nothing keeps the version; one without a precondition still applies
  assert.equal((await agent('PATCH', `/api/v1/tickets/${id}`, { category: 'Access' }, { 'If-Match': 'W/"3"' })).json.version, 3);
  assert.equal((await agent('PATCH', `/api/v1/tickets/${id}`, { category: 'Network' })).json.version, 4);
  assert.equal((await agent('PATCH', `/api/v1/tickets/${id}`, { category: 'Email' }, { 'If-Match': '*' })).status, 200);
});

test('malformed preconditions are refused, and version is not a field one sets', async () => {
  const id = (await alice('POST', '/api/v1/tickets', { title: 'Screen flickers' })).json.id;
  for (const m of ['1', '"x"', '"0"', '"1", "2"', '"99999999999999999999"']) {
    const r = await agent('PATCH', `/api/v1/tickets/${id}`, { category: 'Hardware' }, { 'If-Match': m });
    assert.equal(r.status, 400, `${m}: ${r.text}`);
  }
  const both = await agent('PATCH', `/api/v1/tickets/${id}`, { category: 'Hardware', version: 1 }, { 'If-Match': '"2"' });
  assert.equal(both.status, 400);
  for (const v of ['1', 0, -1, 1.5, null]) {
    const r = await agent('PATCH', `/api/v1/tickets/${id}`, { category: 'Hardware', version: v });
    assert.equal(r.status, 400, `version ${JSON.stringify(v)}: ${r.text}`);
    assert.equal(r.json.error.field, 'version');
  }
  assert.equal((await agent('GET', `/api/v1/tickets/${id}`)).json.version, 1, 'nothing applied');
});

test('two agents saving at once: one wins, the other is told, in every round', async () => {
  const id = (await alice('POST', '/api/v1/tickets', { title: 'Shared drive slow' })).json.id;
  for (let round = 0; round < 20; round++) {
    const cur = await agent('GET', `/api/v1/tickets/${id}`);
    const tag = cur.headers.get('etag');
    const [a, b] = await Promise.all([
      agent('PATCH', `/api/v1/tickets/${id}`, { category: `Agent ${round}` }, { 'If-Match': tag }),
      admin('PATCH', `/api/v1/tickets/${id}`, { category: `Admin ${round}` }, { 'If-Match': tag }),
    ]);
    const codes = [a.status, b.status].sort();
    assert.deepEqual(codes, [200, 412], `round ${round}: ${a.text} / ${b.text}`);
    const winner = a.status === 200 ? `Agent ${round}` : `Admin ${round}`;
    assert.equal((await agent('GET', `/api/v1/tickets/${id}`)).json.category, winner);
  }
});
