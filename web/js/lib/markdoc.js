// An article's text on the page: the server sends its Markdown as a tree
// of plain nodes (README, GET /kb/articles/{id}: "doc"), and this builds
// the elements with el(), so nothing the author typed is ever parsed as
// HTML. A link without "href" (one the server would not let be followed)
// is its text alone; links leave the page in a new tab without handing it
// a reference back.
import { el } from './dom.js';

const TAGS = { p: 'p', quote: 'blockquote', ul: 'ul', li: 'li', em: 'em', strong: 'strong' };

// The plain text of a node (an image's description).
export function docText(n) {
  if (typeof n === 'string') return n;
  if (!n || typeof n !== 'object') return '';
  if (n.s) return n.s;
  return (n.c || []).map(docText).join('');
}

function node(n) {
  if (typeof n === 'string') return n;
  if (!n || typeof n !== 'object') return null;
  const kids = () => (n.c || []).map(node);
  switch (n.t) {
    case 'doc': return el('div', { class: 'kb-doc' }, kids());
    case 'h': return el('h' + Math.min(6, Math.max(2, (n.level || 1) + 1)), {}, kids()); // the page's h1 is the title
    case 'ol': return el('ol', { start: n.start && n.start !== 1 ? n.start : null }, kids());
    case 'a': return n.href
      ? el('a', { href: n.href, target: n.href.startsWith('#') ? null : '_blank', rel: 'noopener noreferrer' }, kids())
      : el('span', { class: 'kb-dead-link' }, kids());
    case 'img': return n.src ? el('img', { src: n.src, alt: docText(n), loading: 'lazy' }) : el('span', {}, docText(n));
    case 'code': return el('code', {}, n.s || '');
    case 'pre': return el('pre', {}, el('code', {}, n.s || ''));
    case 'br': return el('br', {});
    case 'hr': return el('hr', {});
    default: return TAGS[n.t] ? el(TAGS[n.t], {}, kids()) : el('span', {}, kids());
  }
}

// The elements of doc (an empty block for none).
export function renderDoc(doc) {
  return node(doc && doc.t === 'doc' ? doc : { t: 'doc', c: [] });
}
