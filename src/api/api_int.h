/* Private to the api module: the per-request call state, the route table
 * and the helpers every resource file shares. */
#ifndef RELAIS_API_INT_H
#define RELAIS_API_INT_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>

#include "../desk/desk.h"
#include "../triage/triage.h"
#include "api.h"

/* ---- The context (see api.h) ------------------------------------------------ */
#define API_METRICS_ROUTES 160  /* room for the route table + static + unmatched (checked in dispatch.c) */
#define API_METRICS_NCODES 13   /* the statuses metrics.c counts one by one */
#define API_METRICS_NB 12       /* latency histogram bounds */
/* Request counters: atomics, so that recording never takes a lock. */
typedef struct {
  atomic_ulong count[API_METRICS_ROUTES][API_METRICS_NCODES + 1]; /* +other */
  atomic_ulong hist[API_METRICS_ROUTES][API_METRICS_NB + 1];      /* +Inf */
  atomic_ullong sum_us[API_METRICS_ROUTES];
} api_metrics_t;

/* ---- Throttles (throttle.c) ------------------------------------------------
 * Failure counters keyed by whole strings: max_fails failures within 15
 * minutes lock a key for a minute, doubling at each new lock up to an
 * hour. At most max_keys keys (a locked one is never dropped); nbucket
 * hash buckets. */
typedef struct api_throttle api_throttle_t;
api_throttle_t *api_throttle_new(size_t max_keys, size_t nbucket);
void api_throttle_free(api_throttle_t **t);
/* Seconds key must still wait before it may try again; 0 when it may. */
int64_t api_throttle_wait(api_throttle_t *t, const char *key, int64_t now);
/* Counts a failure (ok 0) or clears the key's failures and locks (ok 1). */
void api_throttle_record(api_throttle_t *t, const char *key, int ok, int max_fails,
                         int64_t now);
/* Takes one write from key's bucket: per_minute a minute, as many at once
 * (0: no limit); 0 when taken, or the seconds until one is back. */
int api_throttle_take(api_throttle_t *t, const char *key, int per_minute, double now);
#define API_THROTTLE_KEYS 50000

struct api_ctx {
  api_config_t cfg;             /* db_path borrowed from the caller */
  /* SQLite connections are not shared between threads: each transport
   * thread opens its own on first use (found again through tl_db); the
   * registry lets api_free close them all once the threads are joined. */
  pthread_key_t tl_db;
  pthread_mutex_t reg_mu;
  store_t **reg;
  size_t nreg;
  triage_holder_t *triage;      /* owned: the current models */
  jobs_runner_t *jobs;          /* owned */
  store_checkpointer_t *ckpt;   /* owned; a ticker of its own, not a job: it
                                 * runs every 200 ms and must never wait
                                 * behind a training on the runner's thread */
  api_throttle_t *signin_accounts;  /* owned: sign-in failures by folded e-mail */
  api_throttle_t *signin_clients;   /* owned: sign-in failures by client address */
  api_throttle_t *writes;           /* owned: write buckets by requester or address */
  api_metrics_t metrics;
};

typedef struct {
  api_ctx_t *ctx;            /* the server's context; borrowed */
  store_t *db;               /* this thread's connection; borrowed */
  const api_request_t *req;  /* borrowed */
  api_response_t *resp;      /* borrowed */
  store_user_t user;         /* the caller; role NONE when anonymous */
  int via_cookie;            /* authenticated by session cookie */
  char *csrf;                /* that session's CSRF token; owned */
  char *session_hash;        /* that session's hash; owned */
  int64_t id[2];             /* numeric path parameters, in order */
  char name[33];             /* the {name} path parameter: [a-z_]{1,32} */
  json_t *body;              /* parsed JSON object body, owned; or NULL */
  const char *field_prefix;  /* put before the field an error names ("filters."
                              * while a view's filters are read); NULL: none */
} api_call_t;

typedef void (*api_handler_t)(api_call_t *c);

typedef struct {
  const char *method;
  const char *pattern;   /* "/api/v1/tickets/{id}": {id} is a positive integer,
                          * {name} a word of 1-32 characters [a-z_] */
  api_handler_t handler;
  store_role_t min_role; /* STORE_ROLE_NONE: open to anonymous callers */
  const char *const *args; /* the query parameters it reads (NULL: none);
                            * any other one is refused with 400 */
} api_route_t;

extern const api_route_t api_routes[];
extern const int api_nroutes;
#define API_ROUTE_STATIC (api_nroutes)      /* metrics label "static" */
#define API_ROUTE_NOTFOUND (api_nroutes + 1) /* metrics label "unmatched" */

/* ---- Replies --------------------------------------------------------------
 * api_error writes {"error":{"code","message","field"}} with the status of
 * err (field may be NULL). api_refuse adds why's "reason" and the values it
 * names (min, max, allowed, expected, from, to; retry_after from the
 * response's when rate limited), for clients that say it in their own words;
 * why may be NULL. api_reply takes ownership of j. */
void api_error(api_call_t *c, int err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void api_refuse(api_call_t *c, int err, const char *field, const util_why_t *why,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A reason as a util_why_t pointer for api_refuse: alone, with a bound or
 * both, with the type expected. */
#define API_WHY(r) (&(util_why_t){.reason = UTIL_WHY_##r})
#define API_WHY_MIN(r, mn) (&(util_why_t){.reason = UTIL_WHY_##r, .has_min = 1, .min = (int64_t)(mn)})
#define API_WHY_MAX(r, mx) (&(util_why_t){.reason = UTIL_WHY_##r, .has_max = 1, .max = (int64_t)(mx)})
#define API_WHY_RANGE(r, mn, mx)                                                             \
  (&(util_why_t){.reason = UTIL_WHY_##r, .has_min = 1, .min = (int64_t)(mn), .has_max = 1, \
                 .max = (int64_t)(mx)})
#define API_WHY_TYPE(t) (&(util_why_t){.reason = UTIL_WHY_WRONG_TYPE, .expected = (t)})
void api_reply(api_call_t *c, int status, json_t *j);
/* Replies with a refusal of desk's rules (its code, field and message). */
void api_desk_error(api_call_t *c, const desk_err_t *e);
void api_reply_text(api_call_t *c, int status, const char *content_type,
                    const char *text);

/* ---- Input -----------------------------------------------------------------
 * Parse the body as a JSON object into c->body; on failure reply with the
 * error and return it. */
int api_body_object(api_call_t *c);
/* Checks that every key of c->body is in allowed (NULL-terminated); replies
 * 400 naming the first unknown key. */
int api_body_only(api_call_t *c, const char *const *allowed);
/* Reads an optional string field: returns 0 with *out NULL when absent or
 * null (if nullable); replies 400 naming the field on a wrong type, a length
 * outside [min_len, max_len] bytes (with min_len > 0, blank is empty) or a
 * control character. */
int api_field_string(api_call_t *c, const char *key, size_t min_len,
                     size_t max_len, int nullable, const char **out, int *present);
/* Reads an optional integer in [min, max] (JSON integer only). */
int api_field_int(api_call_t *c, const char *key, int64_t min, int64_t max,
                  int nullable, int64_t *out, int *present, int *is_null);
/* Optional boolean. */
int api_field_bool(api_call_t *c, const char *key, int *out, int *present);
/* Query parameter; NULL if absent. */
const char *api_arg(api_call_t *c, const char *key);
/* Integer query parameter in [min, max]; replies 400 naming it when bad. */
int api_arg_int(api_call_t *c, const char *key, int64_t min, int64_t max,
                int64_t *out, int *present);
/* A time query parameter (ISO-8601 date or date-time) into *out, left as
 * it is when absent; replies 400 naming it when bad. */
int api_arg_time(api_call_t *c, const char *key, int64_t *out);
/* The key-set cursor of a list: tag and the positive id of the last item
 * of the previous page ("u41"), into *after (0 without one). Replies 400
 * naming 'cursor' for anything else. */
int api_arg_cursor(api_call_t *c, char tag, int64_t *after);
/* A page of a key-set list as the API answers it: {"items", "next_cursor"}
 * where next_cursor is tag and the id of the last item when more follow
 * (the cursor api_arg_cursor reads back), null otherwise. Steals items. */
json_t *api_page_json(json_t *items, int more, char tag);

/* Ends the transaction a handler opened with store_begin: commits when rc
 * is 0, rolls back otherwise or when the commit fails. Returns rc or the
 * commit's error. */
int api_txn_end(api_call_t *c, int rc);

/* ---- Shared representations ----------------------------------------------- */
json_t *api_user_json(const store_user_t *u);  /* returns new reference */
json_t *api_time_json(int64_t t);              /* ISO-8601 string */
int api_role_at_least(const api_call_t *c, store_role_t r);


/* ---- Handlers (one file per resource) ------------------------------------- */
void api_auth_login(api_call_t *c);
void api_auth_logout(api_call_t *c);
void api_auth_me(api_call_t *c);
void api_auth_password(api_call_t *c);
void api_tokens_list(api_call_t *c);
void api_tokens_create(api_call_t *c);
void api_tokens_delete(api_call_t *c);
/* Whether password may be a new password of the account with this e-mail:
 * 8 to 1024 bytes (checked by the caller), not one of the most common
 * passwords, not the e-mail or its name part. Replies 400 naming field. */
int api_password_acceptable(api_call_t *c, const char *field, const char *password,
                            const char *email);
/* Resolves the caller from the cookie or bearer token; replies and returns
 * an error for a bad credential or a cookie write without its CSRF token. */
int api_auth_resolve(api_call_t *c);

void api_tickets_create(api_call_t *c);
void api_tickets_get(api_call_t *c);
void api_tickets_patch(api_call_t *c);
void api_tickets_list(api_call_t *c);
void api_tickets_bulk(api_call_t *c); /* src/api/bulk.c */
/* The ticket as the API shows it, with where it stands against its
 * targets (sla: the desk's, NULL: read now); a new reference. */
json_t *api_ticket_json(api_call_t *c, const store_ticket_t *t, const desk_sla_t *sla);
/* The queue's filters and sort from the query parameters (q, status,
 * category, group_id, assignee_id, requester_id, priority, created_from,
 * created_to, sla, awaiting, sort) into q, which borrows the request's
 * strings and statuses (len bytes, 64 enough); "me" and "mine" are the
 * caller. Replies 400 naming the parameter. A saved view reads its
 * filters through the same function (views.c). */
int api_tickets_query(api_call_t *c, store_query_t *q, char *statuses, size_t len);
/* Loads ticket id visible to the caller; replies 404 (also for another
 * requester's ticket) and returns an error otherwise. */
int api_ticket_visible(api_call_t *c, int64_t id, store_ticket_t *t);
/* The ETag of a ticket is its version. */
void api_ticket_etag(api_call_t *c, const store_ticket_t *t);
/* The version a change was made from (If-Match: "N", or the body's
 * "version", which it takes out of the body) into *v, 0 when not said;
 * replies 400 on a malformed one. */
int api_ticket_expected(api_call_t *c, int64_t *v);
/* Replies 412: ticket c->id[0] changed since version yours; now is the
 * ticket as it is (who changed it last, its version, its ETag). */
void api_ticket_stale(api_call_t *c, const store_ticket_t *now, int64_t yours);
/* Inside the write transaction: whether ticket_id takes one more comment
 * of len bytes (limits.ticket_comments and limits.ticket_comments_mb);
 * 0, or UTIL_E_CONFLICT / UTIL_E_TOOBIG (or a store error) with e set. */
int api_comments_room(api_call_t *c, int64_t ticket_id, size_t len, desk_err_t *e);

/* What the requester does once answered (src/api/followup.c). */
void api_tickets_confirm(api_call_t *c);
void api_tickets_rating_put(api_call_t *c);
void api_tickets_read(api_call_t *c);
/* Ticket ticket_id's rating as {rating, comment, rated_at}, or null. */
json_t *api_rating_json(store_t *db, int64_t ticket_id);
/* Attachments (src/api/attachments.c). */
void api_attachments_list(api_call_t *c);
void api_attachments_create(api_call_t *c);
void api_attachments_get(api_call_t *c);
void api_attachments_hide(api_call_t *c);
void api_attachments_show(api_call_t *c);
/* The caps on files (settings limits.attachment_mb,
 * limits.ticket_attachments_mb, limits.ticket_attachments) as the API
 * shows them: {"attachment_bytes", "ticket_attachments_bytes",
 * "ticket_attachments"} (new reference). */
json_t *api_attachment_limits_json(store_t *db);
/* limits.attachment_mb in bytes: the most one file may hold. */
int64_t api_attachment_max(store_t *db);

/* Saved views of the queue (src/api/views.c) and the agent's dashboard
 * (src/api/dashboard.c). A counter stops at API_COUNT_CAP ("10,000+"). */
#define API_COUNT_CAP 10000
/* filters (an object of the queue's query parameters, borrowed by q) as
 * the list reads them into q; replies 400 naming "filters.<parameter>". */
int api_views_query(api_call_t *c, json_t *filters, store_query_t *q, char *statuses, size_t len);
/* Sets "count" (up to API_COUNT_CAP) and "more" (past it) on j for the
 * tickets filters keep; both null when they do not read. */
void api_views_count(api_call_t *c, json_t *j, json_t *filters);
void api_dashboard(api_call_t *c);
void api_views_list(api_call_t *c);
void api_views_create(api_call_t *c);
void api_views_patch(api_call_t *c);
void api_views_delete(api_call_t *c);

void api_comments_list(api_call_t *c);
void api_comments_create(api_call_t *c);
void api_comments_hide(api_call_t *c);
void api_comments_show(api_call_t *c);
void api_history_list(api_call_t *c);

void api_users_list(api_call_t *c);
void api_users_create(api_call_t *c);
void api_users_get(api_call_t *c);
void api_users_patch(api_call_t *c);
void api_groups_list(api_call_t *c);
void api_groups_create(api_call_t *c);
void api_groups_get(api_call_t *c);
void api_groups_patch(api_call_t *c);
void api_groups_member_put(api_call_t *c);
void api_groups_member_delete(api_call_t *c);

/* Triage (src/api/models.c). */
void api_triage_preview(api_call_t *c);
void api_suggestions_list(api_call_t *c);
void api_suggestions_accept(api_call_t *c);
void api_suggestions_override(api_call_t *c);
void api_models_list(api_call_t *c);
void api_models_train(api_call_t *c);
void api_models_thresholds_put(api_call_t *c);
/* Model versions (src/api/model_versions.c). */
void api_models_activate(api_call_t *c);
void api_models_trend(api_call_t *c);
/* The suggestions of a ticket as JSON (new reference). */
json_t *api_suggestions_json(api_call_t *c, int64_t ticket_id);
/* The same shape for what triage just decided at creation (no read-back). */
json_t *api_triage_result_json(const triage_result_t *r);

/* The audit log (src/api/audit.c). Every administrative handler records
 * what it did with api_audit inside the transaction of its change:
 * action "family.verb", the target's type, id and name, and detail, a JSON
 * object (stolen; NULL: {}) of what changed, never a secret. */
int api_audit(api_call_t *c, const char *action, const char *target_type, int64_t target_id,
              const char *target, json_t *detail);
/* Who the caller is, for the audit (borrows from c). */
store_auditor_t api_auditor(const api_call_t *c);
/* {"field": [before, after]} pairs: adds key to changes when the values
 * differ (steals both). */
void api_audit_change(json_t *changes, const char *key, json_t *before, json_t *after);
void api_audit_list(api_call_t *c);

/* The knowledge base (src/api/kb.c, kb_write.c). */
void api_kb_list(api_call_t *c);
void api_kb_get(api_call_t *c);
void api_kb_versions(api_call_t *c);
void api_kb_version_get(api_call_t *c);
void api_kb_diff(api_call_t *c);
void api_kb_vote(api_call_t *c);
void api_kb_view(api_call_t *c);
void api_kb_create(api_call_t *c);
void api_kb_patch(api_call_t *c);
void api_kb_state(api_call_t *c);
void api_kb_from_ticket(api_call_t *c);
void api_kb_preview(api_call_t *c);
void api_kb_suggest(api_call_t *c); /* src/api/kb_suggest.c */
void api_kb_deflect(api_call_t *c);
/* Similar tickets (src/api/similar.c). */
void api_tickets_similar(api_call_t *c);
void api_search_similar(api_call_t *c);
void api_similar_taken(api_call_t *c);
void api_ranker_get(api_call_t *c);
void api_ranker_train(api_call_t *c);
/* The duplicate check's flag of ticket id (JSON null when none). */
json_t *api_dup_json(api_call_t *c, int64_t id);
void api_duplicate_get(api_call_t *c);
void api_duplicate_dismiss(api_call_t *c);
/* Links between tickets and merges (src/api/links.c). */
void api_links_list(api_call_t *c);
void api_links_create(api_call_t *c);
void api_links_delete(api_call_t *c);
void api_links_merge(api_call_t *c);
/* Replies status with article id as its writer sees it (read back). */
void api_kb_reply(api_call_t *c, int64_t id, int status);

/* Canned responses (src/api/macros.c, macro_apply.c). */
void api_macros_list(api_call_t *c);
void api_macros_get(api_call_t *c);
void api_macros_create(api_call_t *c);
void api_macros_patch(api_call_t *c);
void api_macros_delete(api_call_t *c);
void api_macro_preview(api_call_t *c);
void api_macro_apply(api_call_t *c);
/* Whether the caller may use macro m (their own or a shared one), and
 * change or delete it (their own; an admin: any). */
int api_macro_usable(const api_call_t *c, const store_macro_t *m);
int api_macro_editable(const api_call_t *c, const store_macro_t *m);
/* Loads macro id as the caller may see it (an admin sees every one);
 * replies 404 otherwise. */
int api_macro_load(api_call_t *c, int64_t id, store_macro_t *m);
json_t *api_macro_json(const api_call_t *c, const store_macro_t *m); /* new reference */
/* Applies macro m to ticket id, in the caller's transaction, as POST
 * …/apply does (and bulk changes): its reply posted with the placeholders
 * filled, the history's note, its changes through desk_ticket_update. o:
 * the agent's edits (body, internal, changes) or NULL. 0, or a refusal
 * with e set (the caller rolls back). *cm receives the reply (id 0: none;
 * its body owned: free it), *changed the fields changed. */
int api_macro_run(api_call_t *c, int64_t id, const store_macro_t *m, const json_t *o,
                  store_comment_t *cm, int *changed, desk_err_t *e);

/* Request templates (src/api/templates.c). */
void api_templates_list(api_call_t *c);
void api_templates_get(api_call_t *c);
void api_templates_create(api_call_t *c);
void api_templates_patch(api_call_t *c);
void api_templates_delete(api_call_t *c);
/* A new ticket's template_id, fields and form_lang (given as the body had
 * them; template_id NULL: no template) onto in: the values checked, the
 * title from the pattern unless the body gave one (given: the fields it
 * set), the form's lines added to the description, the template's
 * category and service unless given, and in->form = form (filled; the
 * caller clears it). Replies and returns an error on a refusal. */
int api_template_intake(api_call_t *c, const json_t *template_id, const json_t *fields,
                        const json_t *form_lang, desk_intake_t *in, uint32_t given,
                        store_form_t *form);
/* Ticket id's form as {template_id, name_fr, name_en, fields}, or null. */
json_t *api_form_json(store_t *db, int64_t ticket_id);

/* The data-quality report and its fixes (src/api/quality.c). */
void api_quality_get(api_call_t *c);
void api_quality_fix(api_call_t *c);

/* Managed lists: categories, services, configuration items (src/api/catalog.c). */
void api_catalog_list(api_call_t *c);
void api_catalog_create(api_call_t *c);
void api_catalog_patch(api_call_t *c);
void api_catalog_merge(api_call_t *c);

/* Settings (src/api/settings.c). */
void api_settings_get(api_call_t *c);
void api_settings_put(api_call_t *c);

void api_health(api_call_t *c);
void api_metrics(api_call_t *c);

/* Background jobs (src/api/jobs.c). */
void api_jobs_list(api_call_t *c);
void api_jobs_run(api_call_t *c);
/* The /metrics lines of every job, appended to b. */
void api_jobs_metrics(api_ctx_t *ctx, util_buf_t *b);

#endif
