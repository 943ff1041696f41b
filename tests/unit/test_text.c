/* Unit tests of src/text: tokens, folding, elision, IT strings, language,
 * stemming, features, hostile input, and the vectoriser (vocabulary, TF-IDF
 * rows, saved vocabularies). */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "text/text.h"

static text_ctx_t *ctx;

static int setup(void **state) {
  ctx = text_ctx_new();
  return ctx ? 0 : -1;
}

static int teardown(void **state) {
  text_ctx_free(&ctx);
  return 0;
}

/* The folded forms of d's tokens as "a b c", stop words in brackets. */
static char *forms(const text_doc_t *d) {
  static char out[4096];
  size_t w = 0;
  out[0] = '\0';
  for (size_t i = 0; i < d->n && w < sizeof out - 80; i++) {
    const text_token_t *t = &d->tok[i];
    w += (size_t)snprintf(out + w, sizeof out - w, "%s%s%s%s", i ? " " : "", t->stop ? "[" : "",
                          d->arena + t->form, t->stop ? "]" : "");
  }
  return out;
}

static const text_token_t *find(const text_doc_t *d, const char *form) {
  for (size_t i = 0; i < d->n; i++)
    if (strcmp(d->arena + d->tok[i].form, form) == 0) return &d->tok[i];
  return NULL;
}

static void french_elision_and_accents(void **state) {
  text_doc_t d;
  text_doc_init(&d);
  const char *s = "L'imprimante d'accès qu'il utilise : ÉCRAN noir, mot-de-passe oublié";
  text_analyse(ctx, s, strlen(s), -1, &d);
  assert_int_equal(d.lang, TEXT_LANG_FR);
  assert_string_equal(forms(&d), "[l] imprimante [d] acces [qu] [il] utilise ecran noir mot [de] "
                                 "passe oublie");
  /* the token still points at the bytes the person typed */
  const text_token_t *t = find(&d, "acces");
  assert_non_null(t);
  assert_int_equal(t->len, strlen("accès"));
  assert_memory_equal(s + t->off, "accès", t->len);
  t = find(&d, "ecran");
  assert_memory_equal(s + t->off, "ÉCRAN", t->len);
  text_doc_clear(&d);
}

static void it_tokens_kept_whole(void **state) {
  text_doc_t d;
  text_doc_init(&d);
  const char *s = "Error 0x80070005 on srv-web-01 after v2.3.1, mail j.dupont@corp.fr, "
                  "log C:\\Temp\\a.log, host 10.2.3.4. Version 2 (see KB4023057).";
  text_analyse(ctx, s, strlen(s), -1, &d);
  const char *want[] = {"0x80070005", "srv-web-01", "v2.3.1", "j.dupont@corp.fr",
                        "c:\\temp\\a.log", "10.2.3.4", "kb4023057"};
  for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
    const text_token_t *t = find(&d, want[i]);
    if (!t) fail_msg("missing IT token %s in: %s", want[i], forms(&d));
    assert_int_equal(t->kind, TEXT_TOK_IT);
    assert_int_equal(t->stem, t->form); /* never stemmed */
  }
  const text_token_t *n = find(&d, "2");
  assert_non_null(n);
  assert_int_equal(n->kind, TEXT_TOK_NUMBER);
  /* the sentence's final dot is not part of the address */
  assert_non_null(find(&d, "10.2.3.4"));
  assert_int_equal(d.lang, TEXT_LANG_EN);
  text_doc_clear(&d);
}

static void stems_in_the_language(void **state) {
  text_doc_t d;
  text_doc_init(&d);
  const char *en = "the printers are not connecting";
  text_analyse(ctx, en, strlen(en), -1, &d);
  assert_int_equal(d.lang, TEXT_LANG_EN);
  const text_token_t *t = find(&d, "connecting");
  assert_string_equal(d.arena + t->stem, "connect");
  t = find(&d, "printers");
  assert_string_equal(d.arena + t->stem, "printer");
  const char *fr = "les imprimantes ne répondent pas";
  text_analyse(ctx, fr, strlen(fr), -1, &d);
  assert_int_equal(d.lang, TEXT_LANG_FR);
  t = find(&d, "imprimantes");
  assert_string_equal(d.arena + t->stem, "imprim");
  t = find(&d, "repondent");
  assert_string_equal(d.arena + t->stem, "repondent"); /* folded stem of "répondent" */
  /* a forced language wins over identification */
  text_analyse(ctx, fr, strlen(fr), TEXT_LANG_EN, &d);
  assert_int_equal(d.lang, TEXT_LANG_EN);
  text_doc_clear(&d);
}

static void language_identification(void **state) {
  const char *cases[][2] = {
      {"Bonjour, je n'arrive plus à me connecter au VPN depuis ce matin", "fr"},
      {"Hello, I cannot connect to the VPN since this morning", "en"},
      {"Outlook", "en"},               /* no clue: English */
      {"", "en"},
      {"écran bleu", "fr"},            /* accents are a clue */
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    assert_string_equal(text_lang_code(text_detect_lang(ctx, cases[i][0], strlen(cases[i][0]))),
                        cases[i][1]);
  text_lang_t l;
  assert_int_equal(text_lang_parse("fr", &l), 0);
  assert_int_equal(l, TEXT_LANG_FR);
  assert_int_not_equal(text_lang_parse("de", &l), 0);
}

static void invalid_utf8_is_a_separator(void **state) {
  text_doc_t d;
  text_doc_init(&d);
  const char s[] = "abc\xff\xfe" "def \xc3 gh\xe2\x82 \xed\xa0\x80zz \xf4\x90\x80\x80yy";
  text_analyse(ctx, s, sizeof s - 1, -1, &d);
  assert_string_equal(forms(&d), "abc def gh zz yy");
  char out[64];
  assert_int_equal(text_fold("\xff" "AbÇ", 5, out, sizeof out), 3);
  assert_string_equal(out, "abc");
  text_doc_clear(&d);
}

static void hostile_sizes_are_bounded(void **state) {
  size_t n = 200000;
  char *s = malloc(n + 1);
  for (size_t i = 0; i < n; i++) s[i] = (i % 3 == 2) ? ' ' : 'a';
  s[n] = '\0';
  text_doc_t d;
  text_doc_init(&d);
  text_analyse(ctx, s, n, -1, &d);
  assert_int_equal(d.n, TEXT_MAX_TOKENS);
  memset(s, 'x', n); /* one enormous token */
  text_analyse(ctx, s, n, -1, &d);
  assert_int_equal(d.n, 1);
  assert_true(d.tok[0].form_len <= TEXT_MAX_TOKEN);
  text_analyse(ctx, "", 0, -1, &d);
  assert_int_equal(d.n, 0);
  text_feats_t fs;
  text_feats_init(&fs);
  text_feat_opts_t o;
  text_feat_defaults(&o);
  text_features(&d, &o, &fs);
  assert_int_equal(fs.n, 0);
  text_feats_clear(&fs);
  text_doc_clear(&d);
  free(s);
}

static void features_merge_and_weight(void **state) {
  text_doc_t d;
  text_doc_init(&d);
  text_feats_t fs;
  text_feats_init(&fs);
  text_feat_opts_t o;
  text_feat_defaults(&o);
  o.char_min = 0;
  o.head_weight = 0; /* head words: checked at the end */
  const char *s = "vpn vpn vpn broken";
  text_analyse(ctx, s, strlen(s), TEXT_LANG_EN, &d);
  text_features(&d, &o, &fs);
  /* unigrams vpn, broken; bigrams "vpn vpn" (twice), "vpn broken" */
  assert_int_equal(fs.n, 4);
  int seen3 = 0, seen2 = 0, pairs = 0;
  for (size_t i = 0; i < fs.n; i++) {
    if (i) assert_true(fs.f[i - 1].hash < fs.f[i].hash);
    if (fabsf(fs.f[i].value - (1.0f + logf(3.0f))) < 1e-6f) seen3++; /* "vpn" */
    if (fs.f[i].kind == 1) {
      pairs++;
      assert_int_equal(fs.f[i].tok_b, fs.f[i].tok_a + 1); /* a bigram names both words */
      /* bigrams weigh pair_weight times their sublinear count */
      if (fabsf(fs.f[i].value - o.pair_weight * (1.0f + logf(2.0f))) < 1e-6f) seen2++;
    }
  }
  assert_int_equal(seen3, 1);
  assert_int_equal(seen2, 1);
  assert_int_equal(pairs, 2);
  /* character n-grams add "<vp", "vpn", "pn>", … for each distinct word */
  o.char_min = 3;
  o.char_max = 3;
  text_features(&d, &o, &fs);
  assert_int_equal(fs.n, 4 + 3 + 6); /* <vp vpn pn> and <br … en> */
  /* stop words out by default, in on request */
  s = "the printer";
  text_analyse(ctx, s, strlen(s), TEXT_LANG_EN, &d);
  o.char_min = 0;
  text_features(&d, &o, &fs);
  assert_int_equal(fs.n, 1);
  o.stopwords = 0;
  text_features(&d, &o, &fs);
  assert_int_equal(fs.n, 3);
  /* the first words of the first line count again as head words, at their
   * own weight; words of later lines do not */
  o.stopwords = 1;
  o.head_weight = 0.5f;
  o.head_tokens = 2;
  s = "printer jammed again\nprinter toner";
  text_analyse(ctx, s, strlen(s), TEXT_LANG_EN, &d);
  text_features(&d, &o, &fs);
  int heads = 0;
  for (size_t i = 0; i < fs.n; i++)
    if (fs.f[i].kind == 3) {
      heads++;
      assert_true(fabsf(fs.f[i].value - 0.5f) < 1e-6f);
      assert_true(d.tok[fs.f[i].tok_a].off < d.line1_end);
    }
  assert_int_equal(heads, 2); /* printer, jammed */
  /* same text, same features: hashing is stable */
  assert_true(text_hash(1, "abc", 3) == text_hash(1, "abc", 3));
  assert_true(text_hash(1, "abc", 3) != text_hash(2, "abc", 3));
  text_feats_clear(&fs);
  text_doc_clear(&d);
}

/* Long documents of a few repeated words (the sort's partitioning, many
 * equal hashes): features come out in strictly increasing hash order, each
 * word once, with its sublinear count and its first occurrence. */
static void features_sorted_and_counted(void **state) {
  static const char *const words[] = {"printer", "vpn", "outlook", "badge", "laptop", "screen",
                                      "token", "server", "mailbox", "wifi", "ticket", "driver"};
  uint64_t r = 99;
  text_doc_t d;
  text_feats_t fs;
  text_feat_opts_t o;
  text_doc_init(&d);
  text_feats_init(&fs);
  text_feat_defaults(&o);
  o.char_min = 0;
  o.head_weight = 0;
  char buf[8192];
  for (int round = 0; round < 200; round++) {
    int count[12] = {0}, first[12], nw = 1 + round * 2, vocab = 1 + round % 12;
    size_t len = 0;
    for (int w = 0; w < nw; w++) {
      r = r * 6364136223846793005ull + 1442695040888963407ull;
      int k = (int)((r >> 33) % (uint64_t)vocab);
      if (!count[k]++) first[k] = w;
      len += (size_t)snprintf(buf + len, sizeof buf - len, "%s ", words[k]);
    }
    text_analyse(ctx, buf, len, TEXT_LANG_EN, &d);
    assert_int_equal(d.n, nw);
    text_features(&d, &o, &fs);
    int unigrams = 0;
    for (size_t i = 0; i < fs.n; i++) {
      if (i) assert_true(fs.f[i - 1].hash < fs.f[i].hash);
      if (fs.f[i].kind != 0) continue;
      unigrams++;
      const char *form = d.arena + d.tok[fs.f[i].tok_a].form;
      int k = 0;
      while (strcmp(words[k], form) != 0) k++;
      assert_int_equal(fs.f[i].tok_a, first[k]);
      assert_true(fabsf(fs.f[i].value - (1.0f + logf((float)count[k]))) < 1e-5f);
    }
    int distinct = 0;
    for (int k = 0; k < 12; k++) distinct += count[k] > 0;
    assert_int_equal(unigrams, distinct);
  }
  text_feats_clear(&fs);
  text_doc_clear(&d);
}

/* Random bytes, biased towards the characters the tokeniser treats
 * specially, never crash it, and every token points inside the input. */
static void random_bytes_are_safe(void **state) {
  static const char alphabet[] = "aZ9.-_/\\@:'\xc3\xa9\xe2\x80\x99\xff\x80 \n\t";
  uint64_t r = 12345;
  text_doc_t d;
  text_feats_t fs;
  text_feat_opts_t o;
  text_doc_init(&d);
  text_feats_init(&fs);
  text_feat_defaults(&o);
  o.char_min = 2;
  o.char_max = 5;
  char buf[512];
  for (int round = 0; round < 3000; round++) {
    r = r * 6364136223846793005ull + 1442695040888963407ull;
    size_t n = (size_t)(r >> 33) % sizeof buf;
    for (size_t i = 0; i < n; i++) {
      r = r * 6364136223846793005ull + 1442695040888963407ull;
      buf[i] = (r >> 60) < 10 ? alphabet[(r >> 33) % (sizeof alphabet - 1)] : (char)(r >> 40);
    }
    text_analyse_opt(ctx, buf, n, -1, round & 1, &d);
    for (size_t t = 0; t < d.n; t++) {
      assert_true(d.tok[t].off + d.tok[t].len <= n);
      assert_true(d.tok[t].form_len <= TEXT_MAX_TOKEN);
      assert_int_equal(strlen(d.arena + d.tok[t].form), d.tok[t].form_len);
    }
    text_features(&d, &o, &fs);
  }
  text_feats_clear(&fs);
  text_doc_clear(&d);
}

/* ---- the vectoriser ------------------------------------------------------ */

/* Adds a document made of the given hashes and values (no text behind). */
static void hand_doc(text_corpus_t *c, const uint64_t *h, const float *v, size_t n) {
  text_doc_t d;
  text_feats_t fs;
  text_doc_init(&d);
  text_feats_init(&fs);
  fs.f = calloc(n ? n : 1, sizeof *fs.f);
  fs.n = fs.cap = n;
  for (size_t i = 0; i < n; i++) fs.f[i] = (text_feat_t){.hash = h[i], .value = v[i], .tok_a = -1, .tok_b = -1};
  text_corpus_add(c, &d, &fs);
  text_feats_clear(&fs);
  text_doc_clear(&d);
}

/* Three documents: {10, 20}, {20, 30}, {20, 40}; 20 is in all three. */
static void hand_corpus(text_corpus_t *c) {
  text_feat_opts_t o;
  text_feat_defaults(&o);
  text_corpus_init(c, &o);
  static const uint64_t h[3][2] = {{10, 20}, {20, 30}, {20, 40}};
  static const float v[3][2] = {{1, 1}, {1, 2}, {1, 1}};
  for (int i = 0; i < 3; i++) hand_doc(c, h[i], v[i], 2);
}

/* Vocabulary: kept features sorted by hash, document frequencies, min-df,
 * and idf = ln((1 + N) / (1 + df)) + 1 (N = 3). */
static void vocabulary_counts_and_idf(void **state) {
  text_corpus_t c;
  hand_corpus(&c);
  text_vocab_t *v = text_vocab_fit(&c, 1);
  assert_int_equal(text_vocab_size(v), 4);
  assert_int_equal(text_vocab_ndocs(v), 3);
  static const uint64_t keys[4] = {10, 20, 30, 40};
  static const uint32_t df[4] = {1, 3, 1, 1};
  for (uint32_t j = 0; j < 4; j++) {
    assert_int_equal(text_vocab_hash(v, j), keys[j]);
    assert_int_equal(text_vocab_lookup(v, keys[j]), j);
    assert_int_equal(text_vocab_df(v, j), df[j]);
    assert_true(fabsf(text_vocab_idf(v, j) - (float)(log(4.0 / (1 + df[j])) + 1)) < 1e-6f);
  }
  assert_true(text_vocab_idf(v, 1) == 1.0f); /* in every document: weight of a plain count */
  assert_int_equal(text_vocab_lookup(v, 99), -1);
  assert_null(text_vocab_term(v, 0)); /* the corpus kept no terms */
  text_vocab_free(&v);
  assert_null(v);
  v = text_vocab_fit(&c, 2); /* only 20 is in two documents or more */
  assert_int_equal(text_vocab_size(v), 1);
  assert_int_equal(text_vocab_hash(v, 0), 20);
  text_vocab_free(&v);
  text_corpus_clear(&c);
}

/* Rows: tf × idf, unit L2 norm through scale, unknown features dropped,
 * cosine, dense products, and a caller's buffer that is too small. */
static void rows_are_unit_tfidf(void **state) {
  text_corpus_t c;
  hand_corpus(&c);
  text_vocab_t *v = text_vocab_fit(&c, 1);
  text_row_t r, q;
  text_row_init(&r);
  text_row_init(&q);
  /* document {10: 1, 30: 2, 77: 5}: 77 is unknown */
  text_feats_t fs;
  text_feats_init(&fs);
  fs.f = calloc(3, sizeof *fs.f);
  fs.n = fs.cap = 3;
  fs.f[0] = (text_feat_t){.hash = 10, .value = 1};
  fs.f[1] = (text_feat_t){.hash = 30, .value = 2};
  fs.f[2] = (text_feat_t){.hash = 77, .value = 5};
  assert_int_equal(text_vocab_transform(v, &fs, &r), 0);
  assert_int_equal(r.n, 2);
  double idf = log(2.0) + 1;
  assert_int_equal(r.idx[0], 0);
  assert_int_equal(r.idx[1], 2);
  assert_true(fabs(r.val[0] - idf) < 1e-6 && fabs(r.val[1] - 2 * idf) < 1e-6);
  double n2 = 0;
  for (size_t i = 0; i < r.n; i++) n2 += (r.val[i] * r.scale) * (r.val[i] * r.scale);
  assert_true(fabs(n2 - 1) < 1e-12);
  assert_true(fabs(text_row_cosine(&r, &r) - 1) < 1e-12);
  /* against {20}: no feature in common */
  text_vocab_transform_raw(v, (const uint64_t[]){20}, (const float[]){1}, 1, &q);
  assert_true(text_row_cosine(&r, &q) == 0);
  /* against {30}: cos = 2 / sqrt(1 + 4) */
  text_vocab_transform_raw(v, (const uint64_t[]){30}, (const float[]){3}, 1, &q);
  assert_true(fabs(text_row_cosine(&r, &q) - 2 / sqrt(5.0)) < 1e-9);
  double dense[4] = {0};
  text_row_add_to(&r, 2.0, dense);
  assert_true(fabs(dense[0] - 2 / sqrt(5.0)) < 1e-9 && fabs(dense[2] - 4 / sqrt(5.0)) < 1e-9);
  assert_true(fabs(text_row_dot_dense(&r, dense) - 2) < 1e-9);
  /* an empty row: scale 0, cosine 0 */
  fs.n = 0;
  text_vocab_transform(v, &fs, &q);
  assert_int_equal(q.n, 0);
  assert_true(q.scale == 0 && text_row_cosine(&r, &q) == 0);
  /* the caller's buffer: big enough for the document's features, or refused */
  uint32_t idx[3];
  double val[3];
  text_row_t w;
  text_row_wrap(&w, idx, val, 2);
  fs.n = 3;
  assert_int_equal(text_vocab_transform(v, &fs, &w), UTIL_E_TOOBIG);
  assert_int_equal(w.n, 0);
  text_row_wrap(&w, idx, val, 3);
  assert_int_equal(text_vocab_transform(v, &fs, &w), 0);
  assert_int_equal(w.n, 2);
  assert_true(w.val[1] == r.val[1] && w.scale == r.scale);
  text_row_clear(&w);
  text_feats_clear(&fs);
  text_row_clear(&r);
  text_row_clear(&q);
  text_vocab_free(&v);
  text_corpus_clear(&c);
}

/* Feature hashes are part of every saved model: they must never change. */
static void hashing_is_stable(void **state) {
  assert_int_equal(text_hash(0, "printer", 7), 0xd0ecada4c2812325ull);
  assert_int_equal(text_hash(0x9e3779b97f4a7c15ull, "printer", 7), 0x8b687b0fac430b57ull);
  assert_int_equal(text_hash(0, "", 0), 0xefd01f60ba992926ull);
  /* the word feature of "printer" is that hash (unstemmed, word seed) */
  text_doc_t d;
  text_feats_t fs;
  text_feat_opts_t o;
  text_doc_init(&d);
  text_feats_init(&fs);
  text_feat_defaults(&o);
  o.stem = 0;
  o.word_ngrams = 1;
  o.head_weight = 0;
  text_analyse_opt(ctx, "printer", 7, TEXT_LANG_EN, 0, &d);
  text_features(&d, &o, &fs);
  assert_int_equal(fs.n, 1);
  assert_int_equal(fs.f[0].hash, 0x8b687b0fac430b57ull);
  text_feats_clear(&fs);
  text_doc_clear(&d);
}

/* The bytes of a saved vocabulary, written from the layout in vocab_io.c
 * (little-endian): magic, format 1, D = 4, no terms, N = 3, the default
 * options, hashes 10 20 30 40, df 1 3 1 1, idf ln 2 + 1, 1, ln 2 + 1 ×2. */
static const unsigned char golden_vocab[124] = {
    0x52, 0x4c, 0x53, 0x56, 0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00,
    0x9a, 0x99, 0x19, 0x3f, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x3f,
    0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x1e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x0c, 0xb9, 0xd8, 0x3f, 0x00, 0x00, 0x80, 0x3f, 0x0c, 0xb9, 0xd8, 0x3f,
    0x0c, 0xb9, 0xd8, 0x3f,
};


static void vocabulary_golden_bytes(void **state) {
  text_corpus_t c;
  hand_corpus(&c);
  text_vocab_t *v = text_vocab_fit(&c, 1), *v2 = NULL;
  util_buf_t b;
  util_buf_init(&b, 1 << 20);
  assert_int_equal(text_vocab_save(v, &b), 0);
  assert_int_equal(b.len, sizeof golden_vocab);
  assert_memory_equal(b.data, golden_vocab, sizeof golden_vocab);
  char err[160];
  assert_int_equal(text_vocab_load(golden_vocab, sizeof golden_vocab, NULL, &v2, err, sizeof err), 0);
  assert_int_equal(text_vocab_size(v2), 4);
  for (uint32_t j = 0; j < 4; j++) {
    assert_int_equal(text_vocab_hash(v2, j), text_vocab_hash(v, j));
    assert_int_equal(text_vocab_df(v2, j), text_vocab_df(v, j));
    assert_true(text_vocab_idf(v2, j) == text_vocab_idf(v, j));
    assert_int_equal(text_vocab_lookup(v2, text_vocab_hash(v, j)), j);
  }
  text_vocab_free(&v2);
  util_buf_free(&b);
  text_vocab_free(&v);
  text_corpus_clear(&c);
}

/* A vocabulary fitted on real text with its terms: saved and loaded back
 * equal, its features named by the words they came from. */
static void vocabulary_round_trip_with_terms(void **state) {
  static const char *docs[] = {"printer paper jam", "printer toner empty", "paper jam again",
                               "vpn tunnel down", "printer paper jam in tray 2"};
  text_feat_opts_t o;
  text_feat_defaults(&o);
  o.stem = 0;
  text_corpus_t c;
  text_corpus_init(&c, &o);
  text_corpus_keep_terms(&c);
  for (size_t i = 0; i < 5; i++) text_corpus_add_text(&c, ctx, docs[i], strlen(docs[i]), TEXT_LANG_EN);
  text_vocab_t *v = text_vocab_fit(&c, 2), *v2 = NULL;
  /* "printer" (3 documents), "paper jam" (3) are kept; "vpn" (1) is not */
  int printer = -1, pair = -1;
  for (uint32_t j = 0; j < text_vocab_size(v); j++) {
    const char *t = text_vocab_term(v, j);
    assert_non_null(t);
    assert_null(strstr(t, "vpn"));
    if (strcmp(t, "printer") == 0 && text_vocab_df(v, j) == 3) printer = (int)j;
    if (strcmp(t, "paper jam") == 0) pair = (int)j;
  }
  assert_true(printer >= 0 && pair >= 0);
  assert_int_equal(text_vocab_df(v, (uint32_t)pair), 3);
  util_buf_t b;
  util_buf_init(&b, 1 << 20);
  assert_int_equal(text_vocab_save(v, &b), 0);
  char err[160];
  assert_int_equal(text_vocab_load(b.data, b.len, NULL, &v2, err, sizeof err), 0);
  assert_int_equal(text_vocab_size(v2), text_vocab_size(v));
  assert_int_equal(text_vocab_feat_opts(v2)->stem, 0);
  for (uint32_t j = 0; j < text_vocab_size(v); j++) {
    assert_string_equal(text_vocab_term(v2, j), text_vocab_term(v, j));
    assert_true(text_vocab_idf(v2, j) == text_vocab_idf(v, j));
  }
  /* the same document gives the same row with either */
  text_row_t r1, r2;
  text_row_init(&r1);
  text_row_init(&r2);
  size_t i = 4;
  text_vocab_transform_raw(v, c.hash + c.start[i], c.val + c.start[i], c.start[i + 1] - c.start[i], &r1);
  text_vocab_transform_raw(v2, c.hash + c.start[i], c.val + c.start[i], c.start[i + 1] - c.start[i], &r2);
  assert_int_equal(r1.n, r2.n);
  assert_true(r1.n > 0 && r1.scale == r2.scale);
  assert_memory_equal(r1.idx, r2.idx, r1.n * sizeof *r1.idx);
  text_row_clear(&r1);
  text_row_clear(&r2);
  text_vocab_free(&v2);
  util_buf_free(&b);
  text_vocab_free(&v);
  text_corpus_clear(&c);
}

/* Foreign, other-format, truncated, corrupt or padded bytes are refused
 * with a message; none crashes (ASan watches the reads). */
static void bad_vocabulary_refused(void **state) {
  unsigned char bytes[sizeof golden_vocab + 1];
  memcpy(bytes, golden_vocab, sizeof golden_vocab);
  text_vocab_t *v = NULL;
  char err[160];
  size_t used = 0;
  for (size_t cut = 0; cut < sizeof golden_vocab; cut++) {
    assert_int_equal(text_vocab_load(bytes, cut, NULL, &v, err, sizeof err), UTIL_E_INVALID);
    assert_null(v);
    assert_int_equal(text_vocab_load(bytes, cut, &used, &v, err, sizeof err), UTIL_E_INVALID);
    assert_null(v);
  }
  /* a trailing byte: refused alone, taken as the end of a vocabulary inside a larger file */
  bytes[sizeof golden_vocab] = 0x5a;
  assert_int_equal(text_vocab_load(bytes, sizeof bytes, NULL, &v, err, sizeof err), UTIL_E_INVALID);
  assert_non_null(strstr(err, "trailing"));
  assert_int_equal(text_vocab_load(bytes, sizeof bytes, &used, &v, err, sizeof err), 0);
  assert_int_equal(used, sizeof golden_vocab);
  text_vocab_free(&v);
  bytes[4] = 2; /* another format, named */
  assert_int_equal(text_vocab_load(bytes, sizeof golden_vocab, NULL, &v, err, sizeof err), UTIL_E_INVALID);
  assert_non_null(strstr(err, "format 2"));
  bytes[4] = 1;
  bytes[0] ^= 1; /* not a vocabulary */
  assert_int_equal(text_vocab_load(bytes, sizeof golden_vocab, NULL, &v, err, sizeof err), UTIL_E_INVALID);
  assert_non_null(strstr(err, "not a Relais vocabulary"));
  bytes[0] ^= 1;
  bytes[8] = 0xff, bytes[11] = 0x7f; /* 2^31 features in 124 bytes */
  assert_int_equal(text_vocab_load(bytes, sizeof golden_vocab, NULL, &v, err, sizeof err), UTIL_E_INVALID);
  bytes[8] = 4, bytes[11] = 0;
  size_t keys = 4 * 4 + 8 + 6 * 4 + 3 * 4, df = keys + 4 * 8;
  bytes[keys + 8] = 10; /* the second hash equal to the first: not ascending */
  assert_int_equal(text_vocab_load(bytes, sizeof golden_vocab, NULL, &v, err, sizeof err), UTIL_E_INVALID);
  assert_non_null(strstr(err, "ascending"));
  bytes[keys + 8] = 20;
  bytes[df + 4] = 4; /* df 4 of N = 3 documents */
  assert_int_equal(text_vocab_load(bytes, sizeof golden_vocab, NULL, &v, err, sizeof err), UTIL_E_INVALID);
  assert_non_null(strstr(err, "frequency"));
  bytes[df + 4] = 3;
  assert_int_equal(text_vocab_load(bytes, sizeof golden_vocab, NULL, &v, err, sizeof err), 0);
  text_vocab_free(&v);
}

/* Terms of each kind of feature, as a cluster's concept words need them. */
static void feature_terms_name_their_words(void **state) {
  text_doc_t d;
  text_feats_t fs;
  text_feat_opts_t o;
  text_doc_init(&d);
  text_feats_init(&fs);
  text_feat_defaults(&o);
  o.char_min = 3;
  o.char_max = 3;
  text_analyse_opt(ctx, "Printers jammed", 15, TEXT_LANG_EN, 1, &d);
  text_features(&d, &o, &fs);
  int seen[4] = {0};
  char t[128];
  for (size_t i = 0; i < fs.n; i++) {
    text_feat_term(&d, &o, &fs.f[i], t, sizeof t);
    if (fs.f[i].kind == TEXT_FEAT_PAIR) assert_string_equal(t, "printer jam");
    if (fs.f[i].kind == TEXT_FEAT_CHAR) {
      assert_int_equal(strlen(t), 3);
      assert_true(strstr("<printers>", t) || strstr("<jammed>", t));
    }
    if (fs.f[i].kind == TEXT_FEAT_WORD || fs.f[i].kind == TEXT_FEAT_HEAD)
      assert_true(strcmp(t, "printer") == 0 || strcmp(t, "jam") == 0);
    seen[fs.f[i].kind] = 1;
  }
  assert_true(seen[0] && seen[1] && seen[2] && seen[3]);
  assert_int_equal(text_feat_term(&d, &o, &fs.f[0], t, 3), 2); /* cut to the room given */
  text_feats_clear(&fs);
  text_doc_clear(&d);
}

/* One fitted vocabulary, many threads: each transforms every document
 * into its own rows (the caller's arrays) and must get the rows a single
 * thread gets. */
typedef struct {
  const text_vocab_t *v;
  const text_corpus_t *c;
  const text_row_t *want; /* [c->n] */
  int bad;
} vec_job_t;

static void *transform_all(void *arg) {
  vec_job_t *j = arg;
  uint32_t idx[256];
  double val[256];
  for (int round = 0; round < 20; round++)
    for (size_t i = 0; i < j->c->n; i++) {
      text_row_t r;
      text_row_wrap(&r, idx, val, 256);
      size_t a = j->c->start[i];
      if (text_vocab_transform_raw(j->v, j->c->hash + a, j->c->val + a, j->c->start[i + 1] - a, &r) ||
          r.n != j->want[i].n || r.scale != j->want[i].scale ||
          memcmp(r.idx, j->want[i].idx, r.n * sizeof *r.idx) ||
          memcmp(r.val, j->want[i].val, r.n * sizeof *r.val))
        j->bad++;
    }
  return NULL;
}

static void transform_runs_concurrently(void **state) {
  static const char *words[] = {"printer", "toner", "vpn", "password", "reset", "screen", "mail",
                                "outlook", "badge", "wifi", "slow", "broken", "again", "new"};
  text_feat_opts_t o;
  text_feat_defaults(&o);
  text_corpus_t c;
  text_corpus_init(&c, &o);
  char doc[200];
  for (int i = 0; i < 60; i++) {
    snprintf(doc, sizeof doc, "%s %s %s %s", words[i % 14], words[(i * 3) % 14], words[(i * 5 + 1) % 14],
             words[(i / 7) % 14]);
    text_corpus_add_text(&c, ctx, doc, strlen(doc), TEXT_LANG_EN);
  }
  text_vocab_t *v = text_vocab_fit(&c, 2);
  assert_true(text_vocab_size(v) > 10);
  text_row_t *want = calloc(c.n, sizeof *want);
  for (size_t i = 0; i < c.n; i++) {
    text_row_init(&want[i]);
    size_t a = c.start[i];
    text_vocab_transform_raw(v, c.hash + a, c.val + a, c.start[i + 1] - a, &want[i]);
  }
  pthread_t th[4];
  vec_job_t jobs[4];
  for (int t = 0; t < 4; t++) {
    jobs[t] = (vec_job_t){v, &c, want, 0};
    assert_int_equal(pthread_create(&th[t], NULL, transform_all, &jobs[t]), 0);
  }
  for (int t = 0; t < 4; t++) {
    pthread_join(th[t], NULL);
    assert_int_equal(jobs[t].bad, 0);
  }
  for (size_t i = 0; i < c.n; i++) text_row_clear(&want[i]);
  free(want);
  text_vocab_free(&v);
  text_corpus_clear(&c);
}

/* From text to row in one call, as search will do for a new ticket: two
 * tickets about the same thing are closer than two about different things,
 * and the row equals the one made from the corpus's copy of the document. */
static void similar_texts_have_close_rows(void **state) {
  static const char *docs[] = {"Imprimante bloquée, bourrage papier au 2e étage",
                               "Bourrage papier sur l'imprimante du 2e étage",
                               "VPN coupé depuis ce matin, impossible de se connecter",
                               "Mot de passe expiré, compte verrouillé", "Imprimante hors ligne"};
  text_feat_opts_t o;
  text_feat_defaults(&o);
  text_corpus_t c;
  text_corpus_init(&c, &o);
  for (size_t i = 0; i < 5; i++) text_corpus_add_text(&c, ctx, docs[i], strlen(docs[i]), -1);
  text_vocab_t *v = text_vocab_fit(&c, 1);
  text_vec_scratch_t s;
  text_vec_scratch_init(&s);
  text_row_t a, b;
  text_row_init(&a);
  text_row_init(&b);
  text_vocab_transform_raw(v, c.hash + c.start[0], c.val + c.start[0], c.start[1] - c.start[0], &a);
  const text_row_t *r = text_vocab_vectorise(v, ctx, &s, docs[0], strlen(docs[0]), -1);
  assert_int_equal(r->n, a.n);
  assert_true(r->scale == a.scale && fabs(text_row_cosine(r, &a) - 1) < 1e-12);
  assert_int_equal(s.doc.lang, TEXT_LANG_FR);
  text_vocab_vectorise(v, ctx, &s, docs[1], strlen(docs[1]), -1);
  double same = text_row_cosine(&a, &s.row);
  text_vocab_vectorise(v, ctx, &s, docs[2], strlen(docs[2]), -1);
  double other = text_row_cosine(&a, &s.row);
  assert_true(same > 0.3 && other < 0.05 && same > other);
  text_row_clear(&a);
  text_row_clear(&b);
  text_vec_scratch_clear(&s);
  text_vocab_free(&v);
  text_corpus_clear(&c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(french_elision_and_accents),
      cmocka_unit_test(it_tokens_kept_whole),
      cmocka_unit_test(stems_in_the_language),
      cmocka_unit_test(language_identification),
      cmocka_unit_test(invalid_utf8_is_a_separator),
      cmocka_unit_test(hostile_sizes_are_bounded),
      cmocka_unit_test(features_merge_and_weight),
      cmocka_unit_test(features_sorted_and_counted),
      cmocka_unit_test(random_bytes_are_safe),
      cmocka_unit_test(vocabulary_counts_and_idf),
      cmocka_unit_test(rows_are_unit_tfidf),
      cmocka_unit_test(hashing_is_stable),
      cmocka_unit_test(vocabulary_golden_bytes),
      cmocka_unit_test(vocabulary_round_trip_with_terms),
      cmocka_unit_test(bad_vocabulary_refused),
      cmocka_unit_test(feature_terms_name_their_words),
      cmocka_unit_test(transform_runs_concurrently),
      cmocka_unit_test(similar_texts_have_close_rows),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
