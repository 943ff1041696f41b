// The duplicate check at creation (issue "Knowledge base, similar tickets
// and duplicates"): a ticket that repeats one of its requester's open
// tickets, or joins an outage many report, is flagged with the candidate
// and a probability; other people's unrelated tickets, solved ones and a
// different problem are not; agents see the flag and may dismiss it;
// requesters never see it.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeDb, startServer, client } = require('../lib/harness');

let env, srv, agent, alice, bob;
const made = {};

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  agent = client(srv.url, env.accounts.agent.token);
  alice = client(srv.url, env.accounts.alice.token);
  bob = client(srv.url, env.accounts.bob.token);
});
test.after(async () => { if (srv) await srv.stop(); });

const file = async (who, title, description) => {
  const r = await who('POST', '/api/v1/tickets', { title, description });
  assert.equal(r.status, 201, r.text);
  return r.json;
};

test('a requester filing the same problem again, in other words, is flagged with the first ticket', async () => {
  const first = await file(alice, 'Outlook stopped receiving emails', 'I have not received any email in Outlook since this morning, my colleagues do.');
  made.first = first.id;
  assert.equal(first.duplicate, undefined, 'a requester is not shown the check');
  const again = await file(alice, 'Still: Outlook stopped receiving emails', 'Sorry to insist: I have not received any email in Outlook since this morning.');
  const flag = (await agent('GET', `/api/v1/tickets/${again.id}/duplicate`)).json.duplicate;
  assert.ok(flag, 'flagged');
  assert.equal(flag.ticket.id, first.id);
  assert.ok(flag.probability >= 0.3 && flag.probability <= 1, String(flag.probability)); // the default threshold
  assert.ok(flag.features.words > 0.4 && flag.features.requester === 1, JSON.stringify(flag.features));
  assert.equal(flag.dismissed, false);
  made.again = again.id;
  // an agent filing sees the check in the reply
  const mine = await agent('POST', '/api/v1/tickets', { title: 'Printer on floor 2 jams', description: 'Paper jam on the floor 2 printer every morning.' });
  const mine2 = await agent('POST', '/api/v1/tickets', { title: 'Floor 2 printer paper jam again', description: 'The printer on floor 2 jams every morning, paper jam.' });
  assert.equal(mine.json.duplicate, null);
  assert.equal(mine2.json.duplicate.ticket.id, mine.json.id, JSON.stringify(mine2.json.duplicate));
});

test('a different problem, or one already solved, is not flagged', async () => {
  const other = await file(alice, 'Keyboard not responding', 'Several keys of my keyboard stopped working.');
  assert.equal((await agent('GET', `/api/v1/tickets/${other.id}/duplicate`)).json.duplicate, null);
  const solved = await file(bob, 'Teams calls have no sound', 'Nobody hears me in Teams calls, the headset is fine.');
  assert.equal((await agent('PATCH', `/api/v1/tickets/${solved.id}`, { status: 'resolved', resolution: 'Reset the audio device.' })).status, 200);
  const later = await file(bob, 'No sound in Teams calls', 'Nobody hears me in Teams calls although the headset works.');
  assert.equal((await agent('GET', `/api/v1/tickets/${later.id}/duplicate`)).json.duplicate, null);
});

test('an outage many report: once others reported it, the next report is flagged, whoever files it', async () => {
  const text = 'The VPN has been unreachable since this morning: the client hangs on connecting then shows error 809.';
  const a = await file(alice, 'VPN connection fails (error 809)', text);
  const b = await file(bob, 'VPN down', text + ' Several people in my team have the same problem.');
  const early = (await agent('GET', `/api/v1/tickets/${b.id}/duplicate`)).json.duplicate;
  assert.equal(early, null, 'two reports from two people are not yet an outage');
  await file(bob, 'VPN not working since 9am', text);
  await file(alice, 'No VPN', 'Error 809 on the VPN since this morning, the client hangs on connecting.');
  await file(bob, 'VPN error 809', 'Since this morning the VPN client shows error 809 when connecting.');
  const admin = client(srv.url, env.accounts.admin.token);
  const c = (await admin('POST', '/api/v1/tickets', { title: 'Is the VPN down?', description: 'VPN unreachable since this morning, error 809 after connecting.' })).json;
  const flag = (await agent('GET', `/api/v1/tickets/${c.id}/duplicate`)).json.duplicate;
  assert.ok(flag && flag.ticket.id >= a.id, JSON.stringify(flag));
  assert.equal(flag.features.requester, 0);
  assert.ok(flag.features.outage > 0);
});

test('dismissing: agents only, once; unknown tickets and requesters refused', async () => {
  assert.equal((await alice('GET', `/api/v1/tickets/${made.again}/duplicate`)).status, 403);
  assert.equal((await alice('POST', `/api/v1/tickets/${made.again}/duplicate/dismiss`)).status, 403);
  const r = await agent('POST', `/api/v1/tickets/${made.again}/duplicate/dismiss`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.duplicate.dismissed, true);
  assert.equal((await agent('POST', `/api/v1/tickets/${made.again}/duplicate/dismiss`)).status, 409);
  assert.equal((await agent('POST', `/api/v1/tickets/${made.first}/duplicate/dismiss`)).status, 404);
  assert.equal((await agent('GET', '/api/v1/tickets/999999/duplicate')).status, 404);
});
