/* The tokeniser: text_analyse (language identified, then forced to each
 * language, with and without stems), the features built on its tokens,
 * and text_fold.
 *
 * Properties: every token lies inside the input, is at most
 * TEXT_MAX_TOKEN bytes of it, and starts after the previous one; a
 * document has at most TEXT_MAX_TOKENS tokens; forms and stems are valid,
 * NUL-terminated UTF-8 inside the arena; features point at real tokens and
 * come sorted by hash, without repeats; text_fold writes valid UTF-8 within
 * its cap. */
#include "fuzz.h"
#include "text/text.h"
#include "util/util.h"

static text_ctx_t *ctx;
static text_doc_t doc;
static text_feats_t feats;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  ctx = text_ctx_new();
  FUZZ_CHECK(ctx != NULL, "no stemmer");
  text_doc_init(&doc);
  text_feats_init(&feats);
  return 0;
}

static void check_arena(const text_doc_t *d, uint32_t off, uint16_t len, const char *what) {
  FUZZ_CHECK((size_t)off + len < d->alen + 1 && d->arena[off + len] == '\0',
             "%s at %u+%u is not NUL-terminated in the arena (%zu bytes)", what, off, len,
             d->alen);
  FUZZ_CHECK(util_utf8_valid(d->arena + off, len, NULL), "%s is not valid UTF-8", what);
}

static void check_doc(const text_doc_t *d, size_t size) {
  FUZZ_CHECK(d->n <= TEXT_MAX_TOKENS, "%zu tokens", d->n);
  FUZZ_CHECK(d->line1_end <= size, "line1_end %u past the end", d->line1_end);
  uint32_t prev_end = 0;
  for (size_t i = 0; i < d->n; i++) {
    const text_token_t *t = &d->tok[i];
    FUZZ_CHECK(t->len > 0 && (size_t)t->off + t->len <= size, "token %zu outside the input", i);
    FUZZ_CHECK(t->off >= prev_end, "token %zu overlaps the one before", i);
    FUZZ_CHECK(t->kind <= TEXT_TOK_IT, "token %zu has kind %u", i, t->kind);
    FUZZ_CHECK(t->form_len > 0 && t->form_len <= 4 * TEXT_MAX_TOKEN, "form length %u",
               t->form_len);
    check_arena(d, t->form, t->form_len, "a form");
    check_arena(d, t->stem, t->stem_len, "a stem");
    prev_end = t->off + t->len;
  }
}

static void check_feats(const text_doc_t *d, const text_feats_t *fs) {
  for (size_t i = 0; i < fs->n; i++) {
    const text_feat_t *f = &fs->f[i];
    FUZZ_CHECK(i == 0 || fs->f[i - 1].hash < f->hash, "features not sorted or repeated at %zu", i);
    FUZZ_CHECK(f->tok_a >= 0 && (size_t)f->tok_a < d->n, "feature %zu names token %d", i, f->tok_a);
    FUZZ_CHECK(f->tok_b < 0 || (size_t)f->tok_b < d->n, "feature %zu names token %d", i, f->tok_b);
    FUZZ_CHECK(f->value > 0, "feature %zu has value %g", i, (double)f->value);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  text_feat_opts_t o;
  text_feat_defaults(&o);
  o.char_min = 3;
  o.char_max = 5;
  o.word_ngrams = 2;
  text_analyse(ctx, s, size, -1, &doc);
  check_doc(&doc, size);
  text_features(&doc, &o, &feats);
  check_feats(&doc, &feats);
  char term[256];
  for (size_t i = 0; i < feats.n && i < 64; i++) {
    size_t n = text_feat_term(&doc, &o, &feats.f[i], term, sizeof term);
    FUZZ_CHECK(n < sizeof term && strlen(term) == n, "feature term length %zu", n);
  }
  for (int lang = 0; lang < TEXT_LANG_COUNT; lang++) {
    text_analyse_opt(ctx, s, size, lang, lang == TEXT_LANG_FR, &doc);
    check_doc(&doc, size);
    FUZZ_CHECK(doc.lang == (text_lang_t)lang, "forced language not kept");
  }
  char folded[128];
  size_t n = text_fold(s, size, folded, sizeof folded);
  FUZZ_CHECK(n < sizeof folded && folded[n] == '\0', "fold wrote %zu bytes", n);
  FUZZ_CHECK(util_utf8_valid(folded, n, NULL), "fold wrote invalid UTF-8");
  return 0;
}
