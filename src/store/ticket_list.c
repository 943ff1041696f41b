/* Ticket lists: the queue's filters, sorts and cursor pages, and search
 * (store_ticket_list). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* ---- List ----------------------------------------------------------------
 * A page is found in two steps: the (sort key, id) pairs of its tickets,
 * then the rows by id, so that no query drags whole rows (descriptions and
 * all) through a sort.
 *
 * Without q, each status of the filter is one arm, walked in its own
 * (status, key) index; the arms' pairs are merged here, so that
 * "new,open,pending" never sorts every ticket of the three statuses. An arm
 * first walks the sort key's index in order and stops at the page's end:
 * quick while the other filters keep many tickets. When that walk spends
 * LIST_WALK_BUDGET without filling the page (the matches are few, or far
 * down the order), one pass over the facets in memory (facets.c) finds
 * the page; when they cannot serve the snapshot, each arm drives instead
 * from the index of its most selective filter (each counted up to
 * LIST_COUNT_CAP) and sorts those matches.
 *
 * With q, the matches come from FTS5 and are filtered and ranked (or
 * sorted) from the facets in memory (facets.c) in one statement. When the
 * facets cannot serve the snapshot, FTS5 ranks the matches on its own and
 * hands over the best ones (SQLite keeps only the top rows of the sort);
 * the filters apply after on that handful, and on every match only when
 * the handful was too few. */
typedef struct {
  int is_text; /* 1: s, 2: ptr (bound as STORE_FACETS_PTR), 0: i */
  int64_t i;
  const char *s;
  void *ptr;
} list_param_t;

#define LIST_MAX_PARAMS 24
#define LIST_WALK_BUDGET 18  /* progress callbacks of 1000 VM steps: about 2,500 rows */
#define LIST_SCAN_BUDGET 4   /* the same when a scan of the facets follows (5 ms at 1 M) */
#define LIST_COUNT_CAP 20000 /* index entries counted per filter */
#define LIST_RANK_SPARE 16   /* candidates ranked per row wanted, with filters */
#define LIST_SEARCH_SECS 0.5 /* a search statement's time, past which it is stopped */

typedef struct {
  util_buf_t sql;
  list_param_t p[LIST_MAX_PARAMS];
  int n;
} list_sql_t;

static void list_int(list_sql_t *l, int64_t v) {
  l->p[l->n].is_text = 0;
  l->p[l->n++].i = v;
}

static void list_facets(list_sql_t *l, store_facet_query_t *fq) {
  l->p[l->n].is_text = 2;
  l->p[l->n++].ptr = fq;
}

static void list_text(list_sql_t *l, const char *s) {
  l->p[l->n].is_text = 1;
  l->p[l->n++].s = s;
}

/* The sort keys, their cursor tags and the indexes that hold them in order
 * (migration 6 made the missing ones; the expressions must stay the
 * indexes' own). */
static const struct {
  char tag;             /* first character of the cursor */
  const char *expr;     /* the sort key, %s for the table's alias */
  const char *index;    /* (key) */
  const char *by_status; /* (status, key) */
} sort_keys[] = {
    [STORE_SORT_CREATED] = {'c', "%s.created_at", "tickets_created", "tickets_status"},
    [STORE_SORT_UPDATED] = {'u', "%s.updated_at", "tickets_updated", "tickets_status_updated"},
    [STORE_SORT_PRIORITY] = {'p', "IFNULL(%s.priority, 5)", "tickets_prio", "tickets_status_prio"},
    [STORE_SORT_ID] = {'i', "%s.id", NULL, NULL},
    [STORE_SORT_RANK] = {'r', NULL, NULL, NULL},
    [STORE_SORT_DUE] = {'d', "IFNULL(%s.sla_due_at, 9223372036854775807)", "tickets_due",
                        "tickets_status_due"},
};

typedef enum {
  LF_STATUS, LF_CATEGORY, LF_GROUP, LF_ASSIGNEE, LF_REQUESTER, LF_PRIORITY, LF_CREATED,
  LF_MINE,  /* the groups of a user (groups_of) */
  LF_SLA,   /* a running target past due */
  LF_AWAIT, /* the requester waits on the desk */
  LF_COUNT
} list_filter_t;

/* The index that finds the tickets of each filter (migrations 7 and 17).
 * Those of LIST_FAT hold every listed column: a page driven from them
 * reads one range of entries and looks nothing up. The person, group and
 * category ones hold the priority second, so that a priority filter
 * narrows the same range. A user's groups are ranges of the group index;
 * the tickets past due, of the (status, due time) one; the awaiting
 * ones, a partial index of their own. */
static const char *const filter_index[LF_COUNT] = {
    "tickets_status", "tickets_category", "tickets_group", "tickets_assignee",
    "tickets_requester", "tickets_prio_all", "tickets_created_all", "tickets_group",
    "tickets_status_due", "tickets_awaiting"};
#define LIST_FAT (~(1u << LF_STATUS | 1u << LF_SLA))
#define LIST_WITH_PRIO                                                                   \
  (1u << LF_CATEGORY | 1u << LF_GROUP | 1u << LF_ASSIGNEE | 1u << LF_REQUESTER | 1u << LF_MINE)

/* What one query asks for: the rows wanted (a page and one more, to know
 * whether another page follows) and where the cursor resumes. */
typedef struct {
  store_sort_t sort;
  int desc;
  int want;
  int has_cursor;
  int64_t ckey, cid; /* rank: ckey is the offset */
} list_plan_t;

typedef store_facet_pair_t list_pair_t;

typedef struct {
  list_pair_t *v; /* owned */
  size_t n, cap;
} list_pairs_t;

static void list_pairs_add(list_pairs_t *p, int64_t key, int64_t id) {
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 64;
    p->v = util_xrealloc(p->v, p->cap * sizeof *p->v);
  }
  p->v[p->n].key = key;
  p->v[p->n++].id = id;
}

/* status is the arm's one status; NULL stands for q's whole set (search). */
static int list_has(const store_query_t *q, const char *status, int f) {
  switch (f) {
  case LF_STATUS: return status || q->nstatus;
  case LF_CATEGORY: return q->category != NULL;
  case LF_GROUP: return q->group_id != 0;
  case LF_ASSIGNEE: return q->assignee_id != 0;
  case LF_REQUESTER: return q->requester_id != 0;
  case LF_PRIORITY: return q->priority != 0;
  case LF_CREATED: return q->created_from || q->created_to;
  case LF_MINE: return q->groups_of != 0;
  case LF_SLA: return q->sla != STORE_SLA_ANY;
  default: return q->awaiting != 0;
  }
}

/* Whether q has any filter at all (a search's filters: status set included). */
static int list_filtered(const store_query_t *q) {
  int any = 0;
  for (int f = 0; f < LF_COUNT; f++) any |= list_has(q, NULL, f);
  return any;
}

/* Appends " AND <filter f>" and its parameters; borrows q's strings until
 * the statement is done. Priority is tested as the sort key's expression
 * (IFNULL(…, 5) never equals 1..4 for a ticket without one) so that one
 * index serves both. */
static void list_filter(list_sql_t *l, const store_query_t *q, const char *status, int f,
                        const char *t) {
  util_buf_t *b = &l->sql;
  switch (f) {
  case LF_SLA:
    /* with its statuses, so that the (status, due time) index holds the
     * range: store_ticket_list narrowed them to new and open */
    list_filter(l, q, status, LF_STATUS, t);
    util_buf_printf(b, " AND IFNULL(%s.sla_due_at, 9223372036854775807) < ?", t);
    list_int(l, q->now);
    break;
  case LF_STATUS:
    if (status) {
      util_buf_printf(b, " AND %s.status = ?", t);
      list_text(l, status);
      break;
    }
    util_buf_printf(b, " AND %s.status IN (", t);
    for (size_t i = 0; i < q->nstatus && i < 5; i++) {
      util_buf_puts(b, i ? ",?" : "?");
      list_text(l, q->status[i]);
    }
    util_buf_puts(b, ")");
    break;
  case LF_MINE:
    util_buf_printf(b, " AND %s.group_id IN (SELECT group_id FROM group_members"
                       " WHERE user_id = ?)", t);
    list_int(l, q->groups_of);
    break;
  case LF_AWAIT: util_buf_printf(b, " AND %s.awaiting_since IS NOT NULL", t); break;
  case LF_CATEGORY: util_buf_printf(b, " AND %s.category = ?", t); list_text(l, q->category); break;
  case LF_GROUP: util_buf_printf(b, " AND %s.group_id = ?", t); list_int(l, q->group_id); break;
  case LF_ASSIGNEE:
    if (q->assignee_id == -1) {
      util_buf_printf(b, " AND %s.assignee_id IS NULL", t);
      break;
    }
    util_buf_printf(b, " AND %s.assignee_id = ?", t);
    list_int(l, q->assignee_id);
    break;
  case LF_REQUESTER: util_buf_printf(b, " AND %s.requester_id = ?", t); list_int(l, q->requester_id); break;
  case LF_PRIORITY: util_buf_printf(b, " AND IFNULL(%s.priority, 5) = ?", t); list_int(l, q->priority); break;
  case LF_CREATED:
    if (q->created_from) {
      util_buf_printf(b, " AND %s.created_at >= ?", t);
      list_int(l, q->created_from);
    }
    if (q->created_to) {
      util_buf_printf(b, " AND %s.created_at < ?", t);
      list_int(l, q->created_to);
    }
  }
}

/* Every filter of q; those in the mask on t, the others on c. */
static void list_filters(list_sql_t *l, const store_query_t *q, const char *status,
                         unsigned on_t) {
  for (int f = 0; f < LF_COUNT; f++)
    if (list_has(q, status, f)) list_filter(l, q, status, f, on_t & 1u << f ? "t" : "c");
}

/* Prepares l and binds its parameters; *st is owned (finalize). A failure
 * with a search query is the query's syntax. */
static int list_prepare(store_t *s, list_sql_t *l, int search, sqlite3_stmt **st) {
  *st = NULL;
  if (sqlite3_prepare_v2(s->db, util_buf_cstr(&l->sql), -1, st, NULL))
    return search ? UTIL_E_BADQUERY : store_rc(s, sqlite3_errcode(s->db));
  for (int i = 0; i < l->n; i++) {
    if (l->p[i].is_text == 2) sqlite3_bind_pointer(*st, i + 1, l->p[i].ptr, STORE_FACETS_PTR, NULL);
    else if (l->p[i].is_text) sqlite3_bind_text(*st, i + 1, l->p[i].s, -1, SQLITE_STATIC);
    else sqlite3_bind_int64(*st, i + 1, l->p[i].i);
  }
  return 0;
}

typedef struct {
  int budget;      /* callbacks left; stops at 0 when counting */
  double deadline; /* util_monotonic() past which it stops; 0: none */
} list_budget_t;

static int list_budget_spent(void *arg) {
  list_budget_t *b = arg;
  if (b->deadline) return util_monotonic() > b->deadline;
  return --b->budget < 0;
}

/* Runs l, adding its (id, key) rows to out. With budget > 0 the run stops
 * after that many progress callbacks and returns 1 (out then holds a part).
 * A search (its statements run FTS5) is stopped after LIST_SEARCH_SECS
 * instead, and refused: a query that costs that much at this size would
 * hold a worker from everyone else. */
static int list_collect(store_t *s, list_sql_t *l, int search, int budget, list_pairs_t *out) {
  sqlite3_stmt *st = NULL;
  list_budget_t b = {budget, search && budget <= 0 ? util_monotonic() + LIST_SEARCH_SECS : 0};
  int rc = list_prepare(s, l, search, &st), r = SQLITE_DONE, armed = budget > 0 || b.deadline;
  if (rc) goto out;
  /* the handler points at b: it must go before this frame does */
  if (armed) sqlite3_progress_handler(s->db, 1000, list_budget_spent, &b);
  while ((r = sqlite3_step(st)) == SQLITE_ROW)
    list_pairs_add(out, sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 0));
  if (armed) sqlite3_progress_handler(s->db, 0, NULL, NULL);
  if (r == SQLITE_INTERRUPT && b.deadline) {
    snprintf(s->list_error, sizeof s->list_error,
             "this search is too costly to run: make it more precise (fewer words, no prefix)");
    rc = UTIL_E_BADQUERY;
  } else if (r == SQLITE_INTERRUPT) rc = 1;
  else if (r != SQLITE_DONE)
    /* our SQL is fixed and tested; an error while stepping a search comes
     * from the FTS5 query parser */
    rc = search && (r & 0xff) == SQLITE_ERROR ? UTIL_E_BADQUERY : store_rc(s, r);
out:
  sqlite3_finalize(st);
  return rc;
}

/* SELECT t.id, key … ORDER BY key, id LIMIT want, t in index idx (NULL:
 * the table itself, in id order). The filters of the mask are read from t
 * (idx holds them); the others, and the key unless key_t, from c, the
 * narrow tickets_cover: a few index pages for many tickets, where the
 * table has a page or more for each. */
static void list_walk_sql(list_sql_t *l, const store_query_t *q, const char *status,
                          const list_plan_t *p, const char *idx, unsigned on_t, int key_t) {
  char key[96];
  const char *dir = p->desc ? "DESC" : "ASC", *id = key_t ? "t.id" : "c.id";
  int join = 0;
  for (int f = 0; f < LF_COUNT && !q->q; f++) join |= list_has(q, status, f) && !(on_t & 1u << f);
  if (q->q || !join) key_t = 1, on_t = ~0u, id = "t.id";
  snprintf(key, sizeof key, sort_keys[p->sort].expr, key_t ? "t" : "c");
  if (q->q) {
    util_buf_printf(&l->sql, "SELECT t.id, %s FROM tickets_fts JOIN tickets t"
                             " INDEXED BY tickets_cover ON t.id = tickets_fts.rowid"
                             " WHERE tickets_fts MATCH ?", key);
    list_text(l, q->q);
  } else {
    util_buf_printf(&l->sql, "SELECT t.id, %s FROM tickets t %s%s%s WHERE 1", key,
                    idx ? "INDEXED BY " : "NOT INDEXED", idx ? idx : "",
                    join ? " JOIN tickets c INDEXED BY tickets_cover ON c.id = t.id" : "");
  }
  list_filters(l, q, status, on_t);
  if (p->has_cursor) {
    /* the first test bounds the index range, the second skips the ties
     * already shown */
    const char *ge = p->desc ? "<=" : ">=", *gt = p->desc ? "<" : ">";
    util_buf_printf(&l->sql, " AND %s %s ? AND (%s %s ? OR %s %s ?)", key, ge, key, gt, id, gt);
    list_int(l, p->ckey);
    list_int(l, p->ckey);
    list_int(l, p->cid);
  }
  /* a priority sort of one priority is an id order (SQLite would sort by
   * the constant key rather than walk the index) */
  if (p->sort == STORE_SORT_ID || (p->sort == STORE_SORT_PRIORITY && q->priority))
    util_buf_printf(&l->sql, " ORDER BY %s %s LIMIT ?", id, dir);
  else util_buf_printf(&l->sql, " ORDER BY %s %s, %s %s LIMIT ?", key, dir, id, dir);
  list_int(l, p->want);
}

/* Runs l, a "SELECT 0, count(…)", and frees it; *n gets the count, or
 * dflt on an error. */
static int list_number(store_t *s, list_sql_t *l, int search, int64_t dflt, int64_t *n) {
  list_pairs_t one = {0};
  int rc = list_collect(s, l, search, 0, &one);
  *n = !rc && one.n ? one.v[0].key : dflt;
  free(one.v);
  util_buf_free(&l->sql);
  return rc;
}

/* Counts the tickets of filter f (with the priority, when f's index holds
 * it), up to cap, from its index. */
static int list_count(store_t *s, const store_query_t *q, const char *status, int f,
                      int64_t cap, int64_t *n) {
  list_sql_t l = {.n = 0};
  util_buf_init(&l.sql, 1024);
  util_buf_printf(&l.sql, "SELECT 0, count(*) FROM (SELECT 1 FROM tickets t INDEXED BY %s"
                          " WHERE 1", filter_index[f]);
  list_filter(&l, q, status, f, "t");
  if (LIST_WITH_PRIO & 1u << f && q->priority) list_filter(&l, q, status, LF_PRIORITY, "t");
  util_buf_printf(&l.sql, " LIMIT %" PRId64 ")", cap);
  return list_number(s, &l, 0, cap, n);
}

/* The filter whose index holds the fewest of the arm's tickets. Filters
 * that all reach the cap are taken in the order a desk's values usually
 * narrow things: a person first, a status (a few values for all the
 * tickets) last. */
static int list_driver(store_t *s, const store_query_t *q, const char *status, int64_t cap,
                       int *best, int64_t *least) {
  static const int order[LF_COUNT] = {LF_AWAIT, LF_REQUESTER, LF_ASSIGNEE, LF_PRIORITY,
                                      LF_CATEGORY, LF_GROUP, LF_MINE, LF_CREATED, LF_SLA,
                                      LF_STATUS};
  int64_t n;
  *best = -1;
  *least = INT64_MAX;
  for (int i = 0; i < LF_COUNT; i++) {
    int f = order[i];
    if (!list_has(q, status, f)) continue;
    int rc = list_count(s, q, status, f, cap, &n);
    if (rc) return rc;
    if (n < *least) *least = n, *best = f;
  }
  return 0;
}

/* One arm: the first p->want pairs of the tickets with this status (NULL:
 * any), in sort order, added to out. With scan, an arm whose walk runs
 * out of budget returns 1 instead of driving: the caller scans the
 * facets. */
static int list_arm(store_t *s, const store_query_t *q, const char *status,
                    const list_plan_t *p, int scan, list_pairs_t *out) {
  const char *walk = status ? sort_keys[p->sort].by_status : sort_keys[p->sort].index;
  /* the filters the walked index holds: its status, and its key's range
   * or value */
  unsigned in_walk = (walk ? 1u << LF_STATUS : 0) |
                     (p->sort == STORE_SORT_CREATED ? 1u << LF_CREATED : 0) |
                     (p->sort == STORE_SORT_PRIORITY ? 1u << LF_PRIORITY : 0) |
                     (status && p->sort == STORE_SORT_DUE ? 1u << LF_SLA : 0);
  int others = 0;
  for (int f = 0; f < LF_COUNT; f++) others += list_has(q, status, f) && !(in_walk & 1u << f);
  list_sql_t l = {.n = 0};
  size_t n0 = out->n;
  int best, rc;
  int64_t least;
  util_buf_init(&l.sql, 8192);
  list_walk_sql(&l, q, status, p, walk, in_walk, 1);
  rc = list_collect(s, &l, 0, others ? scan ? LIST_SCAN_BUDGET : LIST_WALK_BUDGET : 0, out);
  if (rc != 1) goto out;
  out->n = n0; /* the walk ran out of budget: drive from a filter instead */
  if (scan) goto out;
  rc = list_driver(s, q, status, LIST_COUNT_CAP, &best, &least);
  if (rc) goto out;
  util_buf_reset(&l.sql);
  l.n = 0;
  if (best < 0) goto out; /* cannot be: the walk had filters */
  /* the lean drivers hold (status, created_at) and (status, due time) */
  unsigned on_t = LIST_FAT & 1u << best ? ~0u : 1u << best | 1u << LF_STATUS;
  int key_t = LIST_FAT & 1u << best || p->sort == STORE_SORT_ID ||
              p->sort == (best == LF_SLA ? STORE_SORT_DUE : STORE_SORT_CREATED);
  list_walk_sql(&l, q, status, p, filter_index[best], on_t, key_t);
  rc = list_collect(s, &l, 0, 0, out);
out:
  util_buf_free(&l.sql);
  return rc;
}

static int list_before(const list_pair_t *x, const list_pair_t *y, int desc) {
  if (x->key != y->key) return desc ? x->key > y->key : x->key < y->key;
  return desc ? x->id > y->id : x->id < y->id;
}

/* Merges the arms all->v[start[a] .. start[a + 1]), each in sort order,
 * into out, up to p->want pairs. */
static void list_merge(const list_pairs_t *all, const size_t *start, int narm,
                       const list_plan_t *p, list_pairs_t *out) {
  size_t at[5];
  for (int a = 0; a < narm; a++) at[a] = start[a];
  while (out->n < (size_t)p->want) {
    int best = -1;
    for (int a = 0; a < narm; a++) {
      if (at[a] == start[a + 1]) continue;
      if (best < 0 || list_before(&all->v[at[a]], &all->v[at[best]], p->desc)) best = a;
    }
    if (best < 0) break;
    list_pairs_add(out, all->v[at[best]].key, all->v[at[best]].id);
    at[best]++;
  }
}

/* A search over the facets (facets.c): one statement reads the matches
 * from FTS5, keeps those that pass the filters and ranks them (BM25 by the
 * facets' lengths) or sorts them by the facets' key; nothing is read from
 * the tables. */
static int list_facets_search(store_t *s, const store_query_t *q, const list_plan_t *p,
                              store_facet_query_t *fq, list_pairs_t *out) {
  list_sql_t l = {.n = 0};
  int filtered = list_filtered(q);
  util_buf_init(&l.sql, 512);
  if (p->sort == STORE_SORT_RANK) {
    util_buf_puts(&l.sql, "SELECT rowid, 0 FROM tickets_fts WHERE tickets_fts MATCH ?");
    list_text(&l, q->q);
    if (filtered) {
      util_buf_puts(&l.sql, " AND relais_keep(rowid, ?)");
      list_facets(&l, fq);
    }
    util_buf_puts(&l.sql, " ORDER BY relais_rank(tickets_fts, ?, 4.0, 1.0, 2.0), rowid"
                          " LIMIT ? OFFSET ?");
    list_facets(&l, fq);
    list_int(&l, p->want);
    list_int(&l, p->ckey);
  } else {
    const char *dir = p->desc ? "DESC" : "ASC", *gt = p->desc ? "<" : ">";
    util_buf_puts(&l.sql, "SELECT rowid, relais_key(rowid, ?) AS k FROM tickets_fts"
                          " WHERE tickets_fts MATCH ? AND relais_keep(rowid, ?)");
    list_facets(&l, fq);
    list_text(&l, q->q);
    list_facets(&l, fq);
    if (p->has_cursor) {
      util_buf_printf(&l.sql, " AND (k %s ? OR (k = ? AND rowid %s ?))", gt, gt);
      list_int(&l, p->ckey);
      list_int(&l, p->ckey);
      list_int(&l, p->cid);
    }
    util_buf_printf(&l.sql, " ORDER BY k %s, rowid %s LIMIT ?", dir, dir);
    list_int(&l, p->want);
  }
  int rc = list_collect(s, &l, 1, 0, out);
  util_buf_free(&l.sql);
  return rc;
}

/* The arms of q's statuses (one arm for none or one), merged into out;
 * 1 when one gave up (scan: see list_arm). */
static int list_arms(store_t *s, const store_query_t *q, const list_plan_t *p, int scan,
                     list_pairs_t *out) {
  if (q->nstatus <= 1) return list_arm(s, q, q->nstatus ? q->status[0] : NULL, p, scan, out);
  list_pairs_t all = {0};
  size_t start[6];
  int narm = 0, rc = 0;
  for (size_t i = 0; i < q->nstatus && i < 5 && !rc; i++) {
    int dup = 0; /* "open,open" is one arm */
    for (size_t j = 0; j < i; j++) dup |= strcmp(q->status[i], q->status[j]) == 0;
    if (dup) continue;
    start[narm++] = all.n;
    rc = list_arm(s, q, q->status[i], p, scan, &all);
  }
  start[narm] = all.n;
  if (!rc) list_merge(&all, start, narm, p, out);
  free(all.v);
  return rc;
}

/* The page's pairs from one pass over the facets (store_facets_top). */
static void list_scan(const store_facet_query_t *fq, const list_plan_t *p, list_pairs_t *out) {
  store_facet_pair_t after = {p->ckey, p->cid};
  out->cap = (size_t)p->want;
  out->v = util_xrealloc(out->v, out->cap * sizeof *out->v);
  out->n = store_facets_top(fq, p->has_cursor ? &after : NULL, p->desc, out->cap, out->v);
}

/* Sorted (not ranked) lists. Without q, the arms walk their indexes; when
 * one gives up (the matches are few or far down the order), one pass over
 * the facets in memory finds the page, or the arms drive from a filter's
 * index when the facets cannot serve this snapshot. A search sorted by a
 * field reads every match, as SQLite has no index in both. */
static int list_sorted(store_t *s, const store_query_t *q, const list_plan_t *p,
                       list_pairs_t *out) {
  if (!q->q) {
    int rc = list_arms(s, q, p, 1, out);
    if (rc != 1) return rc;
    out->n = 0;
    store_facet_query_t *fq = store_facets_begin(s, q);
    if (!fq) return list_arms(s, q, p, 0, out);
    list_scan(fq, p, out);
    store_facets_end(fq);
    return 0;
  }
  list_sql_t l = {.n = 0};
  util_buf_init(&l.sql, 8192);
  list_walk_sql(&l, q, NULL, p, NULL, ~0u, 1);
  int rc = list_collect(s, &l, 1, 0, out);
  util_buf_free(&l.sql);
  return rc;
}

/* Ranked search: the best matches by BM25 (title 4, resolution 2,
 * description 1), then id, that pass the filters; out gets the ids from
 * the offset on. FTS5 alone ranks and keeps the best k; the filters look
 * at those in tickets_cover. When too few passed, every match that passes
 * is ranked (see list_ranked). */
static void list_ranked_sql(list_sql_t *l, const store_query_t *q, const list_plan_t *p,
                            int filtered, int64_t k, int set) {
  util_buf_reset(&l->sql);
  l->n = 0;
  if (k < 0 && set >= 0) {
    /* the tickets that pass, read from the index of filter set as one set
     * that each match is looked up in (the + keeps FTS5 from taking the
     * ids one by one); BM25 then scores only those that pass */
    util_buf_printf(&l->sql, "SELECT rowid, 0 FROM tickets_fts WHERE tickets_fts MATCH ?"
                             " AND +rowid IN (SELECT t.id FROM tickets t INDEXED BY %s WHERE 1",
                    filter_index[set]);
    list_text(l, q->q);
    list_filters(l, q, NULL, ~0u);
    util_buf_puts(&l->sql, ") ORDER BY bm25(tickets_fts, 4.0, 1.0, 2.0), rowid LIMIT ? OFFSET ?");
  } else if (k < 0) {
    util_buf_puts(&l->sql, "SELECT t.id, 0 FROM tickets_fts JOIN tickets t INDEXED BY"
                           " tickets_cover ON t.id = tickets_fts.rowid WHERE tickets_fts MATCH ?");
    list_text(l, q->q);
    list_filters(l, q, NULL, ~0u);
    util_buf_puts(&l->sql, " ORDER BY bm25(tickets_fts, 4.0, 1.0, 2.0), t.id LIMIT ? OFFSET ?");
  } else {
    util_buf_puts(&l->sql, "SELECT f.id, 0 FROM (SELECT rowid AS id,"
                           " bm25(tickets_fts, 4.0, 1.0, 2.0) AS r FROM tickets_fts"
                           " WHERE tickets_fts MATCH ? ORDER BY r, rowid LIMIT ?) f");
    list_text(l, q->q);
    list_int(l, k);
    if (filtered) {
      util_buf_puts(&l->sql, " JOIN tickets t INDEXED BY tickets_cover ON t.id = f.id WHERE 1");
      list_filters(l, q, NULL, ~0u);
    }
    util_buf_puts(&l->sql, " ORDER BY f.r, f.id LIMIT ? OFFSET ?");
  }
  list_int(l, p->want);
  list_int(l, p->ckey);
}

/* The number of q's matches, filters aside. */
static int list_matches(store_t *s, const store_query_t *q, int64_t *n) {
  list_sql_t l = {.n = 0};
  util_buf_init(&l.sql, 128);
  util_buf_puts(&l.sql, "SELECT 0, count(*) FROM tickets_fts WHERE tickets_fts MATCH ?");
  list_text(&l, q->q);
  return list_number(s, &l, 1, 0, n);
}

static int list_ranked(store_t *s, const store_query_t *q, const list_plan_t *p,
                       list_pairs_t *out) {
  int filtered = list_filtered(q);
  int64_t need = p->ckey + p->want;
  list_sql_t l = {.n = 0};
  util_buf_init(&l.sql, 8192);
  list_ranked_sql(&l, q, p, filtered, filtered ? need * LIST_RANK_SPARE : need, -1);
  int rc = list_collect(s, &l, 1, 0, out);
  if (!rc && filtered && out->n < (size_t)p->want) {
    /* too few of the best passed the filters: rank every match that
     * passes, checking the matches one by one in tickets_cover (about
     * 1.8 us each at a million tickets) or, when the most selective
     * filter keeps fewer tickets than there are matches, against the set
     * of those tickets (building it costs about 0.5 us a ticket, checking
     * a match 0.3): a rare word with a broad filter never builds a set
     * of most of the desk */
    int64_t m = 0, least;
    int set = -1;
    rc = list_matches(s, q, &m);
    if (!rc) rc = list_driver(s, q, NULL, m + 1, &set, &least);
    if (!rc && least > m) set = -1;
    out->n = 0;
    if (!rc) list_ranked_sql(&l, q, p, filtered, -1, set);
    if (!rc) rc = list_collect(s, &l, 1, 0, out);
  }
  util_buf_free(&l.sql);
  return rc;
}

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

/* The rows of the first pairs (all but the extra one), and the cursor of
 * the next page when the extra one came. */
static int list_fetch(store_t *s, const list_plan_t *p, const list_pairs_t *pairs,
                      store_page_t *out) {
  size_t n = pairs->n < (size_t)p->want ? pairs->n : (size_t)p->want - 1;
  out->items = n ? util_xcalloc(n, sizeof *out->items) : NULL;
  for (size_t i = 0; i < n; i++) {
    int rc = store_ticket_get(s, pairs->v[i].id, &out->items[out->n]);
    if (rc == UTIL_E_NOTFOUND) continue; /* cannot happen in one read transaction */
    if (rc) return rc;
    out->n++;
  }
  if (pairs->n < (size_t)p->want || !n) return 0;
  const list_pair_t *last = &pairs->v[n - 1];
  if (p->sort == STORE_SORT_RANK)
    snprintf(out->next_cursor, sizeof out->next_cursor, "r%" PRId64, p->ckey + (int64_t)n);
  else
    snprintf(out->next_cursor, sizeof out->next_cursor, "%c%" PRId64 ".%" PRId64,
             sort_keys[p->sort].tag, last->key, last->id);
  return 0;
}

const char *store_list_error(const store_t *s) { return s->list_error; }

void store_list_cursor_at(store_sort_t sort, int64_t key, char *out) {
  /* right after (key - 1, the largest id): the first pair whose key is key */
  snprintf(out, 64, "%c%" PRId64 ".%" PRId64, sort_keys[sort].tag, key - 1, INT64_MAX);
}

/* q as the list runs it, in *nq (borrowing q's strings): a filter on the
 * tickets past due keeps only the statuses whose clocks run (new, open) of
 * q's (all of them when q has none), and compares with the time now when
 * q says none. Returns 1 when no ticket can pass (q's statuses are others). */
static int list_normalize(const store_query_t *q, store_query_t *nq) {
  static const char *const running[] = {"new", "open"};
  *nq = *q;
  if (q->sla == STORE_SLA_ANY) return 0;
  if (!nq->now) nq->now = util_now();
  nq->nstatus = 0;
  for (int r = 0; r < 2; r++) {
    int want = !q->nstatus;
    for (size_t i = 0; i < q->nstatus && i < 5; i++) want |= strcmp(q->status[i], running[r]) == 0;
    if (want) nq->status[nq->nstatus++] = running[r];
  }
  return nq->nstatus == 0;
}

int store_ticket_list(store_t *s, const store_query_t *query, store_page_t *out) {
  memset(out, 0, sizeof *out);
  s->list_error[0] = '\0';
  if (query->q && store_search_check(query->q, s->list_error, sizeof s->list_error))
    return UTIL_E_BADQUERY;
  store_query_t norm, *q = &norm;
  if (list_normalize(query, &norm)) return 0;
  list_pairs_t pairs = {0};
  int limit = q->limit < 1 ? 50 : q->limit > 1000 ? 1000 : q->limit, rc, own = 0;
  list_plan_t p = {.sort = q->sort, .desc = q->desc, .want = limit + 1};
  if (p.sort == STORE_SORT_RANK && !q->q) p.sort = STORE_SORT_CREATED;
  if (q->cursor && q->cursor[0]) {
    rc = list_parse_cursor(q->cursor, p.sort, &p.ckey, &p.cid);
    if (rc) {
      snprintf(s->list_error, sizeof s->list_error, "the cursor does not belong to this query");
      return rc;
    }
    p.has_cursor = 1;
  }
  /* the pairs and the rows come from one snapshot */
  rc = store_read_begin(s, &own);
  if (rc) return rc;
  store_facet_query_t *fq = q->q ? store_facets_begin(s, q) : NULL;
  if (fq) rc = list_facets_search(s, q, &p, fq, &pairs);
  else if (p.sort == STORE_SORT_RANK) rc = list_ranked(s, q, &p, &pairs);
  else rc = list_sorted(s, q, &p, &pairs);
  store_facets_end(fq);
  if (rc == UTIL_E_BADQUERY && !s->list_error[0])
    snprintf(s->list_error, sizeof s->list_error,
             "the search query is not valid full-text syntax (quote words that contain punctuation)");
  if (!rc) rc = list_fetch(s, &p, &pairs, out);
  store_read_end(s, own);
  free(pairs.v);
  if (rc) store_page_clear(out);
  return rc;
}

/* ---- Counts ---------------------------------------------------------------
 * A view's counter: how many tickets pass its filters, up to a cap. The
 * desk's usual views are about tickets not yet resolved, a person's or a
 * group's: those count in tickets_live (every filtered column of the live
 * tickets, person and group first), the awaiting ones in
 * tickets_awaiting, the tickets past due in the (status, due time) index
 * (ranges that stop at now). Any other view counts from the index of its
 * filter most likely to be narrow (the order list_driver breaks ties
 * with) within COUNT_BUDGET, and when that range turns out too long, in
 * one pass over the facets instead (a few ms at a million tickets). */
#define COUNT_BUDGET 40 /* progress callbacks of 1000 VM steps: about 5 ms */

/* The index a count reads, and the term its partial index needs. */
static const char *count_index(const store_query_t *q, const char **where) {
  static const int order[] = {LF_AWAIT, LF_REQUESTER, LF_ASSIGNEE, LF_CATEGORY, LF_GROUP, LF_MINE,
                              LF_PRIORITY, LF_CREATED, LF_SLA, LF_STATUS};
  int live = q->nstatus > 0;
  for (size_t i = 0; i < q->nstatus && i < 5; i++)
    live &= strcmp(q->status[i], "new") == 0 || strcmp(q->status[i], "open") == 0 ||
            strcmp(q->status[i], "pending") == 0;
  int person = q->assignee_id || q->group_id || q->groups_of;
  *where = "";
  if (q->awaiting) return "tickets_awaiting";
  if (live && (person || !q->sla)) {
    *where = " AND t.status IN ('new', 'open', 'pending')"; /* the index's own words */
    return "tickets_live";
  }
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
    if (list_has(q, NULL, order[i])) return filter_index[order[i]];
  return "tickets_status"; /* no filter: the smallest index of every ticket */
}

/* Runs l (SELECT 0, count) within budget (0: none); *n gets the count.
 * 1 when the budget ran out. */
static int count_run(store_t *s, list_sql_t *l, int search, int budget, int64_t *n) {
  list_pairs_t one = {0};
  int rc = list_collect(s, l, search, budget, &one);
  *n = !rc && one.n ? one.v[0].key : 0;
  free(one.v);
  return rc;
}

/* A search's count: its matches that pass the filters, from the facets
 * (relais_keep) or looked up in tickets_cover. */
static int count_search(store_t *s, const store_query_t *q, int64_t limit, int64_t *n) {
  list_sql_t l = {.n = 0};
  util_buf_init(&l.sql, 2048);
  store_facet_query_t *fq = store_facets_begin(s, q);
  if (fq) {
    util_buf_puts(&l.sql, "SELECT 0, count(*) FROM (SELECT rowid FROM tickets_fts"
                          " WHERE tickets_fts MATCH ? AND relais_keep(rowid, ?) LIMIT ?)");
    list_text(&l, q->q);
    list_facets(&l, fq);
  } else {
    util_buf_puts(&l.sql, "SELECT 0, count(*) FROM (SELECT 1 FROM tickets_fts JOIN tickets t"
                          " INDEXED BY tickets_cover ON t.id = tickets_fts.rowid"
                          " WHERE tickets_fts MATCH ?");
    list_text(&l, q->q);
    list_filters(&l, q, NULL, ~0u);
    util_buf_puts(&l.sql, " LIMIT ?)");
  }
  list_int(&l, limit);
  int rc = count_run(s, &l, 1, 0, n);
  store_facets_end(fq);
  util_buf_free(&l.sql);
  return rc;
}

static int count_indexed(store_t *s, const store_query_t *q, int64_t limit, int64_t *n) {
  const char *where, *idx = count_index(q, &where);
  list_sql_t l = {.n = 0};
  util_buf_init(&l.sql, 2048);
  util_buf_printf(&l.sql, "SELECT 0, count(*) FROM (SELECT 1 FROM tickets t INDEXED BY %s"
                          " WHERE 1%s", idx, where);
  list_filters(&l, q, NULL, ~0u);
  util_buf_puts(&l.sql, " LIMIT ?)");
  list_int(&l, limit);
  int rc = count_run(s, &l, 0, COUNT_BUDGET, n);
  if (rc == 1) { /* a long range: the facets, or the range without a budget */
    store_facet_query_t *fq = store_facets_begin(s, q);
    if (fq) *n = (int64_t)store_facets_count(fq, (size_t)limit);
    store_facets_end(fq);
    rc = fq ? 0 : count_run(s, &l, 0, 0, n);
  }
  util_buf_free(&l.sql);
  return rc;
}

int store_ticket_count(store_t *s, const store_query_t *query, int64_t cap, int64_t *n) {
  store_query_t q;
  *n = 0;
  s->list_error[0] = '\0';
  if (cap < 0 || cap >= INT64_MAX) return UTIL_E_INVALID;
  if (query->q && store_search_check(query->q, s->list_error, sizeof s->list_error))
    return UTIL_E_BADQUERY;
  if (list_normalize(query, &q)) return 0;
  int own, rc = store_read_begin(s, &own);
  if (rc) return rc;
  rc = q.q ? count_search(s, &q, cap + 1, n) : count_indexed(s, &q, cap + 1, n);
  if (rc == UTIL_E_BADQUERY && !s->list_error[0])
    snprintf(s->list_error, sizeof s->list_error,
             "the search query is not valid full-text syntax (quote words that contain punctuation)");
  store_read_end(s, own);
  return rc;
}

void store_search_facets(store_t *s, int on) { s->use_facets = on; }

void store_page_clear(store_page_t *p) {
  for (size_t i = 0; i < p->n; i++) store_ticket_clear(&p->items[i]);
  free(p->items);
  memset(p, 0, sizeof *p);
}
