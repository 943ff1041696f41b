/* The FTS5 tokenizer "relais": the full-text indexes (tickets_fts, kb_fts)
 * see the words src/text makes of a text, the ones triage and similarity
 * see: case and accents folded, French elision split off, IT strings
 * (0x80070005, srv-web-01, 10.2.3.4) kept whole, words stemmed with
 * Snowball. So "printers" finds "printer", "l'imprimante" finds
 * "imprimantes" and "Sécurité" finds "securite".
 *
 * Documents (FTS5_TOKENIZE_DOCUMENT, and _AUX for highlight() and
 * snippet()): the language of each text given (one column of one row) is
 * identified as text_analyse does; each token is emitted as its stem (the
 * feature form: what triage and similarity see), with its byte offsets in
 * the original text, so that highlight() and snippet() mark the words as
 * written. Rows' lengths (the docsize table BM25 and the facets read) count
 * these tokens. A word written with accents whose folded form stems
 * otherwise (Snowball reads "sécurité" as "secur", "securite" as
 * "securit") has that second stem colocated (FTS5_TOKEN_COLOCATED: same
 * position, not counted in the length), so that a person who types without
 * accents finds it; queries ask for both stems the same way.
 *
 * Stop words are indexed. Whether a word is one depends on the language
 * the text was taken for, which a query cannot know: "it" is an English
 * pronoun and the French for IT, "or" a conjunction and gold; a word
 * dropped from some documents and kept in others would be found in half of
 * them. Keeping them also keeps phrase queries exact ("mot de passe"
 * matches those three words in a row, not "mot" … "passe" anywhere). The
 * cost is a larger index; BM25's IDF makes such words weigh next to
 * nothing in a ranking, and the suggestions' words (search_words_of) leave
 * them out of the queries they build.
 *
 * A text of more than TEXT_MAX_TOKENS tokens (where text_analyse stops) is
 * indexed whole: it is analysed in slices of at most TOK_SLICE bytes, each
 * cut after a whitespace byte (a token never spans two slices), in the
 * language found in the first slice; a slice whose analysis stopped at
 * TEXT_MAX_TOKENS resumes at the start of its last token, where tokenising
 * begins afresh exactly as it would have gone on. A run of more than
 * TOK_SLICE / 2 bytes without whitespace is cut at a character boundary:
 * each piece is one token (text_analyse cuts a token at TEXT_MAX_TOKEN
 * bytes anyway). Every byte is read a bounded number of times, so the cost
 * is linear in the text whatever it holds; invalid UTF-8 bytes separate
 * tokens, as in src/text.
 *
 * Elided articles (l', d', qu', jusqu'…: a French elision word right
 * before an apostrophe and the next word) are neither indexed nor asked
 * for. They are how French writes a word boundary, not a word: the web
 * client sends what a person types as quoted phrases, and the phrase
 * "l'imprimante" must find "les imprimantes" and "une imprimante"; with the
 * article dropped on both sides "mot d'accès" is still two adjacent words.
 *
 * Queries (FTS5_TOKENIZE_QUERY): two or three words say little of their
 * language, so each token is emitted as its French stem and, when it
 * differs, its English stem as a colocated synonym: the query matches
 * documents of either language (a French text's "imprimantes" is indexed
 * "imprim", an English one's "printers" "printer", a short French title
 * taken for English "imprimant": "imprimante" asks for "imprim" or
 * "imprimant"). With FTS5_TOKENIZE_PREFIX (a word being typed: "imprima*")
 * the phrase's last token is emitted as its folded form and its two stems,
 * colocated, each a prefix: "imprima" is no prefix of the "imprim" indexed
 * for "imprimante", but its French stem "imprim" is. A one-byte stem is
 * left out of a prefix (unless the folded form is that short too): "a*"
 * reads the lists of tens of thousands of terms, which store_search_check
 * refuses to typed queries for the same reason. Two bytes are kept: the
 * knowledge base searches every word as a prefix, and "dns" or "pcs" in a
 * French text are indexed "dn" and "pc".
 *
 * The index holds src/text's stems: a change of what src/text makes of a
 * text must come with a migration that rebuilds both indexes, or FTS5 would
 * delete the wrong tokens of a changed row (an external-content table
 * tokenizes the old values again to remove them).
 *
 * Each instance (one per FTS5 table and connection, xCreate) owns its
 * text_ctx_t (the stemmers) and scratch documents, freed in xDelete; a
 * connection is used by one thread at a time, so an instance never is by
 * two. A call made while the instance is already tokenizing (an auxiliary
 * function tokenizing from inside a callback) uses scratch of its own. */
#include <stdlib.h>
#include <string.h>

#include "../text/text.h"
#include "store_int.h"

#define TOK_SLICE 65536    /* bytes analysed at once */
#define TOK_PREFIX_MIN 2   /* bytes of a stem used as a prefix */
/* Scratch kept between calls, in tokens: a ticket's worth. Each instance
 * lives as long as its connection (one per server thread and index), so
 * the room a long text took (up to TEXT_MAX_TOKENS tokens and their
 * forms: about a megabyte) is freed after it. */
#define TOK_KEEP 1024

typedef struct {
  text_ctx_t *ctx;   /* owned: the stemmers */
  text_doc_t doc;    /* the slice in its language (queries: in French) */
  text_doc_t alt;    /* queries: the slice in English */
  text_doc_t fold;   /* one folded word (tok_fold_stem) */
  int busy;          /* inside xTokenize: a nested call takes its own scratch */
} tok_t;

typedef int (*tok_emit_fn)(void *pCtx, int tflags, const char *pToken, int nToken, int iStart,
                           int iEnd);

/* What one call tokenizes and where its tokens go. */
typedef struct {
  tok_t *t;
  text_doc_t *doc, *alt, *fold; /* scratch (borrowed) */
  const char *s;         /* the whole text, borrowed */
  size_t n;
  int query, prefix;     /* FTS5_TOKENIZE_QUERY, FTS5_TOKENIZE_PREFIX */
  void *pctx;            /* FTS5's context for emit */
  tok_emit_fn emit;
} tok_call_t;

static int tok_create(void *user, const char **argv, int argc, Fts5Tokenizer **out) {
  (void)user;
  (void)argv;
  (void)argc;
  *out = NULL;
  tok_t *t = calloc(1, sizeof *t);
  if (!t) return SQLITE_NOMEM;
  t->ctx = text_ctx_new();
  if (!t->ctx) { /* a stemmer missing from libstemmer */
    free(t);
    return SQLITE_ERROR;
  }
  text_doc_init(&t->doc);
  text_doc_init(&t->alt);
  text_doc_init(&t->fold);
  *out = (Fts5Tokenizer *)t;
  return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *p) {
  tok_t *t = (tok_t *)p;
  if (!t) return;
  text_doc_clear(&t->doc);
  text_doc_clear(&t->alt);
  text_doc_clear(&t->fold);
  text_ctx_free(&t->ctx);
  free(t);
}

static int tok_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* The end of the slice that starts at pos: the whole rest when it is
 * short; else just after the last whitespace byte in the slice's second
 * half; else (a long run without whitespace) at a character boundary. */
static size_t tok_slice_end(const char *s, size_t n, size_t pos) {
  if (n - pos <= TOK_SLICE) return n;
  size_t end = pos + TOK_SLICE;
  for (size_t i = end; i > pos + TOK_SLICE / 2; i--)
    if (tok_space(s[i - 1])) return i;
  while (end > pos + 1 && ((unsigned char)s[end] & 0xC0) == 0x80) end--;
  return end;
}

/* 1 if token i of d (over text s) is an elided article: a French elision
 * word followed at once by an apostrophe (' or U+2019) and the next token. */
static int tok_elided(const char *s, const text_doc_t *d, size_t i) {
  static const char *const words[] = {"l", "d", "j", "m", "n", "s", "t", "c", "qu",
                                      "jusqu", "lorsqu", "puisqu", "quoiqu"};
  const text_token_t *t = &d->tok[i];
  if (t->kind != TEXT_TOK_WORD || t->form_len > 6 || i + 1 >= d->n) return 0;
  size_t end = (size_t)t->off + t->len, next = d->tok[i + 1].off;
  int apos = (next == end + 1 && s[end] == '\'') ||
             (next == end + 3 && memcmp(s + end, "\xE2\x80\x99", 3) == 0);
  for (size_t k = 0; apos && k < sizeof words / sizeof *words; k++)
    if (strcmp(d->arena + t->form, words[k]) == 0) return 1;
  return 0;
}

/* The stem of word t's folded form in lang, into out (cap bytes), when t
 * is written with a letter beyond ASCII and that stem differs from t's:
 * Snowball reads "sécurité" as "secur" but "securite" as "securit", and a
 * person types either. Returns its length, or 0. */
static int tok_fold_stem(tok_call_t *c, const char *s, const text_doc_t *d, size_t i, int lang,
                         char *out, size_t cap) {
  const text_token_t *t = &d->tok[i];
  if (t->kind != TEXT_TOK_WORD || t->stop) return 0;
  size_t j = t->off, end = (size_t)t->off + t->len;
  while (j < end && (unsigned char)s[j] < 0x80) j++;
  if (j == end) return 0; /* plain ASCII: its own folded form */
  text_analyse(c->t->ctx, d->arena + t->form, t->form_len, lang, c->fold);
  if (c->fold->n != 1) return 0;
  const text_token_t *f = &c->fold->tok[0];
  if (f->stem_len >= cap || (f->stem_len == t->stem_len &&
                              memcmp(c->fold->arena + f->stem, d->arena + t->stem, f->stem_len) == 0))
    return 0;
  memcpy(out, c->fold->arena + f->stem, f->stem_len);
  return f->stem_len;
}

/* Emits token i of the slice s at base. A document's token is its stem,
 * with the stem of its folded form colocated (tok_fold_stem). A query's
 * is its French stem, then colocated its English one and those of its
 * folded form; as the phrase's last token under a prefix, its folded form
 * first. Equal candidates are emitted once. */
static int tok_emit(tok_call_t *c, const char *s, size_t i, size_t base, int last) {
  const text_token_t *a = &c->doc->tok[i];
  char fold[2][TEXT_MAX_TOKEN * 3 + 8];
  const char *cand[5];
  int len[5], nc = 0, rc = SQLITE_OK;
  if (last) cand[nc] = c->doc->arena + a->form, len[nc++] = a->form_len;
  cand[nc] = c->doc->arena + a->stem, len[nc++] = a->stem_len;
  if (c->query) {
    const text_token_t *b = &c->alt->tok[i];
    cand[nc] = c->alt->arena + b->stem, len[nc++] = b->stem_len;
    cand[nc] = fold[1], len[nc++] = tok_fold_stem(c, s, c->alt, i, TEXT_LANG_EN, fold[1], sizeof fold[1]);
  }
  cand[nc] = fold[0], len[nc++] = tok_fold_stem(c, s, c->doc, i, (int)c->doc->lang, fold[0], sizeof fold[0]);
  int start = (int)(base + a->off), end = (int)(base + a->off + a->len), emitted = 0;
  for (int k = 0; k < nc && rc == SQLITE_OK; k++) {
    int skip = len[k] == 0 || (last && k > 0 && len[k] < TOK_PREFIX_MIN && len[k] < a->form_len);
    for (int j = 0; j < k && !skip; j++)
      skip = len[j] == len[k] && memcmp(cand[j], cand[k], (size_t)len[k]) == 0;
    if (skip) continue;
    rc = c->emit(c->pctx, emitted ? FTS5_TOKEN_COLOCATED : 0, cand[k], len[k], start, end);
    emitted = 1;
  }
  return rc;
}

/* Analyses the slice [pos, end) and emits its tokens; *next receives where
 * the next slice starts, *lang the language the first slice was found in. */
static int tok_slice(tok_call_t *c, size_t pos, size_t end, int *lang, size_t *next) {
  const char *s = c->s + pos;
  size_t n = end - pos;
  text_analyse(c->t->ctx, s, n, c->query ? TEXT_LANG_FR : *lang, c->doc);
  if (c->query) text_analyse(c->t->ctx, s, n, TEXT_LANG_EN, c->alt);
  if (*lang < 0) *lang = (int)c->doc->lang;
  size_t k = c->doc->n;
  *next = end;
  if (k == TEXT_MAX_TOKENS) { /* analysis stopped: resume at the last token */
    k--;
    *next = pos + c->doc->tok[k].off;
  }
  if (c->query && c->alt->n < k) k = c->alt->n; /* the same tokens: never, but never read past */
  int rc = SQLITE_OK;
  for (size_t i = 0; i < k && rc == SQLITE_OK; i++) {
    if (!tok_elided(s, c->doc, i))
      rc = tok_emit(c, s, i, pos, c->query && c->prefix && i + 1 == k && *next >= c->n);
  }
  return rc;
}

static int tok_run(tok_call_t *c) {
  int lang = -1, rc = SQLITE_OK;
  for (size_t pos = 0; pos < c->n && rc == SQLITE_OK;) {
    size_t next = 0;
    rc = tok_slice(c, pos, tok_slice_end(c->s, c->n, pos), &lang, &next);
    pos = next;
  }
  return rc == SQLITE_DONE ? SQLITE_OK : rc; /* SQLITE_DONE: the caller had enough */
}

static int tok_tokenize(Fts5Tokenizer *p, void *pctx, int flags, const char *text, int ntext,
                        tok_emit_fn emit) {
  tok_t *t = (tok_t *)p;
  if (!text || ntext <= 0) return SQLITE_OK;
  tok_call_t c = {.t = t, .doc = &t->doc, .alt = &t->alt, .fold = &t->fold, .s = text,
                  .n = (size_t)ntext, .query = (flags & FTS5_TOKENIZE_QUERY) != 0,
                  .prefix = (flags & FTS5_TOKENIZE_PREFIX) != 0, .pctx = pctx, .emit = emit};
  text_doc_t own[3];
  int nested = t->busy;
  if (nested) {
    for (int i = 0; i < 3; i++) text_doc_init(&own[i]);
    c.doc = &own[0];
    c.alt = &own[1];
    c.fold = &own[2];
  }
  t->busy = 1;
  int rc = tok_run(&c);
  t->busy = nested;
  if (nested)
    for (int i = 0; i < 3; i++) text_doc_clear(&own[i]);
  if (!nested && t->doc.cap > TOK_KEEP) { /* a long text: give its room back */
    text_doc_clear(&t->doc);
    text_doc_clear(&t->alt);
    text_doc_clear(&t->fold);
  }
  return rc;
}

int store_tokenizer_register(fts5_api *fts) {
  static fts5_tokenizer tok = {tok_create, tok_delete, tok_tokenize};
  return fts->xCreateTokenizer(fts, "relais", NULL, &tok, NULL);
}
