/* /api/v1/templates: request templates. Everyone signed in reads the
 * active ones (the portal's "New laptop", "Access request"…); admins read
 * them all and make, change and delete them (audited as template.create,
 * template.update, template.delete). A ticket filed with template_id and
 * fields gets its title, category and service from the template and keeps
 * its form (see api_template_intake). */
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

static json_t *templates_json(const store_template_t *t) {
  json_error_t je;
  json_t *fields = json_loads(t->fields ? t->fields : "[]", 0, &je);
  json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:o, s:o}", "id",
                        (json_int_t)t->id, "name_fr", t->name_fr, "name_en", t->name_en,
                        "description_fr", t->description_fr, "description_en", t->description_en,
                        "title_fr", t->title_fr, "title_en", t->title_en, "fields",
                        fields ? fields : json_array(), "active", t->active, "created_at",
                        api_time_json(t->created_at), "updated_at", api_time_json(t->updated_at));
  json_object_set_new(j, "category", t->category ? json_string(t->category) : json_null());
  json_object_set_new(j, "service", t->service ? json_string(t->service) : json_null());
  return j;
}

static int templates_one(const store_template_t *t, void *arg) {
  json_array_append_new(arg, templates_json(t));
  return 0;
}

/* GET: the active templates; an admin gets the inactive ones too. */
void api_templates_list(api_call_t *c) {
  json_t *items = json_array();
  int rc = store_template_each(c->db, c->user.role != STORE_ROLE_ADMIN, templates_one, items);
  if (rc) {
    json_decref(items);
    api_error(c, rc, NULL, "cannot list the templates");
    return;
  }
  api_reply(c, 200, json_pack("{s:o}", "items", items));
}

/* Template id as the caller may see it (an inactive one: admins only). */
static int templates_load(api_call_t *c, int64_t id, store_template_t *t) {
  int rc = store_template_get(c->db, id, t);
  if (!rc && !t->active && c->user.role != STORE_ROLE_ADMIN) rc = UTIL_E_NOTFOUND;
  if (rc == UTIL_E_NOTFOUND) api_error(c, rc, NULL, "no template %lld", (long long)id);
  else if (rc) api_error(c, rc, NULL, "cannot read template %lld", (long long)id);
  if (rc) store_template_clear(t);
  return rc;
}

void api_templates_get(api_call_t *c) {
  store_template_t t;
  if (templates_load(c, c->id[0], &t)) return;
  api_reply(c, 200, templates_json(&t));
  store_template_clear(&t);
}

/* ---- Writing one ------------------------------------------------------------------ */
/* A text of the body (present ones only) into *slot, noted in ch. */
static int templates_text(api_call_t *c, const char *key, size_t max, char **slot, json_t *ch) {
  const char *s = NULL;
  if (api_field_string(c, key, 0, max, 0, &s, NULL)) return UTIL_E_INVALID;
  if (!s) return 0;
  api_audit_change(ch, key, json_string(*slot ? *slot : ""), json_string(s));
  free(*slot);
  *slot = util_xstrdup(s);
  return 0;
}

/* The category or service of the body: null, or an active entry of the
 * list (its own name kept). */
static int templates_entry(api_call_t *c, store_tf_t f, char **slot, json_t *ch) {
  const char *key = store_tf_name(f);
  json_t *v = json_object_get(c->body, key);
  if (!v) return 0;
  char *canon = NULL;
  desk_err_t e = {0};
  if (!json_is_null(v) && !json_is_string(v)) {
    api_error(c, UTIL_E_INVALID, key, "'%s' must be a string or null", key);
    return UTIL_E_INVALID;
  }
  if (json_is_string(v) && desk_list_value(c->db, f, json_string_value(v), &canon, &e)) {
    api_desk_error(c, &e);
    return e.code;
  }
  api_audit_change(ch, key, *slot ? json_string(*slot) : json_null(), canon ? json_string(canon) : json_null());
  free(*slot);
  *slot = canon;
  return 0;
}

/* The field definitions of the body, checked and normalised, into t. */
static int templates_fields(api_call_t *c, store_template_t *t, json_t *ch) {
  json_t *v = json_object_get(c->body, "fields"), *norm = NULL;
  desk_err_t e = {0};
  if (!v) return 0;
  if (desk_tpl_fields_check(v, &norm, &e)) {
    api_desk_error(c, &e);
    return e.code;
  }
  char *text = json_dumps(norm, JSON_COMPACT);
  json_error_t je;
  api_audit_change(ch, "fields", json_loads(t->fields ? t->fields : "[]", 0, &je), norm);
  free(t->fields);
  t->fields = text;
  return 0;
}

/* The body's members into t (present ones), changes noted in ch. */
static int templates_from_body(api_call_t *c, store_template_t *t, json_t *ch) {
  static const char *const allowed[] = {"name_fr", "name_en", "description_fr", "description_en",
                                        "category", "service", "title_fr", "title_en", "fields",
                                        "active", NULL};
  int active = t->active;
  if (api_body_object(c) || api_body_only(c, allowed) ||
      templates_text(c, "name_fr", DESK_TPL_NAME_MAX, &t->name_fr, ch) ||
      templates_text(c, "name_en", DESK_TPL_NAME_MAX, &t->name_en, ch) ||
      templates_text(c, "description_fr", DESK_TPL_DESC_MAX, &t->description_fr, ch) ||
      templates_text(c, "description_en", DESK_TPL_DESC_MAX, &t->description_en, ch) ||
      templates_text(c, "title_fr", DESK_TPL_TITLE_MAX, &t->title_fr, ch) ||
      templates_text(c, "title_en", DESK_TPL_TITLE_MAX, &t->title_en, ch) ||
      templates_entry(c, STORE_TF_CATEGORY, &t->category, ch) ||
      templates_entry(c, STORE_TF_SERVICE, &t->service, ch) || templates_fields(c, t, ch) ||
      api_field_bool(c, "active", &active, NULL))
    return UTIL_E_INVALID;
  api_audit_change(ch, "active", json_boolean(t->active), json_boolean(active));
  t->active = active;
  return 0;
}

static int templates_blank(const char *s) { return strspn(s, " \t") == strlen(s); }

/* What every template needs: a name and a title pattern in one language
 * at least, the patterns naming only its fields. */
static int templates_complete(api_call_t *c, const store_template_t *t) {
  desk_err_t e = {0};
  json_error_t je;
  if (templates_blank(t->name_fr) && templates_blank(t->name_en)) {
    api_refuse(c, UTIL_E_INVALID, "name_fr", API_WHY(REQUIRED), "a template needs a name in French or in English");
    return UTIL_E_INVALID;
  }
  if (templates_blank(t->title_fr) && templates_blank(t->title_en)) {
    api_refuse(c, UTIL_E_INVALID, "title_fr", API_WHY(REQUIRED), "a template needs a title pattern in French or in English"
              " (the tickets' title: the field keys in braces take their values, {requester_name} the requester's name)");
    return UTIL_E_INVALID;
  }
  json_t *defs = json_loads(t->fields, 0, &je);
  int rc = desk_tpl_title_check("title_fr", t->title_fr, defs, &e);
  if (!rc) rc = desk_tpl_title_check("title_en", t->title_en, defs, &e);
  json_decref(defs);
  if (rc) api_desk_error(c, &e);
  return rc;
}

static const char *templates_name(const store_template_t *t) {
  return !templates_blank(t->name_en) ? t->name_en : t->name_fr;
}

/* Saves t (new when its id is 0) with its audit row, and replies. */
static void templates_save(api_call_t *c, store_template_t *t, json_t *ch) {
  int creating = t->id == 0;
  int rc = store_begin(c->db);
  if (!rc && creating && store_template_count(c->db) >= STORE_TEMPLATES_MAX) {
    store_rollback(c->db);
    api_error(c, UTIL_E_CONFLICT, NULL, "the desk has %d templates, the most kept: delete one first",
              STORE_TEMPLATES_MAX);
    json_decref(ch);
    return;
  }
  if (!rc) rc = creating ? store_template_insert(c->db, t, &t->id) : store_template_update(c->db, t);
  if (!rc) rc = api_audit(c, creating ? "template.create" : "template.update", "template", t->id,
                          templates_name(t), ch);
  else json_decref(ch);
  rc = api_txn_end(c, rc);
  store_template_t back;
  if (rc) api_error(c, rc, NULL, "cannot save the template");
  else if (store_template_get(c->db, t->id, &back)) api_error(c, UTIL_E_DB, NULL, "cannot read the template back");
  else {
    api_reply(c, creating ? 201 : 200, templates_json(&back));
    store_template_clear(&back);
  }
}

void api_templates_create(api_call_t *c) {
  store_template_t t = {.name_fr = util_xstrdup(""), .name_en = util_xstrdup(""),
                        .description_fr = util_xstrdup(""), .description_en = util_xstrdup(""),
                        .title_fr = util_xstrdup(""), .title_en = util_xstrdup(""),
                        .fields = util_xstrdup("[]"), .active = 1};
  json_t *ch = json_object();
  if (templates_from_body(c, &t, ch) || templates_complete(c, &t)) json_decref(ch);
  else templates_save(c, &t, ch);
  store_template_clear(&t);
}

void api_templates_patch(api_call_t *c) {
  store_template_t t;
  if (templates_load(c, c->id[0], &t)) return;
  json_t *ch = json_object();
  if (templates_from_body(c, &t, ch) || templates_complete(c, &t)) json_decref(ch);
  else templates_save(c, &t, ch);
  store_template_clear(&t);
}

/* DELETE: the template goes; the tickets filed through it keep their form. */
void api_templates_delete(api_call_t *c) {
  store_template_t t;
  if (templates_load(c, c->id[0], &t)) return;
  int rc = store_begin(c->db);
  if (!rc) rc = store_template_delete(c->db, t.id);
  if (!rc) rc = api_audit(c, "template.delete", "template", t.id, templates_name(&t), NULL);
  rc = api_txn_end(c, rc);
  if (rc) api_error(c, rc, NULL, "cannot delete the template");
  else api_reply(c, 200, json_pack("{s:I, s:b}", "id", (json_int_t)t.id, "deleted", 1));
  store_template_clear(&t);
}

/* ---- A ticket filed through a template ------------------------------------------- */
/* Replies with a refusal of a form's value: the desk's error and why the
 * value was refused for a program (reason, min, max, allowed, expected;
 * stolen). */
static void templates_refuse(api_call_t *c, const desk_err_t *e, json_t *why) {
  json_t *err = json_pack("{s:s, s:s, s:s}", "code", util_err_code(e->code), "message", e->msg,
                          "field", e->field);
  if (!err) err = json_pack("{s:s, s:s}", "code", util_err_code(e->code), "message", "refused");
  if (why) json_object_update(err, why);
  json_decref(why);
  api_reply(c, util_err_http_status(e->code), json_pack("{s:o}", "error", err));
}

/* The language the form's labels are written in on the ticket: form_lang
 * ("fr" or "en", the language the requester read the form in), else the
 * caller's own, else English. NULL after a refusal (replied). */
static const char *templates_lang(api_call_t *c, const json_t *form_lang) {
  if (form_lang) {
    const char *l = json_is_string(form_lang) ? json_string_value(form_lang) : "";
    if (strcmp(l, "fr") != 0 && strcmp(l, "en") != 0) {
      api_error(c, UTIL_E_INVALID, "form_lang", "'form_lang' must be fr or en (the language the form was read in)");
      return NULL;
    }
    return l;
  }
  return c->user.lang && !strcmp(c->user.lang, "fr") ? "fr" : "en";
}

/* The template's title and description on in->t (each unless given). */
static int templates_text_onto(api_call_t *c, const store_template_t *t, const store_form_t *form,
                               const char *lang, desk_intake_t *in, uint32_t given) {
  int fr = !strcmp(lang, "fr");
  if (!(given & (1u << STORE_TF_TITLE))) {
    const char *mine = fr ? t->title_fr : t->title_en, *other = fr ? t->title_en : t->title_fr;
    store_user_t me = c->user; /* the requester's name: the caller's, or the one named */
    store_user_t named = {0};
    if (!in->t.v[STORE_TF_REQUESTER_ID].is_null && !store_user_get(c->db, in->t.v[STORE_TF_REQUESTER_ID].i, &named))
      me = named;
    char *title = desk_tpl_title(!templates_blank(mine) ? mine : other, form, me.name, lang);
    if (templates_blank(title)) { /* a pattern of empty values: the template's name */
      free(title);
      title = util_xstrdup(fr ? form->name_fr : form->name_en);
    }
    store_ticket_set_text(&in->t, STORE_TF_TITLE, title);
    free(title);
    store_user_clear(&named);
  }
  char *block = desk_tpl_text(form, lang);
  const char *typed = in->t.v[STORE_TF_DESCRIPTION].is_null ? "" : in->t.v[STORE_TF_DESCRIPTION].s;
  char *desc = *typed ? util_xasprintf("%s\n\n%s", typed, block) : util_xstrdup(block);
  free(block);
  desk_err_t e = {0};
  int rc = desk_text_check("description", desc, strlen(desc), 0, desk_field_of(STORE_TF_DESCRIPTION)->max, 1, &e);
  if (rc) api_error(c, rc, "description", "the description and the form's values together are longer"
                    " than %lld bytes", (long long)desk_field_of(STORE_TF_DESCRIPTION)->max);
  else store_ticket_set_text(&in->t, STORE_TF_DESCRIPTION, desc);
  free(desc);
  return rc;
}

/* The template's category and service on in->t, unless given. An entry
 * retired since the template was saved is the template's fault, said so. */
static int templates_entries_onto(api_call_t *c, const store_template_t *t, desk_intake_t *in,
                                  uint32_t given) {
  const store_tf_t fs[2] = {STORE_TF_CATEGORY, STORE_TF_SERVICE};
  const char *vals[2] = {t->category, t->service};
  for (int i = 0; i < 2; i++) {
    if (!vals[i] || (given & (1u << fs[i]))) continue;
    desk_err_t e = {0};
    desk_value_t v = {DESK_V_STRING, vals[i], strlen(vals[i]), 0};
    if (!desk_field_set(c->db, desk_field_of(fs[i]), c->user.role, 1, &v, &in->t, &e)) continue;
    api_error(c, UTIL_E_CONFLICT, "template_id", "template %lld sets %s '%s', which cannot be used (%s):"
              " an admin must change the template", (long long)t->id, store_tf_name(fs[i]), vals[i], e.msg);
    return UTIL_E_CONFLICT;
  }
  return 0;
}

int api_template_intake(api_call_t *c, const json_t *template_id, const json_t *fields,
                        const json_t *form_lang, desk_intake_t *in, uint32_t given,
                        store_form_t *form) {
  if (!template_id) {
    api_error(c, UTIL_E_INVALID, fields ? "fields" : "form_lang", "'%s' goes with 'template_id'",
              fields ? "fields" : "form_lang");
    return UTIL_E_INVALID;
  }
  if (!json_is_integer(template_id) || json_integer_value(template_id) < 1) {
    api_error(c, UTIL_E_INVALID, "template_id", "'template_id' must be a template's id");
    return UTIL_E_INVALID;
  }
  store_template_t t;
  int rc = store_template_get(c->db, json_integer_value(template_id), &t);
  if (rc || !t.active) {
    if (rc && rc != UTIL_E_NOTFOUND) api_error(c, rc, NULL, "cannot read the template");
    else api_error(c, UTIL_E_INVALID, "template_id", "no template %lld is offered",
                   (long long)json_integer_value(template_id));
    store_template_clear(&t);
    return rc ? rc : UTIL_E_INVALID;
  }
  const char *lang = templates_lang(c, form_lang);
  json_error_t je;
  json_t *defs = json_loads(t.fields, 0, &je), *why = NULL;
  desk_err_t e = {0};
  form->template_id = t.id;
  if (lang) snprintf(form->lang, sizeof form->lang, "%s", lang);
  form->name_fr = util_xstrdup(!templates_blank(t.name_fr) ? t.name_fr : t.name_en);
  form->name_en = util_xstrdup(!templates_blank(t.name_en) ? t.name_en : t.name_fr);
  rc = lang ? desk_tpl_values(defs, fields, form, &e, &why) : UTIL_E_INVALID;
  if (rc && lang) templates_refuse(c, &e, why);
  if (!rc) rc = templates_text_onto(c, &t, form, lang, in, given);
  if (!rc) rc = templates_entries_onto(c, &t, in, given);
  if (!rc) in->form = form;
  json_decref(defs);
  store_template_clear(&t);
  return rc;
}

/* A stored value as the API gives it: a number as a number, yes or no as a
 * boolean, the others as text. */
static json_t *templates_value_json(const store_form_field_t *f) {
  if (!strcmp(f->type, "number")) return json_integer(strtoll(f->value, NULL, 10));
  if (!strcmp(f->type, "yesno")) return json_boolean(!strcmp(f->value, "yes"));
  return json_string(f->value);
}

json_t *api_form_json(store_t *db, int64_t ticket_id) {
  store_form_t f;
  if (store_form_get(db, ticket_id, &f)) return json_null();
  json_t *fields = json_array();
  for (size_t i = 0; i < f.n; i++) {
    const store_form_field_t *x = &f.fields[i];
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o}", "key", x->key, "type", x->type, "label_fr",
                          x->label_fr, "label_en", x->label_en, "value", templates_value_json(x));
    if (o && x->choice_fr) json_object_set_new(o, "choice_fr", json_string(x->choice_fr));
    if (o && x->choice_en) json_object_set_new(o, "choice_en", json_string(x->choice_en));
    if (o) json_array_append_new(fields, o);
  }
  /* the lines the description got at the time, for a reader who shows the
   * form apart (a description edited since may no longer end with them) */
  char *text = desk_tpl_text(&f, f.lang);
  json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "template_id", (json_int_t)f.template_id,
                        "name_fr", f.name_fr, "name_en", f.name_en, "lang", f.lang, "text", text,
                        "fields", fields);
  free(text);
  store_form_clear(&f);
  return j;
}
