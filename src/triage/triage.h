/* triage: qualifies and routes a ticket with the active models.
 *
 * A triage set is an immutable snapshot of the active model of each field
 * with its effective per-class thresholds. The server's holder keeps one
 * current set; requests take a reference, retraining installs a new set, and the
 * old one is freed when its last user lets go, so a request never waits for
 * training and never sees half a swap.
 *
 * Fields: category, group (a group name), urgency ("1".."3"), service and
 * ci. Which of them are triaged is the setting "triage.fields" (default
 * "category,group,urgency"). Impact comes from explicit cues in the text
 * (how many people, a critical service, a VIP requester), and priority from
 * the ITIL matrix. */
#ifndef RELAIS_TRIAGE_H
#define RELAIS_TRIAGE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../jobs/jobs.h"
#include "../ml/ml.h"
#include "../store/store.h"

#define TRIAGE_MAX_FIELDS 5
#define TRIAGE_MAX_TERMS 6
#define TRIAGE_MAX_VALUE 128

/* The fields a model can be trained for; -1 if name is not one. */
int triage_field_index(const char *name);
const char *triage_field_name(int idx);
/* The ticket field a triage field writes. */
store_tf_t triage_field_tf(int idx);

typedef struct triage_set triage_set_t;

/* Loads the active models and the admin's thresholds. Returns 0 and an
 * owned set (one reference; an empty set when no model is trained yet). */
int triage_set_load(store_t *s, triage_set_t **out, char *err, size_t errlen);
void triage_set_ref(triage_set_t *set);
void triage_set_unref(triage_set_t **set);
int triage_set_count(const triage_set_t *set);

/* A holder of the current set, one per server (or per command that
 * triages): get returns a new reference (NULL when none is installed);
 * install takes over the caller's reference and drops the previous set's;
 * reload loads the active models and installs them. Thread-safe. new
 * returns owned; free drops the held set (users keep their references). */
typedef struct triage_holder triage_holder_t;
triage_holder_t *triage_holder_new(void);
void triage_holder_free(triage_holder_t **h);
triage_set_t *triage_holder_get(triage_holder_t *h);
void triage_holder_install(triage_holder_t *h, triage_set_t *set);
int triage_holder_reload(triage_holder_t *h, store_t *s, char *err, size_t errlen);

/* The active model of a triage field in set (NULL if none), with its
 * effective per-class thresholds and id. Borrowed from the set. */
const ml_model_t *triage_set_model(const triage_set_t *set, int field, const float **thr,
                                   int64_t *model_id);

typedef struct {
  char value[TRIAGE_MAX_VALUE];
  double p;
} triage_alt_t;

typedef struct {
  int field;                       /* triage field index */
  int64_t model_id;
  int model_version;
  char value[TRIAGE_MAX_VALUE];    /* the most probable class */
  double confidence;               /* its calibrated probability */
  float threshold;                 /* effective threshold of that class */
  int apply;                       /* confidence ≥ threshold */
  int outcome;                     /* after triage_prepare: TRIAGE_APPLIED, … */
  triage_alt_t top[3];
  int ntop;
  ml_term_t pos[TRIAGE_MAX_TERMS], neg[TRIAGE_MAX_TERMS];
  size_t npos, nneg;
} triage_pred_t;

typedef struct {
  triage_pred_t pred[TRIAGE_MAX_FIELDS];
  int n;
  text_lang_t lang;                 /* identified language */
  int impact;                       /* from cues: 1 (high) … 3, or 0 = no cue */
  char impact_cue[160];             /* what the cue was, in words */
  int impact_set, priority_set;     /* after triage_prepare */
} triage_result_t;

enum { TRIAGE_SKIPPED = 0, TRIAGE_APPLIED = 1, TRIAGE_SUGGESTED = 2 };

/* Everything the engine needs to know about the ticket. */
typedef struct {
  const char *title, *description;
  const char *lang;       /* "fr", "en" or NULL to identify */
  const char *service, *ci;
  int requester_vip;
} triage_input_t;

/* Predicts every field of the set for in (pure: nothing stored). Uses a
 * per-thread scratch. */
void triage_run(store_t *s, const triage_set_t *set, const triage_input_t *in,
                triage_result_t *out);

/* "High", "Medium", "Low" or "Unsure" for a calibrated probability: under
 * TRIAGE_UNSURE_BELOW no class is likely (the best one is wrong more than
 * three times in five), and the suggestion says "not sure" with its
 * guesses rather than a value. */
#define TRIAGE_UNSURE_BELOW 0.4
const char *triage_level(double p);

/* Before a ticket is inserted: sets on t each prediction above its
 * threshold, unless skip_mask (bits of store_tf_t) says a person set that
 * field, and the cued impact. Records in r what it did (priority_set is
 * the caller's: desk sets the ITIL priority after this). */
void triage_prepare(store_t *s, triage_result_t *r, store_ticket_t *t, uint32_t skip_mask);
/* After the insert of ticket id, in the same transaction: a history event
 * for each value triage set (actor model with version and confidence, or
 * system for impact and priority) and one prediction row per field. */
int triage_record(store_t *s, int64_t id, const triage_result_t *r, const store_ticket_t *t);

/* Sets one triage field of ticket id from a class label (group by name,
 * urgency as a number) with actor a. UTIL_E_NOTFOUND when the label has no
 * meaning any more (a group renamed since training). */
int triage_set_field(store_t *s, int64_t id, int field, const char *value,
                     const store_actor_t *a);

/* The class label of triage field `field` on ticket t (a group's name, an
 * urgency as "1".."3") into out. Returns 0, or UTIL_E_NOTFOUND when the
 * field is empty. */
int triage_label_of(store_t *s, int field, const store_ticket_t *t, char *out, size_t len);

/* After a person changed ticket id from old to neu (fields in mask): each
 * triaged field that changed and still had an open prediction records the
 * decision (accepted if the person chose the model's value, overridden
 * otherwise) as feedback. Inside the caller's transaction. */
int triage_note_edits(store_t *s, int64_t id, const store_ticket_t *old,
                      const store_ticket_t *neu, uint32_t mask, int64_t user_id);


/* A prediction's detail (top classes, threshold, words for and against):
 * as a new JSON object, or as owned compact text. */
json_t *triage_detail(const triage_pred_t *p);
char *triage_detail_json(const triage_pred_t *p);

/* ---- training ------------------------------------------------------------ */
typedef struct {
  char field[16];
  int trained;          /* a model was built */
  int activated;        /* and it replaced the active one */
  int64_t model_id;
  int version;
  size_t n;             /* training rows */
  int nclass;
  double accuracy, macro_f1, ece, coverage;   /* out-of-fold */
  /* Promotion: macro-F1 of the new model and of the active one (-1: there
   * was none), both on the compared_on tickets the active model had not
   * seen when there were at least 30 of them, else each model's own
   * out-of-fold figure (compared_on 0). */
  double new_score, prev_score;
  size_t compared_on;
  double seconds;
  char settings[200];   /* the settings trained with (ml_candidate_describe) */
  int searched;         /* how many settings the search ranked (0: none, the defaults) */
  double search_seconds;
  char note[200];       /* why not trained / not activated */
} triage_train_report_t;

/* Trains the field from the labels in the store (see store_labels_each),
 * saves the model and activates it unless it is worse than the active
 * model by more than 0.005 of macro-F1 (force: activate anyway). The two
 * are compared on the labelled tickets newer than any the active model was
 * trained on (the new model's out-of-fold predictions against the active
 * model's), or, with fewer than 30 of those, by each one's out-of-fold
 * macro-F1. An activation is audited as by who (NULL: the system). */
int triage_train_field(store_t *s, const char *field, int force, const store_auditor_t *who,
                       triage_train_report_t *rep);
/* The retraining job of relais serve (see worker.c), registered with r as
 * "retrain" with period check_seconds. Each turn its trigger asks whether
 * the schedule (setting triage.retrain_hours) or the corrections (setting
 * triage.retrain_after) call for retraining, or a configured field lacks a
 * usable model; a run trains every configured field on its own connection
 * to db_path and installs the new set in h (borrowed; it must outlive r).
 * Returns 0 or an error (the database cannot be opened, the runner is
 * full). */
int triage_retrain_register(jobs_runner_t *r, const char *db_path, triage_holder_t *h,
                            int check_seconds);

/* A search's record, as stored with a model version and printed by
 * relais eval --json: {"folds", "rungs": [sample sizes], "seconds",
 * "chosen": settings, "candidates": [settings with "macro_f1",
 * "accuracy", "rung"]}, settings being {"stem", "stopwords",
 * "pair_weight", "head_weight", "char_ngrams" ("3-5" or null),
 * "class_weight" ("balanced" or "none"), "C"}. Returns a new reference. */
json_t *triage_search_json(const ml_search_t *s);

/* The configured fields ("triage.fields"), comma-separated, owned. */
char *triage_fields_setting(store_t *s);
/* The same as field indexes, in the setting's order, each once (unknown
 * names skipped). Returns how many were written to out. */
int triage_configured_fields(store_t *s, int out[TRIAGE_MAX_FIELDS]);

#endif
