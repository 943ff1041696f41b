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

static void ticket_copy_val(store_ticket_t *dst, const store_ticket_t *src,
                            int f) {
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
  for (int f = 0; f < STORE_TF_COUNT; f++) ticket_copy_val(&neu, &old, f);
  for (int f = 0; f < STORE_TF_COUNT; f++) {
    if (!(mask & (1u << f))) continue;
    /* Identity and clock fields are never taken from the caller. */
    if (f == STORE_TF_ID || f == STORE_TF_CREATED_AT || f == STORE_TF_UPDATED_AT ||
        f == STORE_TF_IMPACT_CUE)
      continue;
    ticket_copy_val(&neu, ch, f);
  }
  /* a cue explains the impact the system set; once someone else sets it,
   * the cue no longer does */
  if (!ticket_val_equal(&old.v[STORE_TF_IMPACT], &neu.v[STORE_TF_IMPACT], STORE_TYPE_INT) &&
      a->kind != STORE_ACTOR_SYSTEM)
    store_ticket_set_null(&neu, STORE_TF_IMPACT_CUE);
  for (int f = 1; f < STORE_TF_COUNT && !rc; f++) {
    if (f == STORE_TF_UPDATED_AT) continue;
    if (ticket_val_equal(&old.v[f], &neu.v[f], tf_info[f].type)) continue;
    char *ov = ticket_val_text(&old.v[f], tf_info[f].type);
    char *nv = ticket_val_text(&neu.v[f], tf_info[f].type);
    rc = store_history_add(s, id, now, a, tf_info[f].name, ov, nv);
    free(ov);
    free(nv);
    nchanged++;
  }
  if (rc || !nchanged) goto out;
  store_ticket_set_int(&neu, STORE_TF_UPDATED_AT, now);
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

/* ---- List -------------------------------------------------------------- */
typedef struct {
  int is_text;
  int64_t i;
  const char *s;
} list_param_t;

#define LIST_MAX_PARAMS 24

typedef struct {
  util_buf_t sql;
  list_param_t p[LIST_MAX_PARAMS];
  int n;
} list_sql_t;

static void list_int(list_sql_t *l, int64_t v) {
  l->p[l->n].is_text = 0;
  l->p[l->n++].i = v;
}

static void list_text(list_sql_t *l, const char *s) {
  l->p[l->n].is_text = 1;
  l->p[l->n++].s = s;
}

static const struct {
  char tag;         /* first character of the cursor */
  const char *expr; /* the sort key */
} sort_keys[] = {
    [STORE_SORT_CREATED] = {'c', "t.created_at"},
    [STORE_SORT_UPDATED] = {'u', "t.updated_at"},
    [STORE_SORT_PRIORITY] = {'p', "IFNULL(t.priority, 5)"},
    [STORE_SORT_ID] = {'i', "t.id"},
    [STORE_SORT_RANK] = {'r', NULL},
    [STORE_SORT_DUE] = {'d', "IFNULL(t.sla_due_at, 9223372036854775807)"},
};

/* Cursor forms: "<tag><key>.<id>" for key-set pages, "r<offset>" for ranked
 * search pages (rank has no stable key to resume from). */
static int list_parse_cursor(const char *c, store_sort_t sort, int64_t *key,
                             int64_t *cid) {
  char *end;
  if (c[0] != sort_keys[sort].tag) return UTIL_E_BADQUERY;
  const char *p = c + 1;
  *key = strtoll(p, &end, 10);
  if (end == p) return UTIL_E_BADQUERY;
  if (sort == STORE_SORT_RANK) return *end || *key < 0 ? UTIL_E_BADQUERY : 0;
  if (*end != '.') return UTIL_E_BADQUERY;
  p = end + 1;
  *cid = strtoll(p, &end, 10);
  return end == p || *end ? UTIL_E_BADQUERY : 0;
}

int store_ticket_list(store_t *s, const store_query_t *q, store_page_t *out) {
  pthread_once(&tf_once, tf_build_sql);
  memset(out, 0, sizeof *out);
  list_sql_t l = {.n = 0};
  sqlite3_stmt *st = NULL;
  int rc = 0, limit = q->limit < 1 ? 50 : q->limit > 1000 ? 1000 : q->limit;
  store_sort_t sort = q->sort;
  int64_t ckey = 0, cid = 0;
  const char *dir = q->desc ? "DESC" : "ASC";
  if (sort == STORE_SORT_RANK && !q->q) sort = STORE_SORT_CREATED;
  if (q->cursor && q->cursor[0]) {
    rc = list_parse_cursor(q->cursor, sort, &ckey, &cid);
    if (rc) return rc;
  }
  util_buf_init(&l.sql, 8192);
  util_buf_printf(&l.sql, "SELECT %s FROM tickets t", tf_select);
  if (q->q) {
    util_buf_puts(&l.sql, " JOIN tickets_fts ON tickets_fts.rowid = t.id"
                          " WHERE tickets_fts MATCH ?");
    list_text(&l, q->q);
  } else {
    util_buf_puts(&l.sql, " WHERE 1");
  }
  if (q->nstatus) {
    util_buf_puts(&l.sql, " AND t.status IN (");
    for (size_t i = 0; i < q->nstatus && i < 5; i++) {
      util_buf_puts(&l.sql, i ? ",?" : "?");
      list_text(&l, q->status[i]);
    }
    util_buf_puts(&l.sql, ")");
  }
  if (q->category) {
    util_buf_puts(&l.sql, " AND t.category = ?");
    list_text(&l, q->category);
  }
  if (q->group_id) {
    util_buf_puts(&l.sql, " AND t.group_id = ?");
    list_int(&l, q->group_id);
  }
  if (q->assignee_id == -1) {
    util_buf_puts(&l.sql, " AND t.assignee_id IS NULL");
  } else if (q->assignee_id) {
    util_buf_puts(&l.sql, " AND t.assignee_id = ?");
    list_int(&l, q->assignee_id);
  }
  if (q->requester_id) {
    util_buf_puts(&l.sql, " AND t.requester_id = ?");
    list_int(&l, q->requester_id);
  }
  if (q->priority) {
    util_buf_puts(&l.sql, " AND t.priority = ?");
    list_int(&l, q->priority);
  }
  if (q->created_from) {
    util_buf_puts(&l.sql, " AND t.created_at >= ?");
    list_int(&l, q->created_from);
  }
  if (q->created_to) {
    util_buf_puts(&l.sql, " AND t.created_at < ?");
    list_int(&l, q->created_to);
  }
  if (sort == STORE_SORT_RANK) {
    /* Title matches weigh most, then resolution text, then description. */
    util_buf_puts(&l.sql, " ORDER BY bm25(tickets_fts, 4.0, 1.0, 2.0), t.id"
                          " LIMIT ? OFFSET ?");
    list_int(&l, limit + 1);
    list_int(&l, ckey);
  } else {
    const char *key = sort_keys[sort].expr;
    if (q->cursor && q->cursor[0]) {
      const char *cmp = q->desc ? "<" : ">";
      util_buf_printf(&l.sql, " AND (%s %s ? OR (%s = ? AND t.id %s ?))", key,
                      cmp, key, cmp);
      list_int(&l, ckey);
      list_int(&l, ckey);
      list_int(&l, cid);
    }
    if (sort == STORE_SORT_ID)
      util_buf_printf(&l.sql, " ORDER BY t.id %s LIMIT ?", dir);
    else
      util_buf_printf(&l.sql, " ORDER BY %s %s, t.id %s LIMIT ?", key, dir, dir);
    list_int(&l, limit + 1);
  }
  if (sqlite3_prepare_v2(s->db, util_buf_cstr(&l.sql), -1, &st, NULL)) {
    rc = q->q ? UTIL_E_BADQUERY : store_rc(s, sqlite3_errcode(s->db));
    goto out;
  }
  for (int i = 0; i < l.n; i++) {
    if (l.p[i].is_text) sqlite3_bind_text(st, i + 1, l.p[i].s, -1, SQLITE_STATIC);
    else sqlite3_bind_int64(st, i + 1, l.p[i].i);
  }
  size_t cap = 0;
  int r;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    if (out->n == (size_t)limit) { /* one more than asked: a next page exists */
      store_ticket_t *last = &out->items[out->n - 1];
      if (sort == STORE_SORT_RANK) {
        snprintf(out->next_cursor, sizeof out->next_cursor, "r%" PRId64,
                 ckey + limit);
      } else {
        int64_t k;
        if (sort == STORE_SORT_PRIORITY)
          k = last->v[STORE_TF_PRIORITY].is_null ? 5 : last->v[STORE_TF_PRIORITY].i;
        else if (sort == STORE_SORT_UPDATED) k = last->v[STORE_TF_UPDATED_AT].i;
        else if (sort == STORE_SORT_ID) k = last->v[STORE_TF_ID].i;
        else if (sort == STORE_SORT_DUE)
          k = last->v[STORE_TF_SLA_DUE_AT].is_null ? INT64_MAX : last->v[STORE_TF_SLA_DUE_AT].i;
        else k = last->v[STORE_TF_CREATED_AT].i;
        snprintf(out->next_cursor, sizeof out->next_cursor, "%c%" PRId64 ".%" PRId64,
                 sort_keys[sort].tag, k, last->v[STORE_TF_ID].i);
      }
      break;
    }
    if (out->n == cap) {
      cap = cap ? cap * 2 : 16;
      out->items = util_xrealloc(out->items, cap * sizeof *out->items);
    }
    ticket_row(st, &out->items[out->n++]);
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) {
    /* Our SQL is fixed and tested; an error while stepping with a search
     * query comes from the FTS5 query parser. */
    rc = q->q && (r & 0xff) == SQLITE_ERROR ? UTIL_E_BADQUERY : store_rc(s, r);
  }
out:
  sqlite3_finalize(st);
  util_buf_free(&l.sql);
  if (rc) store_page_clear(out);
  return rc;
}

void store_page_clear(store_page_t *p) {
  for (size_t i = 0; i < p->n; i++) store_ticket_clear(&p->items[i]);
  free(p->items);
  memset(p, 0, sizeof *p);
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
