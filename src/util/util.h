/* util — the foundation every other module stands on: the program-wide error
 * table, the allocation policy, a capped growable buffer, time, UTF-8 checks,
 * logging and a streaming CSV reader. Depends on libc only. */
#ifndef RELAIS_UTIL_H
#define RELAIS_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* ---- Errors -------------------------------------------------------------
 * One table for the whole program: name, API code, HTTP status, message.
 * Functions return 0 on success or one of these negative values. */
#define UTIL_ERR_MAP(X)                                                       \
  X(NOMEM, "out_of_memory", 500, "out of memory")                             \
  X(INVALID, "invalid", 400, "invalid input")                                 \
  X(TOOBIG, "too_large", 413, "input larger than allowed")                    \
  X(NOTFOUND, "not_found", 404, "not found")                                  \
  X(CONFLICT, "conflict", 409, "conflicts with the current state")            \
  X(UNAUTH, "unauthenticated", 401, "authentication required")                \
  X(FORBIDDEN, "forbidden", 403, "not allowed for this role")                 \
  X(BADJSON, "malformed_json", 400, "malformed JSON")                         \
  X(BADUTF8, "invalid_utf8", 400, "invalid UTF-8")                            \
  X(BADQUERY, "bad_query", 400, "invalid search query")                       \
  X(METHOD, "method_not_allowed", 405, "method not allowed")                  \
  X(IO, "io_error", 500, "input/output error")                                \
  X(DB, "database_error", 500, "database error")                              \
  X(BUSY, "busy", 503, "busy, try again")                                     \
  X(TOOMANY, "too_many_requests", 429, "too many attempts, try again later")  \
  X(MEDIATYPE, "unsupported_media_type", 415, "send the body as JSON")         \
  X(STALE, "precondition_failed", 412, "changed since it was read")             \
  X(FULL, "storage_full", 507, "the database is full (its disk, or its size cap)") \
  X(READONLY, "read_only", 503, "the database file cannot be written")        \
  X(INTERNAL, "internal", 500, "internal error")

enum {
  UTIL_OK = 0,
  UTIL_ERR_BASE_ = -1000,
#define UTIL_ERR_ENUM_(name, code, status, msg) UTIL_E_##name,
  UTIL_ERR_MAP(UTIL_ERR_ENUM_)
#undef UTIL_ERR_ENUM_
  UTIL_ERR_END_
};

const char *util_err_code(int err);    /* "not_found"; "unknown" if not ours */
const char *util_err_message(int err); /* human sentence */
int util_err_http_status(int err);     /* 404, …; 500 if not ours */

/* ---- Why an input was refused -------------------------------------------
 * An error's code says what kind of failure it was; for a refused input a
 * reason says exactly what is wrong with it, for a program to read (the
 * web UI says it in the user's language, naming the field by its label).
 * One table: the name and, in the comment, the members of util_why_t the
 * reason fills in. The API sends them beside code, message and field. */
#define UTIL_WHY_MAP(X)                                                       \
  X(REQUIRED, "required")             /* missing or blank */                  \
  X(TOO_LONG, "too_long")             /* max: bytes */                        \
  X(TOO_SHORT, "too_short")           /* min: bytes */                        \
  X(OUT_OF_RANGE, "out_of_range")     /* min, max: the integer's bounds */    \
  X(NOT_ALLOWED, "not_allowed")       /* allowed: the values it may take */   \
  X(WRONG_TYPE, "wrong_type")         /* expected: string, integer, boolean */\
  X(INVALID_UTF8, "invalid_utf8")                                             \
  X(CONTROL_CHAR, "control_char")     /* also a line break in a short text */ \
  X(NUL_BYTE, "nul_byte")                                                     \
  X(UNKNOWN_FIELD, "unknown_field")   /* not a field of this resource */      \
  X(READ_ONLY_FIELD, "read_only_field") /* kept by the system */              \
  X(AGENTS_ONLY, "agents_only")       /* the caller's role may not set it */  \
  X(NO_SUCH_USER, "no_such_user")     /* or not active */                     \
  X(NO_SUCH_GROUP, "no_such_group")                                           \
  X(UNKNOWN_ENTRY, "unknown_entry")   /* not in the desk's list of values */  \
  X(RETIRED_ENTRY, "retired_entry")   /* in the list, but retired or merged */\
  X(NOT_AGENT, "not_agent")           /* a requester where an agent is due */ \
  X(NOT_EMAIL, "not_email")                                                   \
  X(TAKEN, "taken")                   /* another one has this e-mail/name */  \
  X(TRANSITION, "transition")         /* from, to: the lifecycle forbids it */\
  X(CHANGED_MEANWHILE, "changed_meanwhile") /* a newer version exists */      \
  X(TICKET_CLOSED, "ticket_closed")   /* a requester's reply to a closed one */\
  X(LIMIT_REACHED, "limit_reached")   /* max: how many it may hold */         \
  X(FILE_TOO_LARGE, "file_too_large") /* max: the bytes a file may hold */    \
  X(TICKET_FULL, "ticket_full")       /* max: the bytes a ticket's files may hold */\
  X(FILE_TYPE_REFUSED, "file_type_refused") /* a program, by its content */   \
  X(EMPTY_FILE, "empty_file")                                                 \
  X(NOT_AUTHOR, "not_author")         /* a file goes with one's own message */\
  X(UNKNOWN_PLACEHOLDER, "unknown_placeholder") /* allowed: the ones a text may hold */\
  X(RATE_LIMITED, "rate_limited")     /* the reply's retry_after, seconds */  \
  X(WRONG_PASSWORD, "wrong_password") /* the current password */             \
  X(SAME_PASSWORD, "same_password")   /* the new one is the current one */    \
  X(COMMON_PASSWORD, "common_password")                                       \
  X(PASSWORD_IS_EMAIL, "password_is_email")                                   \
  X(LINK_SELF, "link_self")           /* a ticket linked to or merged into itself */\
  X(LINKED_ALREADY, "linked_already") /* tickets: the pair, already linked */ \
  X(LINK_CYCLE, "link_cycle")         /* tickets: the loop it would make */   \
  X(HAS_PARENT, "has_parent")         /* tickets: the ticket, its parent */   \
  X(HAS_MASTER, "has_master")         /* tickets: the ticket, what it duplicates */\
  X(IS_DUPLICATE, "is_duplicate")     /* tickets: the target, what it duplicates */\
  X(MERGED_ALREADY, "merged_already") /* tickets: the ticket, its master */   \
  X(MASTER_CLOSED, "master_closed")   /* tickets: the closed target */        \
  X(MERGE_KEPT, "merge_kept")         /* tickets: a merged pair, not unlinked */

enum {
  UTIL_WHY_NONE = 0,
#define UTIL_WHY_ENUM_(name, text) UTIL_WHY_##name,
  UTIL_WHY_MAP(UTIL_WHY_ENUM_)
#undef UTIL_WHY_ENUM_
  UTIL_WHY_END_
};

#define UTIL_WHY_TICKETS 16 /* most tickets one refusal names (a loop's path) */
typedef struct {
  int reason;                  /* UTIL_WHY_*; UTIL_WHY_NONE: no reason given */
  int has_min, has_max;        /* min and max mean something */
  int64_t min, max;
  const char *const *allowed;  /* NULL-terminated static list, or NULL */
  const char *expected;        /* static type name, or NULL */
  char from[33], to[33];       /* a status change; "" when none */
  int64_t tickets[UTIL_WHY_TICKETS]; /* the tickets a link refusal names, in order */
  int ntickets;
} util_why_t;

/* "too_long"; NULL for UTIL_WHY_NONE or a number outside the table. */
const char *util_why_name(int reason);

/* ---- Allocation policy --------------------------------------------------
 * Small internal allocations that fail abort the process with a message:
 * a helpdesk server that cannot get a few hundred bytes cannot do anything
 * useful, and checking every such call would bury the real error paths.
 * Allocations whose size comes from input must NOT use these: they go
 * through util_buf_t with a cap, or check malloc themselves. */
void *util_xmalloc(size_t n);
void *util_xcalloc(size_t n, size_t size);
void *util_xrealloc(void *p, size_t n);
char *util_xstrdup(const char *s);             /* returns owned; free() */
char *util_xstrndup(const char *s, size_t n);  /* returns owned; free() */
char *util_xasprintf(const char *fmt, ...)      /* returns owned; free() */
    __attribute__((format(printf, 1, 2)));

/* ---- Capped growable buffer ---------------------------------------------
 * Always NUL-terminated after a successful append. A failed append (cap
 * reached: UTIL_E_TOOBIG, or out of memory) leaves the contents as they
 * were and makes the error sticky: every later append fails with the same
 * code without writing, until util_buf_reset or util_buf_free. A writer may
 * therefore chain appends without checking each one and ask util_buf_error
 * once before using the text; an ignored failure cannot pass silently as a
 * shorter result. */
typedef struct {
  char *data;   /* owned; NULL until the first append */
  size_t len;   /* bytes used, excluding the terminating NUL */
  size_t cap;   /* bytes allocated */
  size_t max;   /* the most len may reach */
  int err;      /* 0, or the first append's failure (sticky) */
} util_buf_t;

void util_buf_init(util_buf_t *b, size_t max);
int util_buf_append(util_buf_t *b, const void *p, size_t n);
int util_buf_puts(util_buf_t *b, const char *s);
int util_buf_putc(util_buf_t *b, char c);
int util_buf_printf(util_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int util_buf_error(const util_buf_t *b);        /* 0 or the sticky failure */
void util_buf_reset(util_buf_t *b);             /* len = 0, error cleared, keeps memory */
const char *util_buf_cstr(const util_buf_t *b); /* "" when empty; borrows */
char *util_buf_steal(util_buf_t *b);            /* returns owned; buffer reset */
void util_buf_free(util_buf_t *b);

/* ---- Time ---------------------------------------------------------------
 * The database stores UTC seconds since the epoch; the API speaks ISO-8601. */
#define UTIL_ISO_LEN 21 /* "2026-01-31T23:59:59Z" + NUL */
int64_t util_now(void);
void util_time_iso(int64_t t, char out[UTIL_ISO_LEN]);
/* Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]" with optional "Z" or
 * "+HH:MM"/"-HH:MM". Returns 0 or UTIL_E_INVALID. */
int util_time_parse(const char *s, int64_t *out);
double util_monotonic(void); /* seconds, for durations */

/* ---- Time zones ----------------------------------------------------------
 * A zone of the system's tz database (TZif files under $TZDIR, else
 * /usr/share/zoneinfo): its offsets from UTC over time. Zones are loaded
 * once and live as long as the process (immutable, shared by threads);
 * past the last transition of the file (2037 in Debian's) its last offset
 * holds. */
#define UTIL_TZ_NAME_MAX 64
typedef struct util_tz util_tz_t;
/* The zone named name ("Europe/Paris", "UTC"): 0 and *out (borrowed, for
 * the life of the process), or UTIL_E_INVALID when name is not a zone of
 * the database (bad characters, no such file, not a TZif file). */
int util_tz_get(const char *name, const util_tz_t **out);
const char *util_tz_name(const util_tz_t *tz); /* borrows */
/* Seconds east of UTC in force at UTC time t. */
int32_t util_tz_offset(const util_tz_t *tz, int64_t t);
/* The UTC time of a local wall-clock time (seconds since 1970-01-01 00:00
 * local). A time a change of offset skips or repeats gets one of the two
 * offsets around it. */
int64_t util_tz_from_local(const util_tz_t *tz, int64_t local);

/* ---- Periodic work -----------------------------------------------------------
 * A thread that calls fn(arg) every interval_ms until stopped. Stopping
 * wakes it at once and waits for a call in progress to finish. Returns
 * owned (free with util_ticker_stop), or NULL if no thread could start. */
typedef struct util_ticker util_ticker_t;
util_ticker_t *util_ticker_start(void (*fn)(void *), void *arg, int interval_ms);
void util_ticker_stop(util_ticker_t **t);

/* ---- Reproducible randomness -----------------------------------------------
 * SplitMix64: the next value of a seeded sequence (state advances). For
 * shuffles and splits that must be the same for the same seed; not for
 * secrets (those come from libsodium). */
uint64_t util_splitmix64(uint64_t *state);
/* Shuffles idx[0..n) in place (Fisher-Yates) from *state. */
void util_shuffle(size_t *idx, size_t n, uint64_t *state);

/* ---- UTF-8 --------------------------------------------------------------
 * Strict check (no overlongs, no surrogates, nothing above U+10FFFF).
 * Returns 1 if valid; otherwise 0 and *bad (if non-NULL) is the offset of the
 * first invalid byte. */
int util_utf8_valid(const char *s, size_t n, size_t *bad);
/* How many bytes of s (NUL-terminated; NULL: none) to keep for at most
 * max: its length, or less, ending before a character that max would cut
 * (an excerpt, a text an audit row or a log keeps). */
size_t util_utf8_prefix(const char *s, size_t max);

/* ---- Logging ------------------------------------------------------------
 * One line per call on stderr, prefixed with a UTC timestamp and the level. */
typedef enum { UTIL_LOG_DEBUG, UTIL_LOG_INFO, UTIL_LOG_WARN, UTIL_LOG_ERROR } util_log_level_t;
void util_log_set_level(util_log_level_t lvl);
void util_log(util_log_level_t lvl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- CSV (RFC 4180) -----------------------------------------------------
 * Streaming reader: quoted fields, doubled quotes, embedded newlines, a
 * UTF-8 BOM at the start, CRLF or LF line ends. Memory is bounded by
 * max_record (bytes in one record). */
typedef struct util_csv util_csv_t;

/* Borrows f (the caller closes it). Returns owned; free with util_csv_close. */
util_csv_t *util_csv_open(FILE *f, size_t max_record);
/* Reads the next record. Returns 1 with *fields and *nfields set (borrowed, valid
 * until the next call), 0 at end of input, or a negative error with
 * util_csv_error() describing it. After an error the reader resumes at the
 * next line, so the caller may report and continue. */
int util_csv_next(util_csv_t *c, char ***fields, size_t *nfields);
long util_csv_line(const util_csv_t *c);       /* line where the record began */
/* Length in bytes of field i of the current record, NUL bytes included
 * (a field's C string stops at its first NUL; this says where it ends). */
size_t util_csv_field_len(const util_csv_t *c, size_t i);
const char *util_csv_error(const util_csv_t *c); /* last error; borrows */
void util_csv_close(util_csv_t **c);

#endif
