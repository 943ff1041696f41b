// Real files of the kinds people attach, made byte by byte for the tests:
// a PNG (drawn, with valid chunk checksums), a PDF, a ZIP (stored entries,
// central directory and all: enough for an .docx or an .odt), and the
// headers of programs.
'use strict';
const zlib = require('node:zlib');

function u32be(n) { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; }

function pngChunk(type, data) {
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32be(data.length), td, u32be(zlib.crc32(td))]);
}

// A w x h RGB image: a diagonal gradient with a dark square in the middle,
// so that a thumbnail shows something.
function makePng(w = 64, h = 48, tint = [40, 110, 200]) {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0; // no filter
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      const dark = Math.abs(x - w / 2) < w / 6 && Math.abs(y - h / 2) < h / 6;
      const k = (x + y) / (w + h);
      raw[o] = dark ? 20 : Math.round(tint[0] + (255 - tint[0]) * k);
      raw[o + 1] = dark ? 20 : Math.round(tint[1] + (255 - tint[1]) * (1 - k));
      raw[o + 2] = dark ? 20 : tint[2];
    }
  }
  const ihdr = Buffer.concat([u32be(w), u32be(h), Buffer.from([8, 2, 0, 0, 0])]);
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

// A one-page PDF saying text.
function makePdf(text = 'Relais test') {
  const objs = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>'];
  const stream = `BT /F1 18 Tf 20 70 Td (${text}) Tj ET`;
  objs.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  objs.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  let out = '%PDF-1.4\n';
  const offs = [];
  objs.forEach((o, i) => { offs.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n` + offs.map((o) => String(o).padStart(10, '0') + ' 00000 n \n').join('');
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

// A ZIP of [name, content] entries, stored (no compression).
function makeZip(entries) {
  const locals = [];
  const centrals = [];
  let off = 0;
  for (const [name, content] of entries) {
    const n = Buffer.from(name, 'utf8');
    const data = Buffer.from(content);
    const crc = zlib.crc32(data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4); lh.writeUInt16LE(0, 8);
    lh.writeUInt32LE(crc, 14); lh.writeUInt32LE(data.length, 18); lh.writeUInt32LE(data.length, 22);
    lh.writeUInt16LE(n.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(20, 4); ch.writeUInt16LE(20, 6);
    ch.writeUInt32LE(crc, 16); ch.writeUInt32LE(data.length, 20); ch.writeUInt32LE(data.length, 24);
    ch.writeUInt16LE(n.length, 28); ch.writeUInt32LE(off, 42);
    locals.push(lh, n, data);
    centrals.push(ch, n);
    off += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(off, 16);
  return Buffer.concat([...locals, cd, end]);
}

const makeDocx = () => makeZip([['[Content_Types].xml', '<Types/>'], ['_rels/.rels', '<Relationships/>'],
  ['word/document.xml', '<w:document/>']]);
const makeOdt = () => makeZip([['mimetype', 'application/vnd.oasis.opendocument.text'], ['content.xml', '<office:document-content/>']]);

// The first bytes of programs: an ELF header, and a Windows PE (MZ with
// the offset of its "PE" header at 0x3c).
function makeElf() { const b = Buffer.alloc(128); b.write('\x7fELF', 0, 'latin1'); b[4] = 2; b[5] = 1; return b; }
function makeExe() {
  const b = Buffer.alloc(256);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  return b;
}

module.exports = { makePng, makePdf, makeZip, makeDocx, makeOdt, makeElf, makeExe };
