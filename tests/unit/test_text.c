/* Unit tests of src/text: tokens, folding, elision, IT strings, language,
 * stemming, features, hostile input. */
#include <math.h>
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
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
