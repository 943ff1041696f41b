/* relais export: every ticket as CSV (RFC 4180) or JSON Lines. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"

typedef struct {
  FILE *out;
  int jsonl;
  int raw;   /* 1: text cells exactly as stored, even formula-like ones */
  long n;
} ex_state_t;

/* A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage
 * return before one) as a formula: a requester could plant one in a title.
 * Such text cells get a leading apostrophe, which spreadsheets show as text;
 * --raw keeps the bytes as stored (for re-import). */
static int ex_formula_like(const char *s) {
  return *s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r';
}

static void ex_csv_cell(FILE *out, const char *s) {
  if (!strpbrk(s, ",\"\r\n")) {
    fputs(s, out);
    return;
  }
  fputc('"', out);
  for (; *s; s++) {
    if (*s == '"') fputc('"', out);
    fputc(*s, out);
  }
  fputc('"', out);
}

static int ex_one(const store_ticket_t *t, void *arg) {
  ex_state_t *st = arg;
  json_t *j = st->jsonl ? json_object() : NULL;
  for (int f = 0; f < STORE_TF_COUNT; f++) {
    const store_val_t *v = &t->v[f];
    char buf[UTIL_ISO_LEN + 8];
    const char *s = "";
    if (!v->is_null) {
      if (store_tf_type(f) == STORE_TYPE_TEXT) s = v->s;
      else if (store_tf_type(f) == STORE_TYPE_TIME) util_time_iso(v->i, buf), s = buf;
      else snprintf(buf, sizeof buf, "%lld", (long long)v->i), s = buf;
    }
    if (j) {
      json_t *x = v->is_null ? json_null()
                  : store_tf_type(f) == STORE_TYPE_INT ? json_integer(v->i)
                                                       : json_string(s);
      json_object_set_new(j, store_tf_name(f), x);
    } else {
      if (f) fputc(',', st->out);
      if (!st->raw && !v->is_null && store_tf_type(f) == STORE_TYPE_TEXT && ex_formula_like(s)) {
        char *safe = util_xmalloc(strlen(s) + 2);
        safe[0] = '\'';
        strcpy(safe + 1, s);
        ex_csv_cell(st->out, safe);
        free(safe);
      } else {
        ex_csv_cell(st->out, s);
      }
    }
  }
  if (j) {
    json_dumpf(j, st->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(j);
    fputc('\n', st->out);
  } else {
    fputs("\r\n", st->out);
  }
  st->n++;
  return 0;
}

int cli_export(int argc, char **argv) {
  cli_opt_t opts[] = {{"--db", 1, NULL}, {"--format", 1, NULL}, {"--out", 1, NULL},
                      {"--raw", 0, NULL}, {"--help", 0, NULL}, {NULL, 0, NULL}};
  if (cli_parse(argc, argv, opts, NULL, 0, NULL)) return 2;
  const char *fmt = cli_get(opts, "--format");
  if (cli_get(opts, "--help") || (fmt && strcmp(fmt, "csv") && strcmp(fmt, "jsonl"))) {
    printf("usage: relais export [--format csv|jsonl] [--out FILE] [--raw] [--db FILE]\n"
           "Writes every ticket (default CSV with a header row, to standard output).\n"
           "CSV text cells that a spreadsheet would run as a formula (starting with\n"
           "= + - @) get a leading apostrophe; --raw writes them as stored.\n");
    return cli_get(opts, "--help") ? 0 : 2;
  }
  const char *path = cli_get(opts, "--out");
  char tmp[4096];
  ex_state_t st = {stdout, fmt && strcmp(fmt, "jsonl") == 0, cli_get(opts, "--raw") != NULL, 0};
  store_t *s = cli_open_db(opts);
  if (!s) return 1;
  if (path) { /* written beside the target and renamed: never half a file */
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    st.out = fopen(tmp, "wb");
    if (!st.out) {
      perror(tmp);
      store_close(&s);
      return 1;
    }
  }
  if (!st.jsonl) {
    for (int f = 0; f < STORE_TF_COUNT; f++)
      fprintf(st.out, "%s%s", f ? "," : "", store_tf_name(f));
    fputs("\r\n", st.out);
  }
  int rc = store_ticket_each(s, ex_one, &st);
  store_close(&s);
  if (path) {
    if (fclose(st.out) || rc || rename(tmp, path)) {
      fprintf(stderr, "relais export: cannot write %s\n", path);
      remove(tmp);
      return 1;
    }
    fprintf(stderr, "exported %ld tickets to %s\n", st.n, path);
  } else if (fflush(stdout) || rc) {
    fprintf(stderr, "relais export: %s\n", rc ? util_err_message(rc) : "write failed");
    return 1;
  }
  return 0;
}
