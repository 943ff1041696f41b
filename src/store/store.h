/* store — the SQLite database: opening and forward migration, and one file
 * per table family (tickets, comments, history, users, groups, sessions).
 * A store_t is one connection; use one per thread. Every function returns 0
 * or a negative UTIL_E_* code; store_errmsg() tells what SQLite said. */
#ifndef RELAIS_STORE_H
#define RELAIS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"

typedef struct store store_t;

/* ---- Connection and schema ---------------------------------------------- */
#define STORE_SCHEMA_VERSION 24

/* Opens (creating if needed) the database at path, sets WAL mode and
 * migrates the schema forward to STORE_SCHEMA_VERSION. Returns owned in
 * *out; free with store_close. On failure *out is NULL and, if errbuf is
 * non-NULL, it receives a message. A path that begins with "file:" is an
 * SQLite URI: "file:/NAME?vfs=memdb" is a database in memory, shared by
 * this process's connections to it and gone when the last one closes
 * (the fuzz targets run on one). */
int store_open(const char *path, store_t **out, char *errbuf, size_t errlen);
/* As store_open but stops migrating at version (tests of old schemas). */
int store_open_at(const char *path, int version, store_t **out, char *errbuf,
                  size_t errlen);
void store_close(store_t **s);
int store_schema_version(store_t *s);
const char *store_errmsg(store_t *s); /* borrows */
int store_integrity_ok(store_t *s);   /* 1 if PRAGMA integrity_check says ok */
/* Copies the whole database at path (which it neither creates nor
 * migrates: a backup before an upgrade keeps the old schema), as one
 * consistent snapshot, to a new file at dest with SQLite's online backup
 * API, while other connections and
 * processes go on reading and writing (WAL: the copy holds a read
 * snapshot, writers never wait for it). The copy is written to
 * "dest.partial", checked (integrity_check), synced and then renamed to
 * dest, so dest is either absent or complete. *pages (optional) gets its
 * size in pages. UTIL_E_CONFLICT if dest exists; otherwise an error with
 * errbuf saying what failed. */
int store_backup(const char *path, const char *dest, int64_t *pages, char *errbuf, size_t errlen);
/* PRAGMA quick_check: 0, or UTIL_E_DB with SQLite's first complaint in
 * why. Reads the whole file (seconds at a million tickets). */
int store_quick_check(store_t *s, char *why, size_t len);
/* Caps the file at max_bytes (0: no cap) for writes on this connection: a
 * write that would grow it past gets UTIL_E_FULL, as on a full disk. */
int store_set_max_bytes(store_t *s, int64_t max_bytes);
/* Whether this process can write the database: 0, or the UTIL_E_* code of
 * the last write failure (full, read-only, i/o, damaged) with a reason in
 * why, until a transaction commits again. */
int store_write_health(char *why, size_t len);

/* Checkpoints. A server turns automatic checkpoints off on its request
 * connections (store_set_autocheckpoint(s, 0)) and runs the checkpointer
 * thread, which checkpoints in PASSIVE mode every interval_ms on its own
 * connection, so that no request pays for copying the WAL back. */
int store_set_autocheckpoint(store_t *s, int pages);
int store_checkpoint(store_t *s);
/* The checkpointer belongs to whoever starts it (the server's context):
 * start returns 0 and an owned handle in *out; stop (after the last write)
 * checkpoints once more, closes its connection and NULLs *cp. */
typedef struct store_checkpointer store_checkpointer_t;
int store_checkpointer_start(const char *path, int interval_ms, store_checkpointer_t **out);
void store_checkpointer_stop(store_checkpointer_t **cp);

/* Transactions. begin uses BEGIN IMMEDIATE so writers queue on the busy
 * timeout instead of failing at commit. */
int store_begin(store_t *s);
int store_commit(store_t *s);
void store_rollback(store_t *s);

/* Bulk loading. Inside an open transaction, store_bulk_begin defers
 * full-text indexing of new tickets and returns a mark; store_bulk_end
 * indexes every ticket inserted since the mark in one statement (several
 * times faster than row by row) and ends the deferral. Call both in the
 * same transaction, before committing: the index is then never behind the
 * tickets outside it. */
int store_bulk_begin(store_t *s, int64_t *mark);
int store_bulk_end(store_t *s, int64_t mark);

/* ---- Who made a change -------------------------------------------------- */
typedef enum {
  STORE_ACTOR_PERSON = 0,
  STORE_ACTOR_SYSTEM = 1,
  STORE_ACTOR_MODEL = 2
} store_actor_kind_t;

typedef struct {
  store_actor_kind_t kind;
  int64_t user_id;           /* person; 0 otherwise */
  const char *model_version; /* model; borrowed, may be NULL */
  double confidence;         /* model; in [0, 1] */
} store_actor_t;

const char *store_actor_kind_name(store_actor_kind_t k); /* "person", … */

/* Who did an administrative action, for the audit log (audit.c); NULL
 * where one is taken means the system. */
typedef struct {
  int64_t user_id;     /* the person acting; 0 for the console or the system */
  const char *name;    /* their e-mail, or "console", or "system" */
  const char *client;  /* their address, or NULL */
} store_auditor_t;

/* Bulk loading (see store_bulk_begin) of tickets all created by actor a
 * (not a model): their "created" history events are written by
 * store_bulk_end in one statement too. Tickets inserted by another actor
 * meanwhile get theirs at once. */
int store_bulk_begin_as(store_t *s, const store_actor_t *a, int64_t *mark);

/* ---- Users, groups ------------------------------------------------------ */
typedef enum {
  STORE_ROLE_NONE = 0,
  STORE_ROLE_REQUESTER = 1,
  STORE_ROLE_AGENT = 2,
  STORE_ROLE_ADMIN = 3
} store_role_t;

const char *store_role_name(store_role_t r);           /* "agent", … */
store_role_t store_role_parse(const char *s);          /* NONE if unknown */

typedef struct {
  int64_t id;
  char *email; /* owned */
  char *name;  /* owned */
  store_role_t role;
  char *lang;  /* owned: "fr", "en" or "" */
  int vip;
  int active;
  int64_t created_at;
} store_user_t;

void store_user_clear(store_user_t *u); /* frees the strings */
/* Inserts u (id ignored) with an already-hashed password (may be NULL: no
 * password login). *id receives the new id. UTIL_E_CONFLICT if the e-mail
 * is taken. */
int store_user_insert(store_t *s, const store_user_t *u, const char *pwhash,
                      int64_t *id);
int store_user_get(store_t *s, int64_t id, store_user_t *out);
/* *pwhash (optional) receives an owned copy of the stored hash or NULL. */
int store_user_by_email(store_t *s, const char *email, store_user_t *out,
                        char **pwhash);
/* Updates name, role, lang, vip, active; pwhash too when non-NULL. */
int store_user_update(store_t *s, const store_user_t *u, const char *pwhash);
/* Calls fn for each user ordered by id; stops early if fn returns non-zero. */
int store_user_each(store_t *s, int (*fn)(const store_user_t *, void *),
                    void *arg);

/* One page of a user search, key-set paginated on id. */
#define STORE_USER_PAGE_MAX 100 /* most users one page returns */
#define STORE_USER_Q_MAX 200    /* longest search text, in bytes */
typedef struct {
  const char *q;    /* borrowed; a substring of the name or the e-mail, compared
                       without case or accents; NULL or "": every user */
  unsigned roles;   /* bit (1u << store_role_t) per role wanted; 0: every role */
  int active;       /* 1: active users only, -1: disabled users only, 0: both */
  int64_t after_id; /* ids above this one only (the previous page's last); 0: from the start */
  int limit;        /* 1..STORE_USER_PAGE_MAX */
} store_user_query_t;
/* Calls fn (which borrows the user) for up to q->limit matching users in id
 * order; stops early if fn returns non-zero. *more becomes 1 when a further
 * user matches, i.e. a next page starts after the last user given to fn.
 * UTIL_E_INVALID for a limit or q out of range, UTIL_E_BADUTF8 for a q that
 * is not UTF-8. */
int store_user_search(store_t *s, const store_user_query_t *q,
                      int (*fn)(const store_user_t *, void *), void *arg, int *more);

typedef struct {
  int64_t id;
  char *name;        /* owned */
  char *description; /* owned */
} store_group_t;

void store_group_clear(store_group_t *g);
int store_group_insert(store_t *s, const store_group_t *g, int64_t *id);
int store_group_get(store_t *s, int64_t id, store_group_t *out);
int store_group_by_name(store_t *s, const char *name, store_group_t *out);
int store_group_update(store_t *s, const store_group_t *g);
int store_group_each(store_t *s, int (*fn)(const store_group_t *, void *),
                     void *arg);
int store_group_add_member(store_t *s, int64_t group_id, int64_t user_id);
int store_group_remove_member(store_t *s, int64_t group_id, int64_t user_id);
/* Calls fn with the ids of the group's members, ordered. */
int store_group_members(store_t *s, int64_t group_id,
                        int (*fn)(int64_t user_id, void *), void *arg);

/* ---- Sessions and API tokens -------------------------------------------
 * Only hashes of secrets are stored; callers hash before calling. */
int store_session_insert(store_t *s, const char *token_hash, int64_t user_id,
                         const char *csrf, int64_t expires_at);
/* Looks up a live session; *csrf receives an owned copy. UTIL_E_NOTFOUND if
 * missing or expired. */
int store_session_find(store_t *s, const char *token_hash, int64_t now,
                       int64_t *user_id, char **csrf);
int store_session_delete(store_t *s, const char *token_hash);
/* Ends every session of the user but keep_hash's (NULL: all of them). */
int store_sessions_end(store_t *s, int64_t user_id, const char *keep_hash);
/* Stores a token's hash for the user, valid until expires_at (0: no
 * end), with the audit row "token.create" by who; *id (optional) gets its
 * id. */
int store_token_insert(store_t *s, const char *token_hash, int64_t user_id, const char *name,
                       int64_t expires_at, const store_auditor_t *who, int64_t *id);
/* The user of a live token (not expired at now); notes its use, at most
 * once a minute. UTIL_E_NOTFOUND when unknown, revoked or expired. */
int store_token_find(store_t *s, const char *token_hash, int64_t now, int64_t *user_id);
typedef struct {
  int64_t id, user_id, created_at, expires_at, last_used_at; /* 0: none */
  const char *name, *user_email;                             /* borrowed */
} store_token_t;
/* Calls fn for each token of user_id (0: every user's), newest first. */
int store_token_each(store_t *s, int64_t user_id, int (*fn)(const store_token_t *, void *),
                     void *arg);
/* Revokes token id, of user_id (0: whoever's), with the audit row
 * "token.revoke" by who; UTIL_E_NOTFOUND otherwise. */
int store_token_delete(store_t *s, int64_t id, int64_t user_id, const store_auditor_t *who);

/* ---- Tickets ------------------------------------------------------------
 * The ticket's fields, described once: enum name, JSON/column name, type.
 * TEXT fields hold UTF-8, INT fields integers (ids are INT too), TIME
 * fields epoch seconds. NULL is a value of every field. */
#define STORE_TICKET_FIELDS(X)                                                \
  X(ID, "id", INT)                                                            \
  X(TITLE, "title", TEXT)                                                     \
  X(DESCRIPTION, "description", TEXT)                                         \
  X(REQUESTER_ID, "requester_id", INT)                                        \
  X(STATUS, "status", TEXT)                                                   \
  X(CATEGORY, "category", TEXT)                                               \
  X(GROUP_ID, "group_id", INT)                                                \
  X(ASSIGNEE_ID, "assignee_id", INT)                                          \
  X(IMPACT, "impact", INT)                                                    \
  X(URGENCY, "urgency", INT)                                                  \
  X(PRIORITY, "priority", INT)                                                \
  X(SERVICE, "service", TEXT)                                                 \
  X(CI, "ci", TEXT)                                                           \
  X(SOURCE, "source", TEXT)                                                   \
  X(LANGUAGE, "language", TEXT)                                               \
  X(CREATED_AT, "created_at", TIME)                                           \
  X(UPDATED_AT, "updated_at", TIME)                                           \
  X(RESOLVED_AT, "resolved_at", TIME)                                         \
  X(RESOLUTION, "resolution", TEXT)                                           \
  X(SLA_DUE_AT, "sla_due_at", TIME)                                           \
  X(IMPACT_CUE, "impact_cue", TEXT)                                           \
  X(RESPONSE_DUE_AT, "response_due_at", TIME) /* first-response target */     \
  X(FIRST_RESPONSE_AT, "first_response_at", TIME) /* the desk's first reply */ \
  X(RESOLVE_DUE_AT, "resolve_due_at", TIME) /* resolution target */           \
  X(SLA_PAUSED_AT, "sla_paused_at", TIME) /* clocks stopped since (pending) */ \
  X(SLA_PAUSED_S, "sla_paused_s", INT) /* working seconds stopped before */    \
  X(URGENCY_DEFAULT, "urgency_default", INT) /* urgency assumed while none */  \
  X(AWAITING_SINCE, "awaiting_since", TIME) /* the requester waits on the desk since */ \
  X(VERSION, "version", INT) /* last: 1 at creation, +1 at each change */

typedef enum {
#define STORE_TF_ENUM_(e, name, type) STORE_TF_##e,
  STORE_TICKET_FIELDS(STORE_TF_ENUM_)
#undef STORE_TF_ENUM_
  STORE_TF_COUNT
} store_tf_t;

typedef enum { STORE_TYPE_INT, STORE_TYPE_TEXT, STORE_TYPE_TIME } store_type_t;

const char *store_tf_name(store_tf_t f);
store_type_t store_tf_type(store_tf_t f);
int store_tf_find(const char *name); /* field index, or -1 */

typedef struct {
  int is_null;
  int64_t i;  /* INT and TIME */
  char *s;    /* TEXT; owned by the ticket */
} store_val_t;

typedef struct {
  store_val_t v[STORE_TF_COUNT];
} store_ticket_t;

void store_ticket_init(store_ticket_t *t);  /* every field NULL */
void store_ticket_clear(store_ticket_t *t); /* frees strings, back to NULL */
/* Setters copy the string (NULL s sets NULL). */
void store_ticket_set_text(store_ticket_t *t, store_tf_t f, const char *s);
void store_ticket_set_int(store_ticket_t *t, store_tf_t f, int64_t i);
void store_ticket_set_null(store_ticket_t *t, store_tf_t f);
/* dst's field f becomes a copy of src's. */
void store_ticket_copy_field(store_ticket_t *dst, const store_ticket_t *src, store_tf_t f);
/* 1 if a and b hold the same value in field f (NULL equals NULL). */
int store_ticket_field_equal(const store_ticket_t *a, const store_ticket_t *b, store_tf_t f);

/* 1 if status is one of the five status names. The lifecycle between them,
 * the ITIL priority, the SLA due time and the resolution time are desk's
 * rules (desk.h): the store writes the values it is given. */
int store_status_valid(const char *status);

/* Inserts t (id ignored; status "new", created/updated now when NULL) as
 * given, and writes a "created"
 * history event by actor, inside the caller's transaction if one is open.
 * *id receives the id. References (requester, group, assignee) must exist:
 * UTIL_E_INVALID otherwise. */
int store_ticket_insert(store_t *s, store_ticket_t *t, const store_actor_t *a,
                        int64_t *id);
/* Loads ticket id into out (initialised by the call). */
int store_ticket_get(store_t *s, int64_t id, store_ticket_t *out);
/* Applies the fields of ch whose bit (1u << field) is set in mask to ticket
 * id (never id, created_at, updated_at, impact_cue, version), writes one
 * history row per field that really changed, bumps updated_at and version,
 * and clears impact_cue when a person changes the impact. The SLA clocks'
 * own fields (sla_due_at, sla_paused_at, sla_paused_s, urgency_default,
 * first_response_at) and awaiting_since are written without a history
 * row, and a change of those alone keeps updated_at and version. Checks no lifecycle:
 * desk_ticket_update does. *changed (optional) counts the changed fields
 * that wrote a history row. */
int store_ticket_update(store_t *s, int64_t id, const store_ticket_t *ch,
                        uint32_t mask, const store_actor_t *a, int *changed);

typedef enum {
  STORE_SORT_CREATED = 0,
  STORE_SORT_UPDATED,
  STORE_SORT_PRIORITY,
  STORE_SORT_ID,
  STORE_SORT_RANK, /* only with q */
  STORE_SORT_DUE   /* SLA due time; ascending puts tickets without one last */
} store_sort_t;

/* Where a ticket stands against its running SLA target, as a filter. */
typedef enum {
  STORE_SLA_ANY = 0,
  STORE_SLA_BREACHED /* new or open, and sla_due_at before q->now */
} store_sla_filter_t;

typedef struct {
  const char *status[5]; size_t nstatus; /* any of these */
  const char *category;                  /* exact */
  int64_t group_id;                      /* 0: any */
  int64_t groups_of;                     /* 0: any; else a group this user is a member
                                          * of (none: no ticket) */
  int64_t assignee_id;                   /* 0: any; -1: unassigned */
  int64_t requester_id;                  /* 0: any */
  int priority;                          /* 0: any */
  int64_t created_from, created_to;      /* 0: open-ended; [from, to) */
  store_sla_filter_t sla;                /* BREACHED narrows the statuses to new and open */
  int64_t now;                           /* the time sla compares with; 0: now */
  int awaiting;                          /* 1: the requester waits on the desk
                                          * (awaiting_since set) */
  const char *q;                         /* FTS5 query or NULL */
  store_sort_t sort;
  int desc;
  int limit;                             /* 1..1000 */
  const char *cursor;                    /* from a previous page, or NULL */
} store_query_t;

typedef struct {
  store_ticket_t *items; /* owned */
  size_t n;
  char next_cursor[64];  /* "" when this is the last page */
} store_page_t;

/* A read snapshot over several calls (a page and the names it shows): every
 * read until store_read_end sees one state of the database and takes
 * SQLite's file lock once, not once per statement. Inside a transaction
 * already, both do nothing (*own = 0). Nothing may be written in between. */
int store_read_begin(store_t *s, int *own);
void store_read_end(store_t *s, int own);

/* Searches (q set) rank and filter their matches, and lists whose index
 * walk gives up find their page, from what this process holds in memory
 * of every ticket (on by default); off, they read it from the database.
 * The results are the same: tests and bench/ compare them. */
void store_search_facets(store_t *s, int on);
/* Brings those facets up to date now (a search would on its way; reading
 * them all takes about 0.5 s at a million tickets); *tickets (optional)
 * gets how many they hold. UTIL_E_DB when they cannot serve searches (the
 * searches then read the tables). */
int store_search_prepare(store_t *s, size_t *tickets);
/* Runs the query. UTIL_E_BADQUERY for a search that store_search_check
 * refuses, that FTS5 cannot parse or that runs past its step budget, or a
 * cursor that does not belong to this sort: store_list_error says which. */
int store_ticket_list(store_t *s, const store_query_t *q, store_page_t *out);
/* The cursor of an ascending list sorted by sort (not rank) that starts at
 * its first ticket whose key is key or more: what comes before is
 * skipped without being read (the dashboard starts its walk of due times
 * at now). out: room for 64 bytes. */
void store_list_cursor_at(store_sort_t sort, int64_t key, char *out);
/* How many tickets pass q's filters (its sort, limit and cursor aside), up
 * to cap: *n is the count, or cap + 1 when there are more. From the
 * indexes that hold the candidates (the partial indexes of live and
 * awaiting tickets for the desk's usual views), never a row; a count
 * whose index range runs past its budget is one pass over the facets in
 * memory. Errors as store_ticket_list. */
int store_ticket_count(store_t *s, const store_query_t *q, int64_t cap, int64_t *n);
/* Why the last store_ticket_list on s answered UTIL_E_BADQUERY, in English
 * ("" otherwise); borrowed until the next list. */
const char *store_list_error(const store_t *s);
/* Whether FTS5 query q asks no more than a search may (search_guard.c):
 * at most 32 phrases, 4 prefix terms with 3 characters or more before
 * their *, 2 NEAR groups of distance 50 or less, 8 nested parentheses.
 * 0, or UTIL_E_BADQUERY with the reason in why. */
int store_search_check(const char *q, char *why, size_t len);
void store_page_clear(store_page_t *p);
/* Calls fn for every ticket in id order (export). */
int store_ticket_each(store_t *s, int (*fn)(const store_ticket_t *, void *),
                      void *arg);
/* Counts per status for the metrics: fn(status, count). */
int store_ticket_count_by_status(store_t *s,
                                 void (*fn)(const char *, int64_t, void *),
                                 void *arg);

/* ---- Saved views of the queue (views.c) ----------------------------------
 * A name and the queue's filters and sort, as a JSON object of its query
 * parameters (the API checks them); personal, or shared with every agent.
 * A name is unique among its owner's views (UTIL_E_CONFLICT). */
typedef struct {
  int64_t id, owner_id;
  char *owner_name; /* owned (joined from users); NULL when writing */
  char *name;       /* owned */
  char *filters;    /* owned: JSON object text */
  int shared;       /* 1: every agent sees it */
  int64_t created_at, updated_at;
} store_view_t;

void store_view_clear(store_view_t *v); /* frees the strings */
/* Inserts v (owner_id, name, filters, shared); sets its id and times. */
int store_view_insert(store_t *s, store_view_t *v);
int store_view_get(store_t *s, int64_t id, store_view_t *out);
/* Writes v's name, filters and shared over view v->id; UTIL_E_NOTFOUND. */
int store_view_update(store_t *s, const store_view_t *v);
int store_view_delete(store_t *s, int64_t id); /* UTIL_E_NOTFOUND */
/* Calls fn (which borrows the view) for user_id's views, then the others'
 * shared ones, each by name, until fn returns nonzero. */
int store_view_each(store_t *s, int64_t user_id, int (*fn)(const store_view_t *, void *),
                    void *arg);
/* How many views owner_id has that are shared (1) or personal (0). */
int store_view_count(store_t *s, int64_t owner_id, int shared, int64_t *n);

/* ---- Comments ----------------------------------------------------------- */
typedef struct {
  int64_t id;
  int64_t ticket_id;
  int64_t author_id;
  char *author_name; /* owned (joined from users) */
  char *body;        /* owned */
  int internal;      /* 1: internal note, never shown to requesters */
  int64_t created_at;
  int64_t hidden_by; /* 0: shown; else the agent who hid it (the body is kept) */
  char *hidden_by_name; /* owned (joined from users), or NULL */
  int64_t merged_from; /* 0; else the ticket a merge copied it from */
} store_comment_t;

/* Inserts the comment, records it in the history and bumps the ticket's
 * updated_at. UTIL_E_NOTFOUND if the ticket does not exist. */
int store_comment_insert(store_t *s, store_comment_t *c, const store_actor_t *a,
                         int64_t *id);
/* Calls fn for each comment of the ticket with an id above after_id (0:
 * all), oldest first, until fn returns nonzero; internal notes only when
 * with_internal. */
int store_comment_each(store_t *s, int64_t ticket_id, int with_internal, int64_t after_id,
                       int (*fn)(const store_comment_t *, void *), void *arg);
/* Hides comment id of the ticket (hide 1) or shows it again (0), by the
 * agent a->user_id, with a history event "comment_hidden" or
 * "comment_shown"; nothing is deleted. UTIL_E_NOTFOUND when the ticket has
 * no such comment; *changed 0 when it already was so. */
int store_comment_hide(store_t *s, int64_t ticket_id, int64_t id, int hide,
                       const store_actor_t *a, int *changed);
/* How many comments the ticket has and their bytes in all. */
int store_comment_stats(store_t *s, int64_t ticket_id, int64_t *count, int64_t *bytes);

/* Loads comment id of the ticket into out (strings owned: clear with
 * store_comment_clear). UTIL_E_NOTFOUND when the ticket has no such one. */
int store_comment_get(store_t *s, int64_t ticket_id, int64_t id, store_comment_t *out);
void store_comment_clear(store_comment_t *c);

/* ---- Attachments (attachments.c) ------------------------------------------
 * Files on a ticket, or on one of its comments, stored whole in the
 * database. A file on the ticket itself is public; one on a comment is
 * internal with an internal note and hidden from the requester with a
 * hidden reply; an agent may also hide one file (hidden_by). */
typedef struct {
  int64_t id, ticket_id;
  int64_t comment_id;    /* 0: on the ticket itself */
  char *name;            /* owned: the safe name (desk_attach_name) */
  char *content_type;    /* owned: the type read from the bytes */
  int64_t size;          /* bytes, > 0 */
  char *sha256;          /* owned: hex */
  int64_t uploaded_by;
  char *uploader_name;   /* owned (joined), or NULL */
  int64_t created_at;
  int64_t hidden_by;     /* 0: shown; else the agent who hid it */
  char *hidden_by_name;  /* owned (joined), or NULL */
  int internal;          /* joined: on an internal note */
  int comment_hidden;    /* joined: on a hidden reply */
} store_attachment_t;

void store_attachment_clear(store_attachment_t *a);
/* Stores a->size bytes of data (borrowed) as a new file of a->ticket_id
 * (and a->comment_id when not 0, which must be a comment of that ticket:
 * UTIL_E_NOTFOUND otherwise, as for a missing ticket), by a->uploaded_by,
 * now; bumps the ticket's updated_at and writes the history event
 * "attachment" (or "attachment_internal" on an internal note) with the
 * name, all in one transaction (the caller's when one is open). Sets a->id
 * and a->created_at. */
int store_attachment_insert(store_t *s, store_attachment_t *a, const void *data,
                            const store_actor_t *who);
/* Calls fn (which borrows the row) for each file of the ticket in id
 * order until it returns nonzero. public_only: only what its requester
 * sees (on the ticket or on a shown public reply, and not hidden). */
int store_attachment_each(store_t *s, int64_t ticket_id, int public_only,
                          int (*fn)(const store_attachment_t *, void *), void *arg);
/* Loads file id of the ticket into out, and when data is not NULL its bytes
 * into *data (owned, out->size bytes; free()). UTIL_E_NOTFOUND when the
 * ticket has no such file, or public_only and its requester may not see
 * it; UTIL_E_NOMEM when the bytes do not fit in memory. */
int store_attachment_get(store_t *s, int64_t ticket_id, int64_t id, int public_only,
                         store_attachment_t *out, void **data);
/* How many files the ticket has and their bytes in all (every file,
 * internal and hidden ones too: they take room all the same). */
int store_attachment_stats(store_t *s, int64_t ticket_id, int64_t *count, int64_t *bytes);
/* Hides file id of the ticket from its requester (hide 1) or shows it
 * again (0), by the agent a->user_id, with the history event
 * "attachment_hidden" or "attachment_shown" (the name); nothing is
 * deleted. UTIL_E_NOTFOUND when the ticket has no such file; *changed 0
 * when it already was so. */
int store_attachment_hide(store_t *s, int64_t ticket_id, int64_t id, int hide,
                          const store_actor_t *a, int *changed);

/* ---- History ------------------------------------------------------------ */
typedef struct {
  int64_t id;
  int64_t ticket_id;
  int64_t at;
  store_actor_kind_t actor_kind;
  int64_t actor_id;
  const char *actor_name;    /* borrowed, may be NULL */
  const char *field;         /* borrowed */
  const char *old_value;     /* borrowed, may be NULL */
  const char *new_value;     /* borrowed, may be NULL */
  /* For the fields that hold an id (group_id, assignee_id, requester_id):
   * the group's or the person's name as it is now; NULL otherwise. */
  const char *old_label, *new_label;
  const char *model_version; /* borrowed, may be NULL */
  double confidence;         /* model events; -1 otherwise */
} store_event_t;

/* Records one history row (the ticket must exist). store_ticket_insert and
 * store_ticket_update write their own; this is for a field another actor
 * set at creation (a model's prediction applied as the ticket is made). */
int store_history_add(store_t *s, int64_t ticket_id, int64_t at,
                      const store_actor_t *a, const char *field,
                      const char *old_value, const char *new_value);

/* Calls fn for each history event of the ticket with an id above after_id
 * (0: all) in order, until fn returns nonzero; borrowed strings are valid
 * during the call only. with_internal=0 hides what only the desk sees:
 * internal notes, the files added to them, confirmed suggestions, the
 * macros applied, and the links between tickets (link_added,
 * link_removed, merged_from, parent_reply; "merged_into" stays: the
 * requester is told of the merge). */
int store_history_each(store_t *s, int64_t ticket_id, int with_internal, int64_t after_id,
                       int (*fn)(const store_event_t *, void *), void *arg);

/* ---- Links between tickets and merges (links.c) ------------------------------
 * One link per pair of tickets (UTIL_E_CONFLICT for a second one), stored
 * as migration 23 says: kind "duplicate" (from duplicates to, the master),
 * "parent" (to is from's parent) or "related". The desk's rules (desk.h)
 * decide which links may be made; the store keeps them. */
typedef struct {
  int64_t id, from_id, to_id;
  const char *kind;             /* borrowed: "duplicate", "parent", "related" */
  int merged;                   /* the duplicate was merged into its master */
  int64_t created_by, created_at;
  const char *created_by_name;  /* borrowed, may be NULL */
  /* the ticket at the other end from the one asked about */
  int64_t other_id;
  const char *other_title, *other_status; /* borrowed */
} store_link_t;
/* 1 if kind is one of the three stored kinds. */
int store_link_kind_ok(const char *kind);
/* Inserts the link (created now by user_id, 0: the system) in the
 * caller's transaction if one is open; *id (optional) gets its id.
 * UTIL_E_CONFLICT when the pair is linked already or from has a link of
 * that kind up already (a parent, a master). */
int store_link_insert(store_t *s, int64_t from_id, int64_t to_id, const char *kind, int merged,
                      int64_t user_id, int64_t *id);
/* The link between tickets a and b, either way: its id, kind (room for
 * 12 bytes), from_id and merged mark (each pointer optional);
 * UTIL_E_NOTFOUND when none. */
int store_link_between(store_t *s, int64_t a, int64_t b, int64_t *id, char kind[12], int64_t *from_id,
                       int *merged);
int store_link_delete(store_t *s, int64_t id); /* UTIL_E_NOTFOUND */
/* Where ticket id's one link of kind ("parent" or "duplicate") goes up
 * to (its parent, its master) into *to, with whether it was a merge;
 * UTIL_E_NOTFOUND when it has none. */
int store_link_up(store_t *s, int64_t id, const char *kind, int64_t *to, int *merged);
/* Calls fn (which borrows the row) for each link of ticket id, oldest
 * first, with the ticket at the other end; stops when fn returns
 * nonzero. */
int store_link_each(store_t *s, int64_t id, int (*fn)(const store_link_t *, void *), void *arg);
/* Calls fn(child, status) for each child of ticket id, in id order. */
int store_link_children(store_t *s, int64_t id, int (*fn)(int64_t child, const char *status, void *),
                        void *arg);
/* Copies ticket from's conversation into ticket into, in the caller's
 * transaction: first its description (title and text, as a comment by its
 * requester at its creation time, carrying its files), then each of its
 * comments in date order with its author, date, hidden mark and files,
 * every copy marked merged_from = from; from keeps its own. public: the
 * copies keep their visibility; 0: every copy is an internal note (the
 * tickets have different requesters, who must not read each other). Bumps
 * into's updated_at. *copied (optional) counts the comments made. */
int store_merge_copy(store_t *s, int64_t from, int64_t into, int public, int64_t *copied);

/* ---- Managed lists (catalog.c) ------------------------------------------------
 * The values a ticket's category, service and configuration item may hold:
 * entries of a kind ("category", "service", "ci"), each a name (what a
 * ticket holds, what models learn; unique in its kind, ASCII case aside)
 * with a French and an English label for people ("" when the name says
 * it). A retired entry is no longer offered nor accepted; a merged one is
 * retired with merged_into naming the entry its tickets moved to. */
#define STORE_ENTRY_NAME_MAX 100  /* bytes of a name, as of the ticket fields */
#define STORE_ENTRY_LABEL_MAX 200 /* bytes of a label */
#define STORE_ENTRY_PAGE_MAX 500  /* most entries one page returns */
typedef struct {
  int64_t id;
  char kind[12];
  char *name, *label_fr, *label_en; /* owned */
  int active;
  int64_t merged_into; /* 0: none */
  int64_t created_at;
} store_entry_t;
void store_entry_clear(store_entry_t *e);
/* 1 if kind is "category", "service" or "ci". */
int store_entry_kind_ok(const char *kind);
/* The entry of kind named name (ASCII case ignored); UTIL_E_NOTFOUND. */
int store_entry_find(store_t *s, const char *kind, const char *name, store_entry_t *out);
int store_entry_get(store_t *s, int64_t id, store_entry_t *out);
/* Inserts e (active; id and created_at set by the call into *id and now);
 * UTIL_E_CONFLICT when its kind has that name already. */
int store_entry_insert(store_t *s, const store_entry_t *e, int64_t *id);
/* An entry of kind named name, made (labels empty) if there is none;
 * *made (optional) says whether it was. For loads that bring their own
 * values (an import with --add-values, the demo). */
int store_entry_ensure(store_t *s, const char *kind, const char *name, int *made);
/* Writes e's labels, active and merged_into over entry e->id. */
int store_entry_update(store_t *s, const store_entry_t *e);
typedef struct {
  const char *kind;
  const char *q;      /* a substring of the name or a label, case and accents
                       * ignored; NULL or "": every entry */
  int active;         /* 1: on offer only, 0: retired only, -1: both */
  int64_t after_id;   /* cursor: entries with a greater id */
  int limit;          /* 1..STORE_ENTRY_PAGE_MAX */
} store_entry_query_t;
/* Calls fn for each entry of the query in id order; *more says the list
 * goes on after the page. UTIL_E_INVALID for a bad query, UTIL_E_BADUTF8
 * for a q that is not UTF-8. */
int store_entry_search(store_t *s, const store_entry_query_t *q,
                       int (*fn)(const store_entry_t *, void *), void *arg, int *more);
/* The active names of kind in name order, comma-separated, at most max
 * of them, then "… (N more)": what a refusal lists as allowed. Returns
 * owned, "" when the kind has none. */
char *store_entry_names(store_t *s, const char *kind, int max);
/* Moves every ticket holding entry from's name to into's (one history
 * event per ticket, by actor a) and retires from, merged into into; in the
 * caller's transaction. *moved (optional) counts the tickets. */
int store_entry_merge(store_t *s, const store_entry_t *from, const store_entry_t *into,
                      const store_actor_t *a, int64_t *moved);

/* ---- What the requester says of a ticket (ratings.c) ---------------------------
 * One satisfaction rating per ticket (1 to 5, a comment), given by its
 * requester once it is resolved, and when each person last read a ticket. */
#define STORE_RATING_COMMENT_MAX 2000
typedef struct {
  int64_t ticket_id, user_id;
  int rating;        /* 1..5 */
  char *comment;     /* owned; "" for none */
  int64_t created_at, updated_at;
} store_rating_t;
void store_rating_clear(store_rating_t *r);
/* The rating of ticket id; UTIL_E_NOTFOUND when none. */
int store_rating_get(store_t *s, int64_t ticket_id, store_rating_t *out);
/* Sets (or replaces) the rating of r->ticket_id at now; *replaced
 * (optional) says whether one was there. */
int store_rating_put(store_t *s, const store_rating_t *r, int64_t now, int *replaced);
/* user_id read ticket_id at `at` (a later read replaces it). */
int store_ticket_read(store_t *s, int64_t user_id, int64_t ticket_id, int64_t at);
/* 1 if ticket_id has a public, visible message by someone other than
 * user_id newer than user_id's last read of it (or than the ticket's
 * creation when never read), 0 if not, a negative code on error. */
int store_ticket_unread(store_t *s, int64_t user_id, int64_t ticket_id);

/* ---- Similar tickets (similar.c) -----------------------------------------------
 * The tickets whose title or description match an FTS5 expression (the
 * search module makes it), best BM25 first (title words weighing twice):
 * fn(row) for at most limit of them, ticket exclude (0: none) and the
 * tickets under id from_id (0: none) left out;
 * resolved_only keeps the resolved and closed ones among the index's best
 * 4 × limit. A row's texts are
 * borrowed for the call (NULL when null); fn returns non-zero to stop. */
typedef struct {
  int64_t id, requester_id, created_at, resolved_at; /* resolved_at 0: not resolved */
  double bm25_title, bm25_body;                     /* -bm25() of each field alone: 0 no match, higher better */
  const char *title, *description, *status, *category, *service, *ci, *resolution;
} store_similar_row_t;
int store_similar_candidates(store_t *s, const char *match, int64_t exclude, int64_t from_id, int resolved_only,
                             int limit, int (*fn)(const store_similar_row_t *row, void *), void *arg);
/* The highest ticket id (0: none), or a negative code. */
int64_t store_ticket_last_id(store_t *s);
/* The tickets a new one may repeat: the requester's own created in
 * [at - mine_window, at] (newest first, at most limit), then anyone's
 * created in [at - burst_window, at] (newest first, at most burst_limit:
 * the requester's own may come again); each still open at time at,
 * ticket exclude left out. fn(row) as for store_similar_candidates (bm25
 * fields 0, no resolution). at may be in the past: a replay of the desk's
 * history. */
typedef struct {
  int64_t requester_id, exclude, at, mine_window, burst_window;
  int limit, burst_limit;
} store_dup_query_t;
int store_dup_candidates(store_t *s, const store_dup_query_t *q, int (*fn)(const store_similar_row_t *row, void *),
                         void *arg);
/* A new ticket's likely duplicate (the duplicate check's finding). */
typedef struct {
  int64_t ticket_id, candidate_id, at, dismissed_by, dismissed_at; /* dismissed_*: 0 when not */
  double probability;
  char *features; /* JSON object, owned */
} store_dup_flag_t;
/* Writes ticket's flag (in the caller's transaction, if any). */
int store_dup_flag_insert(store_t *s, int64_t ticket, int64_t candidate, double p, const char *features);
/* ticket's flag into f (store_dup_flag_clear); UTIL_E_NOTFOUND when none. */
int store_dup_flag_get(store_t *s, int64_t ticket, store_dup_flag_t *f);
void store_dup_flag_clear(store_dup_flag_t *f);
/* An agent says ticket is not a duplicate: UTIL_E_NOTFOUND when no flag,
 * UTIL_E_CONFLICT when it was dismissed already. */
int store_dup_flag_dismiss(store_t *s, int64_t ticket, int64_t user);
/* How many tickets hold a folded search word in their text (*df, the
 * commoner of its French and English stems in the full-text index): for
 * leaving the commonest words out of a candidates' query. */
int store_similar_df(store_t *s, const char *word, int64_t *df);
/* Records that user took ticket taken from ticket's similar ones (kind:
 * "resolution_used", "duplicate" or "suggestion_accepted"); again: its
 * time is updated. */
int store_similar_signal(store_t *s, int64_t ticket, int64_t taken, const char *kind, int64_t user);
/* Calls fn(ticket, taken) for each pair with a signal (of kind; NULL:
 * any), newest first, at most limit; fn returns non-zero to stop. */
int store_similar_signals_each(store_t *s, const char *kind, int limit,
                               int (*fn)(int64_t ticket, int64_t taken, void *), void *arg);
/* How many signals there are. */
int64_t store_similar_signal_count(store_t *s);

/* ---- Knowledge base (kb.c) ------------------------------------------------------
 * Articles in French or English; translations share a family (the first
 * one's id). The search module's rules (search.h) decide what an article
 * may hold and which state follows which; this file keeps them, every
 * version of their text, who did what (events), the votes and the view
 * count, and the full-text index of the newest text. */
typedef struct {
  int64_t id, family_id;
  char lang[3];        /* "fr" or "en" */
  char state[10];      /* draft, review, published, archived */
  int is_public;       /* 1: requesters may read it once published */
  char *title, *body;  /* owned: the newest version (Markdown body) */
  char *category, *service, *ci; /* owned; NULL: not tagged */
  int64_t version, source_ticket_id, author_id;
  char *author_name;   /* owned (read only) */
  int64_t created_at, updated_at, published_at; /* published_at 0: never */
  int64_t views, helpful, unhelpful;
} store_kb_article_t;
void store_kb_clear(store_kb_article_t *a);
/* Inserts a as version 1 by editor (a->family_id 0: a family of its own);
 * sets a->id, a->family_id, a->version. UTIL_E_CONFLICT when the family
 * has an article in that language already. */
int store_kb_insert(store_t *s, store_kb_article_t *a, int64_t editor);
/* Writes a's title, body, public flag and tags over article a->id, if it
 * is still at version a->version (UTIL_E_STALE otherwise: saved meanwhile,
 * or gone). With new_version, the text becomes version a->version + 1
 * (a->version is updated) and the event says so; otherwise an "edited"
 * event without a version. */
int store_kb_update(store_t *s, store_kb_article_t *a, int new_version, int64_t editor);
/* Moves article id from state from to state to (to "published" sets
 * published_at the first time), as user; UTIL_E_CONFLICT when its state
 * is no longer from. */
int store_kb_set_state(store_t *s, int64_t id, const char *from, const char *to, int64_t user);
int store_kb_get(store_t *s, int64_t id, store_kb_article_t *out); /* UTIL_E_NOTFOUND */
#define STORE_KB_PAGE_MAX 100
typedef struct {
  const char *state;     /* NULL: any */
  const char *lang;      /* NULL: both */
  int public_only;       /* 1: public ones only */
  const char *category, *service, *ci; /* NULL: any */
  const char *match;     /* an FTS5 expression over title and body (search.h
                          * makes it); NULL: no text search. With one, the
                          * best matches first and no cursor */
  int64_t before_id;     /* cursor: articles with a smaller id (newest first) */
  int limit;             /* 1..STORE_KB_PAGE_MAX */
} store_kb_query_t;
/* Calls fn for each article of the query; *more says more follow. */
int store_kb_list(store_t *s, const store_kb_query_t *q,
                  int (*fn)(const store_kb_article_t *, void *), void *arg, int *more);
/* The articles of family (its translations), by language. */
int store_kb_family_each(store_t *s, int64_t family, int (*fn)(const store_kb_article_t *, void *),
                         void *arg);
typedef struct {
  int64_t version, editor_id, at;
  char *title, *body, *editor_name; /* owned */
} store_kb_version_t;
void store_kb_version_clear(store_kb_version_t *v);
int store_kb_version_get(store_t *s, int64_t id, int64_t version, store_kb_version_t *out);
/* Every version of article id, newest first (their bodies left NULL). */
int store_kb_versions_each(store_t *s, int64_t id, int (*fn)(const store_kb_version_t *, void *),
                           void *arg);
typedef struct {
  int64_t id, at, user_id, version; /* version 0: none */
  const char *kind, *from_state, *to_state, *user_name; /* borrowed during the call; may be NULL */
} store_kb_event_t;
/* What happened to article id, oldest first: created, edited, state. */
int store_kb_events_each(store_t *s, int64_t id, int (*fn)(const store_kb_event_t *, void *),
                         void *arg);
/* user's vote on article id (helpful 1 or 0), replacing their earlier
 * one; the article's counts follow. */
int store_kb_vote(store_t *s, int64_t id, int64_t user, int helpful);
/* user's vote on article id: 1 helpful, 0 not, -1 none. */
int store_kb_vote_of(store_t *s, int64_t id, int64_t user);
/* One more view of article id. */
int store_kb_viewed(store_t *s, int64_t id);
/* user read article id, had their problem solved and filed no ticket;
 * text: the start of what they had typed (kept as given). */
int store_kb_deflect(store_t *s, int64_t id, int64_t user, const char *text);
/* How many problems article id solved that way. */
int64_t store_kb_deflections(store_t *s, int64_t id);

/* ---- Canned responses (macros.c) ------------------------------------------------
 * An agent's own macros and the ones shared with every agent: a reply in
 * French and in English with placeholders, public or an internal note, and
 * field changes (a JSON object the desk's rules checked, see desk.h). The
 * store keeps what it is given. */
#define STORE_MACROS_MAX 500 /* macros one agent owns; as many shared ones */
typedef struct {
  int64_t id;
  int64_t owner_id;        /* 0: shared with every agent */
  char *name_fr, *name_en; /* owned; "" where the other language's stands in */
  char *body_fr, *body_en; /* owned; "" where the other language's stands in */
  int internal;            /* 1: the reply is an internal note */
  char *actions;           /* owned: JSON object text, {} for none */
  int64_t created_by, created_at, updated_at;
  char *owner_name;        /* owned, read (joined from users); NULL when shared */
} store_macro_t;
void store_macro_clear(store_macro_t *m);
/* Inserts m (created and updated now); *id gets its id. */
int store_macro_insert(store_t *s, const store_macro_t *m, int64_t *id);
/* Writes m's owner, names, bodies, internal and actions over macro m->id
 * (updated now); UTIL_E_NOTFOUND when there is none. */
int store_macro_update(store_t *s, const store_macro_t *m);
int store_macro_delete(store_t *s, int64_t id); /* UTIL_E_NOTFOUND */
int store_macro_get(store_t *s, int64_t id, store_macro_t *out);
/* Calls fn (which borrows the macro) for the shared macros and those of
 * user_id (0: the shared ones only), shared first, then by id; stops
 * early when fn returns nonzero. */
int store_macro_each(store_t *s, int64_t user_id, int (*fn)(const store_macro_t *, void *),
                     void *arg);
/* How many macros owner_id owns (0: how many are shared). */
int64_t store_macro_count(store_t *s, int64_t owner_id);

/* ---- Request templates and the forms tickets keep (templates.c) --------------
 * A template is what the portal offers for a common request: names,
 * descriptions and title patterns in French and English, the category and
 * service it sets, and its extra fields (a JSON array of definitions the
 * desk's rules checked). A ticket filed through one keeps its form: the
 * template's names and each field's labels, type and value as they were. */
#define STORE_TEMPLATES_MAX 200
typedef struct {
  int64_t id;
  char *name_fr, *name_en;               /* owned */
  char *description_fr, *description_en; /* owned */
  char *category, *service;              /* owned; NULL: none */
  char *title_fr, *title_en;             /* owned: title patterns */
  char *fields;                          /* owned: JSON array text */
  int active;                            /* 0: no longer offered */
  int64_t created_at, updated_at;
} store_template_t;
void store_template_clear(store_template_t *t);
int store_template_insert(store_t *s, const store_template_t *t, int64_t *id);
/* Writes every field of t over template t->id (updated now). */
int store_template_update(store_t *s, const store_template_t *t);
int store_template_delete(store_t *s, int64_t id); /* UTIL_E_NOTFOUND */
int store_template_get(store_t *s, int64_t id, store_template_t *out);
/* Calls fn for every template (only the active ones when active_only) in
 * id order; stops early when fn returns nonzero. */
int store_template_each(store_t *s, int active_only,
                        int (*fn)(const store_template_t *, void *), void *arg);
int64_t store_template_count(store_t *s);

/* One value of a ticket's form: the field's key, type and labels as the
 * template had them, the value as stored (text, digits, YYYY-MM-DD,
 * "yes"/"no", a choice's value) and, for a choice, its labels. */
typedef struct {
  char *key, *type, *label_fr, *label_en, *value; /* owned */
  char *choice_fr, *choice_en;                    /* owned; NULL but for a choice */
} store_form_field_t;
typedef struct {
  int64_t ticket_id, template_id;
  char *name_fr, *name_en;    /* owned: the template's names then */
  char lang[3];               /* "fr" or "en": the language of its lines in the description */
  store_form_field_t *fields; /* owned, n of them, in the template's order */
  size_t n;
} store_form_t;
void store_form_clear(store_form_t *f);
/* Appends a field (its strings copied; choice_* may be NULL). */
void store_form_add(store_form_t *f, const char *key, const char *type, const char *label_fr,
                    const char *label_en, const char *value, const char *choice_fr,
                    const char *choice_en);
/* Writes form f of ticket f->ticket_id, in the caller's transaction if one
 * is open. */
int store_form_insert(store_t *s, const store_form_t *f);
/* The form of ticket_id into out; UTIL_E_NOTFOUND when it was not filed
 * through a template. */
int store_form_get(store_t *s, int64_t ticket_id, store_form_t *out);

/* ---- Settings (settings.c) -------------------------------------------------
 * A small key → text table for what an admin configures at run time (SLA
 * hours, triage fields, retraining schedule). */
/* Returns an owned copy in *out, or UTIL_E_NOTFOUND. */
int store_setting_get(store_t *s, const char *key, char **out);
int store_setting_set(store_t *s, const char *key, const char *value);
/* Integer setting with a default when absent or not a number. */
int64_t store_setting_int(store_t *s, const char *key, int64_t dflt);
/* Calls fn(key, value, arg) for every stored setting in key order, until
 * fn returns nonzero; strings are borrowed for the call. One statement:
 * a reader of several settings (the SLA's) reads them at once. */
int store_settings_each(store_t *s, int (*fn)(const char *key, const char *value, void *arg),
                        void *arg);

/* ---- The audit log (audit.c) ---------------------------------------------
 * Administrative actions, append-only (migration 12's triggers refuse any
 * UPDATE or DELETE). A row is written by the transaction of the action it
 * records (inside the caller's transaction when one is open), so that an
 * action is never kept without its row, nor a row without its action. */
typedef struct {
  int64_t id, at;      /* at: Unix seconds */
  int64_t actor_id;
  char *actor, *client;
  char *action;        /* "user.update", "settings.update", "model.activate" … */
  char *target_type;   /* "user", "group", "settings", "model", "token", "job" or "" */
  int64_t target_id;   /* 0 when the target has no id */
  char *target;        /* its name for people: an e-mail, a group, a field */
  char *detail;        /* a JSON object: what changed (never a secret) */
} store_audit_t;

void store_audit_clear(store_audit_t *a);
/* Appends one row by who (at now); detail NULL is "{}". */
int store_audit_add(store_t *s, const store_auditor_t *who, const char *action,
                    const char *target_type, int64_t target_id, const char *target,
                    const char *detail);

typedef struct {
  int64_t actor_id;         /* a person; 0: the console and the system; -1: anyone */
  const char *action;       /* exact, or a family ending in '.' ("user."); NULL: any */
  const char *target_type;  /* NULL: any */
  int64_t target_id;        /* 0: any (with target_type) */
  int64_t from, to;         /* [from, to) in Unix seconds; 0: open-ended */
  int64_t before_id;        /* a page starts below this id; 0: the newest */
  int limit;                /* 1..500 */
} store_audit_query_t;

/* Calls fn for each matching row, newest first, up to q->limit; *more
 * (optional) says whether another page follows. UTIL_E_INVALID for a limit
 * out of range. */
int store_audit_list(store_t *s, const store_audit_query_t *q,
                     int (*fn)(const store_audit_t *, void *), void *arg, int *more);

/* ---- Triage: models, predictions, feedback, thresholds --------------------- */
typedef struct {
  int64_t id;
  char *field;      /* owned */
  int version;
  int64_t created_at;
  int64_t n_train;
  char *metrics;    /* owned JSON text */
  int active;
  void *data;       /* owned model bytes, or NULL when not loaded */
  size_t len;
} store_model_t;

void store_model_clear(store_model_t *m);
/* Inserts a model as the next version of its field; m->id and m->version
 * are set. Does not activate it. */
int store_model_insert(store_t *s, store_model_t *m);
/* Makes model id the active one of its field and writes the audit row
 * "model.activate" by who (one transaction). */
int store_model_activate(store_t *s, int64_t id, const store_auditor_t *who);
/* Calls fn for every model, newest first, with data only when with_data
 * (active models only when active_only). */
int store_model_each(store_t *s, int active_only, int with_data,
                     int (*fn)(const store_model_t *, void *), void *arg);
/* The model of field at version into out (owned; free with
 * store_model_clear), its bytes only when with_data. UTIL_E_NOTFOUND when
 * the field has no such version. */
int store_model_get(store_t *s, const char *field, int version, int with_data,
                    store_model_t *out);

/* Training rows of a field: the ticket text and the label a person set or
 * confirmed. A value the model applied that nobody confirmed is not a
 * label. field is one of category, group, urgency, service, ci. */
typedef struct {
  int64_t ticket_id;
  const char *title, *description, *language, *label; /* borrowed during the call */
} store_label_row_t;
int store_labels_each(store_t *s, const char *field,
                      int (*fn)(const store_label_row_t *, void *), void *arg);
/* The same rows copied out, so that their text can be analysed on several
 * threads: text[i] is the title and the description joined by a line
 * break (as training reads a ticket), language[i] NULL when unknown.
 * Returns 0 or the store's error; free with store_labels_free either way. */
typedef struct {
  char **text, **label, **language;
  int64_t *id;
  size_t n, cap;
} store_labels_t;
int store_labels_load(store_t *s, const char *field, store_labels_t *out);
void store_labels_free(store_labels_t *l);

/* ---- data quality (quality.c) ------------------------------------------------
 * Reports of a field are JSON text made by insight; the newest
 * STORE_QUALITY_KEEP of each field are kept. */
#define STORE_QUALITY_KEEP 10
/* Stores a report (report borrowed) made at at over rows labelled
 * tickets, drops the field's older ones beyond the newest
 * STORE_QUALITY_KEEP; *id receives its id. */
int store_quality_put(store_t *s, const char *field, int64_t at, int64_t rows,
                      const char *report, int64_t *id);
/* The newest report of field: *report owned (free()), *at its time and
 * *id its id (report, at or id NULL: not wanted). UTIL_E_NOTFOUND when the
 * field has none. */
int store_quality_latest(store_t *s, const char *field, char **report, int64_t *at, int64_t *id);
/* A person (a->user_id) keeps ticket id's label value of field: the
 * confirmation (replacing an earlier one) and the history event
 * "label_confirmed" (old value the field, new value the label), inside the
 * caller's transaction if one is open. */
int store_label_confirm(store_t *s, int64_t id, const char *field, const char *value,
                        const store_actor_t *a, int64_t at);
/* Calls fn for each ticket whose label of field a person confirmed and is
 * still the confirmed value. */
int store_label_confirmed_each(store_t *s, const char *field,
                               int (*fn)(int64_t ticket_id, void *), void *arg);

typedef enum {
  STORE_PRED_APPLIED = 0,   /* set on the ticket by the model */
  STORE_PRED_SUGGESTED,     /* offered to an agent */
  STORE_PRED_ACCEPTED,      /* a person confirmed it */
  STORE_PRED_OVERRIDDEN     /* a person chose another value */
} store_pred_state_t;

const char *store_pred_state_name(store_pred_state_t st);

typedef struct {
  int64_t ticket_id;
  char *field;       /* owned */
  int64_t model_id;
  int model_version; /* joined */
  char *value;       /* owned: the model's top class */
  double confidence;
  char *detail;      /* owned JSON: top classes and the words behind them */
  store_pred_state_t state;
  int64_t decided_by, decided_at, created_at;
} store_pred_t;

void store_pred_clear(store_pred_t *p);
/* Inserts or replaces the prediction of (ticket, field). */
int store_pred_put(store_t *s, const store_pred_t *p);
int store_pred_get(store_t *s, int64_t ticket_id, const char *field, store_pred_t *out);
/* Calls fn(field, state, count) for the stored predictions grouped by field
 * and state (state as store_pred_state_name spells it). */
int store_pred_count_by_state(store_t *s,
                              void (*fn)(const char *, const char *, int64_t, void *),
                              void *arg);
int store_pred_each(store_t *s, int64_t ticket_id,
                    int (*fn)(const store_pred_t *, void *), void *arg);
/* Records a person's decision on a prediction: its new state and a
 * feedback row (kind "accept" or "override", chosen value). */
int store_pred_decide(store_t *s, int64_t ticket_id, const char *field,
                      store_pred_state_t st, const char *chosen, int64_t user_id);
/* Feedback rows recorded at or after t (retraining trigger). */
int64_t store_feedback_count_since(store_t *s, int64_t t);
/* How people received one field's predictions over time: per period, the
 * predictions made on the tickets created in it, by what became of them. */
typedef struct {
  int64_t start;      /* the period's first second (UTC) */
  int64_t applied;    /* applied by the model, nobody confirmed or changed it */
  int64_t suggested;  /* offered, nobody decided */
  int64_t accepted;   /* a person confirmed the model's value */
  int64_t overridden; /* a person chose another value */
  double confidence;  /* the sum of their predictions' confidences */
} store_trend_t;
/* Fills out[0..n-1] (borrowed) for the n periods of `period` seconds that
 * start at from: out[i] counts the tickets created in [from + i·period,
 * from + (i+1)·period) that have a prediction of field. */
int store_pred_trend(store_t *s, const char *field, int64_t from, int64_t period, int n,
                     store_trend_t *out);
/* The overrides of field made since from, by predicted value and the
 * value chosen instead: fn(predicted, chosen, count), the most frequent
 * pairs first. */
int store_overrides_each(store_t *s, const char *field, int64_t from,
                         int (*fn)(const char *predicted, const char *chosen, int64_t n, void *),
                         void *arg);
/* The predictions of field on the tickets created since from, by
 * predicted value: fn(value, count, sum of confidences). */
int store_pred_mix_each(store_t *s, const char *field, int64_t from,
                        int (*fn)(const char *value, int64_t n, double conf, void *), void *arg);

/* Admin threshold settings: mode "target" (with target precision),
 * "always" or "never", per field and class ("" = the field's default). */
typedef struct {
  const char *field, *cls, *mode; /* borrowed during the call */
  double target;
} store_threshold_t;
int store_threshold_put(store_t *s, const char *field, const char *cls,
                        const char *mode, double target);
int store_threshold_each(store_t *s, int (*fn)(const store_threshold_t *, void *),
                         void *arg);

#endif
