/* text: internals shared by its files. Not part of the interface. */
#ifndef RELAIS_TEXT_INT_H
#define RELAIS_TEXT_INT_H

#include "../util/util.h"
#include "text.h"

/* The language with more stop-word votes; English on a tie. */
text_lang_t text_lang_vote(const int votes[TEXT_LANG_COUNT]);

#endif
