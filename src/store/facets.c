/* Ticket facets: what a search needs of every ticket, held in memory.
 *
 * A common word matches a tenth of the desk; at a million tickets that is
 * 100,000 matches to rank and filter. Reading each one's length (for BM25)
 * and filtered columns from SQLite costs 0.5 to 1.8 us a match, 50 to 180
 * ms a search. Here each ticket's length in tokens, its filtered columns
 * and its sort keys sit in arrays indexed by id (45 bytes a ticket), so
 * a search reads its matches from FTS5 and nothing else.
 *
 * The facets are exact, never a cache that may be stale: every write to
 * tickets logs the ticket's id in ticket_changes (migration 8, by trigger,
 * so writes from other connections and processes count). A search reads
 * how far the log has gone inside its own read transaction; the facets
 * serve it only when they hold exactly that state. Facets behind it are
 * brought forward first (the tickets the log names are read again); facets
 * ahead of it (another thread applied a write this snapshot predates) do
 * not serve, and the search takes the SQL path.
 *
 * One set of facets per database file per process, shared by its
 * connections: read under a shared lock for a whole search, brought
 * forward under the exclusive one. */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

#define FACETS_STATUSES 255
#define FACETS_REPLAY_MAX 20000 /* log entries replayed; more: read everything again */
#define FACETS_SLACK 1048576    /* ids beyond 4x the tickets allowed before giving up */
#define FACETS_GROUPS 64        /* a user's groups a query takes; more: the SQL path */

/* One array per column (the filters a search uses touch only theirs: a
 * status filter reads 1 byte a match, where a row would bring in 48), all
 * indexed by ticket id. */
typedef struct {
  int64_t *created_at, *updated_at, *due;        /* due: IFNULL(sla_due_at, INT64_MAX) */
  uint32_t *group_id, *assignee_id, *requester_id; /* 0: none */
  uint32_t *category;                            /* 0: none; else dictionary id */
  uint16_t *len;                                 /* tokens; FACETS_LEN_UNKNOWN: ask FTS5 */
  uint8_t *status;                               /* dictionary id; 0: no ticket */
  uint8_t *priority;                             /* IFNULL(priority, 5) */
  uint8_t *awaiting;                             /* 1: awaiting_since is set */
} facet_cols_t;

#define FACETS_COLUMNS(X)                                                               \
  X(created_at) X(updated_at) X(due) X(group_id) X(assignee_id) X(requester_id)         \
  X(category) X(len) X(status) X(priority) X(awaiting)

typedef struct {
  char **s;       /* owned strings, index = id - 1 */
  uint32_t n;
  uint32_t *slot; /* open addressing: id, 0 for empty; size nslot (a power of 2) */
  uint32_t nslot;
} facets_dict_t;

struct store_facets {
  pthread_rwlock_t lock;
  char *path; /* registry key; NULL: private (an in-memory database) */
  int refs;
  struct store_facets *next;
  int built, usable; /* usable: every ticket fits (ids, statuses, lengths) */
  int64_t base;      /* the log's sequence number the facets reflect */
  int64_t tickets;   /* how many they hold: bounds the ids they take */
  facet_cols_t c;
  size_t cap;        /* the arrays' length */
  facets_dict_t status, category;
};

struct store_facet_query {
  store_facets_t *f;
  uint8_t status_ok[FACETS_STATUSES + 1]; /* by dictionary id; all 1 without a filter */
  int none;                               /* a filter value no ticket has */
  uint32_t category, group_id, requester_id;
  int64_t assignee_id; /* 0: any; -1: none; else the id */
  int priority;
  int64_t created_from, created_to;
  uint32_t groups[FACETS_GROUPS]; /* groups_of's groups, ascending */
  int ngroups, by_groups;         /* by_groups: only tickets of those groups */
  int sla;                        /* 1: only a due time before due_before */
  int64_t due_before;
  int awaiting;                   /* 1: only tickets awaiting the desk */
  store_sort_t sort;
};

static pthread_mutex_t facets_mu = PTHREAD_MUTEX_INITIALIZER;
static store_facets_t *facets_all;

/* ---- Dictionary of strings ---------------------------------------------- */

static uint32_t dict_hash(const char *s) {
  uint32_t h = 2166136261u; /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

/* The id of s (1-based), 0 when absent; with add, adds it (0 when out of
 * memory). */
static uint32_t dict_find(facets_dict_t *d, const char *s, int add) {
  if (d->nslot) {
    for (uint32_t i = dict_hash(s) & (d->nslot - 1);; i = (i + 1) & (d->nslot - 1)) {
      uint32_t id = d->slot[i];
      if (!id) break;
      if (strcmp(d->s[id - 1], s) == 0) return id;
    }
  }
  if (!add) return 0;
  if ((d->n + 1) * 2 > d->nslot) {
    uint32_t nslot = d->nslot ? d->nslot * 2 : 64;
    uint32_t *slot = calloc(nslot, sizeof *slot);
    char **strs = realloc(d->s, nslot / 2 * sizeof *strs);
    if (!slot || !strs) {
      free(slot);
      if (strs) d->s = strs;
      return 0;
    }
    d->s = strs;
    for (uint32_t id = 1; id <= d->n; id++) {
      uint32_t i = dict_hash(d->s[id - 1]) & (nslot - 1);
      while (slot[i]) i = (i + 1) & (nslot - 1);
      slot[i] = id;
    }
    free(d->slot);
    d->slot = slot;
    d->nslot = nslot;
  }
  char *copy = strdup(s);
  if (!copy) return 0;
  d->s[d->n++] = copy;
  uint32_t i = dict_hash(s) & (d->nslot - 1);
  while (d->slot[i]) i = (i + 1) & (d->nslot - 1);
  d->slot[i] = d->n;
  return d->n;
}

static void dict_free(facets_dict_t *d) {
  for (uint32_t i = 0; i < d->n; i++) free(d->s[i]);
  free(d->s);
  free(d->slot);
  memset(d, 0, sizeof *d);
}

/* ---- Registry ----------------------------------------------------------- */

int store_facets_attach(store_t *s, const char *path) {
  char *key = NULL;
  if (path && *path && strcmp(path, ":memory:") != 0 && strncmp(path, "file:", 5) != 0) {
    key = realpath(path, NULL);
    if (!key) return UTIL_E_IO;
  }
  pthread_mutex_lock(&facets_mu);
  store_facets_t *f = NULL;
  for (f = key ? facets_all : NULL; f; f = f->next)
    if (strcmp(f->path, key) == 0) break;
  if (f) {
    f->refs++;
    free(key);
  } else {
    f = util_xcalloc(1, sizeof *f);
    pthread_rwlock_init(&f->lock, NULL);
    f->path = key;
    f->refs = 1;
    if (key) {
      f->next = facets_all;
      facets_all = f;
    }
  }
  pthread_mutex_unlock(&facets_mu);
  s->facets = f;
  return 0;
}

static void facets_clear(store_facets_t *f) {
#define FACETS_FREE_(col) free(f->c.col);
  FACETS_COLUMNS(FACETS_FREE_)
#undef FACETS_FREE_
  memset(&f->c, 0, sizeof f->c);
  f->cap = 0;
  f->tickets = 0;
  dict_free(&f->status);
  dict_free(&f->category);
  f->built = f->usable = 0;
}

void store_facets_detach(store_t *s) {
  store_facets_t *f = s->facets;
  if (!f) return;
  s->facets = NULL;
  pthread_mutex_lock(&facets_mu);
  int last = --f->refs == 0;
  if (last && f->path) {
    store_facets_t **pp = &facets_all;
    while (*pp != f) pp = &(*pp)->next;
    *pp = f->next;
  }
  pthread_mutex_unlock(&facets_mu);
  if (!last) return;
  facets_clear(f);
  pthread_rwlock_destroy(&f->lock);
  free(f->path);
  free(f);
}

/* ---- Reading tickets into facets ----------------------------------------- */

/* How far the log has gone in this transaction's snapshot. */
static int facets_seq(store_t *s, int64_t *seq) {
  static const char sql[] = "SELECT seq FROM sqlite_sequence WHERE name = 'ticket_changes'";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return UTIL_E_DB;
  int r = sqlite3_step(st);
  *seq = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : store_rc(s, r);
}

/* Makes room for id; 0, or -1 when id is beyond what the facets take:
 * the arrays never grow past four times the tickets they hold (and the
 * slack), whatever ids a database has. */
static int facets_room(store_facets_t *f, int64_t id) {
  if (id < 0 || id > UINT32_MAX || id > 4 * f->tickets + FACETS_SLACK) return -1;
  if ((size_t)id < f->cap) return 0;
  size_t cap = f->cap ? f->cap : 1024;
  while (cap <= (size_t)id) cap *= 2;
  /* each column grows on its own: one failing leaves the others longer,
   * never shorter, than cap */
#define FACETS_GROW_(col)                                                              \
  {                                                                                    \
    void *p = realloc(f->c.col, cap * sizeof *f->c.col);                               \
    if (!p) return -1;                                                                 \
    f->c.col = p;                                                                      \
    memset(f->c.col + f->cap, 0, (cap - f->cap) * sizeof *f->c.col);                   \
  }
  FACETS_COLUMNS(FACETS_GROW_)
#undef FACETS_GROW_
  f->cap = cap;
  return 0;
}

static int facets_id32(sqlite3_stmt *st, int col, uint32_t *out) {
  int64_t v = sqlite3_column_type(st, col) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, col);
  if (v < 0 || v > UINT32_MAX) return -1;
  *out = (uint32_t)v;
  return 0;
}

/* Fills the facet of the row st holds: id, status, priority, category,
 * group, assignee, requester, created, updated, due, awaiting (the
 * columns of FACETS_COLS). -1 when a value does not fit. */
#define FACETS_COLS                                                                      \
  "id, status, IFNULL(priority, 5), category, group_id, assignee_id, requester_id,"     \
  " created_at, updated_at, IFNULL(sla_due_at, 9223372036854775807),"                   \
  " awaiting_since IS NOT NULL"
static int facets_row(store_facets_t *f, sqlite3_stmt *st) {
  int64_t id = sqlite3_column_int64(st, 0);
  if (facets_room(f, id)) return -1;
  facet_cols_t *c = &f->c;
  if (!c->status[id]) c->len[id] = FACETS_LEN_UNKNOWN;
  const char *status = (const char *)sqlite3_column_text(st, 1);
  uint32_t sid = dict_find(&f->status, status ? status : "", 1);
  if (!sid || sid > FACETS_STATUSES) return -1;
  c->status[id] = (uint8_t)sid;
  int64_t prio = sqlite3_column_int64(st, 2);
  if (prio < 0 || prio > 255) return -1;
  c->priority[id] = (uint8_t)prio;
  c->category[id] = 0;
  if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
    c->category[id] = dict_find(&f->category, (const char *)sqlite3_column_text(st, 3), 1);
    if (!c->category[id]) return -1;
  }
  if (facets_id32(st, 4, &c->group_id[id]) || facets_id32(st, 5, &c->assignee_id[id]) ||
      facets_id32(st, 6, &c->requester_id[id]))
    return -1;
  c->created_at[id] = sqlite3_column_int64(st, 7);
  c->updated_at[id] = sqlite3_column_int64(st, 8);
  c->due[id] = sqlite3_column_int64(st, 9);
  c->awaiting[id] = (uint8_t)(sqlite3_column_int(st, 10) != 0);
  return 0;
}

/* A row's length from its docsize blob: one varint per column, summed. */
static uint16_t facets_len(const unsigned char *p, int n) {
  int64_t total = 0;
  for (int i = 0; i < n;) {
    uint64_t v = 0;
    int k = 0;
    while (i < n && k < 9) {
      unsigned char c = p[i++];
      k++;
      if (k == 9) {
        v = (v << 8) | c;
        break;
      }
      v = (v << 7) | (c & 0x7f);
      if (!(c & 0x80)) break;
    }
    total += (int64_t)(v > INT32_MAX ? INT32_MAX : v);
  }
  return total >= FACETS_LEN_UNKNOWN ? FACETS_LEN_UNKNOWN : (uint16_t)total;
}

static int facets_len_row(store_facets_t *f, sqlite3_stmt *st) {
  int64_t id = sqlite3_column_int64(st, 0);
  if (id < 0 || (size_t)id >= f->cap || !f->c.status[id]) return 0; /* no ticket */
  f->c.len[id] = facets_len(sqlite3_column_blob(st, 1), sqlite3_column_bytes(st, 1));
  return 0;
}

/* Reads every ticket: two scans in id order, about 0.3 s at a million. */
static int facets_build(store_t *s, store_facets_t *f) {
  facets_clear(f);
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(s->db, "SELECT count(*) FROM tickets", -1, &st, NULL);
  if (!rc && sqlite3_step(st) == SQLITE_ROW) f->tickets = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  if (rc) return store_rc(s, rc);
  rc = sqlite3_prepare_v2(s->db, "SELECT " FACETS_COLS " FROM tickets INDEXED BY tickets_cover",
                          -1, &st, NULL);
  int r, fits = 1;
  while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW && fits) fits = !facets_row(f, st);
  if (!rc && fits && r != SQLITE_DONE) rc = r;
  sqlite3_finalize(st);
  if (!rc && fits) {
    rc = sqlite3_prepare_v2(s->db, "SELECT id, sz FROM tickets_fts_docsize", -1, &st, NULL);
    while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) facets_len_row(f, st);
    if (!rc && r != SQLITE_DONE) rc = r;
    sqlite3_finalize(st);
  }
  if (rc) {
    facets_clear(f);
    return store_rc(s, rc);
  }
  f->built = 1;
  f->usable = fits;
  return 0;
}

/* Reads again one ticket the log names (gone: its facet is cleared). */
static int facets_reread(store_t *s, store_facets_t *f, int64_t id) {
  static const char row_sql[] = "SELECT " FACETS_COLS " FROM tickets WHERE id = ?";
  static const char len_sql[] = "SELECT id, sz FROM tickets_fts_docsize WHERE id = ?";
  sqlite3_stmt *st = store_stmt(s, row_sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  int r = sqlite3_step(st), rc = 0, held = id >= 0 && (size_t)id < f->cap && f->c.status[id];
  if (r == SQLITE_ROW) {
    f->tickets += !held;
    if (facets_row(f, st)) f->usable = 0;
  } else if (held) {
    f->tickets--;
    f->c.status[id] = 0; /* the other columns are never read without it */
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  if (rc || r != SQLITE_ROW || !f->usable) return rc;
  st = store_stmt(s, len_sql);
  if (!st) return UTIL_E_DB;
  sqlite3_bind_int64(st, 1, id);
  f->c.len[id] = FACETS_LEN_UNKNOWN;
  r = sqlite3_step(st);
  if (r == SQLITE_ROW) facets_len_row(f, st);
  else if (r != SQLITE_DONE) rc = store_rc(s, r);
  sqlite3_reset(st);
  return rc;
}

/* Brings the facets to seq, the snapshot's state: replays the log when it
 * still holds every entry since base, reads everything again otherwise. */
static int facets_forward(store_t *s, store_facets_t *f, int64_t seq) {
  static const char lo_sql[] = "SELECT min(seq) FROM ticket_changes";
  static const char ids_sql[] = "SELECT DISTINCT ticket_id FROM ticket_changes WHERE seq > ?";
  int rc = 0;
  int64_t lo = 0;
  if (f->built) {
    sqlite3_stmt *st = store_stmt(s, lo_sql);
    if (!st) return UTIL_E_DB;
    if (sqlite3_step(st) == SQLITE_ROW) lo = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
  }
  if (!f->built || seq - f->base > FACETS_REPLAY_MAX || lo > f->base + 1) {
    rc = facets_build(s, f);
  } else {
    sqlite3_stmt *st = store_stmt(s, ids_sql);
    if (!st) return UTIL_E_DB;
    sqlite3_bind_int64(st, 1, f->base);
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
      if (n == cap) {
        cap = cap ? cap * 2 : 64;
        ids = util_xrealloc(ids, cap * sizeof *ids);
      }
      ids[n++] = sqlite3_column_int64(st, 0);
    }
    if (r != SQLITE_DONE) rc = store_rc(s, r);
    sqlite3_reset(st);
    for (size_t i = 0; i < n && !rc; i++) rc = facets_reread(s, f, ids[i]);
    free(ids);
    if (rc) facets_clear(f);
  }
  if (!rc) f->base = seq;
  return rc;
}

/* ---- Queries -------------------------------------------------------------- */

/* The groups of user into out (ascending); -1 when they are more than
 * FACETS_GROUPS or cannot be read: the query then takes the SQL path. */
static int facets_groups(store_t *s, int64_t user, uint32_t *out, int *n) {
  static const char sql[] = "SELECT group_id FROM group_members WHERE user_id = ? ORDER BY group_id";
  sqlite3_stmt *st = store_stmt(s, sql);
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, user);
  int r, rc = 0;
  *n = 0;
  while ((r = sqlite3_step(st)) == SQLITE_ROW && !rc) {
    int64_t g = sqlite3_column_int64(st, 0);
    if (*n == FACETS_GROUPS || g < 1 || g > UINT32_MAX) rc = -1;
    else out[(*n)++] = (uint32_t)g;
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = -1;
  sqlite3_reset(st);
  return rc;
}

/* Whether group g is one of the query's groups (a handful: a plain scan). */
static int facets_in_groups(const store_facet_query_t *fq, uint32_t g) {
  int in = 0;
  for (int i = 0; i < fq->ngroups; i++) in |= fq->groups[i] == g;
  return in;
}

/* Translates q's filters into facet terms; groups: q->groups_of's. */
static void facets_query_init(store_facet_query_t *fq, store_facets_t *f,
                              const store_query_t *q, const uint32_t *groups, int ngroups) {
  memset(fq, 0, sizeof *fq);
  fq->f = f;
  if (q->groups_of) {
    fq->by_groups = 1;
    fq->ngroups = ngroups;
    memcpy(fq->groups, groups, (size_t)ngroups * sizeof *groups);
    if (!ngroups) fq->none = 1;
  }
  fq->sla = q->sla != STORE_SLA_ANY;
  fq->due_before = q->now;
  fq->awaiting = q->awaiting;
  memset(fq->status_ok, q->nstatus ? 0 : 1, sizeof fq->status_ok);
  for (size_t i = 0; i < q->nstatus && i < 5; i++) {
    uint32_t id = dict_find(&f->status, q->status[i], 0);
    if (id) fq->status_ok[id] = 1;
  }
  fq->status_ok[0] = 0;
  if (q->category) {
    fq->category = dict_find(&f->category, q->category, 0);
    if (!fq->category) fq->none = 1;
  }
  if (q->group_id < 0 || q->group_id > UINT32_MAX || q->requester_id < 0 ||
      q->requester_id > UINT32_MAX || q->assignee_id < -1 || q->assignee_id > UINT32_MAX)
    fq->none = 1;
  fq->group_id = (uint32_t)(fq->none ? 0 : q->group_id);
  fq->requester_id = (uint32_t)(fq->none ? 0 : q->requester_id);
  fq->assignee_id = q->assignee_id;
  fq->priority = q->priority;
  fq->created_from = q->created_from;
  fq->created_to = q->created_to;
  fq->sort = q->sort;
}

store_facet_query_t *store_facets_begin(store_t *s, const store_query_t *q) {
  store_facets_t *f = s->facets;
  int64_t seq;
  uint32_t groups[FACETS_GROUPS];
  int ngroups = 0;
  if (!f || !s->use_facets || facets_seq(s, &seq)) return NULL;
  if (q->groups_of && facets_groups(s, q->groups_of, groups, &ngroups)) return NULL;
  pthread_rwlock_rdlock(&f->lock);
  if (!f->built || f->base != seq) {
    pthread_rwlock_unlock(&f->lock);
    pthread_rwlock_wrlock(&f->lock);
    if (!f->built || f->base < seq) facets_forward(s, f, seq);
    pthread_rwlock_unlock(&f->lock);
    pthread_rwlock_rdlock(&f->lock);
  }
  if (!f->built || !f->usable || f->base != seq) {
    pthread_rwlock_unlock(&f->lock);
    return NULL;
  }
  store_facet_query_t *fq = util_xcalloc(1, sizeof *fq);
  facets_query_init(fq, f, q, groups, ngroups);
  return fq; /* holds the shared lock until store_facets_end */
}

void store_facets_end(store_facet_query_t *fq) {
  if (!fq) return;
  pthread_rwlock_unlock(&fq->f->lock);
  free(fq);
}

/* Whether ticket id passes the query's filters, as list_filter() says. */
int store_facets_keep(const store_facet_query_t *fq, int64_t id) {
  const store_facets_t *f = fq->f;
  if (fq->none || id < 0 || (size_t)id >= f->cap) return 0;
  const facet_cols_t *c = &f->c;
  if (!fq->status_ok[c->status[id]]) return 0;
  if (fq->category && c->category[id] != fq->category) return 0;
  if (fq->group_id && c->group_id[id] != fq->group_id) return 0;
  if (fq->requester_id && c->requester_id[id] != fq->requester_id) return 0;
  if (fq->assignee_id == -1 && c->assignee_id[id]) return 0;
  if (fq->assignee_id > 0 && c->assignee_id[id] != (uint32_t)fq->assignee_id) return 0;
  if (fq->priority && c->priority[id] != fq->priority) return 0;
  if (fq->created_from && c->created_at[id] < fq->created_from) return 0;
  if (fq->created_to && c->created_at[id] >= fq->created_to) return 0;
  if (fq->by_groups && !facets_in_groups(fq, c->group_id[id])) return 0;
  if (fq->sla && c->due[id] >= fq->due_before) return 0;
  if (fq->awaiting && !c->awaiting[id]) return 0;
  return 1;
}

/* Ticket id's key for the query's sort (a kept ticket's). */
int64_t store_facets_key(const store_facet_query_t *fq, int64_t id) {
  const facet_cols_t *c = &fq->f->c;
  switch (fq->sort) {
  case STORE_SORT_UPDATED: return c->updated_at[id];
  case STORE_SORT_PRIORITY: return c->priority[id];
  case STORE_SORT_ID: return id;
  case STORE_SORT_DUE: return c->due[id];
  default: return c->created_at[id];
  }
}

/* A bounded heap of the best pairs seen: its root is the worst of them,
 * the one a better pair replaces. */
typedef struct {
  store_facet_pair_t *v;
  size_t n, max;
  int desc;
} facets_heap_t;

/* Whether x comes before y in the list's order. */
static int facets_before(const store_facet_pair_t *x, const store_facet_pair_t *y, int desc) {
  if (x->key != y->key) return desc ? x->key > y->key : x->key < y->key;
  return desc ? x->id > y->id : x->id < y->id;
}

static void facets_sift(facets_heap_t *h, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, w = i;
    if (l < h->n && facets_before(&h->v[w], &h->v[l], h->desc)) w = l;
    if (r < h->n && facets_before(&h->v[w], &h->v[r], h->desc)) w = r;
    if (w == i) return;
    store_facet_pair_t t = h->v[i];
    h->v[i] = h->v[w];
    h->v[w] = t;
    i = w;
  }
}

static void facets_offer(facets_heap_t *h, store_facet_pair_t x) {
  if (h->n < h->max) {
    size_t i = h->n++;
    for (; i && facets_before(&h->v[(i - 1) / 2], &x, h->desc); i = (i - 1) / 2)
      h->v[i] = h->v[(i - 1) / 2];
    h->v[i] = x;
  } else if (h->max && facets_before(&x, &h->v[0], h->desc)) {
    h->v[0] = x;
    facets_sift(h, 0);
  }
}

#define FACETS_BLOCK 4096

/* m[i] for the tickets from..from + n: whether ticket from + i passes the
 * filters, as store_facets_keep says. One filter at a time over the
 * block, without branches, so that each loop reads one column in order. */
static void facets_block(const store_facet_query_t *fq, size_t from, size_t n, uint8_t *m) {
  const facet_cols_t *c = &fq->f->c;
  for (size_t i = 0; i < n; i++) m[i] = fq->status_ok[c->status[from + i]];
#define FACETS_TEST_(on, test)                                                           if (on)                                                                                  for (size_t i = 0; i < n; i++) m[i] &= (test);
  FACETS_TEST_(fq->category, c->category[from + i] == fq->category)
  FACETS_TEST_(fq->group_id, c->group_id[from + i] == fq->group_id)
  FACETS_TEST_(fq->requester_id, c->requester_id[from + i] == fq->requester_id)
  FACETS_TEST_(fq->assignee_id == -1, c->assignee_id[from + i] == 0)
  FACETS_TEST_(fq->assignee_id > 0, c->assignee_id[from + i] == (uint32_t)fq->assignee_id)
  FACETS_TEST_(fq->priority, c->priority[from + i] == fq->priority)
  FACETS_TEST_(fq->created_from, c->created_at[from + i] >= fq->created_from)
  FACETS_TEST_(fq->created_to, c->created_at[from + i] < fq->created_to)
  FACETS_TEST_(fq->by_groups, facets_in_groups(fq, c->group_id[from + i]))
  FACETS_TEST_(fq->sla, c->due[from + i] < fq->due_before)
  FACETS_TEST_(fq->awaiting, c->awaiting[from + i])
#undef FACETS_TEST_
}

size_t store_facets_top(const store_facet_query_t *fq, const store_facet_pair_t *after,
                        int desc, size_t max, store_facet_pair_t *out) {
  const store_facets_t *f = fq->f;
  facets_heap_t h = {.v = out, .max = max, .desc = desc};
  uint8_t m[FACETS_BLOCK];
  for (size_t from = 1; from < f->cap && !fq->none; from += FACETS_BLOCK) {
    size_t n = f->cap - from < FACETS_BLOCK ? f->cap - from : FACETS_BLOCK;
    facets_block(fq, from, n, m);
    for (size_t i = 0; i < n; i++) {
      if (!m[i]) continue;
      store_facet_pair_t x = {store_facets_key(fq, (int64_t)(from + i)), (int64_t)(from + i)};
      if (!after || facets_before(after, &x, desc)) facets_offer(&h, x);
    }
  }
  /* heap sort in place: the worst goes to the end, one at a time */
  size_t n = h.n;
  while (h.n > 1) {
    store_facet_pair_t t = h.v[0];
    h.v[0] = h.v[--h.n];
    h.v[h.n] = t;
    facets_sift(&h, 0);
  }
  return n;
}

size_t store_facets_count(const store_facet_query_t *fq, size_t max) {
  const store_facets_t *f = fq->f;
  uint8_t m[FACETS_BLOCK];
  size_t n = 0;
  for (size_t from = 1; from < f->cap && !fq->none && n < max; from += FACETS_BLOCK) {
    size_t k = f->cap - from < FACETS_BLOCK ? f->cap - from : FACETS_BLOCK;
    facets_block(fq, from, k, m);
    for (size_t i = 0; i < k; i++) n += m[i];
  }
  return n < max ? n : max;
}

int store_facets_length(const store_facet_query_t *fq, int64_t id) {
  const store_facets_t *f = fq->f;
  if (id < 0 || (size_t)id >= f->cap || !f->c.status[id]) return -1;
  return f->c.len[id] == FACETS_LEN_UNKNOWN ? -1 : f->c.len[id];
}

int store_search_prepare(store_t *s, size_t *tickets) {
  int own = 0, rc = store_read_begin(s, &own);
  if (rc) return rc;
  store_query_t q = {.q = ""};
  store_facet_query_t *fq = store_facets_begin(s, &q);
  if (tickets) *tickets = fq ? (size_t)fq->f->tickets : 0;
  store_facets_end(fq);
  store_read_end(s, own);
  return fq || !s->use_facets ? 0 : UTIL_E_DB;
}
