/* The triage tables: models, predictions, feedback and the admin's
 * thresholds. */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* ---- models --------------------------------------------------------------------- */
void store_model_clear(store_model_t *m) {
  free(m->field);
  free(m->metrics);
  free(m->data);
  memset(m, 0, sizeof *m);
}

int store_model_insert(store_t *s, store_model_t *m) {
  static const char sql[] =
      "INSERT INTO models(field, version, created_at, n_train, metrics, data, active)"
      " VALUES (?1, (SELECT IFNULL(max(version), 0) + 1 FROM models WHERE field = ?1),"
      " ?2, ?3, ?4, ?5, 0) RETURNING id, version";
  int own, rc = store_txn_enter(s, &own);
  if (rc) return rc;
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) {
    rc = UTIL_E_DB;
    goto out;
  }
  sqlite3_bind_text(st, 1, m->field, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, m->created_at);
  sqlite3_bind_int64(st, 3, m->n_train);
  sqlite3_bind_text(st, 4, m->metrics, -1, SQLITE_STATIC);
  sqlite3_bind_blob64(st, 5, m->data, m->len, SQLITE_STATIC);
  int r = sqlite3_step(st);
  if (r == SQLITE_ROW) {
    m->id = sqlite3_column_int64(st, 0);
    m->version = sqlite3_column_int(st, 1);
    r = sqlite3_step(st);
  }
  rc = store_rc(s, r);
  sqlite3_reset(st);
out:
  return store_txn_leave(s, own, rc);
}

int store_model_activate(store_t *s, int64_t id, const store_auditor_t *who) {
  static const char sql[] =
      "UPDATE models SET active = (id = ?1)"
      " WHERE field = (SELECT field FROM models WHERE id = ?1)";
  static const char chk[] =
      "SELECT field, version, (SELECT max(version) FROM models p"
      " WHERE p.field = m.field AND p.active) FROM models m WHERE id = ?";
  char field[32] = "", detail[128];
  int own, rc = store_txn_enter(s, &own);
  if (rc) return rc;
  sqlite3_stmt *st = store_stmt(s, chk);
  if (!st) {
    rc = UTIL_E_DB;
    goto out;
  }
  sqlite3_bind_int64(st, 1, id);
  int r = sqlite3_step(st);
  if (r == SQLITE_ROW) {
    snprintf(field, sizeof field, "%s", (const char *)sqlite3_column_text(st, 0));
    char prev[24] = "null";
    if (sqlite3_column_type(st, 2) != SQLITE_NULL)
      snprintf(prev, sizeof prev, "%lld", (long long)sqlite3_column_int64(st, 2));
    snprintf(detail, sizeof detail, "{\"field\":\"%s\",\"version\":%lld,\"previous_version\":%s}",
             field, (long long)sqlite3_column_int64(st, 1), prev);
  }
  sqlite3_reset(st);
  if (r != SQLITE_ROW) {
    rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
    goto out;
  }
  st = store_stmt(s, sql);
  if (!st) {
    rc = UTIL_E_DB;
    goto out;
  }
  sqlite3_bind_int64(st, 1, id);
  rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc) rc = store_audit_add(s, who, "model.activate", "model", id, field, detail);
out:
  return store_txn_leave(s, own, rc);
}

int store_model_each(store_t *s, int active_only, int with_data,
                     int (*fn)(const store_model_t *, void *), void *arg) {
  static const char sql_all[] =
      "SELECT id, field, version, created_at, n_train, metrics, active, NULL FROM models"
      " ORDER BY field, version DESC";
  static const char sql_active[] =
      "SELECT id, field, version, created_at, n_train, metrics, active, data FROM models"
      " WHERE active ORDER BY field";
  static const char sql_all_data[] =
      "SELECT id, field, version, created_at, n_train, metrics, active, data FROM models"
      " ORDER BY field, version DESC";
  const char *sql = active_only ? sql_active : with_data ? sql_all_data : sql_all;
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    store_model_t m = {
        .id = sqlite3_column_int64(st, 0),
        .field = (char *)sqlite3_column_text(st, 1),
        .version = sqlite3_column_int(st, 2),
        .created_at = sqlite3_column_int64(st, 3),
        .n_train = sqlite3_column_int64(st, 4),
        .metrics = (char *)sqlite3_column_text(st, 5),
        .active = sqlite3_column_int(st, 6),
    };
    if (with_data) {
      m.data = (void *)sqlite3_column_blob(st, 7);
      m.len = (size_t)sqlite3_column_bytes(st, 7);
    }
    if ((rc = fn(&m, arg))) break;
  }
  if (!rc && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_model_get(store_t *s, const char *field, int version, int with_data,
                    store_model_t *out) {
  static const char sql[] =
      "SELECT id, field, version, created_at, n_train, metrics, active,"
      " CASE WHEN ?3 THEN data END FROM models WHERE field = ?1 AND version = ?2";
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_text(st, 1, field, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, version);
  sqlite3_bind_int(st, 3, with_data != 0);
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) {
    out->id = sqlite3_column_int64(st, 0);
    out->field = store_col_dup(st, 1);
    out->version = sqlite3_column_int(st, 2);
    out->created_at = sqlite3_column_int64(st, 3);
    out->n_train = sqlite3_column_int64(st, 4);
    out->metrics = store_col_dup(st, 5);
    out->active = sqlite3_column_int(st, 6);
    const void *blob = sqlite3_column_blob(st, 7); /* before its size, as SQLite asks */
    out->len = (size_t)sqlite3_column_bytes(st, 7);
    if (blob && out->len) {
      out->data = util_xmalloc(out->len);
      memcpy(out->data, blob, out->len);
    }
  } else {
    rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  }
  sqlite3_reset(st);
  return rc;
}

/* ---- training labels ------------------------------------------------------------ */
/* A label counts unless the model applied that very value and nobody
 * confirmed it since. */
#define LABELS_SQL(expr, join, fname)                                                  \
  "SELECT t.id, t.title, t.description, t.language, " expr " FROM tickets t " join      \
  " LEFT JOIN predictions p ON p.ticket_id = t.id AND p.field = '" fname "'"            \
  " WHERE " expr " IS NOT NULL AND " expr " <> ''"                                      \
  " AND (p.ticket_id IS NULL OR p.state <> 'applied' OR p.value <> " expr ")"          \
  " ORDER BY t.id"

static const struct {
  const char *field;
  const char *sql;
} label_sql[] = {
    {"category", LABELS_SQL("t.category", "", "category")},
    {"group", LABELS_SQL("g.name", "JOIN groups g ON g.id = t.group_id", "group")},
    {"urgency", LABELS_SQL("CAST(t.urgency AS TEXT)", "", "urgency")},
    {"service", LABELS_SQL("t.service", "", "service")},
    {"ci", LABELS_SQL("t.ci", "", "ci")},
};

int store_labels_each(store_t *s, const char *field,
                      int (*fn)(const store_label_row_t *, void *), void *arg) {
  const char *sql = NULL;
  for (size_t i = 0; i < sizeof label_sql / sizeof *label_sql; i++)
    if (strcmp(label_sql[i].field, field) == 0) sql = label_sql[i].sql;
  if (!sql) return UTIL_E_INVALID;
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    store_label_row_t row = {
        .ticket_id = sqlite3_column_int64(st, 0),
        .title = (const char *)sqlite3_column_text(st, 1),
        .description = (const char *)sqlite3_column_text(st, 2),
        .language = (const char *)sqlite3_column_text(st, 3),
        .label = (const char *)sqlite3_column_text(st, 4),
    };
    if (!row.description) row.description = "";
    if ((rc = fn(&row, arg))) break;
  }
  if (!rc && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

static int label_copy(const store_label_row_t *r, void *arg) {
  store_labels_t *l = arg;
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 1024;
    l->text = util_xrealloc(l->text, l->cap * sizeof *l->text);
    l->label = util_xrealloc(l->label, l->cap * sizeof *l->label);
    l->language = util_xrealloc(l->language, l->cap * sizeof *l->language);
    l->id = util_xrealloc(l->id, l->cap * sizeof *l->id);
  }
  size_t tl = r->title ? strlen(r->title) : 0, dl = strlen(r->description);
  char *t = util_xmalloc(tl + dl + 2);
  memcpy(t, r->title ? r->title : "", tl);
  t[tl] = '\n';
  memcpy(t + tl + 1, r->description, dl + 1);
  l->id[l->n] = r->ticket_id;
  l->text[l->n] = t;
  l->language[l->n] = r->language ? util_xstrdup(r->language) : NULL;
  l->label[l->n++] = util_xstrdup(r->label);
  return 0;
}

int store_labels_load(store_t *s, const char *field, store_labels_t *out) {
  memset(out, 0, sizeof *out);
  return store_labels_each(s, field, label_copy, out);
}

void store_labels_free(store_labels_t *l) {
  for (size_t i = 0; i < l->n; i++) {
    free(l->text[i]);
    free(l->label[i]);
    free(l->language[i]);
  }
  free(l->text);
  free(l->label);
  free(l->language);
  free(l->id);
  memset(l, 0, sizeof *l);
}

/* ---- predictions and feedback ------------------------------------------------------ */
static const char *const pred_states[] = {"applied", "suggested", "accepted", "overridden"};

const char *store_pred_state_name(store_pred_state_t st) {
  return (unsigned)st < 4 ? pred_states[st] : "suggested";
}

static store_pred_state_t pred_state_parse(const char *s) {
  for (int i = 0; i < 4; i++)
    if (s && strcmp(s, pred_states[i]) == 0) return (store_pred_state_t)i;
  return STORE_PRED_SUGGESTED;
}

void store_pred_clear(store_pred_t *p) {
  free(p->field);
  free(p->value);
  free(p->detail);
  memset(p, 0, sizeof *p);
}

int store_pred_put(store_t *s, const store_pred_t *p) {
  static const char sql[] =
      "INSERT OR REPLACE INTO predictions(ticket_id, field, model_id, value, confidence,"
      " detail, state, decided_by, decided_at, created_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, p->ticket_id);
  sqlite3_bind_text(st, 2, p->field, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, p->model_id);
  sqlite3_bind_text(st, 4, p->value, -1, SQLITE_STATIC);
  sqlite3_bind_double(st, 5, p->confidence);
  sqlite3_bind_text(st, 6, p->detail ? p->detail : "{}", -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 7, store_pred_state_name(p->state), -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 8, p->created_at);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  return rc;
}

#define PRED_COLS                                                                    \
  "SELECT p.ticket_id, p.field, p.model_id, m.version, p.value, p.confidence,"     \
  " p.detail, p.state, IFNULL(p.decided_by, 0), IFNULL(p.decided_at, 0), p.created_at" \
  " FROM predictions p JOIN models m ON m.id = p.model_id"

static void pred_row(sqlite3_stmt *st, store_pred_t *p) {
  p->ticket_id = sqlite3_column_int64(st, 0);
  p->field = store_col_dup(st, 1);
  p->model_id = sqlite3_column_int64(st, 2);
  p->model_version = sqlite3_column_int(st, 3);
  p->value = store_col_dup(st, 4);
  p->confidence = sqlite3_column_double(st, 5);
  p->detail = store_col_dup(st, 6);
  p->state = pred_state_parse((const char *)sqlite3_column_text(st, 7));
  p->decided_by = sqlite3_column_int64(st, 8);
  p->decided_at = sqlite3_column_int64(st, 9);
  p->created_at = sqlite3_column_int64(st, 10);
}

int store_pred_get(store_t *s, int64_t ticket_id, const char *field, store_pred_t *out) {
  static const char sql[] = PRED_COLS " WHERE p.ticket_id = ? AND p.field = ?";
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, ticket_id);
  sqlite3_bind_text(st, 2, field, -1, SQLITE_STATIC);
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) pred_row(st, out);
  else rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_pred_each(store_t *s, int64_t ticket_id, int (*fn)(const store_pred_t *, void *),
                    void *arg) {
  static const char sql[] = PRED_COLS " WHERE p.ticket_id = ? ORDER BY p.field";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, ticket_id);
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    store_pred_t p;
    pred_row(st, &p);
    rc = fn(&p, arg);
    store_pred_clear(&p);
    if (rc) break;
  }
  if (!rc && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_pred_decide(store_t *s, int64_t ticket_id, const char *field, store_pred_state_t state,
                      const char *chosen, int64_t user_id) {
  static const char upd[] =
      "UPDATE predictions SET state = ?, decided_by = ?, decided_at = ?"
      " WHERE ticket_id = ? AND field = ? RETURNING model_id, value";
  static const char fb[] =
      "INSERT INTO feedback(ticket_id, field, model_id, kind, predicted, chosen, user_id, at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  int64_t now = util_now();
  int own, rc = store_txn_enter(s, &own);
  if (rc) return rc;
  sqlite3_stmt *st = store_stmt(s, upd);
  if (!st) {
    rc = UTIL_E_DB;
    goto out;
  }
  sqlite3_bind_text(st, 1, store_pred_state_name(state), -1, SQLITE_STATIC);
  if (user_id) sqlite3_bind_int64(st, 2, user_id);
  sqlite3_bind_int64(st, 3, now);
  sqlite3_bind_int64(st, 4, ticket_id);
  sqlite3_bind_text(st, 5, field, -1, SQLITE_STATIC);
  int r = sqlite3_step(st);
  int64_t model_id = 0;
  char *predicted = NULL;
  if (r == SQLITE_ROW) {
    model_id = sqlite3_column_int64(st, 0);
    predicted = store_col_dup(st, 1);
    r = sqlite3_step(st);
    rc = store_rc(s, r);
  } else {
    rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  }
  sqlite3_reset(st);
  if (!rc) {
    st = store_stmt(s, fb);
    if (!st) {
      rc = UTIL_E_DB;
    } else {
      sqlite3_bind_int64(st, 1, ticket_id);
      sqlite3_bind_text(st, 2, field, -1, SQLITE_STATIC);
      sqlite3_bind_int64(st, 3, model_id);
      sqlite3_bind_text(st, 4, state == STORE_PRED_ACCEPTED ? "accept" : "override", -1,
                        SQLITE_STATIC);
      store_bind_text(st, 5, predicted);
      sqlite3_bind_text(st, 6, chosen, -1, SQLITE_STATIC);
      if (user_id) sqlite3_bind_int64(st, 7, user_id);
      sqlite3_bind_int64(st, 8, now);
      rc = store_rc(s, sqlite3_step(st));
      sqlite3_reset(st);
    }
  }
  free(predicted);
out:
  return store_txn_leave(s, own, rc);
}

int64_t store_feedback_count_since(store_t *s, int64_t t) {
  static const char sql[] = "SELECT count(*) FROM feedback WHERE at >= ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return 0;
  sqlite3_bind_int64(st, 1, t);
  int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  return n;
}

/* The tickets of the range come from their creation-time index, each
 * prediction by its key: no scan of the predictions table. */
int store_pred_trend(store_t *s, const char *field, int64_t from, int64_t period, int n,
                     store_trend_t *out) {
  static const char sql[] =
      "SELECT (t.created_at - ?2) / ?3, p.state, count(*), total(p.confidence) FROM tickets t"
      " JOIN predictions p ON p.ticket_id = t.id AND p.field = ?1"
      " WHERE t.created_at >= ?2 AND t.created_at < ?4 GROUP BY 1, 2";
  for (int i = 0; i < n; i++)
    out[i] = (store_trend_t){.start = from + (int64_t)i * period};
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_text(st, 1, field, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, period);
  sqlite3_bind_int64(st, 4, from + (int64_t)n * period);
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t i = sqlite3_column_int64(st, 0), k = sqlite3_column_int64(st, 2);
    if (i < 0 || i >= n) continue;
    out[i].confidence += sqlite3_column_double(st, 3);
    switch (pred_state_parse((const char *)sqlite3_column_text(st, 1))) {
      case STORE_PRED_APPLIED: out[i].applied += k; break;
      case STORE_PRED_SUGGESTED: out[i].suggested += k; break;
      case STORE_PRED_ACCEPTED: out[i].accepted += k; break;
      case STORE_PRED_OVERRIDDEN: out[i].overridden += k; break;
    }
  }
  if (r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_overrides_each(store_t *s, const char *field, int64_t from,
                         int (*fn)(const char *predicted, const char *chosen, int64_t n, void *),
                         void *arg) {
  sqlite3_stmt *st = store_stmt(s, "SELECT predicted, chosen, count(*) FROM feedback"
                                   " WHERE field = ? AND kind = 'override' AND at >= ?"
                                   " AND predicted IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2");
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, field);
  sqlite3_bind_int64(st, 2, from);
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW)
    if ((rc = fn((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
                 sqlite3_column_int64(st, 2), arg)))
      break;
  if (!rc && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_pred_mix_each(store_t *s, const char *field, int64_t from,
                        int (*fn)(const char *value, int64_t n, double conf, void *), void *arg) {
  sqlite3_stmt *st = store_stmt(s, "SELECT p.value, count(*), total(p.confidence) FROM tickets t"
                                   " JOIN predictions p ON p.ticket_id = t.id AND p.field = ?"
                                   " WHERE t.created_at >= ? GROUP BY 1 ORDER BY 2 DESC, 1");
  if (!st) return UTIL_E_DB;
  store_bind_text(st, 1, field);
  sqlite3_bind_int64(st, 2, from);
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW)
    if ((rc = fn((const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
                 sqlite3_column_double(st, 2), arg)))
      break;
  if (!rc && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

/* ---- thresholds ---------------------------------------------------------------------- */
int store_threshold_put(store_t *s, const char *field, const char *cls, const char *mode,
                        double target) {
  static const char sql[] =
      "INSERT OR REPLACE INTO triage_thresholds(field, class, mode, target) VALUES (?, ?, ?, ?)";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_text(st, 1, field, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, cls, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, mode, -1, SQLITE_STATIC);
  if (strcmp(mode, "target") == 0) sqlite3_bind_double(st, 4, target);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  return rc;
}

int store_threshold_each(store_t *s, int (*fn)(const store_threshold_t *, void *), void *arg) {
  static const char sql[] =
      "SELECT field, class, mode, IFNULL(target, 0) FROM triage_thresholds ORDER BY field, class";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    store_threshold_t t = {(const char *)sqlite3_column_text(st, 0),
                           (const char *)sqlite3_column_text(st, 1),
                           (const char *)sqlite3_column_text(st, 2),
                           sqlite3_column_double(st, 3)};
    if ((rc = fn(&t, arg))) break;
  }
  if (!rc && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_pred_count_by_state(store_t *s,
                              void (*fn)(const char *, const char *, int64_t, void *),
                              void *arg) {
  static const char sql[] =
      "SELECT field, state, count(*) FROM predictions GROUP BY field, state ORDER BY field, state";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW)
    fn((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
       sqlite3_column_int64(st, 2), arg);
  if (r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}
