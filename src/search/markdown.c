/* An article's Markdown for people: HTML for API clients, and a tree of
 * plain JSON nodes that the web UI builds with DOM calls (it never parses
 * HTML). Both come from cmark's CommonMark parse in its safe mode, and
 * both leave raw HTML out. The tree keeps only links to http:, https:,
 * mailto: and relative addresses, and images from http:, https: and
 * relative ones; it nests at most SEARCH_DOC_DEPTH levels (deeper
 * content is kept, flattened into the last level), so that no reader
 * recurses without bound. */
#include <cmark.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "search.h"

char *search_markdown_html(const char *md, size_t n) {
  if (!util_utf8_valid(md, n, NULL)) return NULL;
  /* CMARK_OPT_DEFAULT is cmark's safe mode (no CMARK_OPT_UNSAFE): raw
   * HTML becomes a comment and dangerous link targets become empty */
  char *html = cmark_markdown_to_html(md, n, CMARK_OPT_DEFAULT);
  if (!html) return NULL;
  char *out = util_xstrdup(html); /* ours to free with free(), whatever cmark's allocator */
  free(html);
  return out;
}

/* 1 if url may be followed from an article: a scheme among those allowed
 * (ASCII case aside), or none (a relative address). */
static int url_ok(const char *url, int image) {
  if (!url || !*url) return 0;
  size_t k = strcspn(url, ":/?#");
  if (url[k] != ':') return 1; /* no scheme */
  static const char *const links[] = {"http", "https", "mailto", NULL}, *const images[] = {"http", "https", NULL};
  for (const char *const *s = image ? images : links; *s; s++)
    if (strlen(*s) == k && strncasecmp(url, *s, k) == 0) return 1;
  return 0;
}

/* 1 for the node types container() maps. */
static int is_box(cmark_node_type t) {
  return t == CMARK_NODE_DOCUMENT || t == CMARK_NODE_BLOCK_QUOTE || t == CMARK_NODE_LIST ||
         t == CMARK_NODE_ITEM || t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING ||
         t == CMARK_NODE_EMPH || t == CMARK_NODE_STRONG || t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE;
}

/* The JSON node of a container (its children go to "c"), or NULL for a
 * node that is not one. */
static json_t *container(cmark_node *n) {
  switch (cmark_node_get_type(n)) {
  case CMARK_NODE_DOCUMENT: return json_pack("{s:s}", "t", "doc");
  case CMARK_NODE_BLOCK_QUOTE: return json_pack("{s:s}", "t", "quote");
  case CMARK_NODE_LIST:
    if (cmark_node_get_list_type(n) == CMARK_ORDERED_LIST)
      return json_pack("{s:s, s:i}", "t", "ol", "start", cmark_node_get_list_start(n));
    return json_pack("{s:s}", "t", "ul");
  case CMARK_NODE_ITEM: return json_pack("{s:s}", "t", "li");
  case CMARK_NODE_PARAGRAPH: return json_pack("{s:s}", "t", "p");
  case CMARK_NODE_HEADING: return json_pack("{s:s, s:i}", "t", "h", "level", cmark_node_get_heading_level(n));
  case CMARK_NODE_EMPH: return json_pack("{s:s}", "t", "em");
  case CMARK_NODE_STRONG: return json_pack("{s:s}", "t", "strong");
  case CMARK_NODE_LINK: {
    const char *u = cmark_node_get_url(n);
    json_t *j = json_pack("{s:s}", "t", "a");
    if (url_ok(u, 0)) json_object_set_new(j, "href", json_string(u));
    return j;
  }
  case CMARK_NODE_IMAGE: {
    const char *u = cmark_node_get_url(n);
    json_t *j = json_pack("{s:s}", "t", "img");
    if (url_ok(u, 1)) json_object_set_new(j, "src", json_string(u));
    return j;
  }
  default: return NULL;
  }
}

/* The JSON of a leaf node, or NULL for one left out (raw HTML). */
static json_t *leaf(cmark_node *n) {
  const char *lit = cmark_node_get_literal(n);
  switch (cmark_node_get_type(n)) {
  case CMARK_NODE_TEXT: return json_string(lit ? lit : "");
  case CMARK_NODE_SOFTBREAK: return json_string("\n");
  case CMARK_NODE_LINEBREAK: return json_pack("{s:s}", "t", "br");
  case CMARK_NODE_THEMATIC_BREAK: return json_pack("{s:s}", "t", "hr");
  case CMARK_NODE_CODE: return json_pack("{s:s, s:s}", "t", "code", "s", lit ? lit : "");
  case CMARK_NODE_CODE_BLOCK: return json_pack("{s:s, s:s}", "t", "pre", "s", lit ? lit : "");
  default: return NULL;
  }
}

static void add_child(json_t *parent, json_t *kid) {
  json_t *c = json_object_get(parent, "c");
  if (!c) json_object_set_new(parent, "c", c = json_array());
  json_array_append_new(c, kid);
}

json_t *search_markdown_doc(const char *md, size_t n) {
  if (!util_utf8_valid(md, n, NULL)) return NULL;
  cmark_node *root = cmark_parse_document(md, n, CMARK_OPT_DEFAULT);
  if (!root) return NULL;
  cmark_iter *it = cmark_iter_new(root);
  json_t *stack[SEARCH_DOC_DEPTH + 1] = {NULL}, *doc = NULL;
  int depth = 0, over = 0; /* over: containers entered beyond the last level */
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    cmark_node *node = cmark_iter_get_node(it);
    json_t *box = ev == CMARK_EVENT_ENTER && is_box(cmark_node_get_type(node)) ? container(node) : NULL;
    if (ev == CMARK_EVENT_EXIT) {
      if (!is_box(cmark_node_get_type(node))) continue;
      if (over) over--;
      else if (depth > 0) depth--;
    } else if (box && !doc) {
      doc = stack[depth = 0] = box;
    } else if (box && depth + 1 <= SEARCH_DOC_DEPTH) {
      add_child(stack[depth], box);
      stack[++depth] = box;
    } else if (box) {
      json_decref(box); /* too deep: its content goes to the last level */
      over++;
    } else {
      json_t *l = leaf(node);
      if (l && doc) add_child(stack[depth], l); /* the document is the first node */
      else json_decref(l);
    }
  }
  cmark_iter_free(it);
  cmark_node_free(root);
  return doc;
}
