// Links between tickets and merges over the API: the kinds as each side
// sees them, the rules (no link to itself, one per pair, one parent and
// one master, no loop), the merge (the conversation copied, both
// histories, the requester told in their language, the duplicate
// closed), a reply to a parent's open children, roles and bad input.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeDb, startServer, client } = require('../lib/harness');

let env, srv, agent, admin, alice, bob;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  agent = client(srv.url, env.accounts.agent.token);
  admin = client(srv.url, env.accounts.admin.token);
  alice = client(srv.url, env.accounts.alice.token);
  bob = client(srv.url, env.accounts.bob.token);
});
test.after(async () => { if (srv) await srv.stop(); });

async function file(who, title, description = 'Details of ' + title) {
  const r = await who('POST', '/api/v1/tickets', { title, description });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}
const links = async (id) => {
  const r = await agent('GET', `/api/v1/tickets/${id}/links`);
  assert.equal(r.status, 200, r.text);
  return r.json.items.map((l) => [l.kind, l.ticket.id]);
};
const history = async (id, who = agent) => (await who('GET', `/api/v1/tickets/${id}/history`)).json.items;
const comments = async (id, who = agent) => (await who('GET', `/api/v1/tickets/${id}/comments`)).json.items;
const link = (id, kind, ticket) => agent('POST', `/api/v1/tickets/${id}/links`, { kind, ticket });

test('every kind, as each side sees it, with the events on both tickets', async () => {
  const [a, b, c, d, e] = [await file(alice, 'A'), await file(alice, 'B'), await file(alice, 'C'), await file(bob, 'D'), await file(bob, 'E')];
  let r = await link(a, 'duplicate_of', b);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.items.map((l) => [l.kind, l.ticket.id, l.ticket.title, l.ticket.status]), [['duplicate_of', b, 'B', 'new']]);
  assert.equal(r.json.items[0].created_by_name, 'Agent');
  assert.equal((await link(c, 'parent', b)).status, 201);
  assert.equal((await link(b, 'child', d)).status, 201);
  assert.equal((await link(b, 'related', e)).status, 201);
  assert.deepEqual(await links(b), [['duplicates', a], ['child', c], ['child', d], ['related', e]]);
  assert.deepEqual(await links(c), [['parent', b]]);
  assert.deepEqual(await links(d), [['parent', b]]);
  assert.deepEqual(await links(e), [['related', b]]);
  const ev = (await history(b)).filter((h) => h.field === 'link_added').map((h) => [h.old_value, h.new_value]);
  assert.deepEqual(ev, [['duplicates', String(a)], ['child', String(c)], ['child', String(d)], ['related', String(e)]]);
  assert.deepEqual((await history(a)).filter((h) => h.field === 'link_added').map((h) => [h.old_value, h.new_value]), [['duplicate_of', String(b)]]);
  // removed from either side, with the events on both
  r = await agent('DELETE', `/api/v1/tickets/${e}/links/${b}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items, []);
  assert.deepEqual(await links(b), [['duplicates', a], ['child', c], ['child', d]]);
  assert.equal((await history(b)).filter((h) => h.field === 'link_removed').length, 1);
  assert.equal((await history(e)).filter((h) => h.field === 'link_removed')[0].old_value, 'related');
  r = await agent('DELETE', `/api/v1/tickets/${e}/links/${b}`);
  assert.equal(r.status, 404, r.text);
  // the requester sees nothing of links, not even in the history
  assert.ok(!(await history(a, alice)).some((h) => /^link_/.test(h.field)));
});

test('rules: itself, one per pair, one parent, one master, no loop', async () => {
  const [a, b, c, d] = [await file(alice, 'A'), await file(alice, 'B'), await file(alice, 'C'), await file(alice, 'D')];
  let r = await link(a, 'related', a);
  assert.deepEqual([r.status, r.json.error.field, r.json.error.reason], [400, 'ticket', 'link_self']);
  assert.equal((await link(a, 'parent', b)).status, 201);
  r = await link(b, 'related', a);
  assert.deepEqual([r.status, r.json.error.reason, r.json.error.tickets], [409, 'linked_already', [b, a]]);
  r = await link(a, 'parent', c);
  assert.deepEqual([r.status, r.json.error.reason, r.json.error.tickets], [409, 'has_parent', [a, b]]);
  // A's parent is B, B's parent is C: C as A's child would loop
  assert.equal((await link(b, 'parent', c)).status, 201);
  r = await link(a, 'child', c);
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.reason, 'link_cycle');
  assert.deepEqual(r.json.error.tickets, [c, a, b, c]);
  assert.match(r.json.error.message, /loop/);
  // B parent of A, then A parent of B: the shortest loop
  const [x, y] = [await file(alice, 'X'), await file(alice, 'Y')];
  assert.equal((await link(x, 'child', y)).status, 201);
  r = await link(x, 'parent', y);
  assert.equal(r.status, 409);
  // duplicate chains: a master is never a duplicate, and no loop
  assert.equal((await link(c, 'duplicate_of', d)).status, 201);
  r = await link(d, 'duplicate_of', c);
  assert.equal(r.status, 409, r.text);
  r = await link(a, 'duplicate_of', c);
  assert.equal(r.status, 409);
  const [p, q, s] = [await file(alice, 'P'), await file(alice, 'Q'), await file(alice, 'S')];
  assert.equal((await link(p, 'duplicate_of', q)).status, 201);
  r = await link(s, 'duplicate_of', p);
  assert.deepEqual([r.status, r.json.error.reason, r.json.error.tickets], [409, 'is_duplicate', [p, q]]);
  r = await link(p, 'duplicate_of', s);
  assert.deepEqual([r.status, r.json.error.reason], [409, 'has_master']);
  r = await link(q, 'duplicate_of', p);
  assert.equal(r.status, 409);
});

test('bad input is refused naming the field', async () => {
  const a = await file(alice, 'A');
  const bad = async (body, status, field, reason) => {
    const r = await agent('POST', `/api/v1/tickets/${a}/links`, body);
    assert.equal(r.status, status, JSON.stringify(body) + ' ' + r.text);
    if (field) assert.equal(r.json.error.field, field, r.text);
    if (reason) assert.equal(r.json.error.reason, reason, r.text);
  };
  await bad({ ticket: 1 }, 400, 'kind', 'required');
  await bad({ kind: 'sibling', ticket: 1 }, 400, 'kind', 'not_allowed');
  await bad({ kind: 'duplicates', ticket: 1 }, 400, 'kind', 'not_allowed');
  await bad({ kind: 7, ticket: 1 }, 400, 'kind');
  await bad({ kind: 'related' }, 400, 'ticket', 'required');
  await bad({ kind: 'related', ticket: '1' }, 400, 'ticket');
  await bad({ kind: 'related', ticket: 1.5 }, 400, 'ticket');
  await bad({ kind: 'related', ticket: -3 }, 400, 'ticket');
  await bad({ kind: 'related', ticket: 0 }, 400, 'ticket');
  await bad({ kind: 'related', ticket: 9007199254740991 }, 404, 'ticket');
  await bad({ kind: 'related', ticket: 424242 }, 404, 'ticket');
  await bad({ kind: 'related', ticket: 1, extra: 1 }, 400, 'extra');
  await bad('{"kind": "related", "ticket": 99999999999999999999999}', 400);
  await bad('[1]', 400);
  assert.equal((await agent('POST', '/api/v1/tickets/424242/links', { kind: 'related', ticket: a })).status, 404);
  assert.equal((await agent('GET', '/api/v1/tickets/424242/links')).status, 404);
  let r = await agent('POST', `/api/v1/tickets/${a}/merge`, { into: 424242 });
  assert.deepEqual([r.status, r.json.error.field], [404, 'into']);
  r = await agent('POST', `/api/v1/tickets/${a}/merge`, {});
  assert.deepEqual([r.status, r.json.error.field], [400, 'into']);
  r = await agent('POST', `/api/v1/tickets/${a}/merge`, { into: 'x' });
  assert.deepEqual([r.status, r.json.error.field], [400, 'into']);
  r = await agent('POST', `/api/v1/tickets/${a}/merge`, { into: a });
  assert.deepEqual([r.status, r.json.error.field, r.json.error.reason], [400, 'into', 'link_self']);
});

test('requesters: 403 on links and merges, their own tickets included', async () => {
  const [a, b] = [await file(alice, 'A'), await file(alice, 'B')];
  assert.equal((await alice('GET', `/api/v1/tickets/${a}/links`)).status, 403);
  assert.equal((await alice('POST', `/api/v1/tickets/${a}/links`, { kind: 'related', ticket: b })).status, 403);
  assert.equal((await alice('DELETE', `/api/v1/tickets/${a}/links/${b}`)).status, 403);
  assert.equal((await alice('POST', `/api/v1/tickets/${a}/merge`, { into: b })).status, 403);
  const r = await alice('POST', `/api/v1/tickets/${a}/comments`, { body: 'hi', to_children: true });
  assert.deepEqual([r.status, r.json.error.field], [403, 'to_children']);
});

test('merge: the conversation copied in date order, both histories, the requester told in French, the duplicate closed', async () => {
  const me = (await bob('GET', '/api/v1/auth/me')).json.user;
  assert.equal((await admin('PATCH', `/api/v1/users/${me.id}`, { lang: 'fr' })).status, 200);
  const master = await file(alice, 'Outlook crashes', 'Outlook closes at start.');
  const dup = await file(bob, 'Outlook ne démarre plus', 'Outlook se ferme au lancement.');
  await agent('POST', `/api/v1/tickets/${master}/comments`, { body: 'Looking into it.' });
  await bob('POST', `/api/v1/tickets/${dup}/comments`, { body: 'Depuis la mise à jour de ce matin.' });
  await agent('POST', `/api/v1/tickets/${dup}/comments`, { body: 'Note: same as the other one', internal: true });
  const before = (await comments(master)).length;
  const dupBefore = await comments(dup);
  let r = await agent('POST', `/api/v1/tickets/${dup}/merge`, { into: master });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { id: dup, merged_into: master, copied: 3 });
  const after = await comments(master);
  assert.equal(after.length, before + 3);
  const copies = after.slice(before);
  assert.ok(copies.every((c) => c.merged_from === dup));
  assert.match(copies[0].body, /^Outlook ne démarre plus\n\nOutlook se ferme au lancement\.$/);
  assert.equal(copies[0].author_name, 'Bob');
  assert.deepEqual(copies.slice(1).map((c) => [c.body, c.author_name, c.created_at]),
    dupBefore.map((c) => [c.body, c.author_name, c.created_at]));
  // another requester's words are internal notes on the master: Alice reads none of them
  assert.ok(copies.every((c) => c.internal));
  assert.ok(!(await comments(master, alice)).some((c) => c.merged_from));
  // the duplicate keeps its own, gets the reply in Bob's language, and is closed
  const own = await comments(dup);
  assert.deepEqual(own.slice(0, dupBefore.length).map((c) => c.id), dupBefore.map((c) => c.id));
  const told = own[own.length - 1];
  assert.equal(told.internal, false);
  assert.match(told.body, new RegExp(`fusionnée avec le ticket n° ${master}`));
  assert.ok((await comments(dup, bob)).some((c) => c.id === told.id));
  assert.equal((await agent('GET', `/api/v1/tickets/${dup}`)).json.status, 'closed');
  assert.deepEqual(await links(dup), [['duplicate_of', master]]);
  assert.deepEqual(await links(master), [['duplicates', dup]]);
  assert.equal((await agent('GET', `/api/v1/tickets/${master}/links`)).json.items[0].merged, true);
  assert.deepEqual((await history(dup)).filter((h) => h.field === 'merged_into').map((h) => h.new_value), [String(master)]);
  assert.deepEqual((await history(master)).filter((h) => h.field === 'merged_from').map((h) => h.new_value), [String(dup)]);
  // the requester sees the fact of the merge on their ticket, never the master's event
  assert.ok((await history(dup, bob)).some((h) => h.field === 'merged_into'));
  assert.ok(!(await history(master, alice)).some((h) => h.field === 'merged_from'));
  // twice: 409; into the merged one: 409 naming the master; the link stays
  r = await agent('POST', `/api/v1/tickets/${dup}/merge`, { into: master });
  assert.deepEqual([r.status, r.json.error.reason], [409, 'merged_already']);
  const third = await file(alice, 'Outlook again');
  r = await agent('POST', `/api/v1/tickets/${third}/merge`, { into: dup });
  assert.deepEqual([r.status, r.json.error.reason, r.json.error.tickets], [409, 'is_duplicate', [dup, master]]);
  assert.match(r.json.error.message, new RegExp(`merge into #${master} instead`));
  r = await agent('DELETE', `/api/v1/tickets/${master}/links/${dup}`);
  assert.deepEqual([r.status, r.json.error.reason], [409, 'merge_kept']);
  // a loop: the master into its duplicate
  r = await agent('POST', `/api/v1/tickets/${master}/merge`, { into: dup });
  assert.equal(r.status, 409);
});

test('merge: same requester keeps visibility; a closed master is refused; a marked duplicate merges into its master', async () => {
  const master = await file(alice, 'Printer jam');
  const dup = await file(alice, 'Printer jammed again', 'Tray 2.');
  await alice('POST', `/api/v1/tickets/${dup}/comments`, { body: 'Still jammed.' });
  assert.equal((await link(dup, 'duplicate_of', master)).status, 201);
  const r = await agent('POST', `/api/v1/tickets/${dup}/merge`, { into: master });
  assert.equal(r.status, 200, r.text);
  const mine = await comments(master, alice);
  assert.deepEqual(mine.filter((c) => c.merged_from === dup).map((c) => c.body), ['Printer jammed again\n\nTray 2.', 'Still jammed.']);
  assert.match((await comments(dup, alice)).pop().body, new RegExp(`merged into ticket #${master}`));
  const closed = await file(alice, 'Old one');
  assert.equal((await agent('PATCH', `/api/v1/tickets/${closed}`, { status: 'closed' })).status, 200);
  const other = await file(alice, 'Other');
  const r2 = await agent('POST', `/api/v1/tickets/${other}/merge`, { into: closed });
  assert.deepEqual([r2.status, r2.json.error.reason, r2.json.error.field], [409, 'master_closed', 'into']);
  const elsewhere = await file(alice, 'Elsewhere');
  assert.equal((await link(other, 'duplicate_of', elsewhere)).status, 201);
  const r3 = await agent('POST', `/api/v1/tickets/${other}/merge`, { into: master });
  assert.deepEqual([r3.status, r3.json.error.reason], [409, 'has_master']);
});

test('merge: the files come along, on the description and on their message', async () => {
  const master = await file(alice, 'Screen flickers');
  const dup = await file(alice, 'Flickering screen', 'See the photo.');
  const up = (q, text) => alice('POST', `/api/v1/tickets/${dup}/attachments?${q}`, new TextEncoder().encode(text),
    { 'Content-Type': 'application/octet-stream' });
  assert.equal((await up('filename=photo.txt', 'on the ticket')).status, 201);
  const cm = (await alice('POST', `/api/v1/tickets/${dup}/comments`, { body: 'And the log.' })).json;
  assert.equal((await up(`filename=log.txt&comment_id=${cm.id}`, 'on the reply')).status, 201);
  assert.equal((await agent('POST', `/api/v1/tickets/${dup}/merge`, { into: master })).status, 200);
  const copies = (await comments(master)).filter((c) => c.merged_from === dup);
  const files = (await agent('GET', `/api/v1/tickets/${master}/attachments`)).json.items;
  assert.deepEqual(files.map((f) => [f.name, f.comment_id]), [['photo.txt', copies[0].id], ['log.txt', copies[1].id]]);
  const bytes = await agent('GET', `/api/v1/tickets/${master}/attachments/${files[1].id}`);
  assert.equal(bytes.text, 'on the reply');
  // the duplicate keeps its own
  assert.equal((await agent('GET', `/api/v1/tickets/${dup}/attachments`)).json.items.length, 2);
});

test('a public reply on a parent goes to its open children, with an event on each', async () => {
  const parent = await file(alice, 'Mail down');
  const kids = [await file(alice, 'No mail'), await file(bob, 'Mail?'), await file(bob, 'Mail broken')];
  for (const k of kids) assert.equal((await link(parent, 'child', k)).status, 201);
  assert.equal((await agent('PATCH', `/api/v1/tickets/${kids[2]}`, { status: 'closed' })).status, 200);
  let r = await agent('POST', `/api/v1/tickets/${parent}/comments`, { body: 'Mail is back.', to_children: true });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.children, 2);
  for (const k of kids.slice(0, 2)) {
    assert.equal((await comments(k)).pop().body, 'Mail is back.');
    assert.deepEqual((await history(k)).filter((h) => h.field === 'parent_reply').map((h) => h.new_value), [String(parent)]);
  }
  assert.ok(!(await comments(kids[2])).some((c) => c.body === 'Mail is back.'));
  assert.equal((await comments(kids[1], bob)).pop().body, 'Mail is back.');
  r = await agent('POST', `/api/v1/tickets/${parent}/comments`, { body: 'note', internal: true, to_children: true });
  assert.deepEqual([r.status, r.json.error.field], [400, 'to_children']);
  r = await agent('POST', `/api/v1/tickets/${parent}/comments`, { body: 'x', to_children: 'yes' });
  assert.deepEqual([r.status, r.json.error.field], [400, 'to_children']);
  // without the option, the children get nothing
  r = await agent('POST', `/api/v1/tickets/${parent}/comments`, { body: 'Only here.' });
  assert.equal(r.status, 201);
  assert.equal(r.json.children, undefined);
  assert.ok(!(await comments(kids[0])).some((c) => c.body === 'Only here.'));
});
