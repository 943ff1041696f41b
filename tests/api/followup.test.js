// The requester closes the loop, over the API: a "thank you" on a resolved
// ticket leaves it resolved, "still broken" reopens it; confirming closes
// it; a satisfaction rating (1 to 5, a comment) once it is resolved; new
// replies marked unread until read; their own tickets searched.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeDb, startServer, client } = require('../lib/harness');

let env, srv, agent, alice, bob;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  agent = client(srv.url, env.accounts.agent.token);
  alice = client(srv.url, env.accounts.alice.token);
  bob = client(srv.url, env.accounts.bob.token);
});
test.after(async () => { if (srv) await srv.stop(); });

async function resolvedTicket(title) {
  const t = (await alice('POST', '/api/v1/tickets', { title, description: 'Bonjour' })).json;
  const r = await agent('PATCH', `/api/v1/tickets/${t.id}`, { status: 'resolved', resolution: 'Redémarré' });
  assert.equal(r.status, 200, r.text);
  return t.id;
}
const status = async (id) => (await agent('GET', `/api/v1/tickets/${id}`)).json.status;

test('a thank-you leaves a resolved ticket resolved; "still broken" reopens it', async () => {
  const id = await resolvedTicket('Imprimante');
  assert.equal((await alice('POST', `/api/v1/tickets/${id}/comments`, { body: 'Merci beaucoup !' })).status, 201);
  assert.equal(await status(id), 'resolved');
  const r = await alice('POST', `/api/v1/tickets/${id}/comments`, { body: 'Elle bloque encore', still_broken: true });
  assert.equal(r.status, 201, r.text);
  assert.equal(await status(id), 'open');
  const h = (await agent('GET', `/api/v1/tickets/${id}/history`)).json.items;
  assert.ok(h.some((e) => e.field === 'status' && e.old_value === 'resolved' && e.new_value === 'open' && e.actor_kind === 'system'));
  for (const bad of ['yes', 1, null]) {
    const x = await alice('POST', `/api/v1/tickets/${id}/comments`, { body: 'x', still_broken: bad });
    assert.equal(x.status, 400, JSON.stringify(bad));
    assert.equal(x.json.error.field, 'still_broken');
  }
});

test('confirming a resolved ticket closes it; anything else is refused and named', async () => {
  const id = await resolvedTicket('Écran');
  assert.equal((await bob('POST', `/api/v1/tickets/${id}/confirm`)).status, 404, 'another requester\'s ticket');
  const r = await alice('POST', `/api/v1/tickets/${id}/confirm`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { id, status: 'closed' });
  const h = (await agent('GET', `/api/v1/tickets/${id}/history`)).json.items;
  assert.ok(h.some((e) => e.field === 'status' && e.new_value === 'closed' && e.actor_name === 'Alice'));
  const again = await alice('POST', `/api/v1/tickets/${id}/confirm`);
  assert.equal(again.status, 409);
  assert.equal(again.json.error.field, 'status');
  const open = (await alice('POST', '/api/v1/tickets', { title: 'Clavier' })).json.id;
  assert.equal((await alice('POST', `/api/v1/tickets/${open}/confirm`)).status, 409);
  assert.equal((await client(srv.url, null)('POST', `/api/v1/tickets/${open}/confirm`)).status, 401);
});

test('the requester rates a resolved ticket once (a second rating replaces it); the desk reads it', async () => {
  const open = (await alice('POST', '/api/v1/tickets', { title: 'Souris' })).json.id;
  const early = await alice('PUT', `/api/v1/tickets/${open}/rating`, { rating: 5 });
  assert.equal(early.status, 409);
  const id = await resolvedTicket('Wi-Fi');
  for (const [body, field] of [[{}, 'rating'], [{ rating: 0 }, 'rating'], [{ rating: 6 }, 'rating'], [{ rating: '5' }, 'rating'],
    [{ rating: 4.5 }, 'rating'], [{ rating: 4, comment: 'x'.repeat(2001) }, 'comment'], [{ rating: 4, mood: 'ok' }, 'mood']]) {
    const r = await alice('PUT', `/api/v1/tickets/${id}/rating`, body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.error.field, field);
  }
  assert.equal((await agent('PUT', `/api/v1/tickets/${id}/rating`, { rating: 5 })).status, 403, 'only the requester rates');
  assert.equal((await bob('PUT', `/api/v1/tickets/${id}/rating`, { rating: 1 })).status, 404);
  const r = await alice('PUT', `/api/v1/tickets/${id}/rating`, { rating: 4 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.rating, 4);
  assert.equal(r.json.comment, '');
  const r2 = await alice('PUT', `/api/v1/tickets/${id}/rating`, { rating: 5, comment: 'Rapide et clair' });
  assert.deepEqual([r2.json.rating, r2.json.comment], [5, 'Rapide et clair']);
  const seen = (await agent('GET', `/api/v1/tickets/${id}`)).json.rating;
  assert.deepEqual([seen.rating, seen.comment], [5, 'Rapide et clair']);
  assert.equal((await alice('GET', `/api/v1/tickets/${id}`)).json.rating.rating, 5);
  assert.equal((await alice('GET', `/api/v1/tickets/${open}`)).json.rating, null);
  // a comment added to the same rating is not a third rating
  const r3 = await alice('PUT', `/api/v1/tickets/${id}/rating`, { rating: 5, comment: 'Rapide, clair et aimable' });
  assert.equal(r3.status, 200, r3.text);
  assert.equal((await agent('GET', `/api/v1/tickets/${id}`)).json.rating.comment, 'Rapide, clair et aimable');
  const h = (await agent('GET', `/api/v1/tickets/${id}/history`)).json.items.filter((e) => e.field === 'rating');
  assert.deepEqual(h.map((e) => e.new_value), ['4', '5']);
});

test('new replies are marked unread in the requester\'s list until they read the ticket', async () => {
  const id = (await alice('POST', '/api/v1/tickets', { title: 'Badge perdu' })).json.id;
  const mark = async () => (await alice('GET', '/api/v1/tickets?limit=50')).json.items.find((t) => t.id === id).unread;
  assert.equal(await mark(), false, 'nothing to read yet');
  await alice('POST', `/api/v1/tickets/${id}/comments`, { body: 'Précision : bâtiment B' });
  assert.equal(await mark(), false, 'one\'s own message is no news');
  await agent('POST', `/api/v1/tickets/${id}/comments`, { body: 'Note pour nous', internal: true });
  assert.equal(await mark(), false, 'an internal note is not theirs to read');
  await new Promise((r) => setTimeout(r, 1100));
  const reply = (await agent('POST', `/api/v1/tickets/${id}/comments`, { body: 'Un nouveau badge est prêt' })).json;
  assert.equal(await mark(), true);
  const read = await alice('POST', `/api/v1/tickets/${id}/read`);
  assert.equal(read.status, 200, read.text);
  assert.equal(await mark(), false);
  // a reply hidden from them is no news either
  await new Promise((r) => setTimeout(r, 1100));
  const rude = (await agent('POST', `/api/v1/tickets/${id}/comments`, { body: 'oops' })).json;
  assert.equal((await agent('POST', `/api/v1/tickets/${id}/comments/${rude.id}/hide`)).status, 200);
  assert.equal(await mark(), false);
  assert.ok(reply.id);
  assert.equal((await bob('POST', `/api/v1/tickets/${id}/read`)).status, 404);
  assert.equal(((await agent('GET', '/api/v1/tickets?limit=5')).json.items[0].unread), undefined, 'the desk has its own views');
});

test('a requester searches their own tickets only', async () => {
  await alice('POST', '/api/v1/tickets', { title: 'Scanner du 3e étage', description: 'bourrage' });
  await bob('POST', '/api/v1/tickets', { title: 'Scanner du 2e étage', description: 'bourrage' });
  const mine = (await alice('GET', '/api/v1/tickets?q=scanner')).json.items;
  assert.deepEqual(mine.map((t) => t.title), ['Scanner du 3e étage']);
  const closed = (await alice('GET', '/api/v1/tickets?status=closed')).json.items;
  assert.ok(closed.every((t) => t.status === 'closed') && closed.length >= 1);
});
