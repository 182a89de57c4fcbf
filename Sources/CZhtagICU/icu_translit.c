// Readings of Han characters through ICU's Han-Latin transliterator, behind CZhtagICU.h.
//
// Used by the pinyin crawl repair: a bracketed syllable after a character is only removed when
// it is a reading of that character. Opening the transliterator is costly (its rules are
// compiled), so it is opened once; ICU transliterators are not thread-safe, so calls are
// serialised by a mutex, and every reading is cached (the repair asks for few characters).
#include "CZhtagICU.h"

#include <pthread.h>
#include <string.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

static pthread_once_t translit_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t translit_lock = PTHREAD_MUTEX_INITIALIZER;
static UTransliterator *han_latin = NULL;

// Cache for the basic plane: length byte (0 = not asked yet, 0xFF = no reading) + UTF-8.
#define CACHE_WIDTH 16
static uint8_t cache[0x10000][CACHE_WIDTH];

static void open_translit(void) {
  UErrorCode status = U_ZERO_ERROR;
  UChar id[16];
  u_uastrcpy(id, "Han-Latin");
  han_latin = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &status);
  if (U_FAILURE(status)) han_latin = NULL;
}

static int32_t transliterate(uint32_t codepoint, char *out, int32_t capacity) {
  if (han_latin == NULL) return 0;
  UChar buffer[32];
  int32_t length = 0;
  UErrorCode status = U_ZERO_ERROR;
  U16_APPEND_UNSAFE(buffer, length, (UChar32)codepoint);
  int32_t limit = length;
  utrans_transUChars(han_latin, buffer, &length, 32, 0, &limit, &status);
  if (U_FAILURE(status)) return 0;
  // Unchanged (not a Han character ICU knows): no reading.
  if (length <= 2 && (UChar32)codepoint == (length == 1 ? buffer[0] : U16_GET_SUPPLEMENTARY(buffer[0], buffer[1]))) {
    return 0;
  }
  int32_t written = 0;
  status = U_ZERO_ERROR;
  u_strToUTF8(out, capacity, &written, buffer, length, &status);
  if (U_FAILURE(status) || status == U_STRING_NOT_TERMINATED_WARNING || written >= capacity) return 0;
  // A reading is one syllable: letters only (ICU may keep spaces or the character itself).
  for (int32_t i = 0; i < written; i++) {
    if ((unsigned char)out[i] <= 0x20) return 0;
  }
  return written;
}

int32_t zhtag_han_reading(uint32_t codepoint, char *out, int32_t capacity) {
  if (capacity < CACHE_WIDTH) return 0;
  pthread_once(&translit_once, open_translit);
  pthread_mutex_lock(&translit_lock);
  int32_t result = 0;
  if (codepoint < 0x10000) {
    uint8_t *slot = cache[codepoint];
    if (slot[0] == 0) {
      char reading[CACHE_WIDTH];
      int32_t length = transliterate(codepoint, reading, CACHE_WIDTH - 1);
      if (length > 0) {
        slot[0] = (uint8_t)length;
        memcpy(slot + 1, reading, (size_t)length);
      } else {
        slot[0] = 0xFF;
      }
    }
    if (slot[0] != 0xFF) {
      result = slot[0];
      memcpy(out, slot + 1, (size_t)result);
    }
  } else {
    result = transliterate(codepoint, out, capacity);
  }
  pthread_mutex_unlock(&translit_lock);
  return result;
}
