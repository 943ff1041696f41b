/* The one ticket intake: row rules and defaults, triage outside the write
 * lock, then one transaction for the ticket, its predictions and its
 * history. */
#include <stdio.h>
#include <string.h>

#include "desk_int.h"

void desk_intake_init(desk_intake_t *in) {
  store_ticket_init(&in->t);
  in->given = 0;
  in->triaged = 0;
  in->form = NULL;
}

void desk_intake_clear(desk_intake_t *in) {
  store_ticket_clear(&in->t);
  in->given = 0;
  in->triaged = 0;
  in->form = NULL;
}

/* The requester's VIP flag feeds the impact cues; a missing user is none. */
static int desk_requester_vip(store_t *db, int64_t id) {
  store_user_t u = {0};
  int vip = !store_user_get(db, id, &u) && u.vip;
  store_user_clear(&u);
  return vip;
}

/* Triage is pure computation: it runs before any transaction so that a
 * writer never holds the lock while models score text. */
static void desk_triage(store_t *db, const desk_prep_t *o, desk_intake_t *in) {
  store_ticket_t *t = &in->t;
  triage_input_t ti = {t->v[STORE_TF_TITLE].s, t->v[STORE_TF_DESCRIPTION].s,
                       t->v[STORE_TF_LANGUAGE].s, t->v[STORE_TF_SERVICE].s,
                       t->v[STORE_TF_CI].s, desk_requester_vip(db, t->v[STORE_TF_REQUESTER_ID].i)};
  triage_run(db, o->set, &ti, &in->tr);
  if (t->v[STORE_TF_LANGUAGE].is_null)
    store_ticket_set_text(t, STORE_TF_LANGUAGE, text_lang_code(in->tr.lang));
  triage_prepare(db, &in->tr, t, in->given);
  desk_priority_after_triage(in);
  in->triaged = 1;
}

/* The duplicate check, outside the write lock: the ticket's category is
 * the one it holds (given or applied), else the model's best guess. A
 * failed check flags nothing: it must not stop a ticket being filed. */
static void desk_intake_dup(store_t *db, desk_intake_t *in) {
  const store_ticket_t *t = &in->t;
  const char *cat = t->v[STORE_TF_CATEGORY].s;
  int fi = triage_field_index("category");
  for (int i = 0; !cat && in->triaged && i < in->tr.n; i++)
    if (in->tr.pred[i].field == fi && in->tr.pred[i].value[0]) cat = in->tr.pred[i].value;
  desk_dup_q_t q = {.title = t->v[STORE_TF_TITLE].s, .description = t->v[STORE_TF_DESCRIPTION].s,
                    .requester_id = t->v[STORE_TF_REQUESTER_ID].i,
                    .at = t->v[STORE_TF_CREATED_AT].is_null ? util_now() : t->v[STORE_TF_CREATED_AT].i,
                    .category = cat};
  if (desk_duplicate_check(db, &q, &in->dup, NULL, NULL)) memset(&in->dup, 0, sizeof in->dup);
}

int desk_prepare(store_t *db, const desk_prep_t *o, desk_intake_t *in, desk_err_t *e) {
  store_ticket_t *t = &in->t;
  for (int f = 0; f < STORE_TF_COUNT; f++) /* a field set to null counts: the channel's bit */
    if (!t->v[f].is_null) in->given |= 1u << f;
  if (t->v[STORE_TF_TITLE].is_null) {
    e->code = UTIL_E_INVALID;
    snprintf(e->field, sizeof e->field, "title");
    snprintf(e->msg, sizeof e->msg, "'title' is required");
    e->why = (util_why_t){.reason = UTIL_WHY_REQUIRED};
    return UTIL_E_INVALID;
  }
  if (t->v[STORE_TF_REQUESTER_ID].is_null && o->requester_id)
    store_ticket_set_int(t, STORE_TF_REQUESTER_ID, o->requester_id);
  if (t->v[STORE_TF_SOURCE].is_null && o->source)
    store_ticket_set_text(t, STORE_TF_SOURCE, o->source);
  if (t->v[STORE_TF_DESCRIPTION].is_null) store_ticket_set_text(t, STORE_TF_DESCRIPTION, "");
  if (o->triage) desk_triage(db, o, in);
  if (o->dup_check) desk_intake_dup(db, in);
  return 0;
}

int desk_insert(store_t *db, desk_intake_t *in, const store_actor_t *a, int64_t *id) {
  int64_t tid = 0;
  int rc = desk_ticket_insert(db, &in->t, a, &tid);
  if (!rc && in->form) {
    in->form->ticket_id = tid;
    rc = store_form_insert(db, in->form);
  }
  if (!rc && in->triaged) rc = triage_record(db, tid, &in->tr, &in->t);
  if (!rc) rc = desk_dup_record(db, tid, &in->dup);
  if (!rc && id) *id = tid;
  return rc;
}

int desk_create(store_t *db, const desk_prep_t *o, desk_intake_t *in, const store_actor_t *a,
                int64_t *id, desk_err_t *e) {
  int rc = desk_prepare(db, o, in, e);
  if (rc) return rc;
  rc = store_begin(db);
  if (rc) goto out;
  rc = desk_insert(db, in, a, id);
  if (rc) goto out;
  rc = store_commit(db);
out:
  if (rc) {
    store_rollback(db);
    e->code = rc;
    e->why = (util_why_t){.reason = UTIL_WHY_NONE};
    e->field[0] = '\0';
    snprintf(e->msg, sizeof e->msg, "cannot create the ticket");
  }
  return rc;
}
