/* relais import: CSV → tickets, streaming, in batched transactions, with the
 * full-text index maintained by the same transactions. A bad row is
 * reported with its line number and skipped; the good rows are kept. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../triage/triage.h"
#include "cli_int.h"

#define IMPORT_BATCH 5000
#define IMPORT_MAX_RECORD (4u << 20)

typedef enum {
  IM_TITLE, IM_DESCRIPTION, IM_CATEGORY, IM_STATUS, IM_IMPACT, IM_URGENCY,
  IM_PRIORITY, IM_SERVICE, IM_CI, IM_SOURCE, IM_LANGUAGE, IM_CREATED_AT,
  IM_RESOLUTION, IM_REQUESTER, IM_ASSIGNEE, IM_GROUP, IM_COUNT
} im_field_t;

static const char *const im_names[IM_COUNT] = {
    "title", "description", "category", "status", "impact", "urgency", "priority",
    "service", "ci", "source", "language", "created_at", "resolution",
    "requester", "assignee", "group"};

/* Small caches so that repeated requesters and groups cost one lookup. */
typedef struct {
  char **keys;
  int64_t *ids;
  size_t n, cap;
} im_cache_t;

static int64_t im_cache_find(const im_cache_t *c, const char *k) {
  for (size_t i = c->n; i-- > 0;) /* recent entries first: imports cluster */
    if (strcmp(c->keys[i], k) == 0) return c->ids[i];
  return 0;
}

static void im_cache_add(im_cache_t *c, const char *k, int64_t id) {
  if (c->n == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 64;
    c->keys = util_xrealloc(c->keys, c->cap * sizeof *c->keys);
    c->ids = util_xrealloc(c->ids, c->cap * sizeof *c->ids);
  }
  c->keys[c->n] = util_xstrdup(k);
  c->ids[c->n++] = id;
}

static void im_cache_free(im_cache_t *c) {
  for (size_t i = 0; i < c->n; i++) free(c->keys[i]);
  free(c->keys);
  free(c->ids);
}

typedef struct {
  store_t *db;
  int col[IM_COUNT];     /* CSV column index per field, or -1 */
  im_cache_t users, groups;
  int64_t default_requester;
  char err[256];
} im_state_t;

/* Finds or creates a requester by e-mail. */
static int im_user(im_state_t *st, const char *email, int must_be_agent, int64_t *id) {
  if (!strchr(email, '@')) {
    snprintf(st->err, sizeof st->err, "'%s' is not an e-mail address", email);
    return UTIL_E_INVALID;
  }
  *id = im_cache_find(&st->users, email);
  store_user_t u = {0};
  if (!*id) {
    int rc = store_user_by_email(st->db, email, &u, NULL);
    if (rc == UTIL_E_NOTFOUND && !must_be_agent) {
      const char *at = strchr(email, '@');
      char *name = util_xstrndup(email, (size_t)(at - email));
      store_user_t nu = {.email = (char *)email, .name = name, .role = STORE_ROLE_REQUESTER,
                         .lang = "", .active = 1};
      rc = store_user_insert(st->db, &nu, NULL, id);
      free(name);
      u.role = STORE_ROLE_REQUESTER;
    } else if (!rc) {
      *id = u.id;
    }
    if (rc) {
      snprintf(st->err, sizeof st->err, "unknown user '%s'", email);
      store_user_clear(&u);
      return rc;
    }
    if (must_be_agent && u.role < STORE_ROLE_AGENT) {
      snprintf(st->err, sizeof st->err, "assignee '%s' is not an agent", email);
      store_user_clear(&u);
      return UTIL_E_INVALID;
    }
    store_user_clear(&u);
    im_cache_add(&st->users, email, *id);
  }
  return 0;
}

static int im_group(im_state_t *st, const char *name, int64_t *id) {
  *id = im_cache_find(&st->groups, name);
  if (*id) return 0;
  store_group_t g = {0};
  int rc = store_group_by_name(st->db, name, &g);
  if (rc == UTIL_E_NOTFOUND) {
    store_group_t ng = {0, (char *)name, ""};
    rc = store_group_insert(st->db, &ng, id);
  } else if (!rc) {
    *id = g.id;
  }
  store_group_clear(&g);
  if (rc) snprintf(st->err, sizeof st->err, "cannot create group '%s'", name);
  else im_cache_add(&st->groups, name, *id);
  return rc;
}

static int im_int(im_state_t *st, const char *v, int lo, int hi, const char *what, int64_t *out) {
  char *end;
  long x = strtol(v, &end, 10);
  if (!*v || *end || x < lo || x > hi) {
    snprintf(st->err, sizeof st->err, "%s '%.40s' is not a number from %d to %d", what, v, lo, hi);
    return UTIL_E_INVALID;
  }
  *out = x;
  return 0;
}

/* A title from the description when none is mapped: its first line, cut
 * at 120 bytes on a UTF-8 boundary. */
static char *im_title_from(const char *d) {
  size_t n = strcspn(d, "\r\n");
  if (n > 120) {
    n = 120;
    while (n > 0 && ((unsigned char)d[n] & 0xC0) == 0x80) n--;
  }
  return util_xstrndup(d, n);
}

static int im_row(im_state_t *st, char **f, size_t nf, store_ticket_t *t) {
  const char *v[IM_COUNT] = {0};
  int64_t x;
  int rc;
  for (int i = 0; i < IM_COUNT; i++) {
    if (st->col[i] < 0) continue;
    if ((size_t)st->col[i] >= nf) {
      snprintf(st->err, sizeof st->err, "has %zu columns, column %d (%s) is missing", nf,
               st->col[i] + 1, im_names[i]);
      return UTIL_E_INVALID;
    }
    v[i] = f[st->col[i]];
    if (!util_utf8_valid(v[i], strlen(v[i]), NULL)) {
      snprintf(st->err, sizeof st->err, "%s is not valid UTF-8", im_names[i]);
      return UTIL_E_BADUTF8;
    }
    if (!*v[i]) v[i] = NULL; /* empty cell: no value */
  }
  const char *title = v[IM_TITLE];
  char *derived = NULL;
  if (!title && v[IM_DESCRIPTION]) title = derived = im_title_from(v[IM_DESCRIPTION]);
  if (!title || !*title) {
    snprintf(st->err, sizeof st->err, "has no title and no description");
    free(derived);
    return UTIL_E_INVALID;
  }
  if (strlen(title) > 300) {
    snprintf(st->err, sizeof st->err, "title is longer than 300 bytes");
    return UTIL_E_INVALID;
  }
  store_ticket_set_text(t, STORE_TF_TITLE, title);
  free(derived);
  store_ticket_set_text(t, STORE_TF_DESCRIPTION, v[IM_DESCRIPTION] ? v[IM_DESCRIPTION] : "");
  static const struct { im_field_t im; store_tf_t tf; } texts[] = {
      {IM_CATEGORY, STORE_TF_CATEGORY}, {IM_SERVICE, STORE_TF_SERVICE},
      {IM_CI, STORE_TF_CI}, {IM_RESOLUTION, STORE_TF_RESOLUTION}};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
    if (v[texts[i].im]) store_ticket_set_text(t, texts[i].tf, v[texts[i].im]);
  if (v[IM_STATUS]) {
    if (!store_status_valid(v[IM_STATUS])) {
      snprintf(st->err, sizeof st->err, "unknown status '%.40s'", v[IM_STATUS]);
      return UTIL_E_INVALID;
    }
    store_ticket_set_text(t, STORE_TF_STATUS, v[IM_STATUS]);
  }
  if (v[IM_SOURCE]) store_ticket_set_text(t, STORE_TF_SOURCE, v[IM_SOURCE]);
  else store_ticket_set_text(t, STORE_TF_SOURCE, "import");
  if (v[IM_LANGUAGE]) {
    if (strcmp(v[IM_LANGUAGE], "fr") && strcmp(v[IM_LANGUAGE], "en")) {
      snprintf(st->err, sizeof st->err, "language must be fr or en");
      return UTIL_E_INVALID;
    }
    store_ticket_set_text(t, STORE_TF_LANGUAGE, v[IM_LANGUAGE]);
  }
  static const struct { im_field_t im; store_tf_t tf; int hi; } ints[] = {
      {IM_IMPACT, STORE_TF_IMPACT, 3}, {IM_URGENCY, STORE_TF_URGENCY, 3},
      {IM_PRIORITY, STORE_TF_PRIORITY, 4}};
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
    if (!v[ints[i].im]) continue;
    if ((rc = im_int(st, v[ints[i].im], 1, ints[i].hi, im_names[ints[i].im], &x))) return rc;
    store_ticket_set_int(t, ints[i].tf, x);
  }
  if (v[IM_CREATED_AT]) {
    if (util_time_parse(v[IM_CREATED_AT], &x)) {
      snprintf(st->err, sizeof st->err, "created_at '%.40s' is not an ISO-8601 date", v[IM_CREATED_AT]);
      return UTIL_E_INVALID;
    }
    store_ticket_set_int(t, STORE_TF_CREATED_AT, x);
  }
  x = st->default_requester;
  if (v[IM_REQUESTER] && (rc = im_user(st, v[IM_REQUESTER], 0, &x))) return rc;
  store_ticket_set_int(t, STORE_TF_REQUESTER_ID, x);
  if (v[IM_ASSIGNEE]) {
    if ((rc = im_user(st, v[IM_ASSIGNEE], 1, &x))) return rc;
    store_ticket_set_int(t, STORE_TF_ASSIGNEE_ID, x);
  }
  if (v[IM_GROUP]) {
    if ((rc = im_group(st, v[IM_GROUP], &x))) return rc;
    store_ticket_set_int(t, STORE_TF_GROUP_ID, x);
  }
  return 0;
}

/* Applies "--map col=field,…" against the header row. */
static int im_map(im_state_t *st, const char *map, char **hdr, size_t nh) {
  char *m = util_xstrdup(map), *save = NULL;
  int rc = 0;
  for (int i = 0; i < IM_COUNT; i++) st->col[i] = -1;
  for (char *pair = strtok_r(m, ",", &save); pair && !rc; pair = strtok_r(NULL, ",", &save)) {
    char *eq = strrchr(pair, '=');
    if (!eq) {
      fprintf(stderr, "relais import: --map entry '%s' is not column=field\n", pair);
      rc = -1;
      break;
    }
    *eq = '\0';
    int field = -1;
    for (int i = 0; i < IM_COUNT; i++)
      if (strcmp(im_names[i], eq + 1) == 0) field = i;
    int col = -1;
    for (size_t i = 0; i < nh; i++)
      if (strcmp(hdr[i], pair) == 0) col = (int)i;
    if (field < 0) {
      fprintf(stderr, "relais import: unknown ticket field '%s' (fields:", eq + 1);
      for (int i = 0; i < IM_COUNT; i++) fprintf(stderr, " %s", im_names[i]);
      fprintf(stderr, ")\n");
      rc = -1;
    } else if (col < 0) {
      fprintf(stderr, "relais import: the CSV header has no column '%s'\n", pair);
      rc = -1;
    } else {
      st->col[field] = col;
    }
  }
  free(m);
  if (!rc && st->col[IM_TITLE] < 0 && st->col[IM_DESCRIPTION] < 0) {
    fprintf(stderr, "relais import: map a column to title or description\n");
    rc = -1;
  }
  return rc;
}

int cli_import(int argc, char **argv) {
  cli_opt_t opts[] = {{"--db", 1, NULL}, {"--map", 1, NULL}, {"--requester", 1, NULL},
                      {"--triage", 0, NULL}, {"--help", 0, NULL}, {NULL, 0, NULL}};
  const char *pos[1];
  int np = 0;
  if (cli_parse(argc, argv, opts, pos, 1, &np)) return 2;
  if (cli_get(opts, "--help") || np != 1 || !cli_get(opts, "--map")) {
    printf("usage: relais import FILE.csv --map column=field[,column=field…]\n"
           "                     [--requester EMAIL] [--triage] [--db FILE]\n"
           "Reads an RFC 4180 CSV file with a header row ('-' for standard input).\n"
           "Fields: title description category status impact urgency priority service\n"
           "        ci source language created_at resolution requester assignee group\n"
           "requester and assignee are e-mail addresses (unknown requesters are created),\n"
           "group is a group name (created if absent). Without title, the first line of\n"
           "the description is used. Bad rows are reported with their line and skipped.\n"
           "--triage runs the active models on each row, as ticket creation does: the\n"
           "language is identified, confident predictions are applied (actor model) and\n"
           "the others stored as suggestions; fields the file sets are left alone.\n");
    return cli_get(opts, "--help") ? 0 : 2;
  }
  FILE *in = strcmp(pos[0], "-") == 0 ? stdin : fopen(pos[0], "rb");
  if (!in) {
    perror(pos[0]);
    return 1;
  }
  im_state_t st = {0};
  triage_set_t *set = NULL;
  util_csv_t *csv = util_csv_open(in, IMPORT_MAX_RECORD);
  char **f;
  size_t nf;
  long ok = 0, bad = 0, inbatch = 0;
  int rc = 1, r;
  double t0 = util_monotonic();
  st.db = cli_open_db(opts);
  if (!st.db) goto out;
  r = util_csv_next(csv, &f, &nf);
  if (r <= 0) {
    fprintf(stderr, "relais import: %s: %s\n", pos[0],
            r == 0 ? "empty file, a header row is expected" : util_csv_error(csv));
    goto out;
  }
  if (im_map(&st, cli_get(opts, "--map"), f, nf)) {
    rc = 2;
    goto out;
  }
  const char *req = cli_get(opts, "--requester");
  if (im_user(&st, req ? req : "imported@relais.invalid", 0, &st.default_requester)) {
    fprintf(stderr, "relais import: --requester: %s\n", st.err);
    goto out;
  }
  store_actor_t sys = {STORE_ACTOR_SYSTEM, 0, NULL, 0};
  int64_t mark = 0;
  if (cli_get(opts, "--triage")) {
    char terr[256];
    if (triage_set_load(st.db, &set, terr, sizeof terr)) {
      fprintf(stderr, "relais import: %s\n", terr);
      goto out;
    }
    if (!triage_set_count(set)) {
      fprintf(stderr, "relais import: --triage: no trained model yet (run relais train)\n");
      goto out;
    }
  }
  if (store_begin(st.db) || store_bulk_begin_as(st.db, &sys, &mark)) goto dberr;
  while ((r = util_csv_next(csv, &f, &nf)) != 0) {
    if (r < 0) {
      fprintf(stderr, "relais import: %s: %s (skipped)\n", pos[0], util_csv_error(csv));
      bad++;
      continue;
    }
    store_ticket_t t;
    store_ticket_init(&t);
    st.err[0] = '\0';
    int e = im_row(&st, f, nf, &t);
    triage_result_t tr;
    uint32_t given = 0;
    if (!e && set) {
      for (int k = 0; k < STORE_TF_COUNT; k++)
        if (!t.v[k].is_null) given |= 1u << k;
      triage_input_t ti = {t.v[STORE_TF_TITLE].s, t.v[STORE_TF_DESCRIPTION].s,
                           t.v[STORE_TF_LANGUAGE].s, t.v[STORE_TF_SERVICE].s,
                           t.v[STORE_TF_CI].s, 0};
      triage_run(st.db, set, &ti, &tr);
      if (t.v[STORE_TF_LANGUAGE].is_null)
        store_ticket_set_text(&t, STORE_TF_LANGUAGE, text_lang_code(tr.lang));
      triage_prepare(st.db, &tr, &t, given);
    }
    int64_t tid = 0;
    if (!e) e = store_ticket_insert(st.db, &t, &sys, &tid);
    if (!e && set) e = triage_record(st.db, tid, &tr, &t);
    store_ticket_clear(&t);
    if (e == UTIL_E_IO || e == UTIL_E_DB || e == UTIL_E_NOMEM || e == UTIL_E_BUSY) goto dberr;
    if (e) {
      fprintf(stderr, "relais import: %s: line %ld: %s (skipped)\n", pos[0],
              util_csv_line(csv), st.err[0] ? st.err : util_err_message(e));
      bad++;
      continue;
    }
    ok++;
    if (++inbatch == IMPORT_BATCH) {
      if (store_bulk_end(st.db, mark) || store_commit(st.db) || store_begin(st.db) ||
          store_bulk_begin_as(st.db, &sys, &mark))
        goto dberr;
      inbatch = 0;
    }
  }
  if (store_bulk_end(st.db, mark) || store_commit(st.db)) goto dberr;
  double secs = util_monotonic() - t0;
  printf("imported %ld tickets in %.2f s (%.0f rows/s), %ld rows skipped\n", ok, secs,
         secs > 0 ? ok / secs : 0.0, bad);
  rc = bad ? 1 : 0;
  goto out;
dberr:
  fprintf(stderr, "relais import: database error: %s; the current batch was rolled back"
                  " (%ld rows committed before it)\n", store_errmsg(st.db), ok - inbatch);
  store_rollback(st.db);
  rc = 1;
out:
  util_csv_close(&csv);
  if (in != stdin) fclose(in);
  im_cache_free(&st.users);
  im_cache_free(&st.groups);
  triage_set_unref(&set);
  store_close(&st.db);
  return rc;
}
