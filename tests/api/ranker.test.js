// The similar-ticket ranker learns from what agents take (issue "Knowledge
// base, similar tickets and duplicates"): a resolution reused is a signal;
// until SEARCH_RANK_MIN_SIGNALS (30) of them are among the candidates the
// stated default ranks; an admin (or the "ranker" job) fits it, audited;
// each result says what it was ranked on.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeDb, startServer, client } = require('../lib/harness');

let env, srv, admin, agent, alice;
const pairs = [];

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = client(srv.url, env.accounts.admin.token);
  agent = client(srv.url, env.accounts.agent.token);
  alice = client(srv.url, env.accounts.alice.token);
  const file = async (title, description, resolution) => {
    const r = await agent('POST', '/api/v1/tickets', { title, description });
    assert.equal(r.status, 201, r.text);
    if (resolution) assert.equal((await agent('PATCH', `/api/v1/tickets/${r.json.id}`, { status: 'resolved', resolution })).status, 200);
    return r.json.id;
  };
  // each open ticket has its twin (the one taken) and a cousin sharing less
  for (let i = 0; i < 34; i++) {
    const twin = await file(`Laptop asset${i} screen flickers`, `The screen of laptop asset${i} flickers after docking.`, 'Updated the display driver.');
    const cousin = await file(`Laptop asset${i} battery drains`, `Battery of laptop asset${i} drains in an hour.`, 'Replaced the battery.');
    const open = await file(`Screen flickers on laptop asset${i}`, `Since docking, asset${i} screen flickers.`, null);
    pairs.push({ twin, cousin, open });
  }
});
test.after(async () => { if (srv) await srv.stop(); });

test('the default ranks first; each result says what it was ranked on', async () => {
  const r = await agent('GET', '/api/v1/search/ranker');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.trained, r.json.signals, r.json.min_signals], [false, 0, 30]);
  assert.ok(r.json.weights.bm25_title > 0 && r.json.weights.category > 0);
  const s = await agent('GET', `/api/v1/tickets/${pairs[0].open}/similar?limit=3`);
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.ranker_trained, false);
  assert.equal(s.json.items[0].id, pairs[0].twin);
  const f = s.json.items[0].features;
  for (const k of ['bm25_title', 'bm25_body', 'tfidf', 'words', 'chars', 'category', 'service', 'ci', 'requester', 'recency'])
    assert.ok(f[k] >= 0 && f[k] <= 1, k + ' ' + f[k]);
  assert.equal(f.requester, 1);
  assert.ok(s.json.items[0].score > s.json.items[1].score);
});

test('signals: agents record what they took; bad input is refused naming the field', async () => {
  const p = pairs[0];
  assert.equal((await alice('POST', `/api/v1/tickets/${p.open}/similar/${p.twin}/taken`, { kind: 'resolution_used' })).status, 403);
  const bad = await agent('POST', `/api/v1/tickets/${p.open}/similar/${p.twin}/taken`, { kind: 'liked' });
  assert.deepEqual([bad.status, bad.json.error.field], [400, 'kind']);
  assert.equal((await agent('POST', `/api/v1/tickets/${p.open}/similar/${p.twin}/taken`, { kind: 3 })).status, 400);
  assert.equal((await agent('POST', `/api/v1/tickets/${p.open}/similar/${p.twin}/taken`, { kind: 'duplicate', x: 1 })).status, 400);
  assert.equal((await agent('POST', `/api/v1/tickets/${p.open}/similar/${p.open}/taken`, { kind: 'duplicate' })).status, 400);
  assert.equal((await agent('POST', `/api/v1/tickets/${p.open}/similar/999999/taken`, { kind: 'duplicate' })).status, 404);
  // too few: an admin's fit keeps the default
  assert.equal((await agent('POST', `/api/v1/tickets/${p.open}/similar/${p.twin}/taken`, { kind: 'resolution_used' })).status, 201);
  assert.equal((await agent('POST', '/api/v1/search/ranker/train')).status, 403);
  const few = await admin('POST', '/api/v1/search/ranker/train');
  assert.equal(few.status, 200, few.text);
  assert.deepEqual([few.json.trained, few.json.found], [false, 1]);
});

test('enough signals: the ranker is fitted on them, used, and the fit is audited', async () => {
  for (const p of pairs) {
    const r = await agent('POST', `/api/v1/tickets/${p.open}/similar/${p.twin}/taken`, { kind: 'resolution_used' });
    assert.equal(r.status, 201, r.text);
  }
  const fit = await admin('POST', '/api/v1/search/ranker/train');
  assert.equal(fit.status, 200, fit.text);
  assert.equal(fit.json.trained, true);
  assert.equal(fit.json.found, pairs.length);
  assert.equal(fit.json.signals, pairs.length);
  assert.ok(fit.json.rows_used > pairs.length);
  const got = (await agent('GET', '/api/v1/search/ranker')).json;
  assert.deepEqual([got.trained, got.fitted_on], [true, pairs.length]);
  const s = await agent('GET', `/api/v1/tickets/${pairs[5].open}/similar?limit=3`);
  assert.equal(s.json.ranker_trained, true);
  assert.equal(s.json.items[0].id, pairs[5].twin);
  const audit = (await admin('GET', '/api/v1/audit?action=ranker.train')).json.items;
  assert.equal(audit.length, 2);
});
