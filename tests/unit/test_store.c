/* Unit tests of src/store on real SQLite files in a temporary folder:
 * migrations, the ticket lifecycle and its history, full-text search,
 * pagination, comments, sessions, and failure paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "desk/desk.h" /* the lifecycle and SLA rules the store writes */
#include "store/store.h"
#include "store_fixture.h"

static void migrate_from_empty(void **state) {
  store_t *s = fresh("empty.db");
  assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
  assert_true(store_integrity_ok(s));
  store_close(&s);
  assert_null(s);
}

static void migrate_from_previous_version_keeps_data(void **state) {
  char path[128], err[256];
  snprintf(path, sizeof path, "%s/v1.db", dir);
  store_t *s = NULL;
  assert_int_equal(store_open_at(path, 1, &s, err, sizeof err), 0);
  assert_int_equal(store_schema_version(s), 1);
  int64_t u = add_user(s, "old@example.org", STORE_ROLE_REQUESTER);
  store_close(&s);
  /* The row as a version-1 program wrote it (today's code has more columns;
   * version 1 has no full-text index). */
  sqlite3 *raw;
  assert_int_equal(sqlite3_open(path, &raw), 0);
  char sql[400];
  snprintf(sql, sizeof sql,
           "INSERT INTO tickets(title, description, requester_id, status, priority, created_at,"
           " updated_at) VALUES ('Imprimante bloquée', 'bourrage papier', %lld, 'new', 2, 1000,"
           " 1000)", (long long)u);
  assert_int_equal(sqlite3_exec(raw, sql, 0, 0, 0), 0);
  int64_t id = sqlite3_last_insert_rowid(raw);
  sqlite3_close(raw);
  assert_int_equal(store_open(path, &s, err, sizeof err), 0);
  assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
  /* The migration rebuilt the index over the old rows. */
  store_query_t q = {.q = "bourrage", .sort = STORE_SORT_RANK, .limit = 10};
  store_page_t p;
  assert_int_equal(store_ticket_list(s, &q, &p), 0);
  assert_int_equal(p.n, 1);
  assert_int_equal(p.items[0].v[STORE_TF_ID].i, id);
  /* Version 4 added the SLA due time: old rows have none until their
   * priority changes, then it follows the SLA table. */
  assert_true(p.items[0].v[STORE_TF_SLA_DUE_AT].is_null);
  store_page_clear(&p);
  store_ticket_t ch;
  store_ticket_init(&ch);
  store_ticket_set_int(&ch, STORE_TF_PRIORITY, 1);
  store_actor_t a = {STORE_ACTOR_PERSON, u, NULL, 0};
  desk_err_t e;
  assert_int_equal(desk_ticket_update(s, id, &ch, 1u << STORE_TF_PRIORITY, &a, NULL, &e), 0);
  store_ticket_clear(&ch);
  store_ticket_t t;
  assert_int_equal(store_ticket_get(s, id, &t), 0);
  assert_int_equal(t.v[STORE_TF_RESOLVE_DUE_AT].i, 1000 + 4 * 3600);
  assert_int_equal(t.v[STORE_TF_SLA_DUE_AT].i, 1000 + 30 * 60); /* unanswered: the response first */
  store_ticket_clear(&t);
  assert_int_equal(store_setting_set(s, "sla.p1_hours", "2"), 0);
  assert_int_equal(store_setting_int(s, "sla.p1_hours", 4), 2);
  assert_int_equal(store_setting_set(s, "sla.p1_hours", "soon"), 0);
  assert_int_equal(store_setting_int(s, "sla.p1_hours", 4), 4); /* not a number: the default */
  store_close(&s);
}

static int count(const store_label_row_t *r, void *arg) {
  (*(int *)arg)++;
  return 0;
}

/* Models, predictions and feedback: what a person confirms becomes a
 * training label, what the model applied alone does not. */
static void triage_tables_and_labels(void **state) {
  store_t *s = fresh("triage.db");
  int64_t u = add_user(s, "agent@example.org", STORE_ROLE_AGENT);
  int64_t t1 = add_ticket(s, u, "VPN down", "tunnel drops", 0);
  int64_t t2 = add_ticket(s, u, "Printer", "jam", 0);
  int64_t t3 = add_ticket(s, u, "Mail", "outlook", 0);
  store_model_t m = {.field = "category", .created_at = 5, .n_train = 10, .metrics = "{}",
                     .data = "abc", .len = 3};
  assert_int_equal(store_model_insert(s, &m), 0);
  assert_int_equal(m.version, 1);
  int64_t m1 = m.id;
  assert_int_equal(store_model_insert(s, &m), 0);
  assert_int_equal(m.version, 2);
  assert_int_equal(store_model_activate(s, m1, NULL), 0);
  assert_int_equal(store_model_activate(s, 9999, NULL), UTIL_E_NOTFOUND);
  store_actor_t a = {STORE_ACTOR_MODEL, 0, "category v1", 0.9};
  store_ticket_t ch;
  store_ticket_init(&ch);
  store_ticket_set_text(&ch, STORE_TF_CATEGORY, "Network");
  assert_int_equal(store_ticket_update(s, t1, &ch, 1u << STORE_TF_CATEGORY, &a, NULL), 0);
  store_ticket_set_text(&ch, STORE_TF_CATEGORY, "Printing");
  assert_int_equal(store_ticket_update(s, t2, &ch, 1u << STORE_TF_CATEGORY, &a, NULL), 0);
  store_ticket_set_text(&ch, STORE_TF_CATEGORY, "Email");
  a.kind = STORE_ACTOR_PERSON;
  assert_int_equal(store_ticket_update(s, t3, &ch, 1u << STORE_TF_CATEGORY, &a, NULL), 0);
  store_ticket_clear(&ch);
  store_pred_t p = {.ticket_id = t1, .field = "category", .model_id = m1, .value = "Network",
                    .confidence = 0.9, .detail = "{}", .state = STORE_PRED_APPLIED};
  assert_int_equal(store_pred_put(s, &p), 0);
  p.ticket_id = t2;
  p.value = "Printing";
  assert_int_equal(store_pred_put(s, &p), 0);
  /* t1 and t2 were applied by the model: only t3 (a person) is a label */
  int n = 0;
  assert_int_equal(store_labels_each(s, "category", count, &n), 0);
  assert_int_equal(n, 1);
  /* a person confirms t2: it becomes a label, and feedback is recorded */
  assert_int_equal(store_pred_decide(s, t2, "category", STORE_PRED_ACCEPTED, "Printing", u), 0);
  n = 0;
  assert_int_equal(store_labels_each(s, "category", count, &n), 0);
  assert_int_equal(n, 2);
  assert_int_equal(store_feedback_count_since(s, 0), 1);
  assert_int_equal(store_pred_decide(s, t3, "category", STORE_PRED_ACCEPTED, "x", u),
                   UTIL_E_NOTFOUND);
  store_pred_t got;
  assert_int_equal(store_pred_get(s, t2, "category", &got), 0);
  assert_int_equal(got.state, STORE_PRED_ACCEPTED);
  assert_int_equal(got.model_version, 1);
  assert_int_equal(got.decided_by, u);
  store_pred_clear(&got);
  assert_int_equal(store_labels_each(s, "colour", count, &n), UTIL_E_INVALID);
  store_close(&s);
}


static void newer_schema_is_refused(void **state) {
  char path[128], err[256];
  snprintf(path, sizeof path, "%s/future.db", dir);
  sqlite3 *db;
  assert_int_equal(raw_open(path, &db), 0);
  sqlite3_exec(db, "PRAGMA user_version = 999", 0, 0, 0);
  sqlite3_close(db);
  store_t *s = NULL;
  assert_int_equal(store_open(path, &s, err, sizeof err), UTIL_E_CONFLICT);
  assert_null(s);
  assert_non_null(strstr(err, "newer"));
}

static void unopenable_path_fails_cleanly(void **state) {
  char err[256];
  store_t *s = NULL;
  assert_int_not_equal(store_open("/nonexistent-dir/x/y.db", &s, err, sizeof err), 0);
  assert_null(s);
  assert_non_null(strstr(err, "/nonexistent-dir/x/y.db"));
}

typedef struct {
  int n;
  char fields[16][32];
  int kinds[16];
} hist_t;

static int hist_cb(const store_event_t *e, void *arg) {
  hist_t *h = arg;
  if (h->n < 16) {
    snprintf(h->fields[h->n], 32, "%s", e->field);
    h->kinds[h->n] = e->actor_kind;
  }
  h->n++;
  return 0;
}

static void lifecycle_and_history(void **state) {
  store_t *s = fresh("life.db");
  int64_t u = add_user(s, "req@example.org", STORE_ROLE_REQUESTER);
  int64_t ag = add_user(s, "agent@example.org", STORE_ROLE_AGENT);
  int64_t id = add_ticket(s, u, "VPN", "down", 0);
  store_ticket_t ch, got;
  store_ticket_init(&ch);
  store_ticket_set_text(&ch, STORE_TF_STATUS, "resolved");
  store_ticket_set_text(&ch, STORE_TF_RESOLUTION, "rebooted the gateway");
  store_ticket_set_int(&ch, STORE_TF_ASSIGNEE_ID, ag);
  store_actor_t a = {STORE_ACTOR_PERSON, ag, NULL, 0};
  int changed = 0;
  desk_err_t e;
  uint32_t mask = 1u << STORE_TF_STATUS | 1u << STORE_TF_RESOLUTION | 1u << STORE_TF_ASSIGNEE_ID;
  assert_int_equal(desk_ticket_update(s, id, &ch, mask, &a, &changed, &e), 0);
  assert_int_equal(changed, 4); /* status, assignee, resolved_at, resolution */
  assert_int_equal(store_ticket_get(s, id, &got), 0);
  assert_string_equal(got.v[STORE_TF_STATUS].s, "resolved");
  assert_false(got.v[STORE_TF_RESOLVED_AT].is_null);
  store_ticket_clear(&got);
  /* Same values again: nothing changes, nothing is written. */
  assert_int_equal(desk_ticket_update(s, id, &ch, mask, &a, &changed, &e), 0);
  assert_int_equal(changed, 0);
  /* closed is final: closed → open is refused and leaves the ticket as it was. */
  store_ticket_set_text(&ch, STORE_TF_STATUS, "closed");
  assert_int_equal(desk_ticket_update(s, id, &ch, 1u << STORE_TF_STATUS, &a, NULL, &e), 0);
  store_ticket_set_text(&ch, STORE_TF_STATUS, "open");
  assert_int_equal(desk_ticket_update(s, id, &ch, 1u << STORE_TF_STATUS, &a, NULL, &e), UTIL_E_CONFLICT);
  assert_string_equal(e.msg, "status cannot change from 'closed' to 'open'");
  assert_int_equal(store_ticket_get(s, id, &got), 0);
  assert_string_equal(got.v[STORE_TF_STATUS].s, "closed");
  store_ticket_clear(&got);
  store_ticket_clear(&ch);
  hist_t h = {0};
  assert_int_equal(store_history_each(s, id, 1, 0, hist_cb, &h), 0);
  assert_int_equal(h.n, 6);
  assert_string_equal(h.fields[0], "created");
  assert_string_equal(h.fields[5], "status");
  assert_int_equal(store_ticket_get(s, 9999, &got), UTIL_E_NOTFOUND);
  store_close(&s);
}

static void history_is_append_only(void **state) {
  store_t *s = fresh("append.db");
  int64_t u = add_user(s, "r@example.org", STORE_ROLE_REQUESTER);
  add_ticket(s, u, "x", "y", 0);
  store_close(&s);
  char path[128];
  snprintf(path, sizeof path, "%s/append.db", dir);
  sqlite3 *db;
  assert_int_equal(raw_open(path, &db), 0);
  assert_int_not_equal(sqlite3_exec(db, "UPDATE history SET field = 'x'", 0, 0, 0), SQLITE_OK);
  assert_int_not_equal(sqlite3_exec(db, "DELETE FROM history", 0, 0, 0), SQLITE_OK);
  sqlite3_close(db);
}

static void search_and_bad_query(void **state) {
  store_t *s = fresh("fts.db");
  int64_t u = add_user(s, "r@example.org", STORE_ROLE_REQUESTER);
  int64_t a = add_ticket(s, u, "Imprimante du 3e étage", "l'imprimante n'imprime plus", 0);
  add_ticket(s, u, "Outlook", "no mail since Monday", 0);
  store_page_t p;
  /* Accents are folded: "etage" finds "étage". */
  store_query_t q = {.q = "etage", .sort = STORE_SORT_RANK, .limit = 10};
  assert_int_equal(store_ticket_list(s, &q, &p), 0);
  assert_int_equal(p.n, 1);
  assert_int_equal(p.items[0].v[STORE_TF_ID].i, a);
  store_page_clear(&p);
  /* An update re-indexes the text in the same transaction. */
  store_ticket_t ch;
  store_ticket_init(&ch);
  store_ticket_set_text(&ch, STORE_TF_TITLE, "Scanner");
  store_ticket_set_text(&ch, STORE_TF_DESCRIPTION, "scanner en panne");
  store_actor_t ac = {STORE_ACTOR_PERSON, u, NULL, 0};
  assert_int_equal(store_ticket_update(s, a, &ch, 1u << STORE_TF_TITLE | 1u << STORE_TF_DESCRIPTION, &ac, NULL), 0);
  store_ticket_clear(&ch);
  assert_int_equal(store_ticket_list(s, &q, &p), 0);
  assert_int_equal(p.n, 0);
  store_page_clear(&p);
  const char *bad[] = {"\"unterminated", "AND", "foo:bar", "(", "NEAR(a b"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    store_query_t qb = {.q = bad[i], .sort = STORE_SORT_RANK, .limit = 10};
    assert_int_equal(store_ticket_list(s, &qb, &p), UTIL_E_BADQUERY);
    assert_int_equal(p.n, 0);
  }
  store_close(&s);
}

static void cursor_pagination_visits_each_once(void **state) {
  store_t *s = fresh("page.db");
  int64_t u = add_user(s, "r@example.org", STORE_ROLE_REQUESTER);
  /* 25 tickets, several sharing a timestamp, to exercise the id tiebreak. */
  for (int i = 0; i < 25; i++) add_ticket(s, u, "t", "d", 1700000000 + (i / 3) * 60);
  int seen[26] = {0}, pages = 0;
  char cursor[64] = "";
  int64_t last = INT64_MAX;
  do {
    store_query_t q = {.sort = STORE_SORT_CREATED, .desc = 1, .limit = 7, .cursor = cursor};
    store_page_t p;
    assert_int_equal(store_ticket_list(s, &q, &p), 0);
    for (size_t i = 0; i < p.n; i++) {
      int64_t id = p.items[i].v[STORE_TF_ID].i;
      seen[id]++;
      assert_true(p.items[i].v[STORE_TF_CREATED_AT].i <= last);
      last = p.items[i].v[STORE_TF_CREATED_AT].i;
    }
    snprintf(cursor, sizeof cursor, "%s", p.next_cursor);
    store_page_clear(&p);
    pages++;
  } while (cursor[0] && pages < 10);
  assert_int_equal(pages, 4);
  for (int i = 1; i <= 25; i++) assert_int_equal(seen[i], 1);
  store_query_t q = {.sort = STORE_SORT_CREATED, .limit = 7, .cursor = "u12.3"};
  store_page_t p;
  assert_int_equal(store_ticket_list(s, &q, &p), UTIL_E_BADQUERY); /* cursor of another sort */
  store_close(&s);
}

typedef struct {
  int n, internal;
} count_t;

static int comment_cb(const store_comment_t *c, void *arg) {
  count_t *k = arg;
  k->n++;
  k->internal += c->internal;
  return 0;
}

static void comments_and_internal_notes(void **state) {
  store_t *s = fresh("comments.db");
  int64_t u = add_user(s, "r@example.org", STORE_ROLE_REQUESTER);
  int64_t ag = add_user(s, "a@example.org", STORE_ROLE_AGENT);
  int64_t id = add_ticket(s, u, "t", "d", 0);
  store_actor_t a = {STORE_ACTOR_PERSON, ag, NULL, 0};
  store_comment_t pub = {.ticket_id = id, .author_id = ag, .body = "Hello"};
  store_comment_t note = {.ticket_id = id, .author_id = ag, .body = "secret", .internal = 1};
  assert_int_equal(store_comment_insert(s, &pub, &a, NULL), 0);
  assert_int_equal(store_comment_insert(s, &note, &a, NULL), 0);
  count_t all = {0}, visible = {0};
  assert_int_equal(store_comment_each(s, id, 1, 0, comment_cb, &all), 0);
  assert_int_equal(store_comment_each(s, id, 0, 0, comment_cb, &visible), 0);
  assert_int_equal(all.n, 2);
  assert_int_equal(all.internal, 1);
  assert_int_equal(visible.n, 1);
  assert_int_equal(visible.internal, 0);
  hist_t h = {0};
  assert_int_equal(store_history_each(s, id, 0, 0, hist_cb, &h), 0);
  for (int i = 0; i < h.n; i++) assert_string_not_equal(h.fields[i], "internal_note");
  store_comment_t orphan = {.ticket_id = 4242, .author_id = ag, .body = "x"};
  assert_int_equal(store_comment_insert(s, &orphan, &a, NULL), UTIL_E_NOTFOUND);
  store_close(&s);
}

/* An article's change is written only over the version it was read at:
 * of two edits made from the same version, the second is refused as
 * stale and the first one's text stays, its history whole. */
static void kb_change_over_a_newer_version_is_stale(void **state) {
  store_t *s = fresh("kb.db");
  int64_t author = add_user(s, "writer@example.org", STORE_ROLE_AGENT);
  char title[] = "Printer offline", body[] = "Restart it.", body2[] = "Restart it, then the spooler.";
  store_kb_article_t a = {.lang = "en", .author_id = author, .title = title, .body = body};
  assert_int_equal(store_kb_insert(s, &a, author), 0);
  store_kb_article_t first = a, second = a; /* both read at version 1 */
  first.body = body2;
  assert_int_equal(store_kb_update(s, &first, 1, author), 0);
  assert_int_equal(first.version, 2);
  second.is_public = 1; /* a change of audience only, from version 1 */
  assert_int_equal(store_kb_update(s, &second, 0, author), UTIL_E_STALE);
  store_kb_article_t now;
  assert_int_equal(store_kb_get(s, a.id, &now), 0);
  assert_string_equal(now.body, body2);
  assert_int_equal(now.version, 2);
  assert_int_equal(now.is_public, 0);
  store_kb_clear(&now);
  store_close(&s);
}

static void unique_email_and_missing_reference(void **state) {
  store_t *s = fresh("refs.db");
  add_user(s, "dup@example.org", STORE_ROLE_AGENT);
  store_user_t u = {.email = "DUP@example.org", .name = "x", .role = STORE_ROLE_AGENT, .lang = "", .active = 1};
  assert_int_equal(store_user_insert(s, &u, NULL, NULL), UTIL_E_CONFLICT);
  store_ticket_t t;
  store_ticket_init(&t);
  store_ticket_set_text(&t, STORE_TF_TITLE, "x");
  store_ticket_set_int(&t, STORE_TF_REQUESTER_ID, 777); /* no such user */
  store_actor_t a = {STORE_ACTOR_SYSTEM, 0, NULL, 0};
  assert_int_equal(store_ticket_insert(s, &t, &a, NULL), UTIL_E_INVALID);
  store_ticket_clear(&t);
  store_page_t p;
  store_query_t q = {.limit = 10};
  assert_int_equal(store_ticket_list(s, &q, &p), 0);
  assert_int_equal(p.n, 0); /* the failed insert left nothing behind */
  store_close(&s);
}

static void sessions_expire(void **state) {
  store_t *s = fresh("sess.db");
  int64_t u = add_user(s, "r@example.org", STORE_ROLE_REQUESTER);
  int64_t now = util_now(), who = 0;
  char *csrf = NULL;
  assert_int_equal(store_session_insert(s, "h1", u, "c1", now + 60), 0);
  assert_int_equal(store_session_find(s, "h1", now, &who, &csrf), 0);
  assert_int_equal(who, u);
  assert_string_equal(csrf, "c1");
  free(csrf);
  assert_int_equal(store_session_find(s, "h1", now + 61, &who, NULL), UTIL_E_NOTFOUND);
  assert_int_equal(store_session_delete(s, "h1"), 0);
  assert_int_equal(store_session_find(s, "h1", now, &who, NULL), UTIL_E_NOTFOUND);
  store_close(&s);
}

static void bulk_load_indexes_in_one_step(void **state) {
  store_t *s = fresh("bulk.db");
  int64_t u = add_user(s, "r@example.org", STORE_ROLE_REQUESTER);
  add_ticket(s, u, "before", "ordinary insert", 0);
  int64_t mark = 0;
  assert_int_equal(store_bulk_begin(s, &mark), UTIL_E_INTERNAL); /* needs a transaction */
  assert_int_equal(store_begin(s), 0);
  assert_int_equal(store_bulk_begin(s, &mark), 0);
  assert_int_equal(mark, 1);
  for (int i = 0; i < 30; i++) add_ticket(s, u, "bulk row", "zebra crossing", 0);
  store_query_t q = {.q = "zebra", .sort = STORE_SORT_RANK, .limit = 100};
  store_page_t p;
  assert_int_equal(store_ticket_list(s, &q, &p), 0);
  assert_int_equal(p.n, 0); /* deferred: not indexed yet */
  store_page_clear(&p);
  assert_int_equal(store_bulk_end(s, mark), 0);
  assert_int_equal(store_commit(s), 0);
  assert_int_equal(store_ticket_list(s, &q, &p), 0);
  assert_int_equal(p.n, 30);
  store_page_clear(&p);
  /* After the bulk load, ordinary inserts are indexed again at once. */
  add_ticket(s, u, "after", "zebra again", 0);
  assert_int_equal(store_ticket_list(s, &q, &p), 0);
  assert_int_equal(p.n, 31);
  store_page_clear(&p);
  store_close(&s);
  char path[128];
  snprintf(path, sizeof path, "%s/bulk.db", dir);
  sqlite3 *db;
  assert_int_equal(raw_open(path, &db), 0);
  assert_int_equal(sqlite3_exec(db, "INSERT INTO tickets_fts(tickets_fts) VALUES ('integrity-check')", 0, 0, 0), SQLITE_OK);
  sqlite3_close(db);
}

static int count_created(const store_event_t *e, void *arg) {
  int *n = arg;
  if (strcmp(e->field, "created") == 0) n[e->actor_kind]++;
  return 0;
}

/* With one actor for the whole load, the "created" events are written by
 * store_bulk_end; a ticket someone else creates meanwhile gets its own. */
static void bulk_load_batches_created_events(void **state) {
  store_t *s = fresh("bulkhist.db");
  int64_t u = add_user(s, "r@example.org", STORE_ROLE_REQUESTER), mark, ids[5];
  store_actor_t sys = {STORE_ACTOR_SYSTEM, 0, NULL, 0};
  assert_int_equal(store_begin(s), 0);
  assert_int_equal(store_bulk_begin_as(s, &sys, &mark), 0);
  for (int i = 0; i < 5; i++) {
    store_ticket_t t;
    store_ticket_init(&t);
    store_ticket_set_text(&t, STORE_TF_TITLE, "imported");
    store_ticket_set_int(&t, STORE_TF_REQUESTER_ID, u);
    assert_int_equal(store_ticket_insert(s, &t, &sys, &ids[i]), 0);
    store_ticket_clear(&t);
  }
  int64_t other = add_ticket(s, u, "by a person", "meanwhile", 0);
  int n[3] = {0, 0, 0};
  assert_int_equal(store_history_each(s, other, 1, 0, count_created, n), 0);
  assert_int_equal(n[STORE_ACTOR_PERSON], 1); /* at once */
  assert_int_equal(store_history_each(s, ids[0], 1, 0, count_created, n), 0);
  assert_int_equal(n[STORE_ACTOR_SYSTEM], 0); /* not yet */
  assert_int_equal(store_bulk_end(s, mark), 0);
  assert_int_equal(store_commit(s), 0);
  for (int i = 0; i < 5; i++) assert_int_equal(store_history_each(s, ids[i], 1, 0, count_created, n), 0);
  assert_int_equal(store_history_each(s, other, 1, 0, count_created, n), 0);
  assert_int_equal(n[STORE_ACTOR_SYSTEM], 5);
  assert_int_equal(n[STORE_ACTOR_PERSON], 2); /* the person's ticket, once each call, no duplicate */
  store_close(&s);
}

static void bulk_load_rolled_back_leaves_no_flag(void **state) {
  store_t *s = fresh("bulkrb.db");
  int64_t u = add_user(s, "r@example.org", STORE_ROLE_REQUESTER), mark;
  assert_int_equal(store_begin(s), 0);
  assert_int_equal(store_bulk_begin(s, &mark), 0);
  add_ticket(s, u, "lost", "zebra", 0);
  store_rollback(s);
  add_ticket(s, u, "kept", "zebra", 0); /* indexed at once: no flag survived */
  store_query_t q = {.q = "zebra", .sort = STORE_SORT_RANK, .limit = 10};
  store_page_t p;
  assert_int_equal(store_ticket_list(s, &q, &p), 0);
  assert_int_equal(p.n, 1);
  assert_string_equal(p.items[0].v[STORE_TF_TITLE].s, "kept");
  store_page_clear(&p);
  store_close(&s);
}

/* What a search may ask of FTS5: a person's queries pass, the costly
 * shapes are refused with the reason. */
static void search_guard_limits(void **state) {
  static const char *const fine[] = {
      "printer", "imp*", "imprim*", "\"printer jam\"", "title:vpn", "NEAR(vpn outlook)",
      "NEAR(vpn outlook, 50)", "vpn AND (outlook OR mail) NOT printer", "\"said \"\"hi\"\"\"",
      "écran*", "a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee", "",
      "{title description}: vpn", "^vpn", "vpn + down"};
  static const struct {
    const char *q, *why;
  } refused[] = {
      {"a*", "at least 3 characters"},
      {"ab*", "at least 3 characters"},
      {"\"ab\"*", "at least 3 characters"},
      {"éc*", "at least 3 characters"},
      {"abc* abd* abe* abf* abg*", "at most 4 prefix"},
      {"NEAR(vpn outlook, 51)", "distance is at most 50"},
      {"NEAR(vpn outlook, 99999999999)", "distance is at most 50"},
      {"NEAR(a b) NEAR(c d) NEAR(e f)", "at most 2 NEAR"},
      {"((((((((( vpn )))))))))", "at most 8 parentheses"},
      {"a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee ff gg", "at most 32"},
  };
  char why[160];
  for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++) {
    if (store_search_check(fine[i], why, sizeof why)) fail_msg("refused '%s': %s", fine[i], why);
  }
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    if (store_search_check(refused[i].q, why, sizeof why) != UTIL_E_BADQUERY ||
        !strstr(why, refused[i].why))
      fail_msg("'%s': '%s'", refused[i].q, why);
  }
  /* the shape that took a second: NEAR over 160 one-letter prefixes */
  char near[1024] = "NEAR(";
  for (int i = 0; i < 160; i++) strcat(near, "a* ");
  strcat(near, ", 1000)");
  assert_int_equal(store_search_check(near, why, sizeof why), UTIL_E_BADQUERY);
  /* through a list, the reason is the list's error */
  store_t *s = fresh("guard.db");
  store_query_t q = {.q = near, .sort = STORE_SORT_RANK};
  store_page_t p;
  assert_int_equal(store_ticket_list(s, &q, &p), UTIL_E_BADQUERY);
  assert_non_null(strstr(store_list_error(s), "prefix"));
  q.q = "\"unterminated";
  assert_int_equal(store_ticket_list(s, &q, &p), UTIL_E_BADQUERY);
  assert_non_null(strstr(store_list_error(s), "not valid full-text syntax"));
  store_close(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(migrate_from_empty),
      cmocka_unit_test(migrate_from_previous_version_keeps_data),
      cmocka_unit_test(triage_tables_and_labels),
      cmocka_unit_test(bulk_load_batches_created_events),
      cmocka_unit_test(newer_schema_is_refused),
      cmocka_unit_test(unopenable_path_fails_cleanly),
      cmocka_unit_test(lifecycle_and_history),
      cmocka_unit_test(history_is_append_only),
      cmocka_unit_test(search_and_bad_query),
      cmocka_unit_test(search_guard_limits),
      cmocka_unit_test(cursor_pagination_visits_each_once),
      cmocka_unit_test(comments_and_internal_notes),
      cmocka_unit_test(unique_email_and_missing_reference),
      cmocka_unit_test(sessions_expire),
      cmocka_unit_test(bulk_load_indexes_in_one_step),
      cmocka_unit_test(bulk_load_rolled_back_leaves_no_flag),
      cmocka_unit_test(kb_change_over_a_newer_version_is_stale),
  };
  return cmocka_run_group_tests_name("store", tests, setup, teardown);
}
