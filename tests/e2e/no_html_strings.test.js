// The UI puts text on the page only through el() (text nodes and attribute
// setters): no file under web/ may parse HTML from strings.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('../lib/harness');

function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(path.join(dir, d.name)) : [path.join(dir, d.name)]);
}

test('no innerHTML, outerHTML, insertAdjacentHTML, document.write or srcdoc under web/', () => {
  const web = files(path.join(ROOT, 'web'));
  const scripts = web.filter((f) => /\.(js|mjs|html)$/.test(f));
  assert.ok(scripts.some((f) => f.endsWith(path.join('js', 'lib', 'dom.js'))), 'the modules are where this test looks');
  const banned = /\b(innerHTML|outerHTML|insertAdjacentHTML|srcdoc|createContextualFragment|parseFromString)\b|document\s*\.\s*write(ln)?\b|\bDOMParser\b/;
  const hits = [];
  for (const f of scripts) {
    fs.readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      if (banned.test(line)) hits.push(`${path.relative(ROOT, f)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(hits, []);
  // and no inline script or handler the CSP would refuse anyway
  const html = fs.readFileSync(path.join(ROOT, 'web', 'index.html'), 'utf8');
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'inline <script>');
  assert.doesNotMatch(html, /\son[a-z]+\s*=/, 'inline event handler');
});
