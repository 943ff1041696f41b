// Attachments through the API on a real server: the bytes come back as
// they went, the type is read from them (never from the name), downloads
// carry nosniff, a disposition and a sandbox, hostile names are refused or
// made safe, the caps answer 413 and store nothing, requesters see only
// what is theirs and public, and the history says who attached what.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const http = require('node:http');
const { execFileSync } = require('node:child_process');
const { makeDb, startServer, client } = require('../lib/harness');
const { makePng, makePdf, makeDocx, makeOdt, makeElf, makeExe } = require('../lib/files');

let env, srv, alice, bob, agent, admin;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  alice = client(srv.url, env.accounts.alice.token);
  bob = client(srv.url, env.accounts.bob.token);
  agent = client(srv.url, env.accounts.agent.token);
  admin = client(srv.url, env.accounts.admin.token);
  await settings({ 'limits.writes_per_minute': 0 });
});
test.after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, 'server exits 0 on SIGTERM; stderr:\n' + srv.stderr());
});

const sql = (q) => execFileSync('sqlite3', [env.db, q], { encoding: 'utf8' }).trim();
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

async function settings(s) {
  const r = await admin('PUT', '/api/v1/settings', s);
  assert.equal(r.status, 200, r.text);
}

// Uploads bytes as who (a token, or null) to ticket id; query is the raw
// query string (encoded by the caller, so that tests can send any bytes).
async function upload(who, id, bytes, query, headers = {}) {
  const h = { 'Content-Type': 'application/octet-stream', ...headers };
  if (who) h.Authorization = 'Bearer ' + who;
  const r = await fetch(`${srv.url}/api/v1/tickets/${id}/attachments?${query}`, { method: 'POST', headers: h, body: bytes });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch (e) { /* not JSON */ }
  return { status: r.status, headers: r.headers, json, text };
}
const name = (n) => 'filename=' + encodeURIComponent(n);

async function download(who, path, headers = {}) {
  const h = { ...headers };
  if (who) h.Authorization = 'Bearer ' + who;
  const r = await fetch(srv.url + path, { headers: h });
  return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
}

const newTicket = async (who = alice, title = 'Screen flickers') => {
  const r = await who('POST', '/api/v1/tickets', { title, description: 'See the file' });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
};
const tok = (n) => env.accounts[n].token;

test('a file goes up and comes back byte for byte, with its type read from its bytes', async () => {
  const id = await newTicket();
  const png = makePng(120, 80);
  const r = await upload(tok('alice'), id, png, name('report.pdf'));
  assert.equal(r.status, 201, r.text);
  const a = r.json;
  assert.equal(a.name, 'report.pdf');
  assert.equal(a.content_type, 'image/png', 'a PNG named report.pdf is a PNG');
  assert.equal(a.inline, true);
  assert.equal(a.size, png.length);
  assert.equal(a.sha256, sha256(png));
  assert.equal(a.comment_id, null);
  assert.equal(a.uploader_name, 'Alice');
  assert.equal(a.url, `/api/v1/tickets/${id}/attachments/${a.id}`);
  // 3 MB of random bytes: more than --max-body (1 MiB), which bounds every other route
  const blob = crypto.randomBytes(3 * 1024 * 1024 + 17);
  const big = await upload(tok('alice'), id, blob, name('dump.bin'));
  assert.equal(big.status, 201, big.text);
  assert.equal(big.json.content_type, 'application/octet-stream');
  const got = await download(tok('alice'), big.json.url);
  assert.equal(got.status, 200);
  assert.ok(got.bytes.equals(blob), 'the same bytes');
  assert.equal(got.headers.get('content-type'), 'application/octet-stream');
  // the list, for the requester and the desk
  const list = await alice('GET', `/api/v1/tickets/${id}/attachments`);
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.items.map((x) => [x.name, x.size]), [['report.pdf', png.length], ['dump.bin', blob.length]]);
  // the history says who attached what
  const hist = (await alice('GET', `/api/v1/tickets/${id}/history`)).json.items.filter((e) => e.field === 'attachment');
  assert.deepEqual(hist.map((e) => [e.new_value, e.actor_name]), [['report.pdf', 'Alice'], ['dump.bin', 'Alice']]);
  // the ticket is marked as changed
  const tk = (await alice('GET', `/api/v1/tickets/${id}`)).json;
  assert.ok(tk.updated_at >= tk.created_at);
  // every other route keeps its own bound
  const json = await alice('POST', '/api/v1/tickets', JSON.stringify({ title: 'x', description: 'y'.repeat(1100000) }));
  assert.equal(json.status, 413);
  // the caps, for the forms
  const me = (await alice('GET', '/api/v1/auth/me')).json;
  assert.deepEqual(me.limits, { attachment_bytes: 10485760, ticket_attachments_bytes: 52428800, ticket_attachments: 100 });
});

test('downloads: nosniff, attachment with a safe filename, a sandbox; inline only for raster images', async () => {
  const id = await newTicket();
  const png = (await upload(tok('alice'), id, makePng(), name('écran bleu.png'))).json;
  const d = await download(tok('agent'), png.url);
  assert.equal(d.status, 200);
  assert.equal(d.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(d.headers.get('content-disposition'), "attachment; filename=\"_cran bleu.png\"; filename*=UTF-8''%C3%A9cran%20bleu.png");
  assert.match(d.headers.get('content-security-policy'), /sandbox/);
  assert.match(d.headers.get('content-security-policy'), /default-src 'none'/);
  assert.equal(d.headers.get('cross-origin-resource-policy'), 'same-origin');
  assert.match(d.headers.get('cache-control'), /private/);
  const inl = await download(tok('agent'), png.url + '?inline=1');
  assert.match(inl.headers.get('content-disposition'), /^inline; /);
  assert.equal(inl.headers.get('content-type'), 'image/png');
  // the browser that has it is told so (304), after the same checks
  const again = await download(tok('agent'), png.url, { 'If-None-Match': d.headers.get('etag') });
  assert.equal(again.status, 304);
  assert.equal(again.bytes.length, 0);
  assert.equal((await download(tok('bob'), png.url, { 'If-None-Match': d.headers.get('etag') })).status, 404);
  assert.equal((await download(tok('agent'), png.url + '?inline=yes')).status, 400);

  // an HTML page named cat.png: neither an image nor a page, never inline
  const html = Buffer.from('<!doctype html><html><body><script>fetch("/api/v1/auth/me")</script></body></html>');
  const cat = (await upload(tok('alice'), id, html, name('cat.png'))).json;
  assert.equal(cat.content_type, 'application/octet-stream');
  assert.equal(cat.inline, false);
  const catd = await download(tok('agent'), cat.url + '?inline=1');
  assert.equal(catd.headers.get('content-type'), 'application/octet-stream');
  assert.match(catd.headers.get('content-disposition'), /^attachment; /);
  assert.ok(catd.bytes.equals(html));
  // script text named like an image: plain text, which nosniff keeps from running
  const js = (await upload(tok('alice'), id, Buffer.from('alert(document.cookie)\n'), name('dog.png'))).json;
  assert.equal(js.content_type, 'text/plain; charset=utf-8');
  assert.equal(js.inline, false);
  // SVG can hold script: never inline, never an image type
  const svg = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9" height="9"/></svg>');
  const sv = (await upload(tok('alice'), id, svg, name('logo.svg'))).json;
  assert.equal(sv.inline, false);
  assert.doesNotMatch(sv.content_type, /svg|image|html|xml/);
  assert.match((await download(tok('agent'), sv.url + '?inline=1')).headers.get('content-disposition'), /^attachment; /);
  // what people attach every day
  const kinds = [[makePdf(), 'a.txt', 'application/pdf'],
    [makeDocx(), 'minutes.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    [makeOdt(), 'minutes.odt', 'application/vnd.oasis.opendocument.text'],
    [Buffer.from('2026-12-01 ERROR vpn: tunnel down\n'), 'vpn.log', 'text/plain; charset=utf-8'],
    [Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]), 'photo', 'image/jpeg'],
    [Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), 'x.gif', 'image/gif'],
    [Buffer.concat([Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'), Buffer.alloc(8)]), 'x.webp', 'image/webp'],
    [Buffer.from([0xc3, 0x28, 0x41]), 'latin.txt', 'application/octet-stream']];
  for (const [bytes, n, type] of kinds) {
    const r = await upload(tok('agent'), id, bytes, name(n));
    assert.equal(r.status, 201, n + ': ' + r.text);
    assert.equal(r.json.content_type, type, n);
  }
  // programs are not taken, whatever their name
  for (const [bytes, n] of [[makeElf(), 'notes.txt'], [makeExe(), 'setup.pdf']]) {
    const r = await upload(tok('alice'), id, bytes, name(n));
    assert.equal(r.status, 415, n);
    assert.equal(r.json.error.reason, 'file_type_refused');
    assert.equal(r.json.error.field, 'file');
    assert.match(r.json.error.message, /program/);
  }
  // the upload says what it sends: raw bytes, not JSON, not the file's own type
  for (const ct of ['application/json', 'image/png', 'multipart/form-data; boundary=x']) {
    const r = await upload(tok('alice'), id, makePng(), name('x.png'), { 'Content-Type': ct });
    assert.equal(r.status, 415, ct);
    assert.match(r.json.error.message, /application\/octet-stream/);
  }
  // and the other routes stay JSON only
  const other = await alice('POST', '/api/v1/tickets', Buffer.from('{"title":"x"}'), { 'Content-Type': 'application/octet-stream' });
  assert.equal(other.status, 415);
});

test('hostile file names are refused or made safe', async () => {
  const id = await newTicket();
  const png = makePng(8, 8);
  const safe = async (q) => {
    const r = await upload(tok('alice'), id, png, q);
    assert.equal(r.status, 201, q + ': ' + r.text);
    return r.json;
  };
  assert.equal((await safe(name('../../etc/passwd'))).name, 'passwd');
  assert.equal((await safe(name('C:\\Users\\claire\\Desktop\\shot.png'))).name, 'shot.png');
  assert.equal((await safe(name('..'))).name, 'file');
  assert.equal((await safe(name('.htaccess'))).name, 'htaccess');
  assert.equal((await safe(name('invoice\u202Egnp.exe'))).name, 'invoicegnp.exe', 'no bidi override');
  assert.equal((await safe(name('zero\u200Bwidth.png'))).name, 'zerowidth.png');
  const crlf = await safe(name('evil\r\nSet-Cookie: relais_session=x.png'));
  assert.equal(crlf.name, 'evil__Set-Cookie: relais_session=x.png');
  const d = await download(tok('alice'), crlf.url);
  assert.equal(d.headers.get('set-cookie'), null, 'no header slipped in');
  assert.match(d.headers.get('content-disposition'), /filename="evil__Set-Cookie: relais_session=x.png"/);
  const quote = await safe(name('say "hi"\\x=1.png'));
  assert.equal(quote.name, 'x=1.png', 'after the last backslash');
  const q2 = await safe(name('a "quoted" %41 name.png'));
  assert.equal(q2.name, 'a "quoted" %41 name.png', 'shown as given');
  assert.equal((await download(tok('alice'), q2.url)).headers.get('content-disposition'),
    "attachment; filename=\"a _quoted_ _41 name.png\"; filename*=UTF-8''a%20%22quoted%22%20%2541%20name.png");
  const tab = await safe(name('tab\there\u0085.png'));
  assert.equal(tab.name, 'tab_here_.png', 'C0 and C1 controls');
  // 1,000 bytes: cut to 200, the extension kept, on a character boundary
  const long = await safe(name('é'.repeat(499) + 'x.jpeg'));
  assert.ok(Buffer.byteLength(long.name) <= 200, String(Buffer.byteLength(long.name)));
  assert.match(long.name, /^é+\.jpeg$/);
  // refused: empty, missing, NUL, invalid UTF-8, over 1,024 bytes
  for (const [q, code, what] of [['filename=', 400, 'empty'], ['', 400, 'missing'], ['filename=a%00b.png', 400, 'NUL'],
    ['filename=%FF%FEx.png', 400, 'invalid UTF-8'], [name('n'.repeat(1025)), 400, 'too long'],
    ['filename=a.png&filename=b.png', 400, 'twice'], ['filename=a.png&x=1', 400, 'unknown parameter']]) {
    const r = await upload(tok('alice'), id, png, q);
    assert.equal(r.status, code, what + ': ' + r.text);
    assert.ok(r.json && r.json.error, what);
  }
  const utf = await upload(tok('alice'), id, png, 'filename=%FF%FEx.png');
  assert.deepEqual([utf.json.error.code, utf.json.error.field], ['invalid_utf8', 'filename']);
  // an empty file
  const empty = await upload(tok('alice'), id, Buffer.alloc(0), name('empty.txt'));
  assert.equal(empty.status, 400);
  assert.deepEqual([empty.json.error.reason, empty.json.error.field], ['empty_file', 'file']);
  // nothing refused was stored
  const n = (await alice('GET', `/api/v1/tickets/${id}/attachments`)).json.items.length;
  assert.equal(Number(sql(`SELECT count(*) FROM attachments WHERE ticket_id = ${id}`)), n);
  assert.equal(n, 11);
});

test('caps: per file, per ticket in bytes and in files; 413 naming the limit, nothing half-stored', async () => {
  await settings({ 'limits.attachment_mb': 1, 'limits.ticket_attachments_mb': 2, 'limits.ticket_attachments': 4 });
  const id = await newTicket();
  const mb = 1024 * 1024;
  const tooBig = await upload(tok('alice'), id, crypto.randomBytes(mb + 1), name('big.bin'));
  assert.equal(tooBig.status, 413, tooBig.text);
  assert.deepEqual([tooBig.json.error.reason, tooBig.json.error.max, tooBig.json.error.field], ['file_too_large', mb, 'file']);
  assert.match(tooBig.json.error.message, /larger than 1 MB.*limits\.attachment_mb/);
  // far over the cap: the server reads and drops it, or cuts the connection; it stays healthy
  const huge = await upload(tok('alice'), id, crypto.randomBytes(9 * mb), name('huge.bin')).catch((e) => ({ status: 'reset', e }));
  assert.ok(huge.status === 413 || huge.status === 'reset', String(huge.status));
  assert.equal((await fetch(srv.url + '/healthz')).status, 200);
  // per ticket, in bytes
  for (let i = 0; i < 2; i++) assert.equal((await upload(tok('alice'), id, crypto.randomBytes(900 * 1024), name(`part${i}.bin`))).status, 201);
  const full = await upload(tok('alice'), id, crypto.randomBytes(300 * 1024), name('part2.bin'));
  assert.equal(full.status, 413, full.text);
  assert.deepEqual([full.json.error.reason, full.json.error.max], ['ticket_full', 2 * mb]);
  assert.match(full.json.error.message, /would pass 2 MB in all.*limits\.ticket_attachments_mb/);
  // per ticket, in files
  for (let i = 0; i < 2; i++) assert.equal((await upload(tok('alice'), id, Buffer.from('note ' + i), name(`n${i}.txt`))).status, 201);
  const many = await upload(tok('alice'), id, Buffer.from('one more'), name('n3.txt'));
  assert.equal(many.status, 413);
  assert.deepEqual([many.json.error.reason, many.json.error.max], ['limit_reached', 4]);
  assert.match(many.json.error.message, /has 4 files, the most one ticket takes/);
  // what was refused left nothing: four files, four history events
  assert.equal(sql(`SELECT count(*) FROM attachments WHERE ticket_id = ${id}`), '4');
  assert.equal(sql(`SELECT count(*) FROM history WHERE ticket_id = ${id} AND field = 'attachment'`), '4');
  assert.equal(sql('PRAGMA integrity_check'), 'ok');
  // another ticket is not affected
  assert.equal((await upload(tok('alice'), await newTicket(), Buffer.from('fine'), name('ok.txt'))).status, 201);
  // the settings are checked and audited like the others
  const bad = await admin('PUT', '/api/v1/settings', { 'limits.attachment_mb': 0 });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'limits.attachment_mb');
  const audit = (await admin('GET', '/api/v1/audit?action=settings.update')).json.items;
  assert.ok(audit.some((a) => a.detail['limits.attachment_mb']), JSON.stringify(audit[0]));
  await settings({ 'limits.attachment_mb': 10, 'limits.ticket_attachments_mb': 50, 'limits.ticket_attachments': 100 });
});

test('who sees what: internal notes, hidden replies and files, other requesters, anonymous callers', async () => {
  const id = await newTicket();
  const mine = (await alice('POST', `/api/v1/tickets/${id}/comments`, { body: 'Here is the error' })).json;
  const note = (await agent('POST', `/api/v1/tickets/${id}/comments`, { body: 'Looks like the driver', internal: true })).json;
  const reply = (await agent('POST', `/api/v1/tickets/${id}/comments`, { body: 'Please try this' })).json;
  const onTicket = (await upload(tok('alice'), id, makePng(), name('screen.png'))).json;
  const onMine = (await upload(tok('alice'), id, makePdf(), `${name('error.pdf')}&comment_id=${mine.id}`)).json;
  assert.equal(onMine.comment_id, mine.id);
  const onNote = await upload(tok('agent'), id, Buffer.from('driver 4.2 crash dump'), `${name('dump.txt')}&comment_id=${note.id}`);
  assert.equal(onNote.status, 201, onNote.text);
  assert.equal(onNote.json.internal, true);
  const onReply = (await upload(tok('agent'), id, makePdf('Steps'), `${name('steps.pdf')}&comment_id=${reply.id}`)).json;

  // a file goes with one's own message only
  const r1 = await upload(tok('alice'), id, makePdf(), `${name('x.pdf')}&comment_id=${reply.id}`);
  assert.deepEqual([r1.status, r1.json.error.field], [403, 'comment_id']);
  const r2 = await upload(tok('alice'), id, makePdf(), `${name('x.pdf')}&comment_id=${note.id}`);
  assert.equal(r2.status, 404, 'a requester does not know the note');
  assert.equal((await upload(tok('alice'), id, makePdf(), `${name('x.pdf')}&comment_id=999999`)).status, 404);
  assert.equal((await upload(tok('alice'), id, makePdf(), `${name('x.pdf')}&comment_id=abc`)).status, 400);

  // the requester: never the note's file, nor its history event
  const seen = (await alice('GET', `/api/v1/tickets/${id}/attachments`)).json.items.map((a) => a.name);
  assert.deepEqual(seen, ['screen.png', 'error.pdf', 'steps.pdf']);
  assert.equal((await download(tok('alice'), onNote.json.url)).status, 404);
  const events = (await alice('GET', `/api/v1/tickets/${id}/history`)).json.items.map((e) => e.field);
  assert.ok(!events.includes('attachment_internal'), events.join());
  const deskEvents = (await agent('GET', `/api/v1/tickets/${id}/history`)).json.items;
  assert.equal(deskEvents.find((e) => e.field === 'attachment_internal').new_value, 'dump.txt');
  // the desk sees all four
  assert.equal((await agent('GET', `/api/v1/tickets/${id}/attachments`)).json.items.length, 4);
  assert.equal((await download(tok('admin'), onNote.json.url)).status, 200);

  // a hidden reply hides its files too
  assert.equal((await agent('POST', `/api/v1/tickets/${id}/comments/${mine.id}/hide`)).status, 200);
  assert.equal((await download(tok('alice'), onMine.url)).status, 404);
  assert.deepEqual((await alice('GET', `/api/v1/tickets/${id}/attachments`)).json.items.map((a) => a.name), ['screen.png', 'steps.pdf']);
  await agent('POST', `/api/v1/tickets/${id}/comments/${mine.id}/show`);
  // an agent hides one abusive file; nothing is deleted; the history says so
  assert.equal((await alice('POST', `/api/v1/tickets/${id}/attachments/${onTicket.id}/hide`)).status, 403);
  const h = await agent('POST', `/api/v1/tickets/${id}/attachments/${onTicket.id}/hide`);
  assert.deepEqual([h.status, h.json.hidden, h.json.changed], [200, true, true]);
  assert.equal((await agent('POST', `/api/v1/tickets/${id}/attachments/${onTicket.id}/hide`)).json.changed, false);
  assert.equal((await agent('POST', `/api/v1/tickets/${id}/attachments/${onNote.json.id}/hide`)).status, 404, 'a note\'s file is never shown anyway');
  assert.equal((await download(tok('alice'), onTicket.url)).status, 404);
  const deskView = (await agent('GET', `/api/v1/tickets/${id}/attachments`)).json.items.find((a) => a.id === onTicket.id);
  assert.deepEqual([deskView.hidden, deskView.hidden_by], [true, 'Agent']);
  assert.equal((await download(tok('agent'), onTicket.url)).status, 200);
  assert.ok((await alice('GET', `/api/v1/tickets/${id}/history`)).json.items.some((e) => e.field === 'attachment_hidden' && e.new_value === 'screen.png'));
  await agent('POST', `/api/v1/tickets/${id}/attachments/${onTicket.id}/show`);
  assert.equal((await download(tok('alice'), onTicket.url)).status, 200);

  // another requester's ticket does not exist for bob
  assert.equal((await bob('GET', `/api/v1/tickets/${id}/attachments`)).status, 404);
  assert.equal((await download(tok('bob'), onTicket.url)).status, 404);
  assert.equal((await upload(tok('bob'), id, makePng(), name('x.png'))).status, 404);
  // a file of ticket A is not reached through ticket B
  const other = await newTicket(bob);
  assert.equal((await download(tok('agent'), `/api/v1/tickets/${other}/attachments/${onTicket.id}`)).status, 404);
  // anonymous: 401, whatever the size of what it sends
  assert.equal((await download(null, onTicket.url)).status, 401);
  assert.equal((await upload(null, id, makePng(), name('x.png'))).status, 401);
  assert.equal((await upload(null, id, crypto.randomBytes(3 * 1024 * 1024), name('x.bin'))).status, 401);
  assert.equal((await fetch(`${srv.url}/api/v1/tickets/${id}/attachments`)).status, 401);
  assert.equal((await upload('rls_nope', id, makePng(), name('x.png'))).status, 401);
  // a closed ticket takes nothing more from its requester
  await agent('PATCH', `/api/v1/tickets/${id}`, { status: 'closed' });
  const closed = await upload(tok('alice'), id, makePng(), name('late.png'));
  assert.equal(closed.status, 409);
  assert.match(closed.json.error.message, /closed/);
  assert.equal(sql(`SELECT count(*) FROM attachments WHERE ticket_id = ${id}`), '4');
});

test("uploads count as a requester's writes", async () => {
  await settings({ 'limits.writes_per_minute': 3 });
  const id = await newTicket(bob, 'Rate'); // one write
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await upload(tok('bob'), id, Buffer.from('x' + i), name(`f${i}.txt`))).status);
  assert.deepEqual(statuses, [201, 201, 429, 429]);
  for (let i = 0; i < 4; i++) assert.equal((await upload(tok('agent'), id, Buffer.from('y' + i), name(`g${i}.txt`))).status, 201);
  await settings({ 'limits.writes_per_minute': 0 });
});

// Sends the head and the first part of an upload, then waits: the
// request is in flight until finish() sends the rest.
function slowUpload(base, token, id, total) {
  const u = new URL(`${base}/api/v1/tickets/${id}/attachments?filename=slow.bin`);
  let req;
  const done = new Promise((resolve, reject) => {
    req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST',
      headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/octet-stream', 'Content-Length': total } }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
  });
  req.write(Buffer.alloc(64 * 1024, 1));
  return { done, finish: () => req.end(Buffer.alloc(total - 64 * 1024, 2)) };
}

test('uploads being received share a bounded memory: past it 503, and the room comes back', async () => {
  const env2 = makeDb();
  const s2 = await startServer(env2.db, { args: ['--upload-memory', '3'] });
  try {
    const c = client(s2.url, env2.accounts.agent.token);
    const id = (await c('POST', '/api/v1/tickets', { title: 'memory' })).json.id;
    const mb = 1024 * 1024;
    const first = slowUpload(s2.url, env2.accounts.agent.token, id, 2 * mb);
    await new Promise((r) => setTimeout(r, 300));
    const r = await fetch(`${s2.url}/api/v1/tickets/${id}/attachments?filename=second.bin`, { method: 'POST',
      headers: { Authorization: 'Bearer ' + env2.accounts.agent.token, 'Content-Type': 'application/octet-stream' },
      body: crypto.randomBytes(2 * mb) });
    assert.equal(r.status, 503);
    assert.ok(Number(r.headers.get('retry-after')) >= 1);
    assert.match((await r.json()).error.message, /too many files at once/);
    // small bodies of other routes are not concerned
    assert.equal((await c('POST', '/api/v1/tickets', { title: 'still served' })).status, 201);
    first.finish();
    assert.equal((await first.done).status, 201);
    const after = await fetch(`${s2.url}/api/v1/tickets/${id}/attachments?filename=third.bin`, { method: 'POST',
      headers: { Authorization: 'Bearer ' + env2.accounts.agent.token, 'Content-Type': 'application/octet-stream' },
      body: crypto.randomBytes(2 * mb) });
    assert.equal(after.status, 201, 'the memory was given back');
  } finally {
    assert.equal((await s2.stop()).code, 0);
  }
});
