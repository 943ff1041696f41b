// Service levels over the API: every ticket has a priority and due times
// from its creation (the default urgency, marked as such); first-response
// and resolution targets, each with its due time; the clocks stop while a
// ticket waits on its requester; the desk's working hours, time zone and
// holidays; what the queue is told (at risk, overdue, paused); the
// settings refused with the setting named.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { makeDb, startServer, client, cli } = require('../lib/harness');

let env, srv, admin, agent, alice;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  admin = client(srv.url, env.accounts.admin.token);
  agent = client(srv.url, env.accounts.agent.token);
  alice = client(srv.url, env.accounts.alice.token);
});
test.after(async () => { if (srv) await srv.stop(); });

const MIN = 60 * 1000;
const ms = (iso) => Date.parse(iso);

test('every ticket has a priority and due times at once, the default urgency marked as such', async () => {
  const plain = await alice('POST', '/api/v1/tickets', { title: 'Souris qui ne répond plus', description: 'Elle clignote.' });
  assert.equal(plain.status, 201, plain.text);
  const t = plain.json;
  assert.equal(t.urgency, null, 'nobody set an urgency');
  assert.equal(t.urgency_default, 2, 'the default one is assumed, and says so');
  assert.equal(t.priority, 4, 'a single user, medium urgency: P4');
  // P4: 8 h to answer, 72 h to resolve, around the clock by default
  assert.equal(ms(t.response_due_at) - ms(t.created_at), 480 * MIN);
  assert.equal(ms(t.resolve_due_at) - ms(t.created_at), 72 * 60 * MIN);
  assert.equal(t.sla_due_at, t.response_due_at, 'the next target first: the answer');
  assert.equal(t.sla_target, 'response');
  assert.equal(t.sla_state, 'ok');
  assert.equal(t.sla_left, 480 * 60);
  // a clear impact cue with no urgency: the default stands in (impact 2 → P3)
  const wide = await alice('POST', '/api/v1/tickets', { title: 'Imprimante HS', description: '15 users cannot print since 9' });
  assert.equal(wide.json.impact, 2);
  assert.equal(wide.json.priority, 3);
  assert.ok(wide.json.sla_due_at, 'a due time: it sorts among the others');
  // the default comes from the setting
  assert.equal((await admin('PUT', '/api/v1/settings', { 'sla.default_urgency': 1 })).status, 200);
  const hot = await alice('POST', '/api/v1/tickets', { title: 'Clavier', description: 'Touches collées' });
  assert.equal(hot.json.urgency_default, 1);
  assert.equal(hot.json.priority, 3);
  // a person's urgency replaces the assumed one, and the priority follows
  const set = await agent('PATCH', `/api/v1/tickets/${hot.json.id}`, { urgency: 3 });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.json.urgency_default, null);
  assert.equal(set.json.priority, 4);
  assert.equal((await admin('PUT', '/api/v1/settings', { 'sla.default_urgency': 2 })).status, 200);
  // due soonest lists them all, none last for want of a priority
  const due = (await agent('GET', '/api/v1/tickets?sort=sla_due_at&limit=50')).json.items;
  assert.ok(due.every((x) => x.sla_due_at), 'every open ticket has a due time');
});

test('the first public answer stops the response clock; notes and the requester do not', async () => {
  const t = (await alice('POST', '/api/v1/tickets', { title: 'Écran noir', description: 'Depuis ce matin' })).json;
  assert.equal((await agent('POST', `/api/v1/tickets/${t.id}/comments`, { body: 'Vu', internal: true })).status, 201);
  assert.equal((await alice('POST', `/api/v1/tickets/${t.id}/comments`, { body: 'Toujours noir' })).status, 201);
  let cur = (await agent('GET', `/api/v1/tickets/${t.id}`)).json;
  assert.equal(cur.first_response_at, null);
  assert.equal(cur.sla_target, 'response');
  const v = cur.version;
  const reply = await agent('POST', `/api/v1/tickets/${t.id}/comments`, { body: 'Nous regardons.' });
  assert.equal(reply.status, 201);
  cur = (await agent('GET', `/api/v1/tickets/${t.id}`)).json;
  assert.equal(cur.first_response_at, reply.json.created_at);
  assert.equal(cur.sla_target, 'resolution');
  assert.equal(cur.sla_due_at, cur.resolve_due_at);
  assert.equal(cur.version, v, 'the clock is no change to the ticket: an open form stays current');
  const h = (await agent('GET', `/api/v1/tickets/${t.id}/history`)).json.items;
  assert.ok(!h.some((e) => /sla|first_response/.test(e.field)), 'no history row of the clocks themselves');
  await agent('POST', `/api/v1/tickets/${t.id}/comments`, { body: 'Encore nous.' });
  assert.equal((await agent('GET', `/api/v1/tickets/${t.id}`)).json.first_response_at, reply.json.created_at);
});

test('the clocks stop while the ticket waits on its requester, and go on when they answer', async () => {
  const t = (await alice('POST', '/api/v1/tickets', { title: 'Accès dossier', description: 'Refusé' })).json;
  const p = await agent('PATCH', `/api/v1/tickets/${t.id}`, { status: 'pending' });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.sla_due_at, null, 'nothing due while we wait');
  assert.equal(p.json.sla_state, 'paused');
  assert.equal(p.json.sla_target, null);
  assert.ok(p.json.sla_paused_at);
  const list = (await agent('GET', '/api/v1/tickets?status=pending&sort=sla_due_at')).json.items;
  assert.ok(list.some((x) => x.id === t.id && x.sla_state === 'paused'));
  await new Promise((r) => setTimeout(r, 2100));
  // the requester's reply reopens it: the clocks go on, later by the time stopped
  assert.equal((await alice('POST', `/api/v1/tickets/${t.id}/comments`, { body: 'Voici le chemin' })).status, 201);
  const o = (await agent('GET', `/api/v1/tickets/${t.id}`)).json;
  assert.equal(o.status, 'open');
  assert.equal(o.sla_paused_at, null);
  assert.ok(o.sla_paused_s >= 2 && o.sla_paused_s <= 5, `stopped ${o.sla_paused_s} s`);
  assert.equal(ms(o.resolve_due_at) - ms(t.resolve_due_at), o.sla_paused_s * 1000);
  assert.equal(o.sla_state, 'ok');
  // resolved, the due time is the resolution target and the state says whether it was met
  const r = await agent('PATCH', `/api/v1/tickets/${t.id}`, { status: 'resolved', resolution: 'Droits ajoutés' });
  assert.equal(r.json.sla_state, 'met');
  assert.equal(r.json.sla_due_at, r.json.resolve_due_at);
  // a requester reads the same clocks (the portal says when to expect a resolution)
  assert.equal((await alice('GET', `/api/v1/tickets/${t.id}`)).json.sla_state, 'met');
});

test('overdue and at risk: what the queue is told, with the working time left', async () => {
  // an old open ticket, imported: its targets passed long ago
  const csv = path.join(env.dir, 'old.csv');
  const old = new Date(Date.now() - 3 * 86400 * 1000).toISOString().slice(0, 16);
  fs.writeFileSync(csv, `title,description,status,created_at,requester\nVieux ticket,Oublié,open,${old},alice@test.example\n`);
  cli(env.db, ['import', csv, '--map', 'title=title,description=description,status=status,created_at=created_at,requester=requester']);
  const late = (await agent('GET', '/api/v1/tickets?q=' + encodeURIComponent('"Vieux ticket"'))).json.items[0];
  assert.equal(late.sla_state, 'breached');
  assert.equal(late.sla_target, 'response');
  assert.ok(late.sla_left < -60 * 60, 'past due by hours of working time');
  // a P1 with a one-minute answer target is at risk as soon as most of it is spent
  assert.equal((await admin('PUT', '/api/v1/settings', { 'sla.p1_response_minutes': 1, 'sla.at_risk_percent': 99 })).status, 200);
  const p1 = (await agent('POST', '/api/v1/tickets', { title: 'Tout est en panne', impact: 1, urgency: 1, requester_id: late.requester_id })).json;
  assert.equal(p1.priority, 1);
  await new Promise((r) => setTimeout(r, 2000));
  const risk = (await agent('GET', `/api/v1/tickets/${p1.id}`)).json;
  assert.equal(risk.sla_state, 'at_risk');
  assert.ok(risk.sla_left > 0 && risk.sla_left < 60);
  // due soonest puts the overdue one first
  const due = (await agent('GET', '/api/v1/tickets?status=new,open&sort=sla_due_at&limit=2')).json.items;
  assert.equal(due[0].id, late.id);
  assert.equal((await admin('PUT', '/api/v1/settings', { 'sla.p1_response_minutes': 30, 'sla.at_risk_percent': 25 })).status, 200);
});

// Paris local parts of a UTC time, for an independent count of working time.
const parisFmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', weekday: 'short', year: 'numeric',
  month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
function paris(t) {
  const p = Object.fromEntries(parisFmt.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  return { wd: p.weekday, date: `${p.year}-${p.month}-${p.day}`, mins: Number(p.hour) * 60 + Number(p.minute) };
}

test('working hours, time zone and holidays: the clocks run only when the desk works', async () => {
  // tomorrow in Paris is a holiday, whatever day the test runs
  const tomorrow = paris(Date.now() + 86400 * 1000).date;
  const r = await admin('PUT', '/api/v1/settings', { 'calendar.timezone': 'Europe/Paris',
    'calendar.hours': 'mon-fri 09:00-12:00,14:00-17:00', 'calendar.holidays': `${tomorrow}, 12-25` });
  assert.equal(r.status, 200, r.text);
  const t = (await alice('POST', '/api/v1/tickets', { title: 'Logiciel', description: 'À installer' })).json;
  const due = ms(t.response_due_at);
  const at = paris(due);
  assert.ok(['Mon', 'Tue', 'Wed', 'Thu', 'Fri'].includes(at.wd), `due on a working day (${at.wd})`);
  assert.ok((at.mins > 9 * 60 && at.mins <= 12 * 60) || (at.mins > 14 * 60 && at.mins <= 17 * 60), `due inside hours (${at.mins})`);
  assert.notEqual(at.date, tomorrow, 'never on the holiday');
  // minute by minute, the working time from creation to the due time is the target (8 h)
  let worked = 0;
  for (let m = ms(t.created_at); m < due; m += MIN) {
    const l = paris(m);
    const open = !['Sat', 'Sun'].includes(l.wd) && l.date !== tomorrow && !l.date.endsWith('-12-25') &&
      ((l.mins >= 9 * 60 && l.mins < 12 * 60) || (l.mins >= 14 * 60 && l.mins < 17 * 60));
    if (open) worked++;
  }
  assert.ok(Math.abs(worked - 480) <= 1, `${worked} working minutes`);
  assert.equal((await admin('PUT', '/api/v1/settings', { 'calendar.hours': '24x7', 'calendar.holidays': '' })).status, 200);
});

test('calendar and SLA settings are checked, the setting named, nothing half-saved', async () => {
  const cases = [
    [{ 'calendar.timezone': 'Mars/Olympus' }, 'calendar.timezone', /not a time zone/],
    [{ 'calendar.timezone': '../../../etc/passwd' }, 'calendar.timezone', /not a time zone/],
    [{ 'calendar.timezone': 42 }, 'calendar.timezone', /must be a string/],
    [{ 'calendar.hours': 'lundi 9h-17h' }, 'calendar.hours', /not a day/],
    [{ 'calendar.hours': 'mon-fri 17:00-09:00' }, 'calendar.hours', /start before end/],
    [{ 'calendar.hours': 'mon 08:00-12:00,11:00-14:00' }, 'calendar.hours', /overlap/],
    [{ 'calendar.hours': 'x'.repeat(501) }, 'calendar.hours', /at most 500 bytes/],
    [{ 'calendar.holidays': '2026-13-01' }, 'calendar.holidays', /not a date/],
    [{ 'calendar.holidays': 'Noël' }, 'calendar.holidays', /not a date/],
    [{ 'sla.default_urgency': 4 }, 'sla.default_urgency', /from 1 to 3/],
    [{ 'sla.p1_response_minutes': 0 }, 'sla.p1_response_minutes', /from 1 to/],
    [{ 'sla.at_risk_percent': 100 }, 'sla.at_risk_percent', /from 1 to 99/],
    [{ 'calendar.hours': 'mon-fri 08:00-18:00', 'calendar.timezone': 'Nowhere' }, 'calendar.timezone', /not a time zone/],
  ];
  for (const [body, field, msg] of cases) {
    const r = await admin('PUT', '/api/v1/settings', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.error.field, field);
    assert.match(r.json.error.message, msg);
  }
  const s = (await admin('GET', '/api/v1/settings')).json;
  assert.equal(s['calendar.hours'].value, '24x7', 'a refused request writes nothing');
  assert.equal(s['calendar.timezone'].value, 'Europe/Paris');
  assert.equal(s['sla.p3_response_minutes'].default, '240');
  assert.equal(s['sla.default_urgency'].value, 2);
  assert.equal((await agent('PUT', '/api/v1/settings', { 'calendar.hours': '24x7' })).status, 403);
  // every change is audited with before and after
  const a = (await admin('GET', '/api/v1/audit?action=settings.update&limit=50')).json.items;
  assert.ok(a.some((x) => x.detail['calendar.timezone'] && x.detail['calendar.timezone'][1] === 'Europe/Paris'));
});
