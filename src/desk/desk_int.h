/* Private to the desk module: what its files share. */
#ifndef RELAIS_DESK_INT_H
#define RELAIS_DESK_INT_H

#include "desk.h"

/* After triage_prepare: the ITIL priority from impact (a single user when
 * unknown) and urgency, unless the channel set a priority; notes it in
 * in->tr.priority_set for the history. desk_prepare calls it. */
void desk_priority_after_triage(desk_intake_t *in);

#endif
