// Similar tickets over the API (issue "Knowledge base, similar tickets and
// duplicates"): for a ticket or a text, the solved tickets most alike
// first (the index's rank), with their resolution, a similarity in [0, 1] and the words they
// share; itself and unrelated tickets left out; agents only; bad input
// refused naming the parameter.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeDb, startServer, client } = require('../lib/harness');

let env, srv, agent, alice;
const made = {};

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  agent = client(srv.url, env.accounts.agent.token);
  alice = client(srv.url, env.accounts.alice.token);
  const file = async (key, title, description, resolution) => {
    const r = await alice('POST', '/api/v1/tickets', { title, description });
    assert.equal(r.status, 201, r.text);
    if (resolution) assert.equal((await agent('PATCH', `/api/v1/tickets/${r.json.id}`, { status: 'resolved', resolution })).status, 200);
    made[key] = r.json.id;
  };
  await file('vpn1', 'VPN error 809 when connecting', 'The VPN client shows error 809 when I connect from home.', 'Reinstalled the VPN profile.');
  await file('vpn2', 'Cannot connect to the VPN from the hotel', 'VPN connection fails at the hotel, error 809.', 'The hotel network blocked the VPN; used the phone hotspot.');
  await file('printer', 'Printer offline on floor 3', 'The printer on floor 3 shows offline since this morning.', 'Restarted the spooler.');
  await file('vpnOpen', 'VPN error 809 again', 'Error 809 on the VPN client since an hour.', null);
  await file('fr', 'Imprimante hors ligne', "L'imprimante du 3e étage est hors ligne.", 'Spouleur redémarré.');
});
test.after(async () => { if (srv) await srv.stop(); });

test('a ticket\'s similar solved tickets: the most alike first, with resolution, similarity and shared words', async () => {
  const r = await agent('GET', `/api/v1/tickets/${made.vpnOpen}/similar`);
  assert.equal(r.status, 200, r.text);
  const ids = r.json.items.map((x) => x.id);
  assert.deepEqual(ids.slice(0, 2).sort(), [made.vpn1, made.vpn2].sort());
  assert.ok(!ids.includes(made.vpnOpen) && !ids.includes(made.printer), JSON.stringify(r.json.items.map((x) => [x.id, x.similarity, x.words])) + JSON.stringify(made));
  const first = r.json.items[0];
  assert.ok(first.similarity > 0 && first.similarity <= 1);
  assert.ok(first.words.includes('vpn') && first.words.includes('809'), JSON.stringify(first.words));
  assert.match(first.resolution, /VPN|hotel/);
  // any status: the open one comes too, itself never
  const any = (await agent('GET', `/api/v1/tickets/${made.vpn1}/similar?status=any`)).json.items.map((x) => x.id);
  assert.ok(any.includes(made.vpnOpen) && !any.includes(made.vpn1));
});

test('similar tickets for a new text; French words fold like the models see them', async () => {
  const fr = (await agent('GET', `/api/v1/search/similar?text=${encodeURIComponent("l'IMPRIMANTE est hors-ligne")}`)).json.items;
  assert.equal(fr[0].id, made.fr);
  assert.deepEqual((await agent('GET', '/api/v1/search/similar?text=bonjour%20merci')).json.items, []);
  assert.deepEqual((await agent('GET', '/api/v1/search/similar?text=the%20and')).json.items, []);
});

test('roles and bad input', async () => {
  assert.equal((await alice('GET', `/api/v1/tickets/${made.vpn1}/similar`)).status, 403);
  assert.equal((await alice('GET', '/api/v1/search/similar?text=vpn')).status, 403);
  const none = await agent('GET', '/api/v1/search/similar');
  assert.deepEqual([none.status, none.json.error.field, none.json.error.reason], [400, 'text', 'required']);
  assert.equal((await agent('GET', `/api/v1/search/similar?text=${'x'.repeat(20001)}`)).status, 400);
  const words = await agent('GET', '/api/v1/search/similar?text=vpn&words=some');
  assert.deepEqual([words.status, words.json.error.field], [400, 'words']);
  // every word's list read, or the rarest within the budget: on a small desk, the same tickets
  const all = (await agent('GET', `/api/v1/tickets/${made.vpnOpen}/similar?words=all`)).json.items.map((x) => x.id);
  const rare = (await agent('GET', `/api/v1/tickets/${made.vpnOpen}/similar?words=rare`)).json.items.map((x) => x.id);
  assert.deepEqual(all, rare);
  assert.equal((await agent('GET', '/api/v1/search/similar?text=vpn&limit=99')).status, 400);
  assert.equal((await agent('GET', '/api/v1/search/similar?text=vpn&status=open')).status, 400);
  assert.equal((await agent('GET', '/api/v1/tickets/999999/similar')).status, 404);
  for (const s of ['"', 'NEAR(a', '{title}: x', '* OR *', 'a"b', '漢字']) {
    const r = await agent('GET', `/api/v1/search/similar?text=${encodeURIComponent(s)}`);
    assert.equal(r.status, 200, `${s}: ${r.text}`);
  }
});
