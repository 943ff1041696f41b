/* Unit tests of the store's lists on real SQLite files: the queue's
 * filters, sorts and pages, and search's rank order, each compared with
 * the same question asked of SQLite in its plainest form, with the facets
 * in memory and without; and the facets following every write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "store/store.h"
#include "store_fixture.h"

/* ---- The queue at scale: order, filters and pages against plain SQL ------
 * Every list below is compared with the same question asked of SQLite in
 * the plainest form (filter everything, sort everything), read through a
 * separate connection: the two-step plans, the per-status arms and their
 * merge, the walk that gives up for a filter index, and the ranked search
 * that filters after FTS5 must all give the very same ids in the very same
 * order, page after page through the cursor, with no duplicate and no gap. */
#define QN 15000 /* enough for a walk to give up before the end */

static const char *const q_status[] = {"new", "open", "pending", "resolved", "closed"};

/* The moment the SLA filter compares with: a quarter of the due times
 * below are before it. */
#define Q_NOW (1700000000 + 500 * 60)

/* Three groups, of which ag1 is a member of the first and the third;
 * returns the first one's id (the others follow it). */
static int64_t queue_groups(store_t *s, int64_t ag1, int64_t ag2) {
  int64_t ids[3];
  for (int i = 0; i < 3; i++) {
    char name[32];
    snprintf(name, sizeof name, "group-%d", i);
    store_group_t g = {.name = name, .description = ""};
    assert_int_equal(store_group_insert(s, &g, &ids[i]), 0);
  }
  assert_int_equal(store_group_add_member(s, ids[0], ag1), 0);
  assert_int_equal(store_group_add_member(s, ids[2], ag1), 0);
  assert_int_equal(store_group_add_member(s, ids[1], ag2), 0);
  return ids[0];
}

/* n tickets with many ties on every key: created_at by fives, priority
 * and SLA due times from a few values (some missing), a rare category,
 * groups, tickets awaiting the desk, one search word in titles,
 * descriptions or resolutions in varied amounts (and many identical texts,
 * so BM25 ties too). g1: the first of queue_groups' groups (0: none). */
static void queue_fill(store_t *s, int n, int64_t req, int64_t ag1, int64_t ag2, int64_t g1) {
  static const char *const cats[] = {"Network", "Hardware", "Email", "Access"};
  static const char *const titles[] = {"zorglub printer", "printer jam", "zorglub zorglub",
                                       "vpn down", "mail"};
  static const char *const descs[] = {"paper stuck", "zorglub in the tray", "nothing",
                                      "zorglub zorglub zorglub and more words here", ""};
  assert_int_equal(store_begin(s), 0);
  for (int i = 0; i < n; i++) {
    store_ticket_t t;
    store_ticket_init(&t);
    store_ticket_set_text(&t, STORE_TF_TITLE, titles[i % 5]);
    store_ticket_set_text(&t, STORE_TF_DESCRIPTION, descs[(i / 5) % 5]);
    if (i % 7 == 0) store_ticket_set_text(&t, STORE_TF_RESOLUTION, "zorglub replaced");
    store_ticket_set_int(&t, STORE_TF_REQUESTER_ID, req);
    store_ticket_set_text(&t, STORE_TF_STATUS, q_status[(i * 7 / 3) % 5]);
    store_ticket_set_text(&t, STORE_TF_CATEGORY, i % 500 == 3 ? "Rare" : cats[i % 4]);
    if (i % 3) store_ticket_set_int(&t, STORE_TF_ASSIGNEE_ID, i % 3 == 1 ? ag1 : ag2);
    if (i % 11) store_ticket_set_int(&t, STORE_TF_PRIORITY, 1 + (i / 2) % 4);
    store_ticket_set_int(&t, STORE_TF_CREATED_AT, 1700000000 + (i / 5) * 60);
    store_ticket_set_int(&t, STORE_TF_UPDATED_AT, 1700000000 + ((i * 37) % 1000) * 60);
    if (g1 && i % 4) store_ticket_set_int(&t, STORE_TF_GROUP_ID, g1 + (i / 4) % 3);
    if (i % 6) store_ticket_set_int(&t, STORE_TF_SLA_DUE_AT, 1700000000 + ((i * 13) % 2000) * 60);
    if (i % 5 == 1 || i % 9 == 0) store_ticket_set_int(&t, STORE_TF_AWAITING_SINCE, 1700000000 + i);
    store_actor_t a = {STORE_ACTOR_PERSON, req, NULL, 0};
    assert_int_equal(store_ticket_insert(s, &t, &a, NULL), 0);
    store_ticket_clear(&t);
  }
  assert_int_equal(store_commit(s), 0);
}

typedef struct {
  const char *status[5];
  size_t nstatus;
  const char *category;
  int assignee; /* 0 any, 1 ag1, -1 none */
  int priority;
  int mine;     /* 1: ag1's groups */
  int sla;      /* 1: past due at Q_NOW */
  int awaiting; /* 1: awaiting the desk */
  const char *where; /* the same filter in plain SQL (ag1 is ?1) */
} qfilter_t;

#define Q_MINE "group_id IN (SELECT group_id FROM group_members WHERE user_id = ?1)"
#define Q_LATE "status IN ('new','open') AND IFNULL(sla_due_at, 9223372036854775807) < 1700030000"

static const qfilter_t qfilters[] = {
    {{0}, 0, NULL, 0, 0, 0, 0, 0, "1"},
    {{"new", "open", "pending"}, 3, NULL, 0, 0, 0, 0, 0, "status IN ('new','open','pending')"},
    {{"closed"}, 1, NULL, 1, 0, 0, 0, 0, "status = 'closed' AND assignee_id = ?1"},
    {{0}, 0, "Rare", 0, 0, 0, 0, 0, "category = 'Rare'"},
    {{"open", "closed"}, 2, NULL, 0, 1, 0, 0, 0, "status IN ('open','closed') AND priority = 1"},
    {{0}, 0, "Network", -1, 0, 0, 0, 0, "category = 'Network' AND assignee_id IS NULL"},
    {{"pending", "pending"}, 2, "Rare", 1, 0, 0, 0, 0,
     "status = 'pending' AND category = 'Rare' AND assignee_id = ?1"},
    {{0}, 0, "Hardware", 0, 2, 0, 0, 0, "category = 'Hardware' AND priority = 2"},
    {{0}, 0, NULL, 1, 4, 0, 0, 0, "assignee_id = ?1 AND priority = 4"},
    {{0}, 0, NULL, 0, 3, 0, 0, 0, "priority = 3"},
    /* the views' filters: a user's groups, past due, awaiting the desk */
    {{0}, 0, NULL, 0, 0, 1, 0, 0, Q_MINE},
    {{"new", "open", "pending"}, 3, NULL, -1, 0, 1, 0, 0,
     "status IN ('new','open','pending') AND assignee_id IS NULL AND " Q_MINE},
    {{0}, 0, NULL, 0, 0, 0, 1, 0, Q_LATE},
    {{"open", "pending", "closed"}, 3, NULL, 1, 0, 0, 1, 0, "status = 'open' AND assignee_id = ?1 AND " Q_LATE},
    {{"pending", "resolved"}, 2, NULL, 0, 0, 0, 1, 0, "0"},
    {{0}, 0, "Rare", 0, 0, 1, 1, 0, "category = 'Rare' AND " Q_MINE " AND " Q_LATE},
    {{"new", "open"}, 2, NULL, 1, 0, 0, 0, 1,
     "status IN ('new','open') AND assignee_id = ?1 AND awaiting_since IS NOT NULL"},
    {{0}, 0, NULL, 0, 2, 0, 0, 1, "priority = 2 AND awaiting_since IS NOT NULL"},
    {{0}, 0, "Email", 0, 0, 1, 1, 1,
     "category = 'Email' AND awaiting_since IS NOT NULL AND " Q_MINE " AND " Q_LATE},
};

/* The ids SQLite gives for sql (ag1 bound to ?1); returns owned, *n set. */
static int64_t *queue_reference(const char *path, const char *sql, int64_t ag1, size_t *n) {
  sqlite3 *db;
  sqlite3_stmt *st;
  assert_int_equal(raw_open(path, &db), 0);
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), 0);
  if (sqlite3_bind_parameter_count(st)) sqlite3_bind_int64(st, 1, ag1);
  int64_t *ids = malloc(QN * sizeof *ids);
  *n = 0;
  while (sqlite3_step(st) == SQLITE_ROW) ids[(*n)++] = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return ids;
}

/* Pages through q with the cursor (page size 37) and checks the ids against
 * ref, in order; at most max_pages pages, the whole list when it ends first. */
static void queue_pages(store_t *s, store_query_t q, const int64_t *ref, size_t nref,
                        int max_pages) {
  char cursor[64] = "";
  size_t at = 0;
  int pages = 0;
  q.limit = 37;
  do {
    q.cursor = cursor;
    store_page_t p;
    assert_int_equal(store_ticket_list(s, &q, &p), 0);
    for (size_t i = 0; i < p.n; i++) {
      assert_true(at < nref);
      assert_int_equal(p.items[i].v[STORE_TF_ID].i, ref[at]);
      at++;
    }
    snprintf(cursor, sizeof cursor, "%s", p.next_cursor);
    store_page_clear(&p);
  } while (cursor[0] && ++pages < max_pages);
  if (!cursor[0]) assert_int_equal(at, nref); /* the last page ends the list */
  else assert_int_equal(at, (size_t)max_pages * 37);
}

static void queue_query(store_query_t *q, const qfilter_t *f, int64_t ag1) {
  memset(q, 0, sizeof *q);
  for (size_t i = 0; i < f->nstatus; i++) q->status[i] = f->status[i];
  q->nstatus = f->nstatus;
  q->category = f->category;
  q->assignee_id = f->assignee > 0 ? ag1 : f->assignee;
  q->priority = f->priority;
  q->groups_of = f->mine ? ag1 : 0;
  q->sla = f->sla ? STORE_SLA_BREACHED : STORE_SLA_ANY;
  q->now = Q_NOW;
  q->awaiting = f->awaiting;
}

static void queue_sorted_matches_plain_sql(void **state) {
  store_t *s = fresh("queue.db");
  int64_t req = add_user(s, "r@example.org", STORE_ROLE_REQUESTER);
  int64_t ag1 = add_user(s, "a1@example.org", STORE_ROLE_AGENT);
  int64_t ag2 = add_user(s, "a2@example.org", STORE_ROLE_AGENT);
  queue_fill(s, QN, req, ag1, ag2, queue_groups(s, ag1, ag2));
  static const struct {
    store_sort_t sort;
    const char *key;
  } sorts[] = {{STORE_SORT_CREATED, "created_at"}, {STORE_SORT_UPDATED, "updated_at"},
               {STORE_SORT_PRIORITY, "IFNULL(priority, 5)"},
               {STORE_SORT_DUE, "IFNULL(sla_due_at, 9223372036854775807)"},
               {STORE_SORT_ID, "id"}};
  char path[128];
  snprintf(path, sizeof path, "%s/queue.db", dir);
  for (size_t fi = 0; fi < sizeof qfilters / sizeof qfilters[0]; fi++)
    for (size_t si = 0; si < sizeof sorts / sizeof sorts[0]; si++)
      for (int desc = 0; desc < 2; desc++) {
        char sql[1024];
        const char *d = desc ? "DESC" : "ASC";
        snprintf(sql, sizeof sql, "SELECT id FROM tickets NOT INDEXED WHERE %s ORDER BY %s %s, id %s",
                 qfilters[fi].where, sorts[si].key, d, d);
        size_t n;
        int64_t *ref = queue_reference(path, sql, ag1, &n);
        store_query_t q;
        queue_query(&q, &qfilters[fi], ag1);
        q.sort = sorts[si].sort;
        q.desc = desc;
        /* a walk that gives up scans the facets; without them it drives
         * from a filter's index */
        for (int facets = 1; facets >= 0; facets--) {
          store_search_facets(s, facets);
          queue_pages(s, q, ref, n, 4);
        }
        store_search_facets(s, 1);
        free(ref);
      }
  store_close(&s);
}

static void queue_search_rank_order(void **state) {
  store_t *s = fresh("rank.db");
  int64_t req = add_user(s, "r@example.org", STORE_ROLE_REQUESTER);
  int64_t ag1 = add_user(s, "a1@example.org", STORE_ROLE_AGENT);
  int64_t ag2 = add_user(s, "a2@example.org", STORE_ROLE_AGENT);
  /* the known order first: a title match outweighs the same word in the
   * resolution, which outweighs it in the description */
  int64_t in_desc = add_ticket(s, req, "aaa", "quux", 0);
  int64_t in_title = add_ticket(s, req, "quux", "aaa", 0);
  store_ticket_t ch;
  store_ticket_init(&ch);
  store_ticket_set_text(&ch, STORE_TF_TITLE, "bbb");
  store_ticket_set_text(&ch, STORE_TF_RESOLUTION, "quux");
  int64_t in_res = add_ticket(s, req, "bbb", "aaa", 0);
  store_actor_t a = {STORE_ACTOR_PERSON, req, NULL, 0};
  assert_int_equal(store_ticket_update(s, in_res, &ch, 1u << STORE_TF_RESOLUTION, &a, NULL), 0);
  store_ticket_clear(&ch);
  store_query_t k = {.q = "quux", .sort = STORE_SORT_RANK, .limit = 10};
  store_page_t p;
  assert_int_equal(store_ticket_list(s, &k, &p), 0);
  assert_int_equal(p.n, 3);
  assert_int_equal(p.items[0].v[STORE_TF_ID].i, in_title);
  assert_int_equal(p.items[1].v[STORE_TF_ID].i, in_res);
  assert_int_equal(p.items[2].v[STORE_TF_ID].i, in_desc);
  store_page_clear(&p);
  /* then thousands of matches with ties, every filter, every page */
  queue_fill(s, 6000, req, ag1, ag2, queue_groups(s, ag1, ag2));
  char path[128];
  snprintf(path, sizeof path, "%s/rank.db", dir);
  for (size_t fi = 0; fi < sizeof qfilters / sizeof qfilters[0]; fi++) {
    char sql[1024];
    snprintf(sql, sizeof sql, "SELECT t.id FROM tickets_fts JOIN tickets t ON t.id = tickets_fts.rowid"
             " WHERE tickets_fts MATCH 'zorglub' AND %s"
             " ORDER BY bm25(tickets_fts, 4.0, 1.0, 2.0), t.id", qfilters[fi].where);
    size_t n;
    int64_t *ref = queue_reference(path, sql, ag1, &n);
    store_query_t q;
    queue_query(&q, &qfilters[fi], ag1);
    q.q = "zorglub";
    q.sort = STORE_SORT_RANK;
    /* from the facets in memory, then from the tables */
    for (int facets = 1; facets >= 0; facets--) {
      store_search_facets(s, facets);
      queue_pages(s, q, ref, n, fi == 0 ? 6 : 30);
    }
    free(ref);
    /* the same search sorted by a field, both ways */
    static const struct {
      store_sort_t sort;
      int desc;
      const char *order;
    } sorts[] = {
        {STORE_SORT_DUE, 1, "IFNULL(sla_due_at, 9223372036854775807) DESC, t.id DESC"},
        {STORE_SORT_CREATED, 0, "created_at, t.id"},
        {STORE_SORT_PRIORITY, 1, "IFNULL(priority, 5) DESC, t.id DESC"},
    };
    for (size_t si = 0; si < sizeof sorts / sizeof sorts[0]; si++) {
      snprintf(sql, sizeof sql, "SELECT t.id FROM tickets_fts JOIN tickets t"
               " ON t.id = tickets_fts.rowid WHERE tickets_fts MATCH 'zorglub' AND %s"
               " ORDER BY %s", qfilters[fi].where, sorts[si].order);
      ref = queue_reference(path, sql, ag1, &n);
      q.sort = sorts[si].sort;
      q.desc = sorts[si].desc;
      for (int facets = 1; facets >= 0; facets--) {
        store_search_facets(s, facets);
        queue_pages(s, q, ref, n, 3);
      }
      free(ref);
    }
    store_search_facets(s, 1);
  }
  store_close(&s);
}

/* SQLite's one number for sql (ag1 bound to ?1). */
static int64_t queue_number(const char *path, const char *sql, int64_t ag1) {
  sqlite3 *db;
  sqlite3_stmt *st;
  assert_int_equal(raw_open(path, &db), 0);
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), 0);
  if (sqlite3_bind_parameter_count(st)) sqlite3_bind_int64(st, 1, ag1);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int64_t n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

/* A view's counter: every filter, alone and in a search, counted with the
 * facets and without, under a cap it passes and one it does not, against
 * count(*) in plain SQL; a change of groups counts at once. */
static void queue_counts_match_plain_sql(void **state) {
  store_t *s = fresh("count.db");
  int64_t req = add_user(s, "r@example.org", STORE_ROLE_REQUESTER);
  int64_t ag1 = add_user(s, "a1@example.org", STORE_ROLE_AGENT);
  int64_t ag2 = add_user(s, "a2@example.org", STORE_ROLE_AGENT);
  int64_t g1 = queue_groups(s, ag1, ag2);
  queue_fill(s, QN, req, ag1, ag2, g1);
  char path[128], sql[1024];
  snprintf(path, sizeof path, "%s/count.db", dir);
  for (size_t fi = 0; fi < sizeof qfilters / sizeof qfilters[0]; fi++)
    for (int search = 0; search < 2; search++) {
      if (search)
        snprintf(sql, sizeof sql, "SELECT count(*) FROM tickets_fts JOIN tickets t"
                 " ON t.id = tickets_fts.rowid WHERE tickets_fts MATCH 'zorglub' AND %s",
                 qfilters[fi].where);
      else snprintf(sql, sizeof sql, "SELECT count(*) FROM tickets NOT INDEXED WHERE %s", qfilters[fi].where);
      int64_t want = queue_number(path, sql, ag1), n;
      store_query_t q;
      queue_query(&q, &qfilters[fi], ag1);
      q.q = search ? "zorglub" : NULL;
      for (int facets = 1; facets >= 0; facets--) {
        store_search_facets(s, facets);
        assert_int_equal(store_ticket_count(s, &q, 100000, &n), 0);
        assert_int_equal(n, want);
        assert_int_equal(store_ticket_count(s, &q, 40, &n), 0);
        assert_int_equal(n, want > 40 ? 41 : want); /* 41: more than 40 */
      }
      store_search_facets(s, 1);
    }
  /* ag1 joins the second group: "my groups" counts its tickets at once */
  store_query_t mine = {.groups_of = ag1};
  int64_t before, after;
  assert_int_equal(store_ticket_count(s, &mine, 100000, &before), 0);
  assert_int_equal(store_group_add_member(s, g1 + 1, ag1), 0);
  assert_int_equal(store_ticket_count(s, &mine, 100000, &after), 0);
  snprintf(sql, sizeof sql, "SELECT count(*) FROM tickets WHERE group_id IS NOT NULL");
  assert_int_equal(after, queue_number(path, sql, ag1));
  assert_true(after > before);
  /* and one in no group sees none */
  mine.groups_of = req;
  assert_int_equal(store_ticket_count(s, &mine, 100000, &after), 0);
  assert_int_equal(after, 0);
  store_close(&s);
}

/* The ids q finds on s, in order, into ids (up to 8); returns how many. */
static size_t search_ids(store_t *s, const char *text, const char *status, int64_t *ids) {
  store_query_t q = {.q = text, .sort = STORE_SORT_RANK, .limit = 8};
  if (status) {
    q.status[0] = status;
    q.nstatus = 1;
  }
  store_page_t p;
  assert_int_equal(store_ticket_list(s, &q, &p), 0);
  for (size_t i = 0; i < p.n; i++) ids[i] = p.items[i].v[STORE_TF_ID].i;
  size_t n = p.n;
  store_page_clear(&p);
  return n;
}

static void set_text(store_t *s, int64_t id, int field, const char *text) {
  store_ticket_t ch;
  store_ticket_init(&ch);
  store_ticket_set_text(&ch, field, text);
  store_actor_t a = {STORE_ACTOR_SYSTEM, 0, NULL, 0};
  assert_int_equal(store_ticket_update(s, id, &ch, 1u << field, &a, NULL), 0);
  store_ticket_clear(&ch);
}

/* Searches read what the process holds of the tickets in memory: it must
 * follow every write, from this connection or another, and never serve a
 * snapshot older than itself. */
static void search_facets_follow_writes(void **state) {
  store_t *s = fresh("facets.db"), *w = fresh("facets.db"), *o = fresh("facets.db");
  int64_t req = add_user(s, "r@example.org", STORE_ROLE_REQUESTER), ids[8];
  int64_t a = add_ticket(s, req, "printer", "jams", 0);
  int64_t b = add_ticket(s, req, "printer offline", "no light at all", 0);
  assert_int_equal(search_ids(s, "printer", "new", ids), 2);
  assert_int_equal(ids[0], a); /* the shorter ticket ranks first */
  /* another connection lengthens a's title: b now ranks first */
  set_text(w, a, STORE_TF_TITLE, "printer in the hall by the lifts on the third floor");
  assert_int_equal(search_ids(s, "printer", "new", ids), 2);
  assert_int_equal(ids[0], b);
  /* a status and a text change; a new ticket */
  set_text(w, a, STORE_TF_STATUS, "open");
  set_text(w, b, STORE_TF_TITLE, "scanner offline");
  int64_t c = add_ticket(w, req, "printer toner", "empty", 0);
  assert_int_equal(search_ids(s, "printer", "new", ids), 1);
  assert_int_equal(ids[0], c);
  assert_int_equal(search_ids(s, "printer", "open", ids), 1);
  assert_int_equal(ids[0], a);
  assert_int_equal(search_ids(s, "scanner", NULL, ids), 1);
  assert_int_equal(ids[0], b);
  /* a snapshot taken before a write that o has already brought into the
   * facets still sees its own state */
  int own = 0;
  assert_int_equal(store_read_begin(s, &own), 0);
  assert_int_equal(search_ids(s, "toner", "new", ids), 1);
  set_text(w, c, STORE_TF_STATUS, "pending");
  assert_int_equal(search_ids(o, "toner", "new", ids), 0);
  assert_int_equal(search_ids(s, "toner", "new", ids), 1);
  store_read_end(s, own);
  assert_int_equal(search_ids(s, "toner", "new", ids), 0);
  assert_int_equal(search_ids(s, "toner", "pending", ids), 1);
  store_close(&o);
  store_close(&w);
  store_close(&s);
}

/* A ticket id far beyond the tickets held (a database written by another
 * tool) would size the arrays by that id: the facets refuse it and every
 * search and list takes the SQL path, with the same results. */
static void facets_refuse_far_ids(void **state) {
  store_t *s = fresh("far.db");
  int64_t req = add_user(s, "r@example.org", STORE_ROLE_REQUESTER), ids[8];
  int64_t a = add_ticket(s, req, "printer", "jams", 0);
  size_t held = 0;
  assert_int_equal(store_search_prepare(s, &held), 0);
  assert_int_equal(held, 1);
  char path[128], sql[256];
  snprintf(path, sizeof path, "%s/far.db", dir);
  sqlite3 *db;
  assert_int_equal(raw_open(path, &db), 0);
  snprintf(sql, sizeof sql, "INSERT INTO tickets(id, title, requester_id, created_at, updated_at)"
           " VALUES (4000000000, 'printer far away', %lld, 1, 1)", (long long)req);
  assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), 0);
  sqlite3_close(db);
  assert_int_equal(search_ids(s, "printer", "new", ids), 2);
  assert_int_equal(ids[0], a);
  assert_int_equal(ids[1], 4000000000LL);
  store_query_t q = {.status = {"new"}, .nstatus = 1, .sort = STORE_SORT_CREATED, .limit = 5};
  store_page_t p;
  assert_int_equal(store_ticket_list(s, &q, &p), 0);
  assert_int_equal(p.n, 2);
  assert_int_equal(p.items[0].v[STORE_TF_ID].i, 4000000000LL);
  store_page_clear(&p);
  assert_int_not_equal(store_search_prepare(s, &held), 0); /* the facets cannot serve */
  store_close(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(queue_sorted_matches_plain_sql),
      cmocka_unit_test(queue_search_rank_order),
      cmocka_unit_test(queue_counts_match_plain_sql),
      cmocka_unit_test(search_facets_follow_writes),
      cmocka_unit_test(facets_refuse_far_ids),
  };
  return cmocka_run_group_tests_name("queue", tests, setup, teardown);
}
