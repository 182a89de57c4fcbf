// Charset detection and conversion through ICU (ucsdet, ucnv), behind CZhtagICU.h.
#include "CZhtagICU.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucsdet.h>
#include <unicode/ustring.h>

int32_t zhtag_icu_detect(const uint8_t *bytes, int32_t length,
                         zhtag_charset_guess *guesses, int32_t capacity) {
  UErrorCode status = U_ZERO_ERROR;
  UCharsetDetector *detector = ucsdet_open(&status);
  if (U_FAILURE(status)) return -1;
  ucsdet_setText(detector, (const char *)bytes, length, &status);
  int32_t found = 0;
  const UCharsetMatch **matches = ucsdet_detectAll(detector, &found, &status);
  if (U_FAILURE(status) || matches == NULL) {
    ucsdet_close(detector);
    return U_FAILURE(status) ? -1 : 0;
  }
  int32_t count = 0;
  for (int32_t i = 0; i < found && count < capacity; i++) {
    UErrorCode matchStatus = U_ZERO_ERROR;
    const char *name = ucsdet_getName(matches[i], &matchStatus);
    const char *language = ucsdet_getLanguage(matches[i], &matchStatus);
    int32_t confidence = ucsdet_getConfidence(matches[i], &matchStatus);
    if (U_FAILURE(matchStatus) || name == NULL) continue;
    zhtag_charset_guess *guess = &guesses[count++];
    memset(guess, 0, sizeof *guess);
    strncpy(guess->name, name, sizeof guess->name - 1);
    if (language != NULL) strncpy(guess->language, language, sizeof guess->language - 1);
    guess->confidence = confidence;
  }
  ucsdet_close(detector);
  return count;
}

// Records where bad input sat, then lets ICU's standard substitution write U+FFFD.
typedef struct {
  zhtag_conversion *result;
  const char *start;
} error_context;

static void record_and_substitute(const void *context, UConverterToUnicodeArgs *args,
                                  const char *codeUnits, int32_t length,
                                  UConverterCallbackReason reason, UErrorCode *err) {
  if (reason == UCNV_ILLEGAL || reason == UCNV_UNASSIGNED || reason == UCNV_IRREGULAR) {
    error_context *ctx = (error_context *)context;
    zhtag_conversion *result = ctx->result;
    if (result->error_offset_count < 32) {
      // codeUnits points at the offending bytes, which ICU may have copied into its own
      // buffer; args->source has already moved past them.
      int32_t offset = (int32_t)(args->source - ctx->start) - length;
      result->error_offsets[result->error_offset_count++] = offset < 0 ? 0 : offset;
    }
    result->substitutions++;
  }
  UCNV_TO_U_CALLBACK_SUBSTITUTE(NULL, args, codeUnits, length, reason, err);
}

zhtag_conversion *zhtag_icu_convert(const char *charset, const uint8_t *bytes, int32_t length) {
  zhtag_conversion *result = calloc(1, sizeof *result);
  if (result == NULL) return NULL;
  UErrorCode status = U_ZERO_ERROR;
  UConverter *converter = ucnv_open(charset, &status);
  if (U_FAILURE(status)) {
    snprintf(result->error, sizeof result->error, "unknown charset '%s' (%s)", charset,
             u_errorName(status));
    return result;
  }
  error_context context = {result, (const char *)bytes};
  ucnv_setToUCallBack(converter, record_and_substitute, &context, NULL, NULL, &status);

  // Every input byte yields at most two UTF-16 units (a GB18030 four-byte sequence yields a
  // surrogate pair; anything shorter yields one unit at most).
  int32_t capacity = length * 2 + 16;
  UChar *utf16 = malloc(sizeof(UChar) * (size_t)capacity);
  const char *source = (const char *)bytes;
  UChar *target = utf16;
  ucnv_toUnicode(converter, &target, utf16 + capacity, &source, source + length, NULL, 1,
                 &status);
  ucnv_close(converter);
  if (U_FAILURE(status)) {
    snprintf(result->error, sizeof result->error, "conversion from %s failed (%s)", charset,
             u_errorName(status));
    free(utf16);
    return result;
  }
  int32_t utf16Length = (int32_t)(target - utf16);
  int32_t utf8Length = 0;
  UErrorCode sizeStatus = U_ZERO_ERROR;
  u_strToUTF8WithSub(NULL, 0, &utf8Length, utf16, utf16Length, 0xFFFD, NULL, &sizeStatus);
  result->utf8 = malloc((size_t)utf8Length + 1);
  status = U_ZERO_ERROR;
  u_strToUTF8WithSub((char *)result->utf8, utf8Length + 1, &result->utf8_length, utf16,
                     utf16Length, 0xFFFD, NULL, &status);
  free(utf16);
  if (U_FAILURE(status)) {
    snprintf(result->error, sizeof result->error, "UTF-8 output failed (%s)", u_errorName(status));
  }
  return result;
}

void zhtag_icu_conversion_free(zhtag_conversion *conversion) {
  if (conversion == NULL) return;
  free(conversion->utf8);
  free(conversion);
}

int32_t zhtag_icu_canonical_name(const char *label, char *out, int32_t capacity) {
  UErrorCode status = U_ZERO_ERROR;
  const char *name = ucnv_getCanonicalName(label, "", &status);
  if (U_FAILURE(status) || name == NULL) {
    status = U_ZERO_ERROR;
    UConverter *converter = ucnv_open(label, &status);
    if (U_FAILURE(status)) return 0;
    name = ucnv_getName(converter, &status);
    if (U_FAILURE(status) || name == NULL) { ucnv_close(converter); return 0; }
    strncpy(out, name, (size_t)capacity - 1);
    out[capacity - 1] = 0;
    ucnv_close(converter);
    return 1;
  }
  strncpy(out, name, (size_t)capacity - 1);
  out[capacity - 1] = 0;
  return 1;
}
