// API tests of the server's connection defences: one client cannot hold
// every connection, and a request that trickles in is cut at its deadline.
// Clients come from different loopback addresses (127.0.0.x) so that the
// server tells them apart, as it would distinct hosts.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const http = require('node:http');
const { makeDb, startServer } = require('../lib/harness');

let env, srv, port;

test.before(async () => {
  env = makeDb();
  srv = await startServer(env.db, { args: ['--request-deadline', '2'] });
  port = Number(new URL(srv.url).port);
});
test.after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, 'server exits 0 on SIGTERM; stderr:\n' + srv.stderr());
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// GET /healthz from localAddress (on agent's connection, or a fresh one):
// { status, ms, local: the client's port }.
function healthz(localAddress, agent = false) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', localAddress, agent }, (res) => {
      const local = res.socket.localPort;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6, local }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('no answer in 5 s')));
  });
}

// Opens n idle sockets from localAddress; resolves once each has connected
// or failed, with the list of sockets.
function flood(n, localAddress) {
  const socks = [];
  return new Promise((resolve) => {
    let settled = 0;
    for (let i = 0; i < n; i++) {
      const s = net.connect({ host: '127.0.0.1', port, localAddress });
      s.on('error', () => {});
      const done = () => { if (++settled === n) resolve(socks); };
      s.once('connect', done);
      s.once('error', done);
      socks.push(s);
    }
  });
}

test('a flood of idle connections from one address leaves the others served', async () => {
  // more than the server's whole connection limit (1,000)
  const socks = await flood(1100, '127.0.0.1');
  await sleep(500);
  const open = socks.filter((s) => !s.destroyed && s.readyState === 'open').length;
  assert.ok(open <= 64, `${open} of 1,100 connections from one address stayed open (limit 64)`);
  const times = [];
  for (let i = 0; i < 5; i++) {
    const r = await healthz('127.0.0.2');
    assert.equal(r.status, 200);
    times.push(r.ms);
  }
  times.sort((a, b) => a - b);
  assert.ok(times[2] < 100, `healthz took ${times.join(', ')} ms while another client flooded`);
  for (const s of socks) s.destroy();
});

test('a request that trickles its headers in is cut at the deadline', async () => {
  const s = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.3' });
  s.on('error', () => {});
  await new Promise((r) => s.once('connect', r));
  const t0 = Date.now();
  s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
  // one header byte every 200 ms: never idle, never done
  const drip = setInterval(() => { if (!s.destroyed) s.write('X'); }, 200);
  const closed = await Promise.race([
    new Promise((r) => s.once('close', () => r(true))),
    sleep(6000).then(() => false),
  ]);
  clearInterval(drip);
  s.destroy();
  assert.ok(closed, 'the trickling connection was still open after 6 s (deadline 2 s)');
  const took = Date.now() - t0;
  assert.ok(took >= 1900 && took < 4000, `closed after ${took} ms, deadline 2 s`);
});

test('a keep-alive connection that finishes its requests is not cut', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const ports = new Set();
  const t0 = Date.now();
  for (let i = 0; i < 4; i++) {
    const r = await healthz('127.0.0.4', agent);
    assert.equal(r.status, 200);
    ports.add(r.local);
    if (i < 3) await sleep(900);
  }
  // four requests over 2.7 s, beyond the 2 s deadline, on one connection
  assert.ok(Date.now() - t0 > 2500);
  assert.equal(ports.size, 1, 'the connection was kept');
  agent.destroy();
});
