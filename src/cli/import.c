/* relais import: CSV -> tickets, streaming, in batched transactions, with the
 * full-text index maintained by the same transactions. Every cell goes
 * through desk's field rules, the same as the API's; a bad row is reported
 * with its line, column and desk's message, and skipped; the good rows are
 * kept. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../desk/desk.h"
#include "cli_int.h"

#define IMPORT_BATCH 5000
#define IMPORT_MAX_RECORD (4u << 20)

typedef enum {
  IM_TITLE, IM_DESCRIPTION, IM_CATEGORY, IM_STATUS, IM_IMPACT, IM_URGENCY,
  IM_PRIORITY, IM_SERVICE, IM_CI, IM_SOURCE, IM_LANGUAGE, IM_CREATED_AT,
  IM_RESOLUTION, IM_REQUESTER, IM_ASSIGNEE, IM_GROUP, IM_COUNT
} im_field_t;

/* The import's field names, and the ticket field whose desk rule checks the
 * cell; -1 for what import resolves itself (a date, e-mails, a group name). */
static const struct {
  const char *name;
  int tf;
} im_fields[IM_COUNT] = {
    {"title", STORE_TF_TITLE}, {"description", STORE_TF_DESCRIPTION},
    {"category", STORE_TF_CATEGORY}, {"status", STORE_TF_STATUS},
    {"impact", STORE_TF_IMPACT}, {"urgency", STORE_TF_URGENCY},
    {"priority", STORE_TF_PRIORITY}, {"service", STORE_TF_SERVICE}, {"ci", STORE_TF_CI},
    {"source", STORE_TF_SOURCE}, {"language", STORE_TF_LANGUAGE},
    {"created_at", -1}, {"resolution", STORE_TF_RESOLUTION},
    {"requester", -1}, {"assignee", -1}, {"group", -1}};

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
  const char *path;      /* for messages; borrowed */
  int col[IM_COUNT];     /* CSV column index per field, or -1 */
  char **hdr;            /* header names, owned */
  size_t nhdr;
  im_cache_t users, groups;
  int64_t default_requester;
  triage_set_t *set;     /* with --triage; owned */
  cli_valmap_t *values;  /* --map-values; owned */
  int add_values;        /* --add-values */
  long added;            /* entries --add-values made */
  int bad_field;         /* the field a refused row failed on, or -1 */
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

/* A cell of the current record: its text and its length, NUL bytes
 * included (desk refuses those rather than cut the text at the first). */
typedef struct {
  const char *s;
  size_t n;
} im_cell_t;

/* Fails the row on field i with desk's message. */
static int im_refuse(im_state_t *st, int i, const desk_err_t *e) {
  st->bad_field = i;
  snprintf(st->err, sizeof st->err, "%s", e->msg);
  return e->code;
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

/* A managed list's cell (category, service, ci) as the desk will read it:
 * mapped by --map-values, and with --add-values made an entry when the
 * desk has none (after the text rule, so that no bad text becomes one). */
static int im_list_cell(im_state_t *st, int i, im_cell_t *v) {
  const char *kind = im_fields[i].name, *to = cli_valmap_get(st->values, kind, v->s);
  if (to) *v = (im_cell_t){to, strlen(to)};
  desk_err_t e;
  int made = 0, rc;
  if (!st->add_values) return 0;
  if (desk_text_check(kind, v->s, v->n, 1, STORE_ENTRY_NAME_MAX, 0, &e)) return im_refuse(st, i, &e);
  rc = store_entry_ensure(st->db, kind, v->s, &made);
  st->added += made;
  return rc;
}

/* The fields that desk's rules check, cell by cell, as import's own role
 * (an administrator's tool: every field may be set). */
static int im_desk_fields(im_state_t *st, const im_cell_t *cells, store_ticket_t *t) {
  desk_err_t e;
  im_cell_t v[IM_COUNT];
  memcpy(v, cells, sizeof v);
  for (int i = 0; i < IM_COUNT; i++) {
    if (im_fields[i].tf < 0 || !v[i].s) continue;
    const desk_field_t *sp = desk_field_of((store_tf_t)im_fields[i].tf);
    int rc = sp->kind == DESK_LIST ? im_list_cell(st, i, &v[i]) : 0;
    if (rc) return rc;
    desk_value_t dv = {DESK_V_CELL, v[i].s, v[i].n, 0};
    if (desk_field_set(st->db, sp, STORE_ROLE_ADMIN, 1, &dv, t, &e)) return im_refuse(st, i, &e);
  }
  if (!t->v[STORE_TF_TITLE].is_null || t->v[STORE_TF_DESCRIPTION].is_null) return 0;
  char *title = im_title_from(t->v[STORE_TF_DESCRIPTION].s);
  desk_value_t dv = {DESK_V_CELL, title, strlen(title), 0};
  int rc = desk_field_set(st->db, desk_field_of(STORE_TF_TITLE), STORE_ROLE_ADMIN, 1, &dv, t, &e);
  free(title);
  return rc ? im_refuse(st, IM_DESCRIPTION, &e) : 0;
}

/* What import resolves itself: the creation date, the people by e-mail,
 * the group by name. Their text passes desk's text rule first. */
static int im_own_fields(im_state_t *st, const im_cell_t *v, store_ticket_t *t) {
  desk_err_t e;
  int64_t x;
  int rc;
  for (int i = IM_CREATED_AT; i < IM_COUNT; i++)
    if (i != IM_RESOLUTION && v[i].s && desk_text_check(im_fields[i].name, v[i].s, v[i].n, 1, 254, 0, &e))
      return im_refuse(st, i, &e);
  st->bad_field = IM_CREATED_AT;
  if (v[IM_CREATED_AT].s) {
    if (util_time_parse(v[IM_CREATED_AT].s, &x)) {
      snprintf(st->err, sizeof st->err, "created_at '%.40s' is not an ISO-8601 date", v[IM_CREATED_AT].s);
      return UTIL_E_INVALID;
    }
    store_ticket_set_int(t, STORE_TF_CREATED_AT, x);
  }
  st->bad_field = IM_REQUESTER;
  x = st->default_requester;
  if (v[IM_REQUESTER].s && (rc = im_user(st, v[IM_REQUESTER].s, 0, &x))) return rc;
  store_ticket_set_int(t, STORE_TF_REQUESTER_ID, x);
  st->bad_field = IM_ASSIGNEE;
  if (v[IM_ASSIGNEE].s) {
    if ((rc = im_user(st, v[IM_ASSIGNEE].s, 1, &x))) return rc;
    store_ticket_set_int(t, STORE_TF_ASSIGNEE_ID, x);
  }
  st->bad_field = IM_GROUP;
  if (v[IM_GROUP].s) {
    if ((rc = im_group(st, v[IM_GROUP].s, &x))) return rc;
    store_ticket_set_int(t, STORE_TF_GROUP_ID, x);
  }
  st->bad_field = -1;
  return 0;
}

/* One CSV record into t: the mapped cells (an empty cell is no value). */
static int im_row(im_state_t *st, const util_csv_t *csv, char **f, size_t nf, store_ticket_t *t) {
  im_cell_t v[IM_COUNT] = {{0}};
  st->bad_field = -1;
  for (int i = 0; i < IM_COUNT; i++) {
    if (st->col[i] < 0) continue;
    if ((size_t)st->col[i] >= nf) {
      snprintf(st->err, sizeof st->err, "has %zu columns, column %d (%s) is missing", nf,
               st->col[i] + 1, im_fields[i].name);
      return UTIL_E_INVALID;
    }
    size_t n = util_csv_field_len(csv, (size_t)st->col[i]);
    if (n) v[i] = (im_cell_t){f[st->col[i]], n};
  }
  if (!v[IM_TITLE].s && !v[IM_DESCRIPTION].s) {
    snprintf(st->err, sizeof st->err, "has no title and no description");
    return UTIL_E_INVALID;
  }
  int rc = im_desk_fields(st, v, t);
  return rc ? rc : im_own_fields(st, v, t);
}

/* Applies "--map col=field,..." against the header row; keeps the header
 * names for the messages. */
static int im_map(im_state_t *st, const char *map, char **hdr, size_t nh) {
  char *m = util_xstrdup(map), *save = NULL;
  int rc = 0;
  for (int i = 0; i < IM_COUNT; i++) st->col[i] = -1;
  st->hdr = util_xcalloc(nh ? nh : 1, sizeof *st->hdr);
  st->nhdr = nh;
  for (size_t i = 0; i < nh; i++) st->hdr[i] = util_xstrdup(hdr[i]);
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
      if (strcmp(im_fields[i].name, eq + 1) == 0) field = i;
    int col = -1;
    for (size_t i = 0; i < nh; i++)
      if (strcmp(hdr[i], pair) == 0) col = (int)i;
    if (field < 0) {
      fprintf(stderr, "relais import: unknown ticket field '%s' (fields:", eq + 1);
      for (int i = 0; i < IM_COUNT; i++) fprintf(stderr, " %s", im_fields[i].name);
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

static int im_usage(int help) {
  printf("usage: relais import FILE.csv --map column=field[,column=field...]\n"
         "                     [--requester EMAIL] [--triage] [--add-values]\n"
         "                     [--map-values FIELD:FROM=TO[;FIELD:FROM=TO...]] [--db FILE]\n"
         "Reads an RFC 4180 CSV file with a header row ('-' for standard input).\n"
         "Fields: title description category status impact urgency priority service\n"
         "        ci source language created_at resolution requester assignee group\n"
         "requester and assignee are e-mail addresses (unknown requesters are created),\n"
         "group is a group name (created if absent). Without title, the first line of\n"
         "the description is used. Every cell meets the API's rules (limits, allowed\n"
         "values, no NUL byte or control character, valid UTF-8); a bad row is\n"
         "reported with its line, column and the API's message, and skipped.\n"
         "--triage runs the active models on each row, as ticket creation does: the\n"
         "language is identified, confident predictions are applied (actor model) and\n"
         "the others stored as suggestions; fields the file sets are left alone.\n"
         "category, service and ci must name entries of the desk's managed lists (ASCII\n"
         "case aside); --map-values turns the file's words into them\n"
         "('category:Netwrok=Network;service:Mail=Messagerie'), --add-values makes an\n"
         "entry of every value the desk does not know yet; otherwise such a row is\n"
         "reported with the allowed values and skipped.\n");
  return help ? 0 : 2;
}

/* Reads the header, applies the map, finds the default requester and, with
 * --triage, loads the models. Prints what went wrong; returns 0, 1 or 2
 * (usage). */
static int im_setup(im_state_t *st, util_csv_t *csv, cli_opt_t *opts) {
  char **f;
  size_t nf;
  int r = util_csv_next(csv, &f, &nf);
  if (r <= 0) {
    fprintf(stderr, "relais import: %s: %s\n", st->path,
            r == 0 ? "empty file, a header row is expected" : util_csv_error(csv));
    return 1;
  }
  if (im_map(st, cli_get(opts, "--map"), f, nf)) return 2;
  if (cli_valmap_parse(cli_get(opts, "--map-values"), &st->values)) return 2;
  st->add_values = cli_get(opts, "--add-values") != NULL;
  const char *req = cli_get(opts, "--requester");
  if (im_user(st, req ? req : "imported@relais.invalid", 0, &st->default_requester)) {
    fprintf(stderr, "relais import: --requester: %s\n", st->err);
    return 1;
  }
  if (!cli_get(opts, "--triage")) return 0;
  char terr[256];
  if (triage_set_load(st->db, &st->set, terr, sizeof terr)) {
    fprintf(stderr, "relais import: %s\n", terr);
    return 1;
  }
  if (!triage_set_count(st->set)) {
    fprintf(stderr, "relais import: --triage: no trained model yet (run relais train)\n");
    return 1;
  }
  return 0;
}

/* Reports a refused row: its line, and the column when one cell is at fault. */
static void im_report(const im_state_t *st, const util_csv_t *csv, int e) {
  const char *msg = st->err[0] ? st->err : util_err_message(e);
  int col = st->bad_field >= 0 ? st->col[st->bad_field] : -1;
  if (col >= 0)
    fprintf(stderr, "relais import: %s: line %ld, column %d (%s): %s (skipped)\n", st->path,
            util_csv_line(csv), col + 1, st->hdr[col], msg);
  else
    fprintf(stderr, "relais import: %s: line %ld: %s (skipped)\n", st->path, util_csv_line(csv), msg);
}

static int im_is_db_error(int e) {
  return e == UTIL_E_IO || e == UTIL_E_DB || e == UTIL_E_NOMEM || e == UTIL_E_BUSY;
}

/* One record through desk: rules, prepare (triage), insert inside the
 * batch's transaction. Returns 0, a row error (reported, skipped) or a
 * database error (the caller stops). */
static int im_one(im_state_t *st, const util_csv_t *csv, char **f, size_t nf, desk_intake_t *in,
                  const store_actor_t *sys) {
  desk_err_t e;
  desk_prep_t o = {st->default_requester, "import", st->set != NULL, st->set, 0}; /* history: no duplicate check */
  st->err[0] = '\0';
  int rc = im_row(st, csv, f, nf, &in->t);
  if (!rc && desk_prepare(st->db, &o, in, &e)) rc = im_refuse(st, -1, &e);
  if (!rc) rc = desk_insert(st->db, in, sys, NULL);
  desk_intake_clear(in);
  if (rc && !im_is_db_error(rc)) im_report(st, csv, rc);
  return rc;
}

/* Opens a batch: a transaction with deferred full-text indexing. */
static int im_batch_begin(store_t *db, const store_actor_t *sys, int64_t *mark) {
  int rc = store_begin(db);
  return rc ? rc : store_bulk_begin_as(db, sys, mark);
}

/* Closes a batch: one FTS5 INSERT...SELECT for its tickets, then commit. */
static int im_batch_end(store_t *db, int64_t mark) {
  int rc = store_bulk_end(db, mark);
  return rc ? rc : store_commit(db);
}

typedef struct {
  long ok, bad, inbatch;
} im_count_t;

/* Streams the records in batches of IMPORT_BATCH rows. Returns 0, or a
 * database error with the open batch left for the caller to roll back. */
static int im_rows(im_state_t *st, util_csv_t *csv, im_count_t *n) {
  store_actor_t sys = {STORE_ACTOR_SYSTEM, 0, NULL, 0};
  desk_intake_t *in = util_xmalloc(sizeof *in); /* large (triage result): not on the stack */
  int64_t mark = 0;
  char **f;
  size_t nf;
  int rc = im_batch_begin(st->db, &sys, &mark);
  desk_intake_init(in);
  while (!rc) {
    int r = util_csv_next(csv, &f, &nf);
    if (r == 0) break;
    if (r < 0) {
      fprintf(stderr, "relais import: %s: %s (skipped)\n", st->path, util_csv_error(csv));
      n->bad++;
      continue;
    }
    int e = im_one(st, csv, f, nf, in, &sys);
    if (im_is_db_error(e)) {
      rc = e;
    } else if (e) {
      n->bad++;
    } else {
      n->ok++;
      if (++n->inbatch < IMPORT_BATCH) continue;
      rc = im_batch_end(st->db, mark);
      if (!rc) rc = im_batch_begin(st->db, &sys, &mark);
      n->inbatch = 0;
    }
  }
  if (!rc) rc = im_batch_end(st->db, mark);
  desk_intake_clear(in);
  free(in);
  return rc;
}

static void im_state_free(im_state_t *st) {
  im_cache_free(&st->users);
  im_cache_free(&st->groups);
  for (size_t i = 0; i < st->nhdr; i++) free(st->hdr[i]);
  free(st->hdr);
  triage_set_unref(&st->set);
  cli_valmap_free(&st->values);
  store_close(&st->db);
}

int cli_import(int argc, char **argv) {
  cli_opt_t opts[] = {{"--db", 1, NULL}, {"--map", 1, NULL}, {"--requester", 1, NULL},
                      {"--triage", 0, NULL}, {"--add-values", 0, NULL},
                      {"--map-values", 1, NULL}, {"--help", 0, NULL}, {NULL, 0, NULL}};
  const char *pos[1];
  int np = 0;
  if (cli_parse(argc, argv, opts, pos, 1, &np)) return 2;
  if (cli_get(opts, "--help") || np != 1 || !cli_get(opts, "--map"))
    return im_usage(cli_get(opts, "--help") != NULL);
  FILE *in = strcmp(pos[0], "-") == 0 ? stdin : fopen(pos[0], "rb");
  if (!in) {
    perror(pos[0]);
    return 1;
  }
  im_state_t st = {.path = pos[0]};
  im_count_t n = {0};
  util_csv_t *csv = util_csv_open(in, IMPORT_MAX_RECORD);
  double t0 = util_monotonic();
  int rc = 1;
  st.db = cli_open_db(opts);
  if (!st.db) goto out;
  rc = im_setup(&st, csv, opts);
  if (rc) goto out;
  rc = im_rows(&st, csv, &n);
  if (rc) {
    fprintf(stderr, "relais import: database error: %s; the current batch was rolled back"
                    " (%ld rows committed before it)\n", store_errmsg(st.db), n.ok - n.inbatch);
    store_rollback(st.db);
    rc = 1;
    goto out;
  }
  char detail[96];
  snprintf(detail, sizeof detail, "{\"imported\":%ld,\"skipped\":%ld,\"values_added\":%ld}",
           n.ok, n.bad, st.added);
  if (store_audit_add(st.db, &cli_console, "tickets.import", "", 0, st.path, detail))
    fprintf(stderr, "relais import: cannot write the audit row: %s\n", store_errmsg(st.db));
  double secs = util_monotonic() - t0;
  printf("imported %ld tickets in %.2f s (%.0f rows/s), %ld rows skipped\n", n.ok, secs,
         secs > 0 ? n.ok / secs : 0.0, n.bad);
  if (st.added) printf("added %ld new values to the managed lists\n", st.added);
  rc = n.bad ? 1 : 0;
out:
  util_csv_close(&csv);
  if (in != stdin) fclose(in);
  im_state_free(&st);
  return rc;
}
