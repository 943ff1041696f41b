/* Similar tickets: GET /api/v1/tickets/{id}/similar and
 * GET /api/v1/search/similar?text=…, for agents: desk_similar's tickets
 * (full-text candidates ranked on their features by the desk's ranker, or
 * the stated default until its signals are enough), each with its
 * similarity, score, the words shared, the features it was ranked on and,
 * for a solved one, its resolution. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_int.h"

#define SIMILAR_TEXT_MAX 20000

/* The JSON of hit h: the ticket's id, title, status, category, resolution,
 * resolved_at, similarity, score, the shared words and the features it was
 * ranked on (the why of its place). */
static json_t *similar_json(const desk_similar_t *sm, const desk_similar_hit_t *h) {
  const search_words_t *w = search_alike_words(sm->alike);
  json_t *words = json_array(), *why = json_object();
  for (int i = 0; i < w->n; i++)
    if (h->shared[i]) json_array_append_new(words, json_string(w->word[i]));
  for (int k = 0; k < SEARCH_RF_COUNT; k++) json_object_set_new(why, search_rf_names[k], json_real(h->f[k]));
  json_t *j = json_pack("{s:I, s:s, s:s, s:f, s:f, s:o, s:o}", "id", (json_int_t)h->id, "title", h->title,
                        "status", h->status ? h->status : "", "similarity", h->similarity, "score", h->score,
                        "words", words, "features", why);
  json_object_set_new(j, "category", h->category ? json_string(h->category) : json_null());
  json_object_set_new(j, "resolution", h->resolution ? json_string(h->resolution) : json_null());
  json_object_set_new(j, "resolved_at", h->resolved_at ? api_time_json(h->resolved_at) : json_null());
  return j;
}

/* Replies with the tickets most like q (its status filter and limit from the query string). */
static void similar_reply(api_call_t *c, const desk_similar_q_t *query) {
  int64_t limit = 5;
  const char *st = api_arg(c, "status"), *words = api_arg(c, "words");
  if (api_arg_int(c, "limit", 1, 20, &limit, NULL)) return;
  if (words && strcmp(words, "rare") != 0 && strcmp(words, "all") != 0) {
    static const char *const allowed[] = {"rare", "all", NULL};
    api_refuse(c, UTIL_E_INVALID, "words", &(util_why_t){.reason = UTIL_WHY_NOT_ALLOWED, .allowed = allowed},
               "'words' must be rare or all");
    return;
  }
  if (st && strcmp(st, "solved") != 0 && strcmp(st, "any") != 0) {
    static const char *const allowed[] = {"solved", "any", NULL};
    api_refuse(c, UTIL_E_INVALID, "status", &(util_why_t){.reason = UTIL_WHY_NOT_ALLOWED, .allowed = allowed},
               "'status' must be solved or any");
    return;
  }
  search_ranker_t ranker;
  desk_similar_ranker(c->db, &ranker, NULL);
  triage_set_t *set = triage_holder_get(c->ctx->triage);
  desk_similar_q_t q = *query;
  q.set = set;
  q.ranker = &ranker;
  q.resolved_only = !st || strcmp(st, "solved") == 0;
  q.every_word = words && strcmp(words, "all") == 0;
  desk_similar_t sm;
  int rc = desk_similar(c->db, &q, &sm);
  triage_set_unref(&set);
  if (rc) {
    api_error(c, rc, NULL, "cannot search the tickets");
    return;
  }
  json_t *items = json_array();
  for (int i = 0; i < sm.n && i < limit; i++) json_array_append_new(items, similar_json(&sm, &sm.hit[i]));
  desk_similar_clear(&sm);
  api_reply(c, 200, json_pack("{s:o, s:b}", "items", items, "ranker_trained", ranker.trained));
}

void api_tickets_similar(api_call_t *c) {
  store_ticket_t t;
  if (api_ticket_visible(c, c->id[0], &t)) return;
  desk_similar_q_t q = {.title = t.v[STORE_TF_TITLE].s, .description = t.v[STORE_TF_DESCRIPTION].s,
                        .exclude = c->id[0], .requester_id = t.v[STORE_TF_REQUESTER_ID].i,
                        .at = t.v[STORE_TF_CREATED_AT].i, .category = t.v[STORE_TF_CATEGORY].s,
                        .service = t.v[STORE_TF_SERVICE].s, .ci = t.v[STORE_TF_CI].s};
  similar_reply(c, &q);
  store_ticket_clear(&t);
}

void api_search_similar(api_call_t *c) {
  const char *text = api_arg(c, "text");
  if (!text || !*text) {
    api_refuse(c, UTIL_E_INVALID, "text", API_WHY(REQUIRED), "say what to look for ('text')");
    return;
  }
  if (strlen(text) > SIMILAR_TEXT_MAX) {
    api_refuse(c, UTIL_E_INVALID, "text", API_WHY_MAX(TOO_LONG, SIMILAR_TEXT_MAX), "'text' is longer than %d bytes",
               SIMILAR_TEXT_MAX);
    return;
  }
  if (!util_utf8_valid(text, strlen(text), NULL)) {
    api_refuse(c, UTIL_E_BADUTF8, "text", API_WHY(INVALID_UTF8), "'text' is not valid UTF-8");
    return;
  }
  desk_similar_q_t q = {.description = text, .at = (int64_t)time(NULL)};
  similar_reply(c, &q);
}

/* POST /api/v1/tickets/{id}/similar/{id}/taken {"kind"}: the agent took
 * that similar ticket (reused its resolution, marked this a duplicate of
 * it, accepted the suggestion); the ranker learns from it. */
void api_similar_taken(api_call_t *c) {
  static const char *const allowed[] = {"kind", NULL};
  static const char *const kinds[] = {"resolution_used", "duplicate", "suggestion_accepted", NULL};
  const char *kind = NULL;
  int present;
  if (api_body_object(c) || api_body_only(c, allowed) || api_field_string(c, "kind", 1, 40, 0, &kind, &present))
    return;
  int ok = 0;
  for (int i = 0; kind && kinds[i] && !ok; i++) ok = strcmp(kind, kinds[i]) == 0;
  if (!ok) {
    api_refuse(c, UTIL_E_INVALID, "kind", &(util_why_t){.reason = UTIL_WHY_NOT_ALLOWED, .allowed = kinds},
               "'kind' must be resolution_used, duplicate or suggestion_accepted");
    return;
  }
  store_ticket_t t;
  if (api_ticket_visible(c, c->id[0], &t)) return;
  store_ticket_clear(&t);
  if (c->id[1] == c->id[0]) {
    api_error(c, UTIL_E_INVALID, NULL, "a ticket is not similar to itself");
    return;
  }
  if (api_ticket_visible(c, c->id[1], &t)) return;
  store_ticket_clear(&t);
  int rc = store_similar_signal(c->db, c->id[0], c->id[1], kind, c->user.id);
  if (rc) {
    api_error(c, rc, NULL, "cannot record it");
    return;
  }
  api_reply(c, 201, json_pack("{s:I, s:I, s:s}", "ticket", (json_int_t)c->id[0], "taken", (json_int_t)c->id[1],
                              "kind", kind));
}

static json_t *ranker_json(api_call_t *c, const search_ranker_t *r, int64_t fitted_on) {
  json_t *j = search_ranker_json(r);
  json_object_set_new(j, "signals", json_integer(store_similar_signal_count(c->db)));
  json_object_set_new(j, "fitted_on", json_integer(fitted_on));
  json_object_set_new(j, "min_signals", json_integer(SEARCH_RANK_MIN_SIGNALS));
  return j;
}

/* GET /api/v1/search/ranker: the weights in use, trained or the default. */
void api_ranker_get(api_call_t *c) {
  search_ranker_t r;
  int64_t fitted_on;
  desk_similar_ranker(c->db, &r, &fitted_on);
  api_reply(c, 200, ranker_json(c, &r, fitted_on));
}

/* POST /api/v1/search/ranker/train (admins): fits the ranker on the
 * signals now (the "ranker" job does it when new ones came); below
 * SEARCH_RANK_MIN_SIGNALS among the candidates, the default is put back.
 * Audited. */
void api_ranker_train(api_call_t *c) {
  search_ranker_t r;
  desk_rank_report_t rep;
  triage_set_t *set = triage_holder_get(c->ctx->triage);
  int rc = desk_similar_refit(c->db, set, &r, &rep);
  triage_set_unref(&set);
  if (rc) {
    api_error(c, rc, NULL, "cannot train the ranker");
    return;
  }
  if (api_audit(c, "ranker.train", "settings", 0, DESK_RANKER_SETTING,
                json_pack("{s:b, s:I, s:I}", "trained", r.trained, "signals", (json_int_t)rep.signals,
                          "found", (json_int_t)rep.found)))
    util_log(UTIL_LOG_ERROR, "cannot write the audit row of a ranker training: %s", store_errmsg(c->db));
  json_t *o = ranker_json(c, &r, rep.signals);
  json_object_set_new(o, "found", json_integer(rep.found));
  json_object_set_new(o, "rows_used", json_integer(rep.rows));
  api_reply(c, 200, o);
}

/* ---- the "ranker" job --------------------------------------------------------------- */
#define RANKER_NEW_SIGNALS 10 /* fitted again after this many new signals */

typedef struct {
  store_t *db;
  triage_holder_t *triage;
} ranker_job_t;

static int ranker_due(void *arg, char *msg, size_t len) {
  ranker_job_t *j = arg;
  search_ranker_t r;
  int64_t fitted_on, now = store_similar_signal_count(j->db);
  if (now < 0) return (int)now;
  desk_similar_ranker(j->db, &r, &fitted_on);
  if (now >= SEARCH_RANK_MIN_SIGNALS && now - fitted_on >= RANKER_NEW_SIGNALS) return 1;
  snprintf(msg, len, "%lld signals, %lld at the last fit (fitted again from %d, after %d new ones)",
           (long long)now, (long long)fitted_on, SEARCH_RANK_MIN_SIGNALS, RANKER_NEW_SIGNALS);
  return 0;
}

static int ranker_run(void *arg, const jobs_call_t *call, char *msg, size_t len) {
  ranker_job_t *j = arg;
  search_ranker_t r;
  desk_rank_report_t rep;
  triage_set_t *set = triage_holder_get(j->triage);
  int rc = desk_similar_refit(j->db, set, &r, &rep);
  triage_set_unref(&set);
  if (rc) snprintf(msg, len, "cannot fit the ranker: %s", util_err_message(rc));
  else
    snprintf(msg, len, "%s from %lld signals (%lld among the candidates)", r.trained ? "fitted" : "default kept",
             (long long)rep.signals, (long long)rep.found);
  return rc;
}

static void ranker_free(void *arg) {
  ranker_job_t *j = arg;
  store_close(&j->db);
  free(j);
}

int api_ranker_job_register(jobs_runner_t *r, const char *db_path, triage_holder_t *h) {
  char err[256];
  ranker_job_t *j = util_xcalloc(1, sizeof *j);
  int rc = store_open(db_path, &j->db, err, sizeof err);
  if (rc) {
    util_log(UTIL_LOG_ERROR, "ranker job: %s", err);
    free(j);
    return rc;
  }
  j->triage = h;
  jobs_spec_t spec = {
      .name = "ranker",
      .description = "Fits the ranking of similar tickets on what agents took from them (resolutions "
                     "reused, duplicates, suggestions accepted) when new ones came.",
      .period = 600,
      .trigger = ranker_due,
      .run = ranker_run,
      .arg = j,
      .free_arg = ranker_free,
  };
  rc = jobs_register(r, &spec);
  if (rc) {
    util_log(UTIL_LOG_ERROR, "ranker job: %s", util_err_message(rc));
    ranker_free(j);
  }
  return rc;
}

/* ---- the duplicate check's flag ------------------------------------------------------ */
json_t *api_dup_json(api_call_t *c, int64_t id) {
  store_dup_flag_t f;
  if (store_dup_flag_get(c->db, id, &f)) return json_null();
  store_ticket_t t;
  json_t *cand = json_null();
  if (!store_ticket_get(c->db, f.candidate_id, &t)) {
    cand = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)f.candidate_id, "title",
                     t.v[STORE_TF_TITLE].s ? t.v[STORE_TF_TITLE].s : "", "status",
                     t.v[STORE_TF_STATUS].s ? t.v[STORE_TF_STATUS].s : "");
    store_ticket_clear(&t);
  }
  json_t *feats = json_loads(f.features, 0, NULL);
  json_t *j = json_pack("{s:o, s:f, s:o, s:o, s:b}", "ticket", cand, "probability", f.probability, "features",
                        feats ? feats : json_object(), "at", api_time_json(f.at), "dismissed", f.dismissed_at != 0);
  store_dup_flag_clear(&f);
  return j;
}

/* GET /api/v1/tickets/{id}/duplicate: the flag, or {"duplicate": null}. */
void api_duplicate_get(api_call_t *c) {
  store_ticket_t t;
  if (api_ticket_visible(c, c->id[0], &t)) return;
  store_ticket_clear(&t);
  api_reply(c, 200, json_pack("{s:o}", "duplicate", api_dup_json(c, c->id[0])));
}

/* POST /api/v1/tickets/{id}/duplicate/dismiss: "not a duplicate". */
void api_duplicate_dismiss(api_call_t *c) {
  store_ticket_t t;
  if (api_ticket_visible(c, c->id[0], &t)) return;
  store_ticket_clear(&t);
  int rc = store_dup_flag_dismiss(c->db, c->id[0], c->user.id);
  if (rc == UTIL_E_NOTFOUND) {
    api_error(c, rc, NULL, "ticket %lld is not flagged as a duplicate", (long long)c->id[0]);
    return;
  }
  if (rc == UTIL_E_CONFLICT) {
    api_error(c, rc, NULL, "ticket %lld was already said not to be a duplicate", (long long)c->id[0]);
    return;
  }
  if (rc) {
    api_error(c, rc, NULL, "cannot dismiss the flag");
    return;
  }
  api_reply(c, 200, json_pack("{s:o}", "duplicate", api_dup_json(c, c->id[0])));
}
