/* triage: internals shared by its files. Not part of the interface. */
#ifndef RELAIS_TRIAGE_INT_H
#define RELAIS_TRIAGE_INT_H

#include <stdatomic.h>

#include "triage.h"

typedef struct {
  int field;              /* triage field index */
  ml_model_t *model;      /* owned */
  int64_t model_id;
  int version;
  float *thr;             /* [nclass] effective thresholds */
  unsigned char *thr_exact; /* while loading: set by a per-class row */
} triage_entry_t;

struct triage_set {
  atomic_int refs;
  char *critical;           /* setting "triage.critical" when loaded (owned) */
  int n;
  triage_entry_t e[TRIAGE_MAX_FIELDS];
};

/* This thread's stemmers and buffers, made on first use and freed when the
 * thread ends. */
typedef struct {
  text_ctx_t *text;
  ml_scratch_t ml;
  double *probs;
  size_t cap;
} triage_scratch_t;

triage_scratch_t *triage_scratch(void);

/* Impact from explicit cues; 0 when none. cue receives a description.
 * critical_list: the setting "triage.critical" (may be NULL). */
int triage_impact_cues(const char *critical_list, const triage_input_t *in, const text_doc_t *doc, char *cue,
                       size_t cuelen);

#endif
