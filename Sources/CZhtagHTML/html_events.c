// libxml2's HTML parser driven through SAX; see include/CZhtagHTML.h.
#include "CZhtagHTML.h"

#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <stdlib.h>
#include <string.h>

struct zhtag_html_result {
  zhtag_html_event *events;
  size_t count, capacity;
  char *strings;
  size_t used, size;
  // The input, to tell literal text from decoded references.
  const char *input;
  size_t length;
  htmlParserCtxtPtr context;
  int failed;
  // Where the last event left the parser: the start of a run the checks below cannot place.
  int32_t last;
};

static int32_t push_string(struct zhtag_html_result *r, const char *text, size_t length) {
  if (r->used + length + 1 > r->size) {
    size_t size = r->size ? r->size : 4096;
    while (r->used + length + 1 > size) size *= 2;
    char *grown = realloc(r->strings, size);
    if (!grown) { r->failed = 1; return 0; }
    r->strings = grown;
    r->size = size;
  }
  int32_t at = (int32_t)r->used;
  if (length) memcpy(r->strings + r->used, text, length);
  r->used += length;
  r->strings[r->used] = 0;
  return at;
}

static zhtag_html_event *push_event(struct zhtag_html_result *r) {
  if (r->count == r->capacity) {
    size_t capacity = r->capacity ? r->capacity * 2 : 256;
    zhtag_html_event *grown = realloc(r->events, capacity * sizeof(zhtag_html_event));
    if (!grown) { r->failed = 1; return NULL; }
    r->events = grown;
    r->capacity = capacity;
  }
  zhtag_html_event *event = &r->events[r->count++];
  memset(event, 0, sizeof *event);
  return event;
}

static int32_t position(struct zhtag_html_result *r) {
  long consumed = xmlByteConsumed(r->context);
  if (consumed < 0) consumed = 0;
  if ((size_t)consumed > r->length) consumed = (long)r->length;
  return (int32_t)consumed;
}

static void on_start(void *data, const xmlChar *name, const xmlChar **attributes) {
  struct zhtag_html_result *r = data;
  zhtag_html_event *event = push_event(r);
  if (!event) return;
  event->kind = ZHTAG_HTML_START;
  event->start = event->end = r->last = position(r);
  // The parser reports a start tag before stepping over its '>' or '/>'.
  if ((size_t)r->last < r->length && r->input[r->last] == '/') r->last++;
  if ((size_t)r->last < r->length && r->input[r->last] == '>') r->last++;
  size_t length = strlen((const char *)name);
  event->value = push_string(r, (const char *)name, length);
  event->value_length = (int32_t)length;
  const char *wanted[] = {"id", "class", "name", "property", "content", "href"};
  const xmlChar *found[6] = {0};
  for (const xmlChar **a = attributes; a && a[0]; a += 2) {
    for (int i = 0; i < 6; i++) {
      if (!found[i] && strcasecmp((const char *)a[0], wanted[i]) == 0) {
        found[i] = a[1] ? a[1] : (const xmlChar *)"";
      }
    }
  }
  int32_t at = (int32_t)r->used;
  for (int i = 0; i < 6; i++) {
    if (i) push_string(r, "\x1f", 1);
    if (i == 5) {
      if (found[5]) push_string(r, "1", 1);
    } else if (found[i]) {
      push_string(r, (const char *)found[i], strlen((const char *)found[i]));
    }
  }
  event->attributes = at;
  event->attributes_length = (int32_t)(r->used - (size_t)at);
}

static void on_end(void *data, const xmlChar *name) {
  struct zhtag_html_result *r = data;
  zhtag_html_event *event = push_event(r);
  if (!event) return;
  event->kind = ZHTAG_HTML_END;
  event->start = event->end = r->last = position(r);
  size_t length = strlen((const char *)name);
  event->value = push_string(r, (const char *)name, length);
  event->value_length = (int32_t)length;
}

static void on_text(void *data, const xmlChar *text, int length) {
  struct zhtag_html_result *r = data;
  if (length <= 0) return;
  int32_t at = position(r);
  int32_t start = -1, end = at;
  // Literal text: the input holds exactly these bytes, ending where the parser stands or up
  // to one character later (long runs are handed over before the parser steps past their
  // last character).
  for (int32_t shift = 0; shift <= 4 && start < 0; shift++) {
    int32_t e = at + shift;
    if (e - length >= 0 && (size_t)e <= r->length &&
        memcmp(r->input + e - length, text, (size_t)length) == 0) {
      start = e - length;
      end = e;
    }
  }
  // Otherwise a reference (&amp;, &#20013;) was decoded: its source runs back to the '&'.
  if (start < 0) {
    int32_t back = at - 1;
    int32_t limit = at - 40 < 0 ? 0 : at - 40;
    while (back > limit && r->input[back] != '&') back--;
    // Else the parser dropped characters it does not accept (control characters): the run
    // stands for everything since the last event.
    start = back >= 0 && r->input[back] == '&' ? back : (r->last < at ? r->last : at);
    end = at;
  }
  zhtag_html_event *event = push_event(r);
  if (!event) return;
  event->kind = ZHTAG_HTML_TEXT;
  event->start = start;
  event->end = end;
  r->last = end;
  event->value = push_string(r, (const char *)text, (size_t)length);
  event->value_length = length;
}

static void on_error(void *data, const char *message, ...) { (void)data; (void)message; }

zhtag_html_result *zhtag_html_parse(const char *utf8, size_t length) {
  struct zhtag_html_result *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->input = utf8;
  r->length = length;
  htmlParserCtxtPtr context = htmlCreateMemoryParserCtxt(utf8, (int)length);
  if (!context) { free(r); return NULL; }
  r->context = context;
  xmlSAXHandler *sax = (xmlSAXHandler *)context->sax;
  memset(sax, 0, sizeof *sax);
  sax->startElement = on_start;
  sax->endElement = on_end;
  sax->characters = on_text;
  sax->ignorableWhitespace = on_text;
  sax->cdataBlock = on_text;
  sax->error = on_error;
  sax->warning = on_error;
  context->userData = r;
  htmlCtxtUseOptions(context, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                  HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | HTML_PARSE_NODEFDTD);
  xmlSwitchEncoding(context, XML_CHAR_ENCODING_UTF8);
  htmlParseDocument(context);
  htmlFreeParserCtxt(context);
  r->context = NULL;
  if (r->failed) { zhtag_html_free(r); return NULL; }
  return r;
}

size_t zhtag_html_event_count(const zhtag_html_result *r) { return r ? r->count : 0; }
const zhtag_html_event *zhtag_html_events(const zhtag_html_result *r) { return r ? r->events : NULL; }
const char *zhtag_html_strings(const zhtag_html_result *r) { return r && r->strings ? r->strings : ""; }

void zhtag_html_free(zhtag_html_result *r) {
  if (!r) return;
  free(r->events);
  free(r->strings);
  free(r);
}
