// The DOM helper: el() is the only way the UI builds elements and puts text
// on the page. User data goes in as text nodes or attribute values, never as
// HTML: no file under web/ parses HTML strings (tests/e2e/no_html_strings).

// el('a', { href, class, onclick, … }, kids…): attributes whose value is
// null, undefined or false are left out; on* keys add listeners; kids are
// nodes or anything else as text, nested arrays flattened.
export function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else if (k === 'value') e.value = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === null || kid === undefined || kid === false) continue;
    e.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return e;
}

export const $ = (id) => document.getElementById(id);

// Replaces the main area with the page's nodes (null and undefined skipped).
export function page(...kids) {
  $('main').replaceChildren(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined));
}

// A short message at the bottom right for 2.5 s.
export function toast(msg) {
  const e = $('toast');
  e.textContent = msg;
  e.className = 'show';
  e.setAttribute('role', 'status');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { e.className = ''; }, 2500);
}

// An error, at the bottom right until the person dismisses it (a message
// that vanishes after 2.5 s is often never read). A newer error replaces it.
export function toastError(msg, closeLabel) {
  clearTimeout(toast.timer);
  const e = $('toast');
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'toast-close';
  close.setAttribute('aria-label', closeLabel);
  close.textContent = '×';
  close.addEventListener('click', () => { e.className = ''; e.replaceChildren(); });
  e.replaceChildren(document.createTextNode(msg), close);
  e.className = 'show error-toast';
  e.setAttribute('role', 'alert');
}

// Runs fn once typing has paused for ms milliseconds.
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}
