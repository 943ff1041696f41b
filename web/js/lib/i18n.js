// The UI's language: the one the user chose, else the browser's; t(key)
// gives the text. A key missing from the current language is reported once
// on the console (console.error, so the browser test fails on it) and kept
// in the <html data-i18n-missing> list; the English text, or the key, is
// shown meanwhile.
import fr from '../i18n/fr.js';
import en from '../i18n/en.js';

const TEXT = { fr, en };
const missing = new Set();
export let lang = localStorage.getItem('relais.lang') ||
  ((navigator.language || 'en').toLowerCase().startsWith('fr') ? 'fr' : 'en');

// Sets the language; remember: true keeps it for the next visits.
export function setLang(l, remember) {
  lang = TEXT[l] ? l : 'en';
  if (remember) localStorage.setItem('relais.lang', lang);
}
export const langChosen = () => !!localStorage.getItem('relais.lang');

// 1 if the current language has a text for key (for values that are keys
// only sometimes, such as history field names).
export const has = (key) => Object.hasOwn(TEXT[lang], key);

export function t(key) {
  if (has(key)) return TEXT[lang][key];
  if (!missing.has(lang + ':' + key)) {
    missing.add(lang + ':' + key);
    document.documentElement.dataset.i18nMissing = [...missing].join(' ');
    console.error(`i18n: no ${lang} text for key '${key}'`);
  }
  return TEXT.en[key] ?? key;
}

// A label followed by its colon as the language writes it: "Status: " in
// English, "Statut : " in French (a no-break space before the colon).
export const tColon = (key) => t(key) + t('colon');

const locale = () => (lang === 'fr' ? 'fr-FR' : 'en-GB');

// A number as the language writes it, with exactly `digits` decimals:
// 87.7 in English, 87,7 in French (and 2,448 / 2 448). opts: more
// Intl.NumberFormat options (signDisplay…).
export function fmtNum(x, digits = 0, opts = {}) {
  return x.toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits, ...opts });
}

// A share (0.42) as a percentage with `digits` decimals, as the language
// writes it: "42%" in English, "42 %" in French (a no-break space).
export function fmtPct(x, digits = 0) {
  return fmtNum(100 * x, digits) + (lang === 'fr' ? '\u00a0%' : '%');
}

export function fmtTime(iso) {
  if (!iso) return t('none');
  return new Date(iso).toLocaleString(locale(),
    { dateStyle: 'short', timeStyle: 'short' });
}

// A day as the language writes it ("7 Dec 2026", "7 déc. 2026"), read in
// UTC: the server's day and week periods start at midnight UTC.
export function fmtDate(iso) {
  if (!iso) return t('none');
  return new Date(iso).toLocaleDateString(locale(), { dateStyle: 'medium', timeZone: 'UTC' });
}

// A size in bytes as the language writes it: "850 B", "12 kB", "3.4 MB" in
// English, "850 o", "12 ko", "3,4 Mo" in French (1 kB = 1,024 bytes, as the
// server's caps count them), a no-break space before the unit.
export function fmtSize(bytes) {
  const units = ['size_b', 'size_kb', 'size_mb', 'size_gb'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return fmtNum(v, i && v < 10 && v !== Math.floor(v) ? 1 : 0) + '\u00a0' + t(units[i]);
}
