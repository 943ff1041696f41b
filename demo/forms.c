/* The demo desk's request templates (new laptop, access request, software
 * install) and shared macros, in French and English, each checked by the
 * desk's rules as the API would check it. */
#include <stdlib.h>
#include <string.h>

#include "../src/desk/desk.h"
#include "demo_int.h"

typedef struct {
  const char *name_fr, *name_en, *desc_fr, *desc_en, *category, *service, *title_fr, *title_en;
  const char *fields; /* JSON */
} demo_template_t;

static const demo_template_t demo_templates[] = {
    {"Nouvel ordinateur portable", "New laptop",
     "Pour un nouvel arrivant, ou pour remplacer un portable trop ancien ou en panne.",
     "For a newcomer, or to replace a laptop that is too old or broken.", "Hardware", "Parc PC",
     "Ordinateur portable {model} pour {requester_name}", "{model} laptop for {requester_name}",
     "[{\"key\":\"model\",\"label_fr\":\"Modèle\",\"label_en\":\"Model\",\"type\":\"choice\",\"required\":true,"
     "\"options\":[{\"value\":\"standard\",\"label_fr\":\"Standard 14 pouces\",\"label_en\":\"Standard 14-inch\"},"
     "{\"value\":\"light\",\"label_fr\":\"Ultraléger 13 pouces\",\"label_en\":\"Ultralight 13-inch\"},"
     "{\"value\":\"dev\",\"label_fr\":\"Développeur 16 pouces, 32 Go\",\"label_en\":\"Developer 16-inch, 32 GB\"}]},"
     "{\"key\":\"needed_by\",\"label_fr\":\"Pour le\",\"label_en\":\"Needed by\",\"type\":\"date\",\"required\":true,"
     "\"min\":\"2024-01-01\",\"max\":\"2035-12-31\"},"
     "{\"key\":\"site\",\"label_fr\":\"Site de livraison\",\"label_en\":\"Delivery site\",\"type\":\"text\","
     "\"required\":true,\"min\":2,\"max\":60},"
     "{\"key\":\"screens\",\"label_fr\":\"Écrans supplémentaires\",\"label_en\":\"Extra screens\","
     "\"type\":\"number\",\"min\":0,\"max\":2},"
     "{\"key\":\"bag\",\"label_fr\":\"Avec une sacoche\",\"label_en\":\"With a bag\",\"type\":\"yesno\"},"
     "{\"key\":\"notes\",\"label_fr\":\"Logiciels ou besoins particuliers\",\"label_en\":\"Special software or needs\","
     "\"type\":\"long_text\",\"max\":2000}]"},
    {"Demande d’accès", "Access request",
     "Un accès à une application, un partage ou une boîte partagée, pour vous ou pour un collègue.",
     "Access to an application, a share or a shared mailbox, for you or a colleague.", "Access", "Annuaire",
     "Accès {level} à {system} pour {person}", "{level} access to {system} for {person}",
     "[{\"key\":\"system\",\"label_fr\":\"Application ou ressource\",\"label_en\":\"Application or resource\","
     "\"type\":\"choice\",\"required\":true,\"options\":["
     "{\"value\":\"ERP\",\"label_fr\":\"ERP\",\"label_en\":\"ERP\"},"
     "{\"value\":\"share\",\"label_fr\":\"Partage de fichiers\",\"label_en\":\"File share\"},"
     "{\"value\":\"mailbox\",\"label_fr\":\"Boîte aux lettres partagée\",\"label_en\":\"Shared mailbox\"},"
     "{\"value\":\"VPN\",\"label_fr\":\"VPN\",\"label_en\":\"VPN\"}]},"
     "{\"key\":\"level\",\"label_fr\":\"Niveau d’accès\",\"label_en\":\"Access level\",\"type\":\"choice\","
     "\"required\":true,\"options\":[{\"value\":\"read\",\"label_fr\":\"en lecture\",\"label_en\":\"Read\"},"
     "{\"value\":\"write\",\"label_fr\":\"en écriture\",\"label_en\":\"Write\"},"
     "{\"value\":\"admin\",\"label_fr\":\"administrateur\",\"label_en\":\"Admin\"}]},"
     "{\"key\":\"person\",\"label_fr\":\"Pour qui (nom et prénom)\",\"label_en\":\"For whom (full name)\","
     "\"type\":\"text\",\"required\":true,\"min\":3,\"max\":100},"
     "{\"key\":\"approved\",\"label_fr\":\"Mon responsable a donné son accord\",\"label_en\":\"My manager approved it\","
     "\"type\":\"yesno\",\"required\":true},"
     "{\"key\":\"until\",\"label_fr\":\"Jusqu’au (vide\u00a0: sans fin)\",\"label_en\":\"Until (empty: no end)\","
     "\"type\":\"date\",\"min\":\"2024-01-01\",\"max\":\"2035-12-31\"},"
     "{\"key\":\"reason\",\"label_fr\":\"Pourquoi cet accès\",\"label_en\":\"Why this access\",\"type\":\"long_text\","
     "\"required\":true,\"min\":10,\"max\":2000}]"},
    {"Installation de logiciel", "Software install",
     "Un logiciel à installer sur votre poste\u00a0: dites lequel et pour quel usage.",
     "Software to install on your computer: say which one and what for.", "Software", "Parc PC",
     "Installer {software} sur {asset}", "Install {software} on {asset}",
     "[{\"key\":\"software\",\"label_fr\":\"Logiciel\",\"label_en\":\"Software\",\"type\":\"text\",\"required\":true,"
     "\"min\":2,\"max\":80},"
     "{\"key\":\"version\",\"label_fr\":\"Version\",\"label_en\":\"Version\",\"type\":\"text\",\"max\":30},"
     "{\"key\":\"asset\",\"label_fr\":\"Numéro du poste (PC-12345)\",\"label_en\":\"Computer tag (PC-12345)\","
     "\"type\":\"text\",\"required\":true,\"min\":8,\"max\":8},"
     "{\"key\":\"seats\",\"label_fr\":\"Nombre d’utilisateurs\",\"label_en\":\"Number of users\",\"type\":\"number\","
     "\"required\":true,\"min\":1,\"max\":50},"
     "{\"key\":\"licence\",\"label_fr\":\"Nous avons déjà une licence\",\"label_en\":\"We already have a licence\","
     "\"type\":\"yesno\"},"
     "{\"key\":\"use\",\"label_fr\":\"Pour quel usage\",\"label_en\":\"What for\",\"type\":\"long_text\",\"max\":2000}]"},
};

/* One template, its definition checked as the API checks it. */
static int demo_template(store_t *s, const demo_template_t *d) {
  json_error_t je;
  desk_err_t e = {0};
  json_t *raw = json_loads(d->fields, 0, &je), *defs = NULL;
  int rc = raw ? desk_tpl_fields_check(raw, &defs, &e) : UTIL_E_INVALID;
  if (!rc) rc = desk_tpl_title_check("title_fr", d->title_fr, defs, &e);
  if (!rc) rc = desk_tpl_title_check("title_en", d->title_en, defs, &e);
  if (rc) util_log(UTIL_LOG_ERROR, "demo template '%s': %s %s", d->name_en, e.field, e.msg);
  char *text = rc ? NULL : json_dumps(defs, JSON_COMPACT);
  store_template_t t = {.name_fr = (char *)d->name_fr, .name_en = (char *)d->name_en,
                        .description_fr = (char *)d->desc_fr, .description_en = (char *)d->desc_en,
                        .category = (char *)d->category, .service = (char *)d->service,
                        .title_fr = (char *)d->title_fr, .title_en = (char *)d->title_en,
                        .fields = text, .active = 1};
  if (!rc) rc = store_template_insert(s, &t, NULL);
  free(text);
  json_decref(raw);
  json_decref(defs);
  return rc;
}

typedef struct {
  const char *name_fr, *name_en, *body_fr, *body_en;
  int internal;
  const char *actions; /* JSON; "%G" stands for the network team's group id */
} demo_macro_t;

static const demo_macro_t demo_macros[] = {
    {"Mot de passe réinitialisé", "Password reset done",
     "Bonjour {requester_first_name},\n\nvotre mot de passe a été réinitialisé. Vous allez recevoir un mot de passe"
     " provisoire par SMS\u00a0; il vous sera demandé d’en choisir un nouveau à la première connexion.\n\n"
     "Bonne journée,\n{agent_name}",
     "Hello {requester_first_name},\n\nyour password has been reset. You will receive a temporary password by text"
     " message; you will be asked to choose a new one when you first sign in.\n\nBest regards,\n{agent_name}",
     0, "{\"status\":\"resolved\",\"resolution\":\"Mot de passe réinitialisé / Password reset ({agent_name})\"}"},
    {"Besoin de précisions", "Need more information",
     "Bonjour {requester_first_name},\n\npour avancer sur votre demande n° {ticket_id}, pourriez-vous nous préciser"
     " depuis quand le problème se produit, le message d’erreur exact et, si possible, une capture d’écran\u00a0?\n\n"
     "Merci,\n{agent_name}",
     "Hello {requester_first_name},\n\nto move on with your request #{ticket_id}, could you tell us since when the"
     " problem happens, the exact error message and, if you can, send a screenshot?\n\nThank you,\n{agent_name}",
     0, "{\"status\":\"pending\"}"},
    {"Escalader à l’équipe réseau", "Escalate to network team",
     "Escaladé à {group_name}\u00a0: le diagnostic de premier niveau n’a rien donné (poste et compte vérifiés).",
     "Escalated to {group_name}: first-level checks found nothing (computer and account checked).",
     1, "{\"group_id\":%G,\"assignee_id\":null}"},
    {"Je prends en charge", "I'm on it",
     "Bonjour {requester_first_name},\n\nje prends en charge votre demande «\u00a0{ticket_title}\u00a0» et reviens vers vous"
     " rapidement.\n\n{agent_name}",
     "Hello {requester_first_name},\n\nI am taking care of your request \"{ticket_title}\" and will get back to you"
     " shortly.\n\n{agent_name}",
     0, "{\"status\":\"open\",\"assignee_id\":\"me\"}"},
};

/* One shared macro, its texts and changes checked as the API checks them. */
static int demo_macro(store_t *s, const demo_macro_t *d, int64_t admin_id, int64_t network) {
  char actions[256];
  const char *g = strstr(d->actions, "%G");
  if (g) snprintf(actions, sizeof actions, "%.*s%lld%s", (int)(g - d->actions), d->actions,
                  (long long)network, g + 2);
  else snprintf(actions, sizeof actions, "%s", d->actions);
  json_error_t je;
  desk_err_t e = {0};
  json_t *a = json_loads(actions, 0, &je);
  store_ticket_t ch;
  uint32_t mask = 0;
  store_ticket_init(&ch);
  int rc = a ? desk_macro_changes(s, a, "actions.", 0, &ch, &mask, &e) : UTIL_E_INVALID;
  if (!rc) rc = desk_macro_text_check("body_fr", d->body_fr, &e);
  if (!rc) rc = desk_macro_text_check("body_en", d->body_en, &e);
  if (rc) util_log(UTIL_LOG_ERROR, "demo macro '%s': %s %s", d->name_en, e.field, e.msg);
  store_macro_t m = {.name_fr = (char *)d->name_fr, .name_en = (char *)d->name_en,
                     .body_fr = (char *)d->body_fr, .body_en = (char *)d->body_en,
                     .internal = d->internal, .actions = actions, .created_by = admin_id};
  if (!rc) rc = store_macro_insert(s, &m, NULL);
  store_ticket_clear(&ch);
  json_decref(a);
  return rc;
}

int demo_forms(store_t *s, int64_t admin_id, int64_t network_group) {
  int rc = 0;
  for (size_t i = 0; i < sizeof demo_templates / sizeof *demo_templates && !rc; i++)
    rc = demo_template(s, &demo_templates[i]);
  for (size_t i = 0; i < sizeof demo_macros / sizeof *demo_macros && !rc; i++)
    rc = demo_macro(s, &demo_macros[i], admin_id, network_group);
  return rc;
}
