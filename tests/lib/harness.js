// Starts a real relais server (the sanitizer build) on a free loopback port
// with a fresh database, and creates the accounts the tests use.
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = process.env.RELAIS_BIN || path.join(ROOT, 'build', 'relais-san');

function cli(db, args, input) {
  return execFileSync(BIN, [...args, '--db', db], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
}

// Creates a database with admin, agent, two requesters (password "password-<name>")
// and an API token for each. Returns { db, dir, accounts }.
function makeDb(extra) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-test-'));
  const db = path.join(dir, 'relais.db');
  const accounts = {};
  for (const [name, role] of [['admin', 'admin'], ['agent', 'agent'], ['alice', 'requester'], ['bob', 'requester']]) {
    const email = `${name}@test.example`;
    cli(db, ['user', 'add', '--email', email, '--name', name[0].toUpperCase() + name.slice(1), '--role', role, '--password-stdin'],
      `password-${name}\n`);
    accounts[name] = { email, password: `password-${name}`, token: cli(db, ['token', 'create', '--email', email]) };
  }
  if (extra) extra(db);
  return { db, dir, accounts };
}

// Spawns `relais serve` and resolves once it prints its address.
function startServer(db, opts = {}) {
  return new Promise((resolve, reject) => {
    const args = ['serve', '--db', db, '--listen', '127.0.0.1:0', ...(opts.args || [])];
    // opts.prefix: a command that runs the server (e.g. as another user)
    const cmd = opts.prefix ? [...opts.prefix, BIN, ...args] : [BIN, ...args];
    const proc = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error('server did not start: ' + err)), 15000);
    proc.stderr.on('data', (d) => { err += d; });
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^\s]+)/);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1], proc, stderr: () => err,
          stop: (sig = 'SIGTERM') => new Promise((res) => {
            if (proc.exitCode !== null || proc.signalCode !== null) return res({ code: proc.exitCode, signal: proc.signalCode });
            proc.once('exit', (code, signal) => res({ code, signal }));
            proc.kill(sig);
          }),
        });
      }
    });
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${err}`)); });
  });
}

// A small client: token auth by default; json() parses the body.
function client(base, token) {
  return async function call(method, p, body, headers = {}) {
    const h = { ...headers };
    if (token) h.Authorization = 'Bearer ' + token;
    let payload = body;
    if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) payload = JSON.stringify(body);
    // a raw body is JSON too (malformed on purpose) unless the test says otherwise
    if (body !== undefined && !Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
    const r = await fetch(base + p, { method, headers: h, body: payload });
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch (e) { /* not JSON */ }
    return { status: r.status, headers: r.headers, json, text };
  };
}

// Debian's Chromium, headless, with the flags that keep it off the network
// (the machine's network is closed), and the folder for screenshots.
const SHOTS = path.join(ROOT, 'tests', 'out');
function launchBrowser() {
  const { chromium } = require('playwright-core');
  fs.mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// Signs in through the login form and waits for the signed-in shell.
async function uiLogin(page, base, email, password) {
  await page.goto(base + '/');
  await page.waitForSelector('#login-form');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('#login-submit');
  await page.waitForSelector('#logout');
}

// Adds entries to the desk's managed lists through the API as an admin:
// lists is { category: ['Hardware', …], service: […], ci: […] }; an entry
// the list has already is left as it is.
async function addEntries(base, adminToken, lists) {
  const admin = client(base, adminToken);
  for (const [kind, names] of Object.entries(lists)) {
    for (const name of names) {
      const r = await admin('POST', `/api/v1/catalog/${kind}`, { name });
      if (r.status !== 201 && r.status !== 409) throw new Error(`cannot add ${kind} ${name}: ${r.text}`);
    }
  }
}

// axe-core's serious and critical violations on the page as it is now, one
// line per element: "rule (impact) target: help", so that a failing
// assertion says what is wrong and where. The script is injected as an
// inline <script>, which the server's Content-Security-Policy forbids: the
// page's context must be made with { bypassCSP: true }. opts: axe.run's
// options (rules to run…).
let axeSource = null;
async function axeViolations(page, opts = {}) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    if (!axeSource) axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    await page.addScriptTag({ content: axeSource });
  }
  const violations = await page.evaluate((o) => window.axe.run(document, { resultTypes: ['violations'], ...o })
    .then((r) => r.violations), opts);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}) ${n.target.join(' ')}: ${v.help}` +
      (n.failureSummary ? ' [' + n.failureSummary.replace(/\s+/g, ' ').slice(0, 200) + ']' : '')));
}

module.exports = { BIN, ROOT, SHOTS, cli, makeDb, startServer, client, launchBrowser, uiLogin, addEntries, axeViolations };
