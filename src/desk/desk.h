/* desk — the helpdesk's rules, in one place: what each ticket field may
 * hold and who may set it, what a requester's reply does to a ticket, and
 * the one transactional intake every channel (API, import, e-mail, the
 * assistant's handover) calls to create a ticket.
 *
 * A rule's message is the same whatever the channel: the API sends it as
 * {"error":{"message","field"}}, import prints it after the CSV line and
 * column. Uses store, triage, text and util; never api, http or cli. */
#ifndef RELAIS_DESK_H
#define RELAIS_DESK_H

#include <stddef.h>
#include <stdint.h>

#include "../search/search.h"
#include "../store/store.h"
#include "../triage/triage.h"

/* ---- Errors ----------------------------------------------------------------
 * What a refused value was and why. code is a UTIL_E_* (INVALID for a bad
 * value, FORBIDDEN for a field the caller may not set, CONFLICT for a
 * status change the lifecycle forbids, or a store error); field names the
 * field as the caller spelled it (cut at 63 bytes; "" when the error is
 * about no field in particular); why says what was wrong with the value
 * (see UTIL_WHY_MAP), with the bounds or allowed values it needs. */
typedef struct {
  int code;
  char field[64];
  char msg[256];
  util_why_t why; /* the reason for a program (UTIL_WHY_NONE when none) */
} desk_err_t;

/* ---- Field rules -------------------------------------------------------------
 * Text rule, for every text field: valid UTF-8, no NUL byte (refused, never
 * cut), no C0 control character nor DEL except tab, and line breaks (LF,
 * CR) only in the long fields (description, resolution); length in bytes
 * within the field's limits; a required text is not blank. */
typedef enum {
  DESK_TEXT,  /* string, length in [min, max] bytes */
  DESK_INT,   /* integer in [min, max] */
  DESK_ENUM,  /* one of values */
  DESK_USER,  /* id of an active user */
  DESK_AGENT, /* id of an active agent or admin */
  DESK_GROUP, /* id of a group */
  DESK_LIST   /* text naming an active entry of the field's managed list */
} desk_kind_t;

typedef struct {
  store_tf_t f;
  desk_kind_t kind;
  int64_t min, max;
  const char *const *values; /* DESK_ENUM: NULL-terminated */
  int requester;             /* a requester may set it when creating */
  int nullable;
  int multiline;             /* line breaks allowed (long texts) */
} desk_field_t;

/* The rule of a writable field by its name, or NULL with e set: "'x' is
 * read-only" for a field the system keeps, "unknown field 'x'" otherwise.
 * Returns a pointer into a static table. */
const desk_field_t *desk_field_find(const char *name, desk_err_t *e);
/* The rule of field f, or NULL if callers never write it. */
const desk_field_t *desk_field_of(store_tf_t f);

/* A value as a channel received it. DESK_V_STRING and DESK_V_INT are typed
 * (JSON); DESK_V_CELL is untyped text (a CSV cell, a mail header) that is
 * read as the field's type: an integer field parses it as a decimal
 * integer. DESK_V_OTHER is any other JSON type (refused). s is borrowed and
 * n is its length in bytes, NUL bytes included. */
typedef enum { DESK_V_NULL, DESK_V_STRING, DESK_V_CELL, DESK_V_INT, DESK_V_OTHER } desk_vkind_t;

typedef struct {
  desk_vkind_t kind;
  const char *s;
  size_t n;
  int64_t i;
} desk_value_t;

/* Checks v against the rule of sp and sets it on t (copied). role is the
 * caller's: below agent, a field without the requester flag is FORBIDDEN
 * when creating. References (user, agent, group) are looked up in db.
 * Returns 0, or the error with e filled; t is unchanged on error. */
int desk_field_set(store_t *db, const desk_field_t *sp, store_role_t role, int creating,
                   const desk_value_t *v, store_ticket_t *t, desk_err_t *e);

/* The managed-list rule (DESK_LIST: category, service, ci): s names an
 * active entry of the field's list, ASCII case aside; *canon receives the
 * entry's own name (owned). Refusals name the allowed values, or say the
 * entry is retired (and into what it was merged). */
int desk_list_value(store_t *db, store_tf_t f, const char *s, char **canon, desk_err_t *e);

/* The text rule alone (see above) for a value of field name, n bytes:
 * 0 or UTIL_E_INVALID with e set. For texts that are not ticket fields
 * (comment bodies) too. */
int desk_text_check(const char *name, const char *s, size_t n, size_t min, size_t max,
                    int multiline, desk_err_t *e);

/* ---- Attachments (attach.c) ------------------------------------------------------
 * A file given with a ticket or a reply, whatever the channel brought it:
 * its name made safe to show and to send back in a Content-Disposition
 * header, its type read from its bytes, never from its name or from what
 * the sender said. */
#define DESK_ATTACH_NAME_IN 1024 /* longest name taken, in bytes: longer is refused */
#define DESK_ATTACH_NAME_MAX 200 /* longest name kept: longer is cut, its extension kept */

/* The safe form of the name given (n bytes) into out: only its last path
 * part ("C:\x\shot.png" -> "shot.png"), each control character
 * (C0, DEL, C1, line separators) made '_', the invisible characters that
 * change how it reads (bidi controls, zero-width characters, BOM)
 * dropped, spaces and dots trimmed at both ends, at most
 * DESK_ATTACH_NAME_MAX bytes; "file" if nothing is left. An empty,
 * over-long, NUL-holding or invalid UTF-8 name is refused (UTIL_E_INVALID
 * or UTIL_E_BADUTF8, field "filename"). */
int desk_attach_name(const char *given, size_t n, char out[DESK_ATTACH_NAME_IN + 1],
                     desk_err_t *e);

typedef struct {
  const char *type;    /* static MIME type; "application/octet-stream" when
                        * unknown, "text/plain; charset=utf-8" for readable text
                        * that is not markup (HTML, SVG, XML are never text) */
  int inline_ok;       /* a raster image (PNG, JPEG, GIF, WebP) a page may show */
  const char *program; /* a program, refused ("a Windows program"); else NULL */
} desk_sniff_t;

/* What the n bytes at data are, from their magic numbers: images, PDF,
 * Office (OOXML, OpenDocument, 97-2003), archives, audio and video,
 * UTF-8 text; programs (Windows PE, ELF, Mach-O) are marked. Reads no more
 * than the signatures and a ZIP's directory, except for text, which is
 * read whole. */
void desk_attach_sniff(const void *data, size_t n, desk_sniff_t *out);
/* 1 if a file of this type may be shown inside a page: PNG, JPEG, GIF and
 * WebP only (never SVG, which can hold script). */
int desk_attach_inline(const char *type);

/* ---- A requester's reply -------------------------------------------------------
 * A requester cannot reply to a closed ticket (UTIL_E_CONFLICT with e set:
 * "ticket N is closed: open a new ticket"). A reply to a ticket that waits
 * on them (pending) reopens it, and so does one to a resolved ticket when
 * they say it is still broken (still_broken); a reply to a resolved ticket
 * that says nothing of the kind ("thanks!") leaves it resolved. *reopen
 * receives "open", or NULL when the status stays. Agents' replies never
 * change the status. */
int desk_reply_status(int64_t ticket_id, const char *status, store_role_t role, int still_broken,
                      const char **reopen, desk_err_t *e);

/* ---- Lifecycle, priority, SLA -------------------------------------------------
 * Status: new -> open/pending/resolved/closed; open <-> pending;
 * open/pending -> resolved/closed; resolved -> open (reopen) or closed;
 * closed is final. 1 if from -> to is allowed (the same status is not a
 * transition: 0). */
int desk_status_transition_ok(const char *from, const char *to);
int desk_status_done(const char *status); /* resolved or closed */
/* ITIL priority 1 ... 4 from impact and urgency, each 1 (high) ... 3 (low);
 * 0 outside those. */
int desk_itil_priority(int64_t impact, int64_t urgency);
/* Inserts t with the lifecycle's values: status "new" and created now when
 * unset, resolved_at for a ticket born resolved or closed, a priority from
 * impact (a single user when unknown) and urgency (the default urgency,
 * noted in urgency_default, when unknown) unless one is given, and the SLA
 * targets (a ticket born pending has its clocks stopped from its
 * updated_at). In the caller's transaction if one is open. */
int desk_ticket_insert(store_t *db, store_ticket_t *t, const store_actor_t *a, int64_t *id);
/* Changes the fields of ch in mask on ticket id, with the rules: a status
 * change the lifecycle forbids is UTIL_E_CONFLICT ("status cannot change
 * from 'a' to 'b'", field status); resolved_at follows the status; a change
 * of impact or urgency without a priority by hand sets the ITIL priority
 * (a single user and the default urgency standing in for what is unknown);
 * entering pending stops the SLA clocks, leaving it (or reopening a
 * resolved ticket) starts them again; the due times follow. Call it in a
 * transaction, so that the check and the write see the same ticket. */
int desk_ticket_update(store_t *db, int64_t id, const store_ticket_t *ch, uint32_t mask,
                       const store_actor_t *a, int *changed, desk_err_t *e);
/* The ITIL priority of ticket id again after triage set its urgency:
 * impact as stated or a single user (3); actor system. */
int desk_refresh_priority(store_t *db, int64_t id);
/* A public reply was added to ticket id at `at` (an internal note is
 * none). From the desk (an agent or admin): the first time, the
 * first-response clock stops there, and the requester no longer awaits
 * the desk (awaiting_since cleared). From the requester: they await the
 * desk since `at`, unless they already did since earlier or the ticket
 * is resolved or closed (a thank-you awaits nothing). Call it after the
 * status change the reply may bring (desk_reply_status: "still broken"
 * reopens). No history row of its own (the reply has one), no new
 * version. */
int desk_ticket_replied(store_t *db, int64_t id, int64_t at, int from_desk);

/* ---- Links between tickets and merges (links.c) ---------------------------------
 * Seen from a ticket, a link is of kind "duplicate_of" (it duplicates the
 * other ticket, its master), "duplicates" (the other duplicates it),
 * "parent" (the other is its parent), "child" or "related". Rules: no link
 * to itself; one link per pair; one parent and one master at most; a
 * master is never itself a duplicate; a parent or duplicate chain never
 * loops. A refusal names the tickets in e->why.tickets (the loop's path
 * for a loop). Each change writes "link_added" or "link_removed" on both
 * tickets: old_value the kind as that ticket sees it, new_value the other
 * ticket's id. Call them in a transaction; the caller checked that both
 * tickets exist. */
#define DESK_LINK_VIEWS "duplicate_of, duplicates, parent, child, related"
/* The kind ticket id sees of link l (static). */
const char *desk_link_view(const store_link_t *l, int64_t id);
/* Links ticket id to other as kind: duplicate_of, parent, child or related
 * (UTIL_E_INVALID naming "kind" otherwise, "ticket" for itself);
 * UTIL_E_CONFLICT for a rule above. */
int desk_link_add(store_t *db, int64_t id, const char *kind, int64_t other, const store_actor_t *a,
                  desk_err_t *e);
/* Removes the link between id and other: UTIL_E_NOTFOUND when there is
 * none, UTIL_E_CONFLICT for the link of a merge (a merge is not undone). */
int desk_link_remove(store_t *db, int64_t id, int64_t other, const store_actor_t *a, desk_err_t *e);
/* Merges ticket id (a duplicate) into ticket into, its master, by the
 * agent a: the conversation copied (store_merge_copy; the copies keep
 * their visibility only when both tickets have the same requester, and
 * are internal notes otherwise), the merged "duplicate" link, a public
 * reply on id to its requester in their language (the user's, else the
 * ticket's, else English) saying where it went, id closed (unless it is
 * already), and the events "merged_into" on id and "merged_from" on into
 * (new_value: the other ticket's id). Refused: into itself (INVALID,
 * field "into"), a ticket merged already or marked a duplicate of another
 * one, a master that is a duplicate (merge into its master instead) or
 * closed, a pair linked otherwise (CONFLICT). *copied (optional) counts
 * the comments the master received. In the caller's transaction. */
int desk_merge(store_t *db, int64_t id, int64_t into, const store_actor_t *a, int64_t *copied,
               desk_err_t *e);

/* ---- Business calendar (calendar.c) -----------------------------------------
 * When the desk works: a time zone of the tz database, working periods per
 * weekday and holidays, from the settings calendar.timezone ("UTC" when
 * empty), calendar.hours ("24x7" or empty: around the clock; else groups
 * such as "mon-fri 08:00-12:00,13:30-17:30; sat 09:00-12:00", day names
 * in English or French) and calendar.holidays ("2026-12-25" for one day,
 * "12-25" for every year, separated by commas or spaces). */
#define DESK_CAL_SPANS 4     /* working periods in one day */
#define DESK_CAL_HOLIDAYS 400 /* dates of each kind */
typedef struct {
  const util_tz_t *tz;                 /* borrowed (util_tz_get) */
  int always;                          /* around the clock: no hours, no holidays */
  uint16_t span[7][DESK_CAL_SPANS][2]; /* per weekday (0 = Monday): [start, end) minutes */
  int nspan[7];
  int32_t holiday[DESK_CAL_HOLIDAYS];  /* day numbers (1970-01-01 = 0), ascending */
  int nholiday;
  uint16_t yearly[DESK_CAL_HOLIDAYS];  /* month * 100 + day, ascending */
  int nyearly;
} desk_cal_t;

/* Reads the three settings into c. 0, or UTIL_E_INVALID with e naming the
 * setting (field) and what could not be read. */
int desk_cal_parse(const char *zone, const char *hours, const char *holidays, desk_cal_t *c,
                   desk_err_t *e);
/* The time at which secs of working time have passed since t (t itself
 * for secs <= 0); a target that ends with a working period ends at its
 * end, never at the start of the next one. */
int64_t desk_cal_add(const desk_cal_t *c, int64_t t, int64_t secs);
/* Working seconds in [from, to); 0 when to <= from. */
int64_t desk_cal_between(const desk_cal_t *c, int64_t from, int64_t to);

/* ---- Service levels (sla.c) ----------------------------------------------------
 * Per priority a first-response and a resolution target in working time
 * (settings sla.pN_response_minutes and sla.pN_hours), the urgency assumed
 * while none is known (sla.default_urgency) and when a running target is
 * at risk (sla.at_risk_percent of its time left). */
typedef struct {
  desk_cal_t cal;
  int64_t response_s[4], resolve_s[4]; /* P1..P4, working seconds */
  int default_urgency;                 /* 1..3 */
  int at_risk_pct;                     /* 1..99 */
} desk_sla_t;

/* Reads the settings (one statement); a stored value the API would refuse
 * keeps its default, a bad calendar counts around the clock in UTC (both
 * logged). Returns 0 or the store's error (s then holds the defaults). */
int desk_sla_load(store_t *db, desk_sla_t *s);
/* The default of an SLA setting by key (0 for another key). */
int64_t desk_sla_default(const char *key);
/* Sets t's response_due_at, resolve_due_at and sla_due_at from its
 * priority, created_at, sla_paused_s, first_response_at and status: the
 * due times are the targets plus the working time stopped so far;
 * sla_due_at is the next running one (the first response until the desk
 * answered, then the resolution), NULL while stopped (pending), the
 * resolution target once resolved or closed. No priority: all NULL. */
void desk_sla_refresh(const desk_sla_t *s, store_ticket_t *t);
/* The clocks after t's status became what it is from that of `from` (NULL
 * for a new ticket) at `now`: entering pending stops them (sla_paused_at),
 * leaving it adds the working time stopped to sla_paused_s, and so does
 * reopening a resolved or closed ticket for the time since resolved_at. */
void desk_sla_status(const desk_sla_t *s, const store_ticket_t *from, store_ticket_t *t,
                     int64_t now);
/* The urgency t's priority uses: its own (urgency_default cleared), else
 * the one assumed before or the setting's (noted in urgency_default). */
int desk_sla_default_urgency(const desk_sla_t *s, store_ticket_t *t);

/* Where a ticket stands against its targets, for the queue. */
typedef enum {
  DESK_SLA_NONE,     /* no priority, no targets */
  DESK_SLA_OK,       /* the next target is running with time to spare */
  DESK_SLA_AT_RISK,  /* less than at_risk_pct of its time is left */
  DESK_SLA_BREACHED, /* the next target has passed */
  DESK_SLA_PAUSED,   /* clocks stopped: waiting on the requester */
  DESK_SLA_MET,      /* resolved within the resolution target */
  DESK_SLA_MISSED    /* resolved after it */
} desk_sla_state_t;
typedef struct {
  desk_sla_state_t state;
  int response; /* the next target is the first response */
  int64_t due;  /* of the next target (running), or the resolution target (done); 0 if none */
  int64_t left; /* working seconds left until due; negative: past it */
} desk_sla_view_t;
void desk_sla_view(const desk_sla_t *s, const store_ticket_t *t, int64_t now, desk_sla_view_t *v);
/* The time from which no running target is at risk at now: a target due
 * at or after it has more working time left than the at-risk share of the
 * longest target. The tickets at risk are among those due in [now, it). */
int64_t desk_sla_risk_horizon(const desk_sla_t *s, int64_t now);
const char *desk_sla_state_name(desk_sla_state_t st); /* "ok", "at_risk", … */

/* ---- Canned responses (macro.c) ------------------------------------------------
 * A macro's texts (its reply in each language, the resolution it sets) may
 * hold placeholders, filled when it is applied to a ticket:
 * {requester_name}, {requester_first_name}, {ticket_id}, {ticket_title},
 * {agent_name}, {agent_first_name} and {group_name} (the ticket's group
 * once the macro's changes are made; "" when none). Any other {word} of
 * lower-case letters and underscores is refused when the macro is saved;
 * a brace around anything else ("{ }", "{Nom}") is plain text. */
#define DESK_MACRO_NAME_MAX 100  /* bytes of a name */
#define DESK_MACRO_BODY_MAX 65536 /* bytes of a reply, as of a comment */
typedef struct {
  int64_t ticket_id;
  const char *ticket_title, *requester_name, *agent_name, *group_name; /* borrowed; NULL: "" */
} desk_macro_vars_t;
/* 0, or UTIL_E_INVALID with e naming field and the first unknown
 * placeholder, with the known ones. */
int desk_macro_text_check(const char *field, const char *s, desk_err_t *e);
/* s with its placeholders filled from v; returns owned. */
char *desk_macro_fill(const char *s, const desk_macro_vars_t *v);
/* Reads a macro's field changes, a JSON object {field: value} whose
 * fields are among status, group_id, assignee_id, priority, urgency,
 * impact, category, service and resolution, into ch (the values, by
 * desk_field_set's rules for an agent changing a ticket) and *mask (their
 * bits). assignee_id may be "me": the agent me who applies it. me 0 means
 * the macro is being saved: "me" is accepted as it is (nothing set in ch),
 * and the resolution's placeholders are checked. Refusals name the field
 * as prefix + its name ("actions.status"). ch is left partly set on error. */
int desk_macro_changes(store_t *db, const json_t *actions, const char *prefix, int64_t me,
                       store_ticket_t *ch, uint32_t *mask, desk_err_t *e);

/* ---- Request templates (template.c) ---------------------------------------------
 * A template's extra fields are a JSON array of definitions, each
 *   {"key", "label_fr", "label_en", "type", "required", "min", "max", "options"}
 * key: a word of [a-z0-9_] starting with a letter, 32 bytes at most, unique;
 * a label in one language at least (200 bytes each; the other falls back
 * to it); type one of
 *   text       one line; min and max in characters (max 300 by default, 1,000 at most)
 *   long_text  lines allowed; min and max in characters (10,000 by default and at most)
 *   number     a whole number; min and max its bounds (±10^12 at most)
 *   date       YYYY-MM-DD; min and max dates of the same form
 *   yesno      true or false
 *   choice     one of options: 1 to 50 {"value", "label_fr", "label_en"},
 *              values unique, 100 bytes each
 * required: a value must be given (for yesno: an answer, yes or no). A value
 * is stored as text: digits, YYYY-MM-DD, "yes"/"no", a choice's value. */
#define DESK_TPL_FIELDS_MAX 30
#define DESK_TPL_NAME_MAX 100     /* bytes of a template's name */
#define DESK_TPL_DESC_MAX 2000    /* bytes of its description */
#define DESK_TPL_TITLE_MAX 300    /* bytes of a title pattern, as of a title */
/* Checks the definitions defs and returns their normalised copy in *out
 * (owned; every member present: required false, min and max as given or
 * null, options [] but for a choice). Refusals name the member
 * ("fields[2].options[0].value"). */
int desk_tpl_fields_check(const json_t *defs, json_t **out, desk_err_t *e);
/* A title pattern may hold {requester_name} and the {key} of each field
 * of defs (normalised); anything else in braces of that form is refused,
 * naming field. */
int desk_tpl_title_check(const char *field, const char *pattern, const json_t *defs,
                         desk_err_t *e);
/* Checks values (a JSON object key -> value, or NULL: none) against defs
 * (normalised) and appends each given value to form, in the definitions'
 * order (an optional field left out, null or "" is not stored). A refusal
 * names "fields.KEY" and *why (owned, or NULL) says why for a program:
 * {"reason": "required" | "unknown_field" | "wrong_type" (with "expected":
 * "string", "integer", "date", "boolean") | "control_char" | "too_short" |
 * "too_long" (with "min"/"max" in characters) | "out_of_range" (with
 * "min"/"max", numbers or dates) | "not_allowed" (with "allowed", the
 * choice's values)}. */
int desk_tpl_values(const json_t *defs, const json_t *values, store_form_t *form, desk_err_t *e,
                    json_t **why);
/* The title from pattern with form's values as people read them in lang
 * ("fr" or "en": a choice's label, yes or no in words) and requester's
 * name; returns owned, cut on a character boundary to DESK_TPL_TITLE_MAX
 * bytes. */
char *desk_tpl_title(const char *pattern, const store_form_t *form, const char *requester,
                     const char *lang);
/* The form as lines of text in lang, under its name ("Label : value" in
 * French, "Label: value" in English): what the ticket's description
 * carries, so that searches and triage read the values. Returns owned. */
char *desk_tpl_text(const store_form_t *form, const char *lang);

/* A likely duplicate (duplicate.c): the candidate, the probability that
 * the new ticket repeats it, the features that probability came from. */
#define DESK_DUP_NF 6
typedef struct {
  int64_t id;            /* 0: no candidate */
  double p;
  double f[DESK_DUP_NF];
} desk_dup_t;

/* ---- Intake --------------------------------------------------------------------
 * A new ticket goes: the channel fills in.t with desk_field_set (plus what
 * only it knows: created_at of an import, resolved requester and group
 * ids) -> desk_prepare (row rules, defaults, triage; no write) ->
 * desk_insert inside a transaction (the ticket, its predictions, its
 * history events). desk_create does the last two in one transaction. */
typedef struct {
  store_ticket_t t;   /* the ticket being made; owned */
  uint32_t given;     /* fields the channel set (bits of store_tf_t), set to
                       * null included; prepare adds every non-null field */
  int triaged;        /* tr holds a triage result */
  triage_result_t tr; /* what triage predicted and decided */
  store_form_t *form; /* the request template's form it was filed through,
                       * or NULL; borrowed: desk_insert writes it */
  desk_dup_t dup;      /* the duplicate check's finding (id 0: none) */
} desk_intake_t;

void desk_intake_init(desk_intake_t *in);
void desk_intake_clear(desk_intake_t *in); /* frees the ticket; back to init */

/* Options of desk_prepare. */
typedef struct {
  int64_t requester_id;      /* when the channel set none */
  const char *source;        /* when the channel set none ("web", "import", …) */
  int triage;                /* run triage (language, cues, models) */
  const triage_set_t *set;   /* models; borrowed, may be NULL: language and
                              * impact cues only */
  int dup_check;             /* look for an open ticket it repeats */
} desk_prep_t;

/* Checks the ticket as a whole ("'title' is required"), fills in the
 * defaults, and if o->triage runs triage outside any lock, then applies its
 * confident predictions, the cued impact and the ITIL priority to in->t,
 * except on fields the channel set. Writes nothing. */
int desk_prepare(store_t *db, const desk_prep_t *o, desk_intake_t *in, desk_err_t *e);

/* Inserts the prepared ticket, its history, its form (if filed through a
 * template) and (if triaged) its predictions, inside the transaction the caller holds (a bulk load may
 * hold one for many tickets). *id receives the new id. A store error is
 * returned as is; the caller rolls back. */
int desk_insert(store_t *db, desk_intake_t *in, const store_actor_t *a, int64_t *id);

/* desk_prepare + one transaction around desk_insert. On a store error the
 * transaction is rolled back and e says "cannot create the ticket". */
int desk_create(store_t *db, const desk_prep_t *o, desk_intake_t *in, const store_actor_t *a,
                int64_t *id, desk_err_t *e);

/* ---- Similar tickets (similar.c) ---------------------------------------------------
 * The tickets most like a query: up to DESK_SIMILAR_CANDIDATES of the
 * full-text index's best BM25 matches, kept when their word cosine is
 * 0.15 or more with two search words in common (one for a one-word
 * query), ordered by the ranker's probability. */
#define DESK_SIMILAR_CANDIDATES 50
#define DESK_CANDIDATE_TEXT 2000 /* bytes of a candidate's description it is judged on */
typedef struct {
  const char *title, *description;   /* the query (either may be NULL) */
  int64_t exclude;                   /* a ticket left out (the query's own), 0: none */
  int64_t requester_id;              /* who asks, 0: unknown */
  int64_t at;                        /* when it was asked (the recency feature) */
  const char *category, *service, *ci; /* known values; NULL: the models' guess */
  int resolved_only;                 /* resolved and closed tickets only */
  int every_word;                    /* the candidates' query reads every word's list,
                                      * not the rarest within the budget (slower: what
                                      * the budget's recall is measured against) */
  const triage_set_t *set;           /* the models (may be NULL); borrowed */
  const search_ranker_t *ranker;     /* borrowed */
} desk_similar_q_t;

typedef struct {
  int64_t id, resolved_at;           /* resolved_at 0: not resolved */
  double score;                      /* the ranker's probability */
  double similarity;                 /* the word cosine */
  double f[SEARCH_RF_COUNT];         /* the features it was scored on */
  int shared[SEARCH_WORDS_MAX];      /* which of the query's words it holds */
  char *title, *status, *category, *resolution; /* owned; NULL when null */
} desk_similar_hit_t;

typedef struct {
  search_alike_t *alike;             /* the query's search words; NULL: it had none */
  desk_similar_hit_t *hit;           /* best first */
  int n;
} desk_similar_t;

/* Fills out (cleared first; desk_similar_clear frees it). 0, or a store error. */
int desk_similar(store_t *db, const desk_similar_q_t *q, desk_similar_t *out);
void desk_similar_clear(desk_similar_t *s);

/* Fits r on what people took (store_similar_signals_each, the newest
 * 5,000): for each ticket with signals, its candidates as desk_similar
 * finds them now, 1 for the ones taken, 0 for the others. When fewer than
 * SEARCH_RANK_MIN_SIGNALS taken tickets are among the candidates, r is the
 * default (r->trained 0). 0, or a store error. */
typedef struct {
  int64_t signals; /* (ticket, taken) pairs read */
  int64_t found;   /* taken tickets among the candidates: the positives */
  int64_t rows;    /* candidates in all */
} desk_rank_report_t;
int desk_similar_train(store_t *db, const triage_set_t *set, search_ranker_t *r, desk_rank_report_t *rep);

/* The ranker in use (the setting DESK_RANKER_SETTING: the last fit, or
 * the default when none or unreadable) and how many signals it was
 * fitted from (signals may be NULL). */
#define DESK_RANKER_SETTING "similar_ranker"
void desk_similar_ranker(store_t *db, search_ranker_t *r, int64_t *signals);
/* desk_similar_train, then the result (the default when too few signals)
 * is the ranker in use. 0, or a store error. */
int desk_similar_refit(store_t *db, const triage_set_t *set, search_ranker_t *r, desk_rank_report_t *rep);

/* ---- The duplicate check (duplicate.c) ------------------------------------------
 * A new ticket against the tickets still open at its time that its
 * requester filed in the last 14 days, and the 30 newest of anyone's of
 * the last 4 hours: the candidate it most likely repeats and that
 * probability, from the pair's features (word cosine, character trigram
 * cosine, same requester, closeness in time with a 12-hour half-life, same
 * category: 1, another: -1, unknown: 0; and how many others reported
 * something alike in the last hours, an outage: 0 to 5 as 0 to 1). Flagged at DESK_DUP_THRESHOLD or more. */
#define DESK_DUP_THRESHOLD 0.3 /* the best F1 on the demo of seed 11 (see duplicate.c) */
extern const char *const desk_dup_feature_names[DESK_DUP_NF];
typedef struct {
  const char *title, *description;
  int64_t requester_id;  /* 0: unknown */
  int64_t exclude;       /* the ticket itself once written, 0 before */
  int64_t at;            /* its creation time: "open" and "lately" are at that time */
  const char *category;  /* set or predicted; NULL: unknown */
} desk_dup_q_t;
/* best: the likeliest candidate (id 0 when none); each (may be NULL) sees
 * every candidate first, and stops the check by returning non-zero. 0, or
 * a store error. */
int desk_duplicate_check(store_t *db, const desk_dup_q_t *q, desk_dup_t *best,
                         int (*each)(const desk_dup_t *c, void *arg), void *arg);
/* Writes ticket's flag when d found a candidate at DESK_DUP_THRESHOLD or
 * more (nothing otherwise), in the caller's transaction. */
int desk_dup_record(store_t *db, int64_t ticket, const desk_dup_t *d);
/* The model's probability for features f[DESK_DUP_NF]. */
double desk_dup_prob(const double *f);

#endif
