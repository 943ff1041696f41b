/* Tokenising, folding, language identification and stemming.
 *
 * A token is a run of letters and digits, joined by the connectors
 * . - _ / \ @ : when a letter or digit follows them. A run that holds a
 * digit or a connector other than '-' is an IT string (error code, version,
 * address, host, path) and is kept whole; a run of letters and hyphens is
 * split at the hyphens into words. Apostrophes separate, so French elision
 * (l'imprimante, qu'il, d'accès) leaves the elided article as a stop word.
 *
 * Two forms per word: lower case with accents (what the Snowball stemmer
 * expects) and folded (case folded, compatibility-decomposed, marks
 * stripped) for matching. The stem is folded too, so "accès" and "acces"
 * give the same feature. */
#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text_int.h"

struct text_ctx {
  struct sb_stemmer *stem[TEXT_LANG_COUNT];
};

text_ctx_t *text_ctx_new(void) {
  text_ctx_t *c = util_xcalloc(1, sizeof *c);
  c->stem[TEXT_LANG_EN] = sb_stemmer_new("english", "UTF_8");
  c->stem[TEXT_LANG_FR] = sb_stemmer_new("french", "UTF_8");
  if (!c->stem[TEXT_LANG_EN] || !c->stem[TEXT_LANG_FR]) text_ctx_free(&c);
  return c;
}

void text_ctx_free(text_ctx_t **cp) {
  text_ctx_t *c = *cp;
  if (!c) return;
  for (int i = 0; i < TEXT_LANG_COUNT; i++)
    if (c->stem[i]) sb_stemmer_delete(c->stem[i]);
  free(c);
  *cp = NULL;
}

void text_doc_init(text_doc_t *d) { memset(d, 0, sizeof *d); }

void text_doc_clear(text_doc_t *d) {
  free(d->tok);
  free(d->arena);
  text_doc_init(d);
}

/* Appends n bytes and a NUL to the arena; returns the offset. */
static uint32_t arena_put(text_doc_t *d, const char *s, size_t n) {
  if (d->alen + n + 1 > d->acap) {
    size_t cap = d->acap ? d->acap : 1024;
    while (cap < d->alen + n + 1) cap *= 2;
    d->arena = util_xrealloc(d->arena, cap);
    d->acap = cap;
  }
  uint32_t off = (uint32_t)d->alen;
  memcpy(d->arena + d->alen, s, n);
  d->arena[d->alen + n] = '\0';
  d->alen += n + 1;
  return off;
}

/* Decodes one code point at s[i..n); returns its byte length, with *cp = -1
 * for an invalid sequence (length 1: the byte is skipped). */
static size_t cp_at(const char *s, size_t i, size_t n, int32_t *cp) {
  unsigned char b = (unsigned char)s[i];
  if (b < 0x80) {
    *cp = b;
    return 1;
  }
  utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                        (utf8proc_ssize_t)(n - i), cp);
  if (k <= 0) {
    *cp = -1;
    return 1;
  }
  return (size_t)k;
}

enum { CC_SEP, CC_ALPHA, CC_DIGIT, CC_MARK };

static int cp_class(int32_t cp) {
  if (cp < 0x80) {
    if (cp < 0) return CC_SEP;
    if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') return CC_ALPHA;
    if (cp >= '0' && cp <= '9') return CC_DIGIT;
    return CC_SEP;
  }
  switch (utf8proc_category(cp)) {
  case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
  case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    return CC_ALPHA;
  case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
    return CC_DIGIT;
  case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    return CC_MARK;
  default:
    return CC_SEP;
  }
}

static int is_connector(int32_t cp) {
  return cp == '.' || cp == '-' || cp == '_' || cp == '/' || cp == '\\' || cp == '@' ||
         cp == ':';
}

/* Writes the lower-case (accented) and folded forms of one code point.
 * Returns 1 when folding removed a mark (an accented letter). */
static int fold_cp(int32_t cp, char *low, size_t *nlow, char *fold, size_t *nfold) {
  if (cp < 0x80) {
    char c = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
    low[(*nlow)++] = c;
    fold[(*nfold)++] = c;
    return 0;
  }
  *nlow += (size_t)utf8proc_encode_char(utf8proc_tolower(cp), (utf8proc_uint8_t *)low + *nlow);
  utf8proc_int32_t parts[8];
  int bound = 0;
  utf8proc_ssize_t k = utf8proc_decompose_char(
      cp, parts, 8,
      UTF8PROC_CASEFOLD | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK, &bound);
  if (k < 0 || k > 8) { /* cannot decompose: keep the lower-case letter */
    *nfold += (size_t)utf8proc_encode_char(utf8proc_tolower(cp), (utf8proc_uint8_t *)fold + *nfold);
    return 0;
  }
  for (utf8proc_ssize_t i = 0; i < k; i++)
    *nfold += (size_t)utf8proc_encode_char(parts[i], (utf8proc_uint8_t *)fold + *nfold);
  return k == 1 && parts[0] != utf8proc_tolower(cp);
}

size_t text_fold(const char *s, size_t n, char *out, size_t cap) {
  size_t w = 0, i = 0;
  char low[16], f[40];
  if (!cap) return 0;
  while (i < n) {
    int32_t cp;
    size_t k = cp_at(s, i, n, &cp);
    i += k;
    if (cp < 0) continue;
    size_t nl = 0, nf = 0;
    if (cp_class(cp) == CC_MARK) continue; /* a combining accent on its own */
    fold_cp(cp, low, &nl, f, &nf);
    if (w + nf >= cap) break;
    memcpy(out + w, f, nf);
    w += nf;
  }
  out[w] = '\0';
  return w;
}

/* Adds one token s[a..b) (original bytes) of the given kind. Forms longer
 * than TEXT_MAX_TOKEN bytes are cut at a code-point boundary. */
static void emit(text_doc_t *d, const char *s, size_t a, size_t b, int kind, int lower_slot) {
  char low[TEXT_MAX_TOKEN + 8], fold[TEXT_MAX_TOKEN + 48];
  size_t nl = 0, nf = 0, i = a;
  int accented = 0;
  while (i < b) {
    int32_t cp;
    size_t k = cp_at(s, i, b, &cp);
    if (cp < 0 || cp_class(cp) == CC_MARK) {
      accented |= cp >= 0;
      i += k;
      continue;
    }
    size_t nl2 = nl, nf2 = nf;
    char tl[8], tf[40];
    size_t ntl = 0, ntf = 0;
    int acc = fold_cp(cp, tl, &ntl, tf, &ntf);
    if (nl2 + ntl > TEXT_MAX_TOKEN || nf2 + ntf > TEXT_MAX_TOKEN) break;
    memcpy(low + nl, tl, ntl);
    memcpy(fold + nf, tf, ntf);
    nl += ntl;
    nf += ntf;
    accented |= acc;
    i += k;
  }
  if (nf == 0) return;
  if (d->n == d->cap) {
    d->cap = d->cap ? d->cap * 2 : 64;
    d->tok = util_xrealloc(d->tok, d->cap * sizeof *d->tok);
  }
  text_token_t *t = &d->tok[d->n++];
  memset(t, 0, sizeof *t);
  t->off = (uint32_t)a;
  t->len = (uint32_t)(b - a);
  t->kind = (uint8_t)kind;
  t->form = arena_put(d, fold, nf);
  t->form_len = (uint16_t)nf;
  if (kind == TEXT_TOK_WORD && lower_slot) {
    /* the accented lower form waits in the stem slot until stemming */
    t->stem = arena_put(d, low, nl);
    t->stem_len = (uint16_t)nl;
    int en = text_is_stop(TEXT_LANG_EN, fold, nf), fr = text_is_stop(TEXT_LANG_FR, fold, nf);
    if (en && !fr) d->lang_votes[TEXT_LANG_EN]++;
    if (fr && !en) d->lang_votes[TEXT_LANG_FR]++;
    if (accented) d->lang_votes[TEXT_LANG_FR]++;
  } else {
    t->stem = t->form;
    t->stem_len = t->form_len;
  }
}

/* Splits a run of letters and hyphens into words. */
static void emit_words(text_doc_t *d, const char *s, size_t a, size_t b) {
  size_t w = a;
  for (size_t i = a; i <= b; i++) {
    if (i == b || s[i] == '-') {
      if (i > w && d->n < TEXT_MAX_TOKENS) emit(d, s, w, i, TEXT_TOK_WORD, 1);
      w = i + 1;
    }
  }
}

static void tokenise(const char *s, size_t n, text_doc_t *d) {
  size_t i = 0;
  while (i < n && d->n < TEXT_MAX_TOKENS) {
    int32_t cp;
    size_t k = cp_at(s, i, n, &cp);
    int cls = cp_class(cp);
    if (cls == CC_SEP || cls == CC_MARK) {
      i += k;
      continue;
    }
    size_t start = i;
    int digit = 0, alpha = 0, joiner = 0;
    while (i < n) {
      k = cp_at(s, i, n, &cp);
      cls = cp_class(cp);
      if (cls == CC_ALPHA) alpha = 1;
      else if (cls == CC_DIGIT) digit = 1;
      else if (cls == CC_MARK) { /* part of the letter before it */ }
      else if (is_connector(cp)) {
        /* a short run of connectors ("." "-" ":\\" "://") joins only when a
         * letter or digit follows it */
        size_t e = i;
        int32_t nx = cp;
        while (e < n && e - i < 3 && is_connector(nx)) {
          e++;
          if (e < n) cp_at(s, e, n, &nx);
        }
        int ncls = e < n ? cp_class(nx) : CC_SEP;
        if (ncls != CC_ALPHA && ncls != CC_DIGIT) break;
        if (cp != '-' || e - i > 1) joiner = 1;
        i = e;
        continue;
      } else {
        break;
      }
      i += k;
    }
    if (digit || joiner)
      emit(d, s, start, i, alpha || joiner ? TEXT_TOK_IT : TEXT_TOK_NUMBER, 0);
    else if (alpha)
      emit_words(d, s, start, i);
  }
}

/* Replaces the lower form waiting in each word's stem slot by its folded
 * Snowball stem, and marks the stop words of the chosen language. */
static void stem_all(text_ctx_t *ctx, text_doc_t *d, int stem) {
  struct sb_stemmer *st = ctx->stem[d->lang];
  for (size_t i = 0; i < d->n; i++) {
    text_token_t *t = &d->tok[i];
    if (t->kind != TEXT_TOK_WORD) continue;
    t->stop = (uint8_t)text_is_stop(d->lang, d->arena + t->form, t->form_len);
    if (t->stop || t->form_len < 2 || !stem) {
      t->stem = t->form;
      t->stem_len = t->form_len;
      continue;
    }
    const sb_symbol *r = sb_stemmer_stem(st, (const sb_symbol *)d->arena + t->stem, t->stem_len);
    if (!r) { /* out of memory inside the stemmer: keep the folded word */
      t->stem = t->form;
      t->stem_len = t->form_len;
      continue;
    }
    int rn = sb_stemmer_length(st);
    char f[TEXT_MAX_TOKEN * 3 + 8];
    size_t fn = text_fold((const char *)r, (size_t)rn, f, sizeof f);
    t->stem = arena_put(d, f, fn);
    t->stem_len = (uint16_t)fn;
  }
}

void text_analyse(text_ctx_t *ctx, const char *s, size_t n, int lang, text_doc_t *d) {
  text_analyse_opt(ctx, s, n, lang, 1, d);
}

void text_analyse_opt(text_ctx_t *ctx, const char *s, size_t n, int lang, int stem,
                      text_doc_t *d) {
  d->n = 0;
  d->alen = 0;
  d->lang_votes[0] = d->lang_votes[1] = 0;
  const char *nl = memchr(s, '\n', n);
  d->line1_end = (uint32_t)(nl ? (size_t)(nl - s) : n);
  tokenise(s, n, d);
  d->lang = lang >= 0 && lang < TEXT_LANG_COUNT ? (text_lang_t)lang : text_lang_vote(d->lang_votes);
  stem_all(ctx, d, stem);
}

text_lang_t text_detect_lang(text_ctx_t *ctx, const char *s, size_t n) {
  text_doc_t d;
  text_doc_init(&d);
  tokenise(s, n, &d);
  text_lang_t l = text_lang_vote(d.lang_votes);
  text_doc_clear(&d);
  return l;
}
