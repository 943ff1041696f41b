/* insight: what the desk's own tickets say about themselves. For now, the
 * data-quality report of a labelled field: the labels that mislead its
 * model, and the tickets that teach it nothing.
 *
 * Findings, each with its tickets and the fix it offers:
 *   mislabel      out-of-fold predictions that confidently disagree with the
 *                 stored label: under INSIGHT_SELF_CONF for it, another
 *                 class preferred (confident learning's self-confidence:
 *                 Northcutt, Jiang and Chuang, 2021) → relabel to that
 *                 class, or confirm the label
 *   conflict      near-identical texts (cosine ≥ INSIGHT_NEAR) with
 *                 different labels → one label for all
 *   duplicate     exact or near-identical texts with the same label
 *   rare_class    a class under INSIGHT_RARE examples → merge it into the
 *                 class its tickets are most often taken for
 *   empty         texts with fewer than INSIGHT_EMPTY_WORDS content words
 *   low_precision a class whose held-out predictions reach INSIGHT_LOW_PREC
 *                 precision at no threshold
 *
 * insight_quality_run is pure computation on rows the caller reads;
 * insight_quality_refresh reads a field's labelled tickets from the store
 * and stores the report. */
#ifndef RELAIS_INSIGHT_H
#define RELAIS_INSIGHT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../ml/ml.h"
#include "../store/store.h"

#define INSIGHT_NEAR 0.9        /* cosine of near-identical texts */
#define INSIGHT_SELF_CONF 0.1 /* share of its class's mean self-confidence under which a label is doubtful */
#define INSIGHT_RARE 25         /* examples a class needs to be trainable */
#define INSIGHT_EMPTY_WORDS 3   /* content words of a text that says something */
#define INSIGHT_LOW_PREC 0.6    /* precision a class should reach at some threshold */

typedef enum {
  INSIGHT_MISLABEL = 0,
  INSIGHT_CONFLICT,
  INSIGHT_DUPLICATE,
  INSIGHT_RARE_CLASS,
  INSIGHT_EMPTY,
  INSIGHT_LOW_PRECISION,
  INSIGHT_KIND_COUNT
} insight_kind_t;

/* "mislabel", "conflict", "duplicate", "rare_class", "empty",
 * "low_precision". */
const char *insight_kind_name(insight_kind_t k);

typedef struct {
  insight_kind_t kind;
  size_t *docs;      /* [ndocs] indexes of the input rows (owned by the report) */
  size_t ndocs;
  int label;         /* the class concerned (mislabel, rare, low precision: the stored one); -1: several */
  int suggest;       /* the class the fix proposes (relabel to, merge into); -1: none */
  double score;      /* mislabel: the suggested class's probability; conflict and
                      * duplicate: the lowest cosine in the group; rare: examples;
                      * low precision: the best precision reached */
  double self;       /* mislabel: the probability the model gives the stored label
                      * (its self-confidence; the lowest first) */
} insight_finding_t;

typedef struct {
  insight_finding_t *f;  /* findings, by kind, then most certain first (owned) */
  size_t n, cap;
  char **classes;        /* [nclass] the labels, in order of first appearance (owned) */
  int nclass;
  size_t ndocs;
  double accuracy;       /* out-of-fold, of the model behind the mislabels */
  double seconds;
} insight_quality_t;

/* The report on n rows: texts[i] labelled labels[i] (langs NULL: identify;
 * confirmed NULL, or 1 for a row whose label a person confirmed from an
 * earlier report: never listed as a mislabel again), all borrowed. The
 * model behind the mislabels is trained with p (out-of-fold, p->folds
 * folds). Returns 0 and fills out (free with insight_quality_clear), or
 * UTIL_E_INVALID with a message when the rows cannot be trained on (fewer
 * than 2 classes or too few rows). */
int insight_quality_run(size_t n, const char *const *texts, const int *langs,
                        const char *const *labels, const unsigned char *confirmed,
                        const ml_params_t *p, insight_quality_t *out, char *err, size_t errlen);
void insight_quality_clear(insight_quality_t *q);

/* How many findings of kind k, and how many rows they name. */
size_t insight_quality_count(const insight_quality_t *q, insight_kind_t k, size_t *rows);

/* The report as JSON: {"rows", "accuracy", "seconds", "classes": [...],
 * "counts": {kind: {"findings", R}}, "findings": [{"kind", "label",
 * "suggest", "score", "self" (a mislabel's), R: [...]}]}, labels and
 * suggestions by name (null: several or none), where R is "rows" (the
 * rows' indexes) or, with ids, "tickets" (ids[row]). Returns a new
 * reference. */
json_t *insight_quality_json(const insight_quality_t *q, const int64_t *ids);

/* The report of a triage field (category, group, urgency, service, ci)
 * from its labelled tickets (store_labels_each; the labels people
 * confirmed are never flagged as mislabels), stored as JSON
 * (store_quality_put: insight_quality_json with the tickets' ids, and
 * "field") with *id its id. Returns 0, or an
 * error with a message in err: UTIL_E_INVALID when the field has too few
 * labelled tickets or classes. */
int insight_quality_refresh(store_t *s, const char *field, const ml_params_t *p, int64_t *id,
                            char *err, size_t errlen);

#endif
