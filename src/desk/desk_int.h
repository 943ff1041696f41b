/* Private to the desk module: what its files share. */
#ifndef RELAIS_DESK_INT_H
#define RELAIS_DESK_INT_H

#include "desk.h"

/* A ticket's text as the similarity and duplicate checks read it: its
 * title, a line break, its description (either may be NULL), the
 * description cut to its first max bytes of whole characters (0: whole).
 * Owned. */
char *desk_ticket_text(const char *title, const char *description, size_t max);

/* After triage_prepare: the ITIL priority from impact (a single user when
 * unknown) and urgency, unless the channel set a priority; notes it in
 * in->tr.priority_set for the history. desk_prepare calls it. */
void desk_priority_after_triage(desk_intake_t *in);

/* A link refusal (links.c): e gets code, field (NULL: none), reason (a
 * UTIL_WHY_*), the n tickets it names and the message; returns code. */
int desk_link_fail(desk_err_t *e, int code, const char *field, int reason, const int64_t *tickets,
                   int n, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* e says "cannot <what>" with the store's code rc; returns rc. */
int desk_link_store_fail(desk_err_t *e, int rc, const char *what);
/* The history event field on both tickets of the link from -> to of
 * stored kind, each with the kind it sees and the other's id. */
int desk_link_events(store_t *db, const char *field, int64_t from, int64_t to, const char *kind,
                     const store_actor_t *a);

#endif
