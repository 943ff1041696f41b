/* relais export: every ticket as CSV (RFC 4180) or JSON Lines. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"

/* id → e-mail or group name, sorted by id for lookup. */
typedef struct {
  int64_t *id;
  char **s;
  size_t n, cap;
} ex_names_t;

static void ex_names_add(ex_names_t *t, int64_t id, const char *s) {
  if (t->n == t->cap) {
    t->cap = t->cap ? 2 * t->cap : 64;
    t->id = util_xrealloc(t->id, t->cap * sizeof *t->id);
    t->s = util_xrealloc(t->s, t->cap * sizeof *t->s);
  }
  t->id[t->n] = id;
  t->s[t->n++] = util_xstrdup(s);
}

static void ex_names_sort(ex_names_t *t) { /* insertion: users come by id, groups are few */
  for (size_t i = 1; i < t->n; i++) {
    int64_t id = t->id[i];
    char *str = t->s[i];
    size_t j = i;
    for (; j > 0 && t->id[j - 1] > id; j--) {
      t->id[j] = t->id[j - 1];
      t->s[j] = t->s[j - 1];
    }
    t->id[j] = id;
    t->s[j] = str;
  }
}

static const char *ex_names_get(const ex_names_t *t, const store_val_t *v) {
  if (v->is_null) return NULL;
  size_t lo = 0, hi = t->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t->id[mid] < v->i) lo = mid + 1;
    else hi = mid;
  }
  return lo < t->n && t->id[lo] == v->i ? t->s[lo] : NULL;
}

static void ex_names_free(ex_names_t *t) {
  for (size_t i = 0; i < t->n; i++) free(t->s[i]);
  free(t->id);
  free(t->s);
}

static int ex_user(const store_user_t *u, void *arg) {
  ex_names_add(arg, u->id, u->email);
  return 0;
}

static int ex_group(const store_group_t *g, void *arg) {
  ex_names_add(arg, g->id, g->name);
  return 0;
}

typedef struct {
  FILE *out;
  int jsonl;
  int raw;   /* 1: text cells exactly as stored, even formula-like ones */
  long n;
  ex_names_t users, groups;
} ex_state_t;

/* After the stored fields, the people and the group by e-mail and name,
 * under the names relais import maps, so an export imports back. */
static const char *const ex_extra[] = {"requester", "group", "assignee"};

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

/* A text cell, with the formula guard unless --raw. */
static void ex_text_cell(const ex_state_t *st, const char *s) {
  if (st->raw || !ex_formula_like(s)) {
    ex_csv_cell(st->out, s);
    return;
  }
  char *safe = util_xmalloc(strlen(s) + 2);
  safe[0] = '\'';
  strcpy(safe + 1, s);
  ex_csv_cell(st->out, safe);
  free(safe);
}

static int ex_one(const store_ticket_t *t, void *arg) {
  ex_state_t *st = arg;
  json_t *j = st->jsonl ? json_object() : NULL;
  for (int f = 0; f < STORE_TF_VERSION; f++) { /* the version is the server's bookkeeping */
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
      if (!v->is_null && store_tf_type(f) == STORE_TYPE_TEXT) ex_text_cell(st, s);
      else ex_csv_cell(st->out, s);
    }
  }
  const char *extra[3] = {ex_names_get(&st->users, &t->v[STORE_TF_REQUESTER_ID]),
                          ex_names_get(&st->groups, &t->v[STORE_TF_GROUP_ID]),
                          ex_names_get(&st->users, &t->v[STORE_TF_ASSIGNEE_ID])};
  for (int x = 0; x < 3; x++) {
    if (j) {
      json_object_set_new(j, ex_extra[x], extra[x] ? json_string(extra[x]) : json_null());
    } else {
      fputc(',', st->out);
      if (extra[x]) ex_text_cell(st, extra[x]); /* people typed these too */
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
  if (cli_get(opts, "--help") || (fmt && strcmp(fmt, "csv") != 0 && strcmp(fmt, "jsonl") != 0)) {
    printf("usage: relais export [--format csv|jsonl] [--out FILE] [--raw] [--db FILE]\n"
           "Writes every ticket (default CSV with a header row, to standard output):\n"
           "the stored fields, then requester, group and assignee by e-mail and name,\n"
           "as relais import reads them back.\n"
           "CSV text cells that a spreadsheet would run as a formula (starting with\n"
           "= + - @) get a leading apostrophe; --raw writes them as stored.\n");
    return cli_get(opts, "--help") ? 0 : 2;
  }
  const char *path = cli_get(opts, "--out");
  char tmp[4096];
  ex_state_t st = {stdout, fmt && strcmp(fmt, "jsonl") == 0, cli_get(opts, "--raw") != NULL, 0,
                   {0}, {0}};
  store_t *s = cli_open_db(opts);
  if (!s) return 1;
  if (store_user_each(s, ex_user, &st.users) || store_group_each(s, ex_group, &st.groups)) {
    fprintf(stderr, "relais export: %s\n", store_errmsg(s));
    ex_names_free(&st.users);
    ex_names_free(&st.groups);
    store_close(&s);
    return 1;
  }
  ex_names_sort(&st.users);
  ex_names_sort(&st.groups);
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
    for (int f = 0; f < STORE_TF_VERSION; f++)
      fprintf(st.out, "%s%s", f ? "," : "", store_tf_name(f));
    for (int x = 0; x < 3; x++) fprintf(st.out, ",%s", ex_extra[x]);
    fputs("\r\n", st.out);
  }
  int rc = store_ticket_each(s, ex_one, &st);
  store_close(&s);
  ex_names_free(&st.users);
  ex_names_free(&st.groups);
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
