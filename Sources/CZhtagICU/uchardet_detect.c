// Charset detection through uchardet (Mozilla's universal detector), behind CZhtagICU.h.
// It is the first detector for bytes that are not valid UTF-8: it reads short Chinese texts
// and EUC-TW that ICU's detector misses; ICU's guesses give the confidence and the fallback.
#include "CZhtagICU.h"

#include <string.h>
#include <uchardet.h>

int32_t zhtag_uchardet_detect(const uint8_t *bytes, int32_t length, char *out, int32_t capacity) {
  if (capacity <= 0) return 0;
  out[0] = 0;
  uchardet_t detector = uchardet_new();
  if (detector == NULL) return 0;
  int32_t result = 0;
  if (uchardet_handle_data(detector, (const char *)bytes, (size_t)length) == 0) {
    uchardet_data_end(detector);
    const char *name = uchardet_get_charset(detector);
    if (name != NULL && name[0] != 0) {
      strncpy(out, name, (size_t)capacity - 1);
      out[capacity - 1] = 0;
      result = (int32_t)strlen(out);
    }
  }
  uchardet_delete(detector);
  return result;
}
