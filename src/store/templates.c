/* Request templates, and the form a ticket filed through one keeps (its
 * labels and values as they were then). */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

#define TEMPLATE_COLS                                                                    \
  "id, name_fr, name_en, description_fr, description_en, category, service, title_fr," \
  " title_en, fields, active, created_at, updated_at"

void store_template_clear(store_template_t *t) {
  free(t->name_fr);
  free(t->name_en);
  free(t->description_fr);
  free(t->description_en);
  free(t->category);
  free(t->service);
  free(t->title_fr);
  free(t->title_en);
  free(t->fields);
  memset(t, 0, sizeof *t);
}

static void template_row(sqlite3_stmt *st, store_template_t *t) {
  memset(t, 0, sizeof *t);
  t->id = sqlite3_column_int64(st, 0);
  t->name_fr = store_col_dup(st, 1);
  t->name_en = store_col_dup(st, 2);
  t->description_fr = store_col_dup(st, 3);
  t->description_en = store_col_dup(st, 4);
  t->category = store_col_dup(st, 5);
  t->service = store_col_dup(st, 6);
  t->title_fr = store_col_dup(st, 7);
  t->title_en = store_col_dup(st, 8);
  t->fields = store_col_dup(st, 9);
  t->active = sqlite3_column_int(st, 10);
  t->created_at = sqlite3_column_int64(st, 11);
  t->updated_at = sqlite3_column_int64(st, 12);
}

/* Binds ?1..?11: the columns insert and update share, then now. */
static void template_bind(sqlite3_stmt *st, const store_template_t *t) {
  const char *text[] = {t->name_fr, t->name_en, t->description_fr, t->description_en};
  for (int i = 0; i < 4; i++) store_bind_text(st, i + 1, text[i] ? text[i] : "");
  store_bind_text(st, 5, t->category);
  store_bind_text(st, 6, t->service);
  store_bind_text(st, 7, t->title_fr ? t->title_fr : "");
  store_bind_text(st, 8, t->title_en ? t->title_en : "");
  store_bind_text(st, 9, t->fields ? t->fields : "[]");
  sqlite3_bind_int(st, 10, t->active ? 1 : 0);
  sqlite3_bind_int64(st, 11, util_now());
}

int store_template_insert(store_t *s, const store_template_t *t, int64_t *id) {
  static const char sql[] =
      "INSERT INTO templates(name_fr, name_en, description_fr, description_en, category, service,"
      " title_fr, title_en, fields, active, created_at, updated_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  template_bind(st, t);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && id) *id = sqlite3_last_insert_rowid(s->db);
  return rc;
}

int store_template_update(store_t *s, const store_template_t *t) {
  static const char sql[] =
      "UPDATE templates SET name_fr = ?1, name_en = ?2, description_fr = ?3, description_en = ?4,"
      " category = ?5, service = ?6, title_fr = ?7, title_en = ?8, fields = ?9, active = ?10,"
      " updated_at = ?11 WHERE id = ?12";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  template_bind(st, t);
  sqlite3_bind_int64(st, 12, t->id);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && sqlite3_changes(s->db) == 0) rc = UTIL_E_NOTFOUND;
  return rc;
}

int store_template_delete(store_t *s, int64_t id) {
  static const char sql[] = "DELETE FROM templates WHERE id = ?";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  if (!rc && sqlite3_changes(s->db) == 0) rc = UTIL_E_NOTFOUND;
  return rc;
}

int store_template_get(store_t *s, int64_t id, store_template_t *out) {
  static const char sql[] = "SELECT " TEMPLATE_COLS " FROM templates WHERE id = ?";
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) template_row(st, out);
  else rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int store_template_each(store_t *s, int active_only,
                        int (*fn)(const store_template_t *, void *), void *arg) {
  static const char sql[] =
      "SELECT " TEMPLATE_COLS " FROM templates WHERE ? = 0 OR active = 1 ORDER BY id";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int(st, 1, active_only ? 1 : 0);
  int r, rc = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    store_template_t t;
    template_row(st, &t);
    int stop = fn(&t, arg);
    store_template_clear(&t);
    if (stop) break;
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

int64_t store_template_count(store_t *s) {
  static const char sql[] = "SELECT count(*) FROM templates";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return 0;
  int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  return n;
}

/* ---- A ticket's form ---------------------------------------------------------- */
void store_form_clear(store_form_t *f) {
  for (size_t i = 0; i < f->n; i++) {
    store_form_field_t *x = &f->fields[i];
    free(x->key);
    free(x->type);
    free(x->label_fr);
    free(x->label_en);
    free(x->value);
    free(x->choice_fr);
    free(x->choice_en);
  }
  free(f->fields);
  free(f->name_fr);
  free(f->name_en);
  memset(f, 0, sizeof *f);
}

static char *form_dup(const char *s) { return s ? util_xstrdup(s) : NULL; }

void store_form_add(store_form_t *f, const char *key, const char *type, const char *label_fr,
                    const char *label_en, const char *value, const char *choice_fr,
                    const char *choice_en) {
  f->fields = util_xrealloc(f->fields, (f->n + 1) * sizeof *f->fields);
  store_form_field_t *x = &f->fields[f->n++];
  x->key = form_dup(key);
  x->type = form_dup(type);
  x->label_fr = form_dup(label_fr ? label_fr : "");
  x->label_en = form_dup(label_en ? label_en : "");
  x->value = form_dup(value ? value : "");
  x->choice_fr = form_dup(choice_fr);
  x->choice_en = form_dup(choice_en);
}

static int form_field_insert(store_t *s, int64_t ticket_id, int pos, const store_form_field_t *x) {
  static const char sql[] =
      "INSERT INTO ticket_fields(ticket_id, pos, key, type, label_fr, label_en, value, choice_fr,"
      " choice_en) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, ticket_id);
  sqlite3_bind_int(st, 2, pos);
  const char *text[] = {x->key, x->type, x->label_fr, x->label_en, x->value, x->choice_fr, x->choice_en};
  for (int i = 0; i < 7; i++) store_bind_text(st, i + 3, text[i]);
  int rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  return rc;
}

int store_form_insert(store_t *s, const store_form_t *f) {
  static const char sql[] =
      "INSERT INTO ticket_forms(ticket_id, template_id, name_fr, name_en, lang) VALUES (?, ?, ?, ?, ?)";
  int own, rc = store_txn_enter(s, &own);
  if (rc) return rc;
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return store_txn_leave(s, own, UTIL_E_DB);
  sqlite3_bind_int64(st, 1, f->ticket_id);
  sqlite3_bind_int64(st, 2, f->template_id);
  store_bind_text(st, 3, f->name_fr ? f->name_fr : "");
  store_bind_text(st, 4, f->name_en ? f->name_en : "");
  store_bind_text(st, 5, f->lang[0] ? f->lang : "en");
  rc = store_rc(s, sqlite3_step(st));
  sqlite3_reset(st);
  for (size_t i = 0; i < f->n && !rc; i++) rc = form_field_insert(s, f->ticket_id, (int)i, &f->fields[i]);
  return store_txn_leave(s, own, rc);
}

int store_form_get(store_t *s, int64_t ticket_id, store_form_t *out) {
  static const char head[] =
      "SELECT template_id, name_fr, name_en, lang FROM ticket_forms WHERE ticket_id = ?";
  static const char rows[] =
      "SELECT key, type, label_fr, label_en, value, choice_fr, choice_en FROM ticket_fields"
      " WHERE ticket_id = ? ORDER BY pos";
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = store_stmt(s, head);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, ticket_id);
  int r = sqlite3_step(st), rc = 0;
  if (r == SQLITE_ROW) {
    out->ticket_id = ticket_id;
    out->template_id = sqlite3_column_int64(st, 0);
    out->name_fr = store_col_dup(st, 1);
    out->name_en = store_col_dup(st, 2);
    const unsigned char *l = sqlite3_column_text(st, 3);
    snprintf(out->lang, sizeof out->lang, "%s", l && !strcmp((const char *)l, "fr") ? "fr" : "en");
  } else rc = r == SQLITE_DONE ? UTIL_E_NOTFOUND : store_rc(s, r);
  sqlite3_reset(st);
  if (rc) return rc;
  st = store_stmt(s, rows);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, ticket_id);
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    const char *c[7];
    for (int i = 0; i < 7; i++) c[i] = (const char *)sqlite3_column_text(st, i);
    store_form_add(out, c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
  }
  if (r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  if (rc) store_form_clear(out);
  return rc;
}
