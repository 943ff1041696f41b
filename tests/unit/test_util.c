/* Unit tests of src/util: capped buffer, CSV reader, UTF-8, time, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/util.h"

static void buf_cap_keeps_contents(void **state) {
  util_buf_t b;
  util_buf_init(&b, 8);
  assert_int_equal(util_buf_puts(&b, "abcde"), 0);
  assert_int_equal(util_buf_error(&b), 0);
  assert_int_equal(util_buf_puts(&b, "fghi"), UTIL_E_TOOBIG); /* 9 > 8 */
  assert_string_equal(util_buf_cstr(&b), "abcde");
  assert_int_equal(b.len, 5);
  /* The failure is sticky: an append that would fit still fails, so a
   * writer that ignored the first failure cannot produce a shorter text. */
  assert_int_equal(util_buf_error(&b), UTIL_E_TOOBIG);
  assert_int_equal(util_buf_puts(&b, "f"), UTIL_E_TOOBIG);
  assert_int_equal(util_buf_putc(&b, 'f'), UTIL_E_TOOBIG);
  assert_int_equal(util_buf_printf(&b, "%d", 1), UTIL_E_TOOBIG);
  assert_string_equal(util_buf_cstr(&b), "abcde");
  /* reset clears it; exactly the cap fits, one byte more does not */
  util_buf_reset(&b);
  assert_int_equal(util_buf_error(&b), 0);
  assert_int_equal(util_buf_puts(&b, "abcdefgh"), 0);
  assert_string_equal(util_buf_cstr(&b), "abcdefgh");
  assert_int_equal(util_buf_printf(&b, "%d", 1), UTIL_E_TOOBIG);
  assert_int_equal(util_buf_error(&b), UTIL_E_TOOBIG);
  util_buf_free(&b);
  assert_int_equal(util_buf_error(&b), 0);
}

static void buf_printf_long(void **state) {
  util_buf_t b;
  util_buf_init(&b, 10000);
  char big[600];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  assert_int_equal(util_buf_printf(&b, "<%s>", big), 0);
  assert_int_equal(b.len, 601);
  assert_int_equal(b.data[600], '>');
  util_buf_free(&b);
}

/* Reads all records of text into a flat "a|b;c|d;" string, errors as "!L;"
 * where L is the line of the bad record. */
static char *csv_flat(const char *text, size_t max) {
  FILE *f = fmemopen((void *)text, strlen(text), "r");
  util_csv_t *c = util_csv_open(f, max);
  util_buf_t out;
  util_buf_init(&out, 1 << 20);
  char **fields;
  size_t n;
  int r;
  while ((r = util_csv_next(c, &fields, &n)) != 0) {
    if (r < 0) {
      util_buf_printf(&out, "!%ld;", util_csv_line(c));
      continue;
    }
    for (size_t i = 0; i < n; i++) util_buf_printf(&out, "%s%s", i ? "|" : "", fields[i]);
    util_buf_puts(&out, ";");
  }
  util_csv_close(&c);
  fclose(f);
  return util_buf_steal(&out);
}

static void csv_rfc4180(void **state) {
  char *s = csv_flat("\xEF\xBB\xBF" "a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n"
                     "2,\"multi\nline\",\r\n\r\n3,,last", 1000);
  assert_string_equal(s, "a|b|c;1|x, y|say \"hi\";2|multi\nline|;3||last;");
  free(s);
}

static void csv_bad_rows_report_line(void **state) {
  /* line 2: text after a closing quote; line 4: unterminated quote. */
  char *s = csv_flat("h1,h2\n\"ok\"x,2\nfine,row\n\"never closed,3\n", 1000);
  assert_string_equal(s, "h1|h2;!2;fine|row;!4;");
  free(s);
}

static void csv_record_cap(void **state) {
  char *s = csv_flat("a,b\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx,1\nc,d\n", 16);
  assert_string_equal(s, "a|b;!2;c|d;");
  free(s);
}

static void csv_line_numbers_follow_embedded_newlines(void **state) {
  char *s = csv_flat("a\n\"1\n2\n3\"\n\"bad\"x\n", 100);
  assert_string_equal(s, "a;1\n2\n3;!5;");
  free(s);
}

static void utf8_strict(void **state) {
  size_t bad = 99;
  assert_true(util_utf8_valid("héllo €𝄞", strlen("héllo €𝄞"), NULL));
  assert_false(util_utf8_valid("ab\xff", 3, &bad));
  assert_int_equal(bad, 2);
  assert_false(util_utf8_valid("\xC0\xAF", 2, NULL));         /* overlong '/' */
  assert_false(util_utf8_valid("\xED\xA0\x80", 3, NULL));     /* surrogate */
  assert_false(util_utf8_valid("\xF4\x90\x80\x80", 4, NULL)); /* > U+10FFFF */
  assert_false(util_utf8_valid("\xE2\x82", 2, NULL));         /* truncated */
}

static void time_round_trip(void **state) {
  int64_t t;
  char iso[UTIL_ISO_LEN];
  assert_int_equal(util_time_parse("2026-03-01T08:30:00Z", &t), 0);
  util_time_iso(t, iso);
  assert_string_equal(iso, "2026-03-01T08:30:00Z");
  assert_int_equal(util_time_parse("2026-03-01T10:30:00+02:00", &t), 0);
  util_time_iso(t, iso);
  assert_string_equal(iso, "2026-03-01T08:30:00Z");
  assert_int_equal(util_time_parse("2024-02-29", &t), 0);
  assert_int_equal(util_time_parse("2023-02-29", &t), UTIL_E_INVALID);
  assert_int_equal(util_time_parse("2026-13-01", &t), UTIL_E_INVALID);
  assert_int_equal(util_time_parse("2026-01-01T25:00", &t), UTIL_E_INVALID);
  assert_int_equal(util_time_parse("2026-01-01 junk", &t), UTIL_E_INVALID);
  assert_int_equal(util_time_parse("", &t), UTIL_E_INVALID);
}

static void err_table(void **state) {
  assert_string_equal(util_err_code(UTIL_E_NOTFOUND), "not_found");
  assert_int_equal(util_err_http_status(UTIL_E_NOTFOUND), 404);
  assert_int_equal(util_err_http_status(UTIL_E_TOOBIG), 413);
  assert_int_equal(util_err_http_status(-1), 500);
  assert_string_equal(util_err_code(12345), "unknown");
  /* every reason has a distinct name; none outside the table */
  for (int r = UTIL_WHY_NONE + 1; r < UTIL_WHY_END_; r++) {
    assert_non_null(util_why_name(r));
    for (int q = UTIL_WHY_NONE + 1; q < r; q++) assert_string_not_equal(util_why_name(r), util_why_name(q));
  }
  assert_string_equal(util_why_name(UTIL_WHY_TOO_LONG), "too_long");
  assert_null(util_why_name(UTIL_WHY_NONE));
  assert_null(util_why_name(UTIL_WHY_END_));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(buf_cap_keeps_contents),
      cmocka_unit_test(buf_printf_long),
      cmocka_unit_test(csv_rfc4180),
      cmocka_unit_test(csv_bad_rows_report_line),
      cmocka_unit_test(csv_record_cap),
      cmocka_unit_test(csv_line_numbers_follow_embedded_newlines),
      cmocka_unit_test(utf8_strict),
      cmocka_unit_test(time_round_trip),
      cmocka_unit_test(err_table),
  };
  return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
