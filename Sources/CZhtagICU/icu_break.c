// ICU's sentence BreakIterator (ubrk), behind CZhtagICU.h. Used only to compare our segmenter
// with ICU (Tests/ZhtagSegmentTests, zhtag-bench stage icu-sentences); the pipeline does not
// call it.
#include "CZhtagICU.h"

#include <stdlib.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>

struct zhtag_sentence_breaker {
  UBreakIterator *iterator;
  UText *utext;  // reused for UTF-8 input
};

zhtag_sentence_breaker *zhtag_icu_sentence_breaker_open(const char *locale) {
  UErrorCode status = U_ZERO_ERROR;
  UBreakIterator *iterator = ubrk_open(UBRK_SENTENCE, locale, NULL, 0, &status);
  if (U_FAILURE(status) || iterator == NULL) return NULL;
  zhtag_sentence_breaker *breaker = calloc(1, sizeof(zhtag_sentence_breaker));
  if (breaker == NULL) {
    ubrk_close(iterator);
    return NULL;
  }
  breaker->iterator = iterator;
  return breaker;
}

void zhtag_icu_sentence_breaker_close(zhtag_sentence_breaker *breaker) {
  if (breaker == NULL) return;
  if (breaker->utext != NULL) utext_close(breaker->utext);
  ubrk_close(breaker->iterator);
  free(breaker);
}

// Walks the iterator, writing boundaries after the start; counts past `capacity` without writing.
static int32_t collect(UBreakIterator *iterator, int32_t *boundaries, int32_t capacity) {
  int32_t count = 0;
  ubrk_first(iterator);
  for (int32_t next = ubrk_next(iterator); next != UBRK_DONE; next = ubrk_next(iterator)) {
    if (count < capacity) boundaries[count] = next;
    count++;
  }
  return count;
}

int32_t zhtag_icu_sentence_breaks_utf16(zhtag_sentence_breaker *breaker, const uint16_t *text,
                                        int32_t length, int32_t *boundaries, int32_t capacity) {
  if (breaker == NULL) return -1;
  UErrorCode status = U_ZERO_ERROR;
  ubrk_setText(breaker->iterator, (const UChar *)text, length, &status);
  if (U_FAILURE(status)) return -1;
  return collect(breaker->iterator, boundaries, capacity);
}

int32_t zhtag_icu_sentence_breaks_utf8(zhtag_sentence_breaker *breaker, const uint8_t *text,
                                       int32_t length, int32_t *boundaries, int32_t capacity) {
  if (breaker == NULL) return -1;
  UErrorCode status = U_ZERO_ERROR;
  breaker->utext = utext_openUTF8(breaker->utext, (const char *)text, length, &status);
  if (U_FAILURE(status)) return -1;
  ubrk_setUText(breaker->iterator, breaker->utext, &status);
  if (U_FAILURE(status)) return -1;
  return collect(breaker->iterator, boundaries, capacity);
}
