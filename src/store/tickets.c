/* Tickets: insert, read, field-by-field update with history, and the
 * filtered, sorted, cursor-paginated and full-text list. */
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

static const struct {
  const char *name;
  store_type_t type;
} tf_info[STORE_TF_COUNT] = {
#define TF_INFO_(e, name, type) {name, STORE_TYPE_##type},
    STORE_TICKET_FIELDS(TF_INFO_)
#undef TF_INFO_
};

const char *store_tf_name(store_tf_t f) { return tf_info[f].name; }
store_type_t store_tf_type(store_tf_t f) { return tf_info[f].type; }

int store_tf_find(const char *name) {
  for (int i = 0; i < STORE_TF_COUNT; i++)
    if (strcmp(tf_info[i].name, name) == 0) return i;
  return -1;
}

/* ---- SQL built once from the field table ------------------------------- */
static char tf_select[1024]; /* "t.id, t.title, …" */
static char tf_insert[1024]; /* "INSERT INTO tickets(…) VALUES (?1, …)" */
static char tf_update[1024]; /* "UPDATE tickets SET title = ?2, … WHERE id = ?1" */
static char tf_get[1100];    /* "SELECT t.id, … FROM tickets t WHERE t.id = ?" */
static char tf_all[1100];    /* every ticket in id order (export) */
static pthread_once_t tf_once = PTHREAD_ONCE_INIT;

static void tf_build_sql(void) {
  util_buf_t sel, ins, vals, upd;
  util_buf_init(&sel, sizeof tf_select - 1);
  util_buf_init(&ins, sizeof tf_insert - 1);
  util_buf_init(&vals, sizeof tf_insert - 1);
  util_buf_init(&upd, sizeof tf_update - 1);
  util_buf_puts(&ins, "INSERT INTO tickets(");
  util_buf_puts(&upd, "UPDATE tickets SET ");
  for (int i = 0; i < STORE_TF_COUNT; i++) {
    const char *sep = i ? ", " : "";
    util_buf_printf(&sel, "%st.%s", sep, tf_info[i].name);
    util_buf_printf(&ins, "%s%s", sep, tf_info[i].name);
    util_buf_printf(&vals, "%s?%d", sep, i + 1);
    if (i) util_buf_printf(&upd, "%s%s = ?%d", i > 1 ? ", " : "", tf_info[i].name, i + 1);
  }
  util_buf_printf(&ins, ") VALUES (%s)", util_buf_cstr(&vals));
  util_buf_puts(&upd, " WHERE id = ?1");
  strcpy(tf_select, util_buf_cstr(&sel));
  strcpy(tf_insert, util_buf_cstr(&ins));
  strcpy(tf_update, util_buf_cstr(&upd));
  snprintf(tf_get, sizeof tf_get, "SELECT %s FROM tickets t WHERE t.id = ?", tf_select);
  snprintf(tf_all, sizeof tf_all, "SELECT %s FROM tickets t ORDER BY t.id", tf_select);
  util_buf_free(&sel);
  util_buf_free(&ins);
  util_buf_free(&vals);
  util_buf_free(&upd);
}

/* ---- Values ------------------------------------------------------------ */
void store_ticket_init(store_ticket_t *t) {
  for (int i = 0; i < STORE_TF_COUNT; i++) {
    t->v[i].is_null = 1;
    t->v[i].i = 0;
    t->v[i].s = NULL;
  }
}

void store_ticket_clear(store_ticket_t *t) {
  for (int i = 0; i < STORE_TF_COUNT; i++) free(t->v[i].s);
  store_ticket_init(t);
}

void store_ticket_set_null(store_ticket_t *t, store_tf_t f) {
  free(t->v[f].s);
  t->v[f].s = NULL;
  t->v[f].i = 0;
  t->v[f].is_null = 1;
}

void store_ticket_set_text(store_ticket_t *t, store_tf_t f, const char *s) {
  store_ticket_set_null(t, f);
  if (!s) return;
  t->v[f].s = util_xstrdup(s);
  t->v[f].is_null = 0;
}

void store_ticket_set_int(store_ticket_t *t, store_tf_t f, int64_t i) {
  store_ticket_set_null(t, f);
  t->v[f].i = i;
  t->v[f].is_null = 0;
}

void store_ticket_copy_field(store_ticket_t *dst, const store_ticket_t *src, store_tf_t f) {
  if (src->v[f].is_null) store_ticket_set_null(dst, (store_tf_t)f);
  else if (tf_info[f].type == STORE_TYPE_TEXT)
    store_ticket_set_text(dst, (store_tf_t)f, src->v[f].s);
  else store_ticket_set_int(dst, (store_tf_t)f, src->v[f].i);
}

static int ticket_val_equal(const store_val_t *a, const store_val_t *b,
                            store_type_t type) {
  if (a->is_null || b->is_null) return a->is_null == b->is_null;
  if (type == STORE_TYPE_TEXT) return strcmp(a->s, b->s) == 0;
  return a->i == b->i;
}

int store_ticket_field_equal(const store_ticket_t *a, const store_ticket_t *b, store_tf_t f) {
  return ticket_val_equal(&a->v[f], &b->v[f], tf_info[f].type);
}

/* Text form for the history; returns owned or NULL for NULL. */
static char *ticket_val_text(const store_val_t *v, store_type_t type) {
  if (v->is_null) return NULL;
  if (type == STORE_TYPE_TEXT) return util_xstrdup(v->s);
  if (type == STORE_TYPE_TIME) {
    char iso[UTIL_ISO_LEN];
    util_time_iso(v->i, iso);
    return util_xstrdup(iso);
  }
  return util_xasprintf("%" PRId64, v->i);
}

/* Binds without copying: t outlives the statement's one step, and
 * store_stmt clears the bindings before the statement is used again. */
static void ticket_bind(sqlite3_stmt *st, const store_ticket_t *t) {
  for (int i = 0; i < STORE_TF_COUNT; i++) {
    const store_val_t *v = &t->v[i];
    if (v->is_null) sqlite3_bind_null(st, i + 1);
    else if (tf_info[i].type == STORE_TYPE_TEXT)
      sqlite3_bind_text(st, i + 1, v->s, -1, SQLITE_STATIC);
    else sqlite3_bind_int64(st, i + 1, v->i);
  }
}

static void ticket_row(sqlite3_stmt *st, store_ticket_t *t) {
  store_ticket_init(t);
  for (int i = 0; i < STORE_TF_COUNT; i++) {
    if (sqlite3_column_type(st, i) == SQLITE_NULL) continue;
    if (tf_info[i].type == STORE_TYPE_TEXT) t->v[i].s = store_col_dup(st, i);
    else t->v[i].i = sqlite3_column_int64(st, i);
    t->v[i].is_null = 0;
  }
}

/* ---- Status names ------------------------------------------------------
 * Only the names, for queries; the lifecycle between them, the priority and
 * the SLA are desk's rules (src/desk/lifecycle.c). */
static const char *const statuses[] = {"new", "open", "pending", "resolved",
                                       "closed"};

int store_status_valid(const char *status) {
  for (int i = 0; status && i < 5; i++)
    if (strcmp(status, statuses[i]) == 0) return 1;
  return 0;
}

/* ---- Insert, get, update ----------------------------------------------- */
/* Fields derived by the SLA's clocks: written with the change that moves
 * them, never a history event of their own (the status or the reply that
 * moved them has one). */
static int ticket_field_quiet(int f) {
  return f == STORE_TF_SLA_DUE_AT || f == STORE_TF_SLA_PAUSED_AT || f == STORE_TF_SLA_PAUSED_S ||
         f == STORE_TF_URGENCY_DEFAULT || f == STORE_TF_FIRST_RESPONSE_AT ||
         f == STORE_TF_AWAITING_SINCE;
}

int store_ticket_insert(store_t *s, store_ticket_t *t, const store_actor_t *a,
                        int64_t *id) {
  pthread_once(&tf_once, tf_build_sql);
  int64_t now = util_now();
  store_ticket_set_null(t, STORE_TF_ID);
  if (t->v[STORE_TF_STATUS].is_null) store_ticket_set_text(t, STORE_TF_STATUS, "new");
  if (t->v[STORE_TF_CREATED_AT].is_null) store_ticket_set_int(t, STORE_TF_CREATED_AT, now);
  if (t->v[STORE_TF_UPDATED_AT].is_null)
    store_ticket_set_int(t, STORE_TF_UPDATED_AT, t->v[STORE_TF_CREATED_AT].i);
  if (t->v[STORE_TF_DESCRIPTION].is_null) store_ticket_set_text(t, STORE_TF_DESCRIPTION, "");
  store_ticket_set_int(t, STORE_TF_VERSION, 1);

  int own, rc = store_txn_enter(s, &own);
  if (rc) return rc;
  sqlite3_stmt *st = store_stmt(s, tf_insert);
  if (!st) {
    rc = UTIL_E_DB;
    goto out;
  }
  ticket_bind(st, t);
  rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (rc) goto out;
  int64_t tid = sqlite3_last_insert_rowid(s->db);
  store_ticket_set_int(t, STORE_TF_ID, tid);
  /* in a bulk load with one actor, store_bulk_end writes the events */
  if (!s->bulk || a->kind != s->bulk_actor.kind || a->user_id != s->bulk_actor.user_id)
    rc = store_history_add(s, tid, t->v[STORE_TF_CREATED_AT].i, a, "created", NULL,
                           t->v[STORE_TF_STATUS].s);
  if (!rc && id) *id = tid;
out:
  return store_txn_leave(s, own, rc);
}

int store_ticket_get(store_t *s, int64_t id, store_ticket_t *out) {
  pthread_once(&tf_once, tf_build_sql);
  store_ticket_init(out);
  sqlite3_stmt *st = store_stmt(s, tf_get);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) ticket_row(st, out);
  else rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_ticket_update(store_t *s, int64_t id, const store_ticket_t *ch,
                        uint32_t mask, const store_actor_t *a, int *changed) {
  store_ticket_t old, neu;
  int nchanged = 0, own;
  int64_t now = util_now();
  store_ticket_init(&old);
  store_ticket_init(&neu);
  int rc = store_txn_enter(s, &own);
  if (rc) return rc;
  rc = store_ticket_get(s, id, &old);
  if (rc) goto out;
  for (int f = 0; f < STORE_TF_COUNT; f++) store_ticket_copy_field(&neu, &old, (store_tf_t)f);
  for (int f = 0; f < STORE_TF_COUNT; f++) {
    if (!(mask & (1u << f))) continue;
    /* Identity and clock fields are never taken from the caller. */
    if (f == STORE_TF_ID || f == STORE_TF_CREATED_AT || f == STORE_TF_UPDATED_AT ||
        f == STORE_TF_IMPACT_CUE || f == STORE_TF_VERSION)
      continue;
    store_ticket_copy_field(&neu, ch, (store_tf_t)f);
  }
  /* a cue explains the impact the system set; once someone else sets it,
   * the cue no longer does */
  if (!ticket_val_equal(&old.v[STORE_TF_IMPACT], &neu.v[STORE_TF_IMPACT], STORE_TYPE_INT) &&
      a->kind != STORE_ACTOR_SYSTEM)
    store_ticket_set_null(&neu, STORE_TF_IMPACT_CUE);
  int nquiet = 0;
  for (int f = 1; f < STORE_TF_COUNT && !rc; f++) {
    if (f == STORE_TF_UPDATED_AT || f == STORE_TF_VERSION) continue;
    if (ticket_val_equal(&old.v[f], &neu.v[f], tf_info[f].type)) continue;
    if (ticket_field_quiet(f)) {
      nquiet++;
      continue;
    }
    char *ov = ticket_val_text(&old.v[f], tf_info[f].type);
    char *nv = ticket_val_text(&neu.v[f], tf_info[f].type);
    rc = store_history_add(s, id, now, a, tf_info[f].name, ov, nv);
    free(ov);
    free(nv);
    nchanged++;
  }
  if (rc || !(nchanged + nquiet)) goto out;
  /* the clocks' bookkeeping alone is no change a person made: the ticket
   * keeps its version (an open form stays current) and its update time */
  if (nchanged) {
    store_ticket_set_int(&neu, STORE_TF_UPDATED_AT, now);
    store_ticket_set_int(&neu, STORE_TF_VERSION, old.v[STORE_TF_VERSION].i + 1);
  }
  sqlite3_stmt *st = store_stmt(s, tf_update);
  if (!st) {
    rc = UTIL_E_DB;
    goto out;
  }
  ticket_bind(st, &neu);
  rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
out:
  store_ticket_clear(&old);
  store_ticket_clear(&neu);
  if (changed) *changed = rc ? 0 : nchanged;
  return store_txn_leave(s, own, rc);
}

int store_ticket_each(store_t *s, int (*fn)(const store_ticket_t *, void *),
                      void *arg) {
  pthread_once(&tf_once, tf_build_sql);
  sqlite3_stmt *st = store_stmt(s, tf_all);
  if (!st) return UTIL_E_DB;
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    store_ticket_t t;
    ticket_row(st, &t);
    int stop = fn(&t, arg);
    store_ticket_clear(&t);
    if (stop) break;
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_ticket_count_by_status(store_t *s,
                                 void (*fn)(const char *, int64_t, void *),
                                 void *arg) {
  static const char sql[] =
      "SELECT status, count(*) FROM tickets GROUP BY status ORDER BY status";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW)
    fn((const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1), arg);
  if (r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}
