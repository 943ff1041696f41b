// API tests of costly searches: the shapes that make FTS5 work hardest are
// refused at once with the reason, even many at a time, and another
// client's requests are answered meanwhile.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { makeDb, startServer, client } = require('../lib/harness');

let env, srv, agent, alice;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  agent = client(srv.url, env.accounts.agent.token);
  alice = client(srv.url, env.accounts.alice.token);
  const words = ['printer', 'vpn', 'outlook', 'password', 'laptop', 'badge', 'screen', 'network'];
  for (let i = 0; i < 300; i++) {
    const r = await agent('POST', '/api/v1/tickets', {
      title: `${words[i % 8]} ${words[(i * 3) % 8]} issue ${i}`, description: `a ${words[(i * 5) % 8]} abc${i} about ${i}`,
    });
    assert.equal(r.status, 201, r.text);
  }
});
test.after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, 'server exits 0 on SIGTERM; stderr:\n' + srv.stderr());
});

const q = (who, query) => who('GET', '/api/v1/tickets?limit=50&q=' + encodeURIComponent(query));

function healthz() {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    http.get(srv.url + '/healthz', { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6));
    }).on('error', reject);
  });
}

test('the costly shapes are refused with what to change', async () => {
  const near = 'NEAR(' + 'a* '.repeat(160) + ', 1000)';
  const cases = [
    [near, /prefix search needs at least 3 characters/],
    ['abc* abd* abe* abf* abg*', /at most 4 prefix/],
    ['NEAR(printer vpn, 1000)', /distance is at most 50/],
    [Array.from({ length: 40 }, (_, i) => 'w' + i).join(' OR '), /at most 32 words/],
  ];
  for (const [query, why] of cases) {
    const r = await q(alice, query);
    assert.equal(r.status, 400, query + ': ' + r.text);
    assert.equal(r.json.error.code, 'bad_query');
    assert.equal(r.json.error.field, 'q');
    assert.match(r.json.error.message, why);
  }
  // what people type still works
  for (const query of ['printer', 'prin*', '"printer vpn"', 'NEAR(printer vpn)', 'title:laptop', 'vpn NOT outlook'])
    assert.equal((await q(agent, query)).status, 200, query);
  const bad = await q(agent, '"unterminated');
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /not valid full-text syntax/);
});

test('many costly searches at once leave another client served', async () => {
  const near = 'NEAR(' + 'a* '.repeat(160) + ', 1000)';
  const flood = [];
  let stop = false;
  for (let k = 0; k < 8; k++) {
    flood.push((async () => {
      let n = 0;
      while (!stop) {
        const r = await q(alice, k % 2 ? near : 'abc* abd* abe* abf* abg* abh*');
        assert.equal(r.status, 400);
        n++;
      }
      return n;
    })());
  }
  const times = [];
  for (let i = 0; i < 15; i++) times.push(await healthz());
  stop = true;
  const sent = (await Promise.all(flood)).reduce((a, b) => a + b, 0);
  times.sort((a, b) => a - b);
  assert.ok(sent > 15, `${sent} costly searches sent`);
  assert.ok(times[7] < 100, `healthz took ${times.map((t) => t.toFixed(1)).join(', ')} ms`);
});
