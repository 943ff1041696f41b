// Pages that refresh themselves (the queue, the dashboard): fn runs every
// ms milliseconds while alive() says the page is still shown, never while
// the browser tab is hidden (it runs at once when the tab comes back, if a
// turn was missed), and never twice at the same time. Returns now(), which
// runs fn at once (after a change the user made) and starts the wait again.
export const REFRESH_MS = 30000;

export function every(ms, fn, alive) {
  let timer = null;
  let running = false;
  let missed = false;
  const stop = () => { clearTimeout(timer); document.removeEventListener('visibilitychange', onVisible); };
  const turn = async () => {
    clearTimeout(timer);
    if (!alive()) { stop(); return; }
    if (document.hidden) { missed = true; return; }
    if (!running) {
      running = true;
      try { await fn(); } catch (e) { /* the next turn tries again */ }
      running = false;
    }
    if (alive()) timer = setTimeout(turn, ms);
  };
  const onVisible = () => {
    if (!alive()) { stop(); return; }
    if (!document.hidden && missed) { missed = false; turn(); }
  };
  document.addEventListener('visibilitychange', onVisible);
  timer = setTimeout(turn, ms);
  return turn;
}
