// HTML parsing for the clean stage: libxml2's tolerant HTML parser (SAX), reduced to a flat
// list of events with the byte offsets of every text run in the input, so that clean can
// keep an exact source map. No libxml2 type crosses this header (DESIGN §5: the fence keeps
// libxml2's ICU-including headers out of Swift modules).
#ifndef CZHTAGHTML_H
#define CZHTAGHTML_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
  ZHTAG_HTML_START = 0,  // an element opens (also implied ones: offsets then equal)
  ZHTAG_HTML_END = 1,    // an element closes (also implied and auto-closed ones)
  ZHTAG_HTML_TEXT = 2,   // character data; [start, end) is its source, text is the decoded run
} zhtag_html_event_kind;

typedef struct {
  int32_t kind;
  // Byte offsets in the input: for text, the source of the run (an entity reference is its
  // own run); for elements, the parser's position when the event fired.
  int32_t start;
  int32_t end;
  // Element name (lower case) or decoded text, in the result's string buffer.
  int32_t value;
  int32_t value_length;
  // For START: "id\x1fclass\x1fname\x1fproperty\x1fcontent\x1fhref-present" in the buffer.
  int32_t attributes;
  int32_t attributes_length;
} zhtag_html_event;

typedef struct zhtag_html_result zhtag_html_result;

/// Parses UTF-8 HTML (any declared charset is ignored: the bytes are UTF-8). Never fails for
/// broken markup; returns NULL only when memory runs out.
zhtag_html_result *zhtag_html_parse(const char *utf8, size_t length);
size_t zhtag_html_event_count(const zhtag_html_result *result);
const zhtag_html_event *zhtag_html_events(const zhtag_html_result *result);
/// The string buffer that events point into.
const char *zhtag_html_strings(const zhtag_html_result *result);
void zhtag_html_free(zhtag_html_result *result);

#endif
