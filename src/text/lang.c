/* Stop words of French and English, and language identification from them.
 *
 * The lists are in folded form (lower case, no accents), the form the
 * tokeniser matches. They hold function words only: IT vocabulary such as
 * "access" or "ecran" must stay, even when frequent, because it carries the
 * category, and so do negations and particles that carry IT meaning
 * ("not", "pas", "down", "off": "VPN down", "ne démarre pas"). French elided articles and pronouns (l', d', qu', …) are listed
 * because the tokeniser splits at the apostrophe. Lookups go through a small
 * open-addressing table built once. */
#include <pthread.h>
#include <string.h>

#include "text_int.h"

static const char *const stop_en[] = {
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "below", "between",
    "both", "but", "by", "can", "could", "did", "do", "does", "doing", "during",
    "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her",
    "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into",
    "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "now", "of", "on", "once", "only", "or", "other", "our", "ours",
    "ourselves", "own", "same", "she", "should", "so", "some", "such",
    "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there",
    "these", "they", "this", "those", "through", "to", "too", "until", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who",
    "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself",
    "yourselves", "s", "t", "d", "ll", "m", "re", "ve", "don", "didn", "doesn", "isn",
    "wasn", "won", "also", "may", "might", "must", "shall", "hi", "hello", "dear",
    "thanks", "thank", "regards", "please", "kindly", "best"};

static const char *const stop_fr[] = {
    "a", "au", "aux", "avec", "ce", "ces", "c", "ca", "cela", "celui", "celle", "ceci",
    "cet", "cette", "d", "dans", "de", "des", "du", "elle", "elles", "en", "et", "eux",
    "il", "ils", "j", "je", "jusqu", "l", "la", "le", "les", "leur", "leurs", "lui",
    "m", "ma", "mais", "me", "meme", "mes", "moi", "mon", "n", "ne", "nos", "notre",
    "nous", "on", "ou", "par", "pour", "qu", "que", "qui", "quoi", "s", "sa",
    "se", "ses", "son", "sur", "t", "ta", "te", "tes", "toi", "ton", "tu", "un", "une",
    "vos", "votre", "vous", "y", "lorsqu", "puisqu", "quand", "donc", "or", "ni", "car",
    "est", "sont", "suis", "es", "sommes", "etes", "etait", "etaient", "ete", "etre",
    "ai", "as", "avons", "avez", "ont", "avait", "avaient", "eu", "avoir", "fait",
    "faire", "sans", "sous", "chez", "vers", "entre", "depuis", "pendant", "tres",
    "plus", "moins", "aussi", "deja", "encore", "tout", "tous", "toute", "toutes",
    "bonjour", "merci", "cordialement", "madame", "monsieur", "svp", "bien", "peu",
    "dont", "ici", "la", "cependant", "alors", "comme", "si", "sera", "serait", "peut",
    "pouvez", "pourriez", "pourrais", "mais", "voici", "voila", "hui", "aujourd"};

#define STOP_SLOTS 1024 /* power of two, > 2 × the longer list */

typedef struct {
  const char *w[STOP_SLOTS];
  uint8_t len[STOP_SLOTS];
} stop_table_t;

static stop_table_t stop_tab[TEXT_LANG_COUNT];
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;

static void stop_add(stop_table_t *t, const char *w) {
  size_t n = strlen(w);
  uint64_t h = text_hash(0, w, n);
  for (size_t i = h & (STOP_SLOTS - 1);; i = (i + 1) & (STOP_SLOTS - 1)) {
    if (!t->w[i]) {
      t->w[i] = w;
      t->len[i] = (uint8_t)n;
      return;
    }
    if (t->len[i] == n && memcmp(t->w[i], w, n) == 0) return; /* listed twice */
  }
}

static void stop_build(void) {
  for (size_t i = 0; i < sizeof stop_en / sizeof *stop_en; i++) stop_add(&stop_tab[TEXT_LANG_EN], stop_en[i]);
  for (size_t i = 0; i < sizeof stop_fr / sizeof *stop_fr; i++) stop_add(&stop_tab[TEXT_LANG_FR], stop_fr[i]);
}

int text_is_stop(text_lang_t lang, const char *w, size_t n) {
  if ((unsigned)lang >= TEXT_LANG_COUNT || n == 0 || n > 20) return 0;
  pthread_once(&stop_once, stop_build);
  const stop_table_t *t = &stop_tab[lang];
  uint64_t h = text_hash(0, w, n);
  for (size_t i = h & (STOP_SLOTS - 1); t->w[i]; i = (i + 1) & (STOP_SLOTS - 1))
    if (t->len[i] == n && memcmp(t->w[i], w, n) == 0) return 1;
  return 0;
}

const char *text_lang_code(text_lang_t lang) { return lang == TEXT_LANG_FR ? "fr" : "en"; }

int text_lang_parse(const char *code, text_lang_t *out) {
  if (code && strcmp(code, "en") == 0) *out = TEXT_LANG_EN;
  else if (code && strcmp(code, "fr") == 0) *out = TEXT_LANG_FR;
  else return UTIL_E_INVALID;
  return 0;
}

/* Votes: each token that is a stop word of only one language counts for it;
 * accented letters count for French (English IT text has almost none). A
 * tie, including a text with no clue at all, is English: most IT jargon is
 * English. */
text_lang_t text_lang_vote(const int votes[TEXT_LANG_COUNT]) {
  return votes[TEXT_LANG_FR] > votes[TEXT_LANG_EN] ? TEXT_LANG_FR : TEXT_LANG_EN;
}
