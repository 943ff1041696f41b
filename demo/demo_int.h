/* Private to the demo module: the scenario corpus and the word lists. */
#ifndef RELAIS_DEMO_INT_H
#define RELAIS_DEMO_INT_H

#include "demo.h"

typedef struct {
  const char *category_fr, *category; /* the stored category is the English one */
  const char *group;                  /* assignment group name */
  const char *service;
  const char *ci;                     /* may hold slots */
  int urgency, impact;                /* typical values, 1 (high) … 3 (low) */
  int weight;                         /* relative frequency */
  const char *title_fr[3], *title_en[3];
  const char *desc_fr[3], *desc_en[3];
  const char *resolution_fr, *resolution_en;
} demo_scenario_t;

extern const demo_scenario_t demo_scenarios[];
extern const int demo_nscenarios;
extern const char *const demo_apps[], *const demo_codes[], *const demo_sites[],
    *const demo_shares[], *const demo_teams[];
extern const char *const demo_first_fr[], *const demo_last_fr[], *const demo_first_en[],
    *const demo_last_en[];

/* The request templates and shared macros of the demo desk (forms.c), the
 * macros made by admin_id; in the caller's transaction. */
int demo_forms(store_t *s, int64_t admin_id, int64_t network_group);

#endif
