// The API client: JSON in and out under /api/v1, the session's CSRF token on
// every write, errors as ApiError with the server's error object (code,
// message, field, reason…) as detail; errText says one to a person.
// limits: the caps on attached files (GET /auth/me), once known.
export const session = { user: null, csrf: null, limits: null };

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || ('HTTP ' + status));
    this.status = status;
    this.field = body && body.error && body.error.field;
    this.detail = (body && body.error) || {}; // code, field, reason…; a 412's changed_by and version
  }
}

let onSignedOut = () => {};
// fn runs when the server answers 401 (the session ended): the router sends
// the user to the login page.
export function setSignedOutHandler(fn) { onSignedOut = fn; }

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  const r = await fetch('/api/v1' + path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await r.json().catch(() => null);
  if (r.status === 401 && path !== '/auth/login') { session.user = null; onSignedOut(); }
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}

// Uploads a file's bytes (POST, application/octet-stream) to path, telling
// onProgress(fraction) as they go (fetch cannot); resolves to the JSON
// answer, rejects with ApiError (status 0 when the network failed).
export function apiUpload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', '/api/v1' + path);
    x.setRequestHeader('Accept', 'application/json');
    x.setRequestHeader('Content-Type', 'application/octet-stream');
    if (session.csrf) x.setRequestHeader('X-CSRF-Token', session.csrf);
    x.upload.onprogress = (e) => { if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total); };
    x.onload = () => {
      let data = null;
      try { data = JSON.parse(x.responseText); } catch (e) { /* not JSON */ }
      if (x.status === 401) { session.user = null; onSignedOut(); }
      if (x.status >= 200 && x.status < 300) resolve(data);
      else reject(new ApiError(x.status, data));
    };
    x.onerror = () => reject(new ApiError(0, null));
    x.send(file);
  });
}

// Every page of a paged list (next_cursor), up to maxPages pages of 200:
// { items, more } where more says the list went on past them.
export async function apiAll(path, maxPages = 20) {
  const items = [];
  let cursor = null;
  for (let n = 0; n < maxPages; n++) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await api('GET', path + sep + 'limit=200' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    items.push(...r.items);
    cursor = r.next_cursor;
    if (!cursor) return { items, more: false };
  }
  return { items, more: true };
}

// Reads the current session (cookie) if there is one.
export async function loadSession() {
  try {
    const me = await fetch('/api/v1/auth/me', { credentials: 'same-origin' });
    if (me.ok) { const r = await me.json(); session.user = r.user; session.csrf = r.csrf_token; session.limits = r.limits; }
  } catch (e) { /* offline: the login page will say so */ }
}

export const isAgent = () => !!session.user && session.user.role !== 'requester';
export const isAdmin = () => !!session.user && session.user.role === 'admin';

// An error as one sentence in the user's language (see errors.js).
export { errText } from './errors.js';
