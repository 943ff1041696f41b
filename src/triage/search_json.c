/* The record of a settings search (ml_search) as JSON, for the model
 * version's metrics and for relais eval. */
#include <stdio.h>

#include "triage_int.h"

static json_t *candidate_json(const ml_candidate_t *c, int scores) {
  json_t *o = json_object();
  char chars[16];
  snprintf(chars, sizeof chars, "%d-%d", c->feat.char_min, c->feat.char_max);
  json_object_set_new(o, "stem", json_boolean(c->feat.stem));
  json_object_set_new(o, "stopwords", json_boolean(c->feat.stopwords));
  json_object_set_new(o, "pair_weight", json_real(c->feat.pair_weight));
  json_object_set_new(o, "head_weight", json_real(c->feat.head_weight));
  json_object_set_new(o, "char_ngrams", c->feat.char_min > 0 ? json_string(chars) : json_null());
  json_object_set_new(o, "class_weight", json_string(c->balanced ? "balanced" : "none"));
  json_object_set_new(o, "C", json_real(c->C));
  if (scores) {
    json_object_set_new(o, "macro_f1", json_real(c->macro_f1));
    json_object_set_new(o, "accuracy", json_real(c->accuracy));
    json_object_set_new(o, "rung", json_integer(c->rung));
  }
  return o;
}

json_t *triage_search_json(const ml_search_t *s) {
  json_t *o = json_object(), *rungs = json_array(), *cands = json_array();
  for (int r = 0; r < s->rungs; r++) json_array_append_new(rungs, json_integer((json_int_t)s->rung_n[r]));
  for (int c = 0; c < s->ncand; c++) json_array_append_new(cands, candidate_json(&s->cand[c], 1));
  json_object_set_new(o, "folds", json_integer(s->folds));
  json_object_set_new(o, "rungs", rungs);
  json_object_set_new(o, "seconds", json_real(s->seconds));
  if (s->ncand) json_object_set_new(o, "chosen", candidate_json(&s->cand[s->best], 1));
  json_object_set_new(o, "candidates", cands);
  return o;
}
