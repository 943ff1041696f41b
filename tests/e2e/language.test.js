// Browser test that the UI speaks the user's language. The API's errors:
// in French, each reads as a French sentence naming the field by its French
// label (never the API's English message or field name); in English, an
// English one without the French space before its colon. Every error code
// and every reason of src/util/util.h has a sentence in both languages, and
// the dictionaries follow each language's spacing before a colon. The
// history names every field in words, never as stored ("resolved_at").
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, makeDb, startServer, client, launchBrowser, uiLogin, SHOTS } = require('../lib/harness');

let env, srv, browser, agentApi, aliceApi;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db);
  browser = await launchBrowser();
  agentApi = client(srv.url, env.accounts.agent.token);
  aliceApi = client(srv.url, env.accounts.alice.token);
});
test.after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function signedIn(locale, who) {
  const ctx = await browser.newContext({ locale });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await uiLogin(page, srv.url, env.accounts[who].email, env.accounts[who].password);
  return { ctx, page, errors };
}

// The text of selector once it is not empty.
async function textOf(page, selector) {
  await page.waitForFunction((s) => (document.querySelector(s)?.textContent || '').trim() !== '', selector);
  return page.textContent(selector);
}

const CASES = {
  fr: {
    title: 'Titre\u00a0: trop long, 300\u00a0octets au plus (une lettre accentuée en compte deux).',
    status: 'Statut\u00a0: un ticket ne peut pas passer de «\u00a0Clos\u00a0» à «\u00a0Ouvert\u00a0».',
    password: 'Mot de passe actuel\u00a0: ce n’est pas votre mot de passe actuel.',
    closed: 'Ce ticket est clos\u00a0: ouvrez plutôt un nouveau ticket.',
  },
  en: {
    title: 'Title: too long, at most 300 bytes (an accented letter takes two).',
    status: 'Status: a ticket cannot go from “Closed” to “Open”.',
    password: 'Current password: this is not your current password.',
    closed: 'This ticket is closed: open a new ticket instead.',
  },
};

for (const [lang, locale] of [['fr', 'fr-FR'], ['en', 'en-GB']]) {
  test(`errors from the UI read in ${lang === 'fr' ? 'French' : 'English'}, naming the field by its label`, async () => {
    const want = CASES[lang];
    // a title of 200 accented letters: within the form's 300 characters, past the server's 300 bytes
    const rq = await signedIn(locale, 'alice');
    await rq.page.goto(srv.url + '/#/new');
    await rq.page.fill('#title', 'é'.repeat(200));
    await rq.page.click('#new-submit');
    assert.equal(await textOf(rq.page, '#new-error'), want.title);
    assert.equal(await rq.page.getAttribute('#new-error', 'role'), 'alert');
    await rq.page.screenshot({ path: path.join(SHOTS, `error-new-${lang}.png`) });

    // a status change the lifecycle forbids: the ticket was closed meanwhile
    const tk = (await aliceApi('POST', '/api/v1/tickets', { title: 'Imprimante hors ligne ' + lang })).json;
    const ag = await signedIn(locale, 'agent');
    await ag.page.goto(`${srv.url}/#/ticket/${tk.id}`);
    await ag.page.waitForSelector('#fields-form');
    const closed = await agentApi('PATCH', `/api/v1/tickets/${tk.id}`, { status: 'closed' });
    assert.equal(closed.status, 200, closed.text);
    // the page still shows "new"; the agent's "open" is refused as from closed
    await ag.page.reload();
    await ag.page.waitForSelector('#fields-form');
    await ag.page.selectOption('#f-status', 'open');
    await ag.page.click('#fields-save');
    assert.equal(await textOf(ag.page, '#fields-error'), want.status);
    await ag.page.screenshot({ path: path.join(SHOTS, `error-status-${lang}.png`), fullPage: true });

    // a reply to a closed ticket, from a page opened before it closed
    const tk2 = (await aliceApi('POST', '/api/v1/tickets', { title: 'Écran figé ' + lang })).json;
    await rq.page.goto(`${srv.url}/#/ticket/${tk2.id}`);
    await rq.page.waitForSelector('#reply-form');
    assert.equal((await agentApi('PATCH', `/api/v1/tickets/${tk2.id}`, { status: 'closed' })).status, 200);
    await rq.page.fill('#reply-body', 'Toujours en panne.');
    await rq.page.click('#reply-submit');
    assert.equal(await textOf(rq.page, '#reply-error'), want.closed);

    // a wrong current password on My account
    await rq.page.goto(srv.url + '/#/account');
    await rq.page.fill('#pw-current', 'not-my-password');
    await rq.page.fill('#pw-new', 'a-fresh-passphrase');
    await rq.page.fill('#pw-again', 'a-fresh-passphrase');
    await rq.page.click('#pw-submit');
    assert.equal(await textOf(rq.page, '#pw-error'), want.password);
    await rq.page.screenshot({ path: path.join(SHOTS, `error-password-${lang}.png`) });

    for (const s of [rq, ag]) {
      assert.deepEqual(s.errors, []);
      await s.ctx.close();
    }
  });
}

test('an error the UI has no sentence for keeps the server\'s words as the detail; a dead network has a sentence', async () => {
  const { ctx, page, errors } = await signedIn('fr-FR', 'agent');
  await page.goto(srv.url + '/#/queue');
  await page.waitForSelector('#filters');
  const said = await page.evaluate(async () => {
    const { errText, ApiError } = await import('/js/lib/api.js');
    const { errBeside } = await import('/js/lib/errors.js');
    const err = (status, body) => errText(new ApiError(status, body));
    return {
      // an unknown reason: the code's sentence, then the server's message
      unknownReason: err(400, { error: { code: 'invalid', message: "'x' is odd", field: 'x', reason: 'odd' } }),
      // a code whose sentence says it all: no English after it
      full: err(507, { error: { code: 'storage_full', message: 'cannot add the comment: the database is full' } }),
      allowed: err(400, { error: { code: 'invalid', message: '…', field: 'source', reason: 'not_allowed', allowed: ['web', 'phone'] } }),
      limited: err(429, { error: { code: 'too_many_requests', message: '…', reason: 'rate_limited', retry_after: 42 } }),
      network: errText(new TypeError('Failed to fetch')),
      // beside the field's own input (a form that shows it there): no label
      beside: errBeside(new ApiError(400, { error: { code: 'invalid', message: '…', field: 'email', reason: 'not_email' } })),
    };
  });
  assert.equal(said.unknownReason, 'Requête refusée\u00a0: une valeur n’est pas valide. (détail du serveur\u00a0: \'x\' is odd)');
  assert.equal(said.full, 'La base de données est pleine\u00a0: rien n’a été enregistré. Prévenez un administrateur.');
  assert.equal(said.allowed, 'Canal\u00a0: cette valeur n’est pas permise (valeurs permises\u00a0: «\u00a0Portail\u00a0», «\u00a0Téléphone\u00a0»).');
  assert.equal(said.limited, 'Trop de tentatives en peu de temps\u00a0: réessayez dans 42\u00a0s.');
  assert.equal(said.network, 'Le serveur est injoignable\u00a0: vérifiez la connexion, puis réessayez.');
  assert.equal(said.beside, 'Ce n’est pas une adresse e-mail.');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('every error code and every reason of src/util/util.h has a sentence in French and in English', async () => {
  const header = fs.readFileSync(path.join(ROOT, 'src', 'util', 'util.h'), 'utf8');
  const table = (name) => header.slice(header.indexOf(`#define ${name}(X)`)).split(/\n\n/)[0];
  const codes = [...table('UTIL_ERR_MAP').matchAll(/X\(\w+, "([a-z_0-9]+)"/g)].map((m) => m[1]);
  const reasons = [...table('UTIL_WHY_MAP').matchAll(/X\(\w+, "([a-z_0-9]+)"/g)].map((m) => m[1]);
  assert.ok(codes.length >= 20 && codes.includes('storage_full'), JSON.stringify(codes));
  assert.ok(reasons.length >= 25 && reasons.includes('transition'), JSON.stringify(reasons));
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(srv.url + '/');
  const dicts = await page.evaluate(async () => ({
    fr: (await import('/js/i18n/fr.js')).default, en: (await import('/js/i18n/en.js')).default }));
  for (const lang of ['fr', 'en']) {
    assert.deepEqual(codes.filter((c) => !dicts[lang]['err_' + c]), [], `${lang}: codes without a sentence`);
    assert.deepEqual(reasons.filter((r) => !dicts[lang]['why_' + r]), [], `${lang}: reasons without a sentence`);
  }
  // English never puts a space before a colon; French always a no-break
  // one before : ; ! ? and inside « » (what « » quote as it is typed or
  // sent, an HTTP header or a setting's syntax, keeps its own punctuation)
  for (const [k, v] of Object.entries(dicts.en)) assert.doesNotMatch(v, /[ \u00a0\u202f][:;]/, `en.${k}`);
  for (const [k, v] of Object.entries(dicts.fr)) {
    const text = v.replace(/«\u00a0[^«»]*\u00a0»/g, '«»');
    assert.doesNotMatch(text, /[^\u00a0\u202f]:\s|[^\u00a0\u202f][;!?](\s|$)|« | »/, `fr.${k}`);
  }
  await ctx.close();
});

test('the history names every field in words, in French', async () => {
  // every field the store keeps has its words, but the ones no change
  // records: identity and clocks, and the SLA's bookkeeping that
  // src/store/tickets.c keeps quiet (ticket_field_quiet)
  const header = fs.readFileSync(path.join(ROOT, 'src', 'store', 'store.h'), 'utf8');
  const table = header.slice(header.indexOf('#define STORE_TICKET_FIELDS(X)')).split(/\n\n/)[0];
  const names = new Map([...table.matchAll(/X\((\w+), "([a-z_]+)"/g)].map((m) => [m[1], m[2]]));
  const store = fs.readFileSync(path.join(ROOT, 'src', 'store', 'tickets.c'), 'utf8');
  const quietFn = store.slice(store.indexOf('ticket_field_quiet('), store.indexOf('}', store.indexOf('ticket_field_quiet(')));
  const quiet = [...quietFn.matchAll(/STORE_TF_(\w+)/g)].map((m) => names.get(m[1]));
  assert.ok(quiet.length >= 1 && quiet.every(Boolean), JSON.stringify(quiet));
  const fields = [...names.values()].filter((f) => !['id', 'created_at', 'updated_at', 'version', ...quiet].includes(f));
  assert.ok(fields.includes('resolved_at') && fields.includes('impact_cue'), JSON.stringify(fields));
  // and the fields a suggestion is accepted for
  fields.push('group');

  // a ticket whose every field changes: an impact cue, then an agent's edits
  const tk = (await aliceApi('POST', '/api/v1/tickets', { title: 'VPN coupé pour 15 utilisateurs', description: 'Depuis 9 h.' })).json;
  assert.ok(tk.impact_cue, JSON.stringify(tk));
  const admin = client(srv.url, env.accounts.admin.token);
  const group = (await admin('POST', '/api/v1/groups', { name: 'Réseau' })).json;
  for (const [kind, name, fr] of [['category', 'Network', 'Réseau'], ['service', 'VPN', 'VPN'], ['ci', 'vpn-gw-1', 'vpn-gw-1']])
    assert.equal((await admin('POST', `/api/v1/catalog/${kind}`, { name, label_fr: fr, label_en: name })).status, 201);
  const agentId = (await agentApi('GET', '/api/v1/auth/me')).json.user.id;
  const bobId = (await client(srv.url, env.accounts.bob.token)('GET', '/api/v1/auth/me')).json.user.id;
  const patch = await agentApi('PATCH', `/api/v1/tickets/${tk.id}`, {
    title: 'VPN coupé', description: 'Depuis 9 h, tout le service.', source: 'phone', language: 'en', category: 'Network',
    group_id: group.id, assignee_id: agentId, requester_id: bobId, impact: 1, urgency: 1, service: 'VPN', ci: 'vpn-gw-1',
    status: 'resolved', resolution: 'Passerelle redémarrée.' });
  assert.equal(patch.status, 200, patch.text);
  assert.equal((await agentApi('PATCH', `/api/v1/tickets/${tk.id}`, { priority: 2 })).status, 200);

  const { ctx, page, errors } = await signedIn('fr-FR', 'agent');
  await page.goto(`${srv.url}/#/ticket/${tk.id}`);
  await page.waitForSelector('#history .event[data-field="resolution"]');
  const dicts = await page.evaluate(async () => ({
    fr: (await import('/js/i18n/fr.js')).default, en: (await import('/js/i18n/en.js')).default }));
  for (const lang of ['fr', 'en'])
    assert.deepEqual(fields.filter((f) => !dicts[lang]['h_' + f]), [], `${lang}: fields the history cannot name`);
  const seen = await page.$$eval('#history .event', (es) => es.map((e) => [e.dataset.field, e.textContent]));
  const recorded = new Set(seen.map(([f]) => f));
  for (const f of ['title', 'source', 'language', 'resolved_at', 'resolve_due_at', 'impact_cue', 'requester_id', 'group_id'])
    assert.ok(recorded.has(f), `the history records ${f}: ${[...recorded]}`);
  for (const [f, text] of seen) {
    assert.doesNotMatch(text, /[a-z]_[a-z]/, `${f}: a stored name in "${text}"`);
    assert.doesNotMatch(text, /(?<!\p{L})(title|source|language|category|priority|urgency|status|assignee|requester|resolution|phone)(?!\p{L})/u,
      `${f}: an English word in "${text}"`);
    if (dicts.fr['h_' + f]) assert.ok(text.includes(dicts.fr['h_' + f]), `${f}: "${text}" names it "${dicts.fr['h_' + f]}"`);
  }
  const canal = seen.find(([f]) => f === 'source')[1];
  assert.match(canal, /le canal d’API à Téléphone/);
  assert.match(seen.find(([f]) => f === 'language')[1], /la langue de Français à English/);
  await page.screenshot({ path: path.join(SHOTS, 'history-fr.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await ctx.close();
});
