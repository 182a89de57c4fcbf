// A small C API over system ICU with no ICU types in it, so that Swift modules can use ICU
// without seeing ICU's headers (they clash with Foundation's copy of ICU; DESIGN §5).
#ifndef CZHTAG_ICU_H
#define CZHTAG_ICU_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One candidate charset from ICU's detector.
typedef struct {
  char name[48];       ///< ICU's charset name, e.g. "GB18030", "Big5", "UTF-16LE".
  char language[8];    ///< ISO language code ICU attaches to the guess, often empty.
  int32_t confidence;  ///< 0–100.
} zhtag_charset_guess;

/// Runs ICU's charset detector; fills at most `capacity` guesses, best first.
/// Returns the number filled, or -1 when ICU fails.
int32_t zhtag_icu_detect(const uint8_t *bytes, int32_t length,
                         zhtag_charset_guess *guesses, int32_t capacity);

/// Result of a conversion to UTF-8.
typedef struct {
  uint8_t *utf8;              ///< malloc'd UTF-8 text (not NUL-terminated); free with zhtag_icu_conversion_free.
  int32_t utf8_length;
  int32_t substitutions;      ///< how many illegal or unmappable byte sequences became U+FFFD.
  int32_t error_offsets[32];  ///< byte offsets of the first substitutions in the input.
  int32_t error_offset_count;
  char error[128];            ///< non-empty when the conversion could not run at all.
} zhtag_conversion;

/// Converts `bytes` in `charset` (an ICU converter name or alias) to UTF-8, substituting
/// U+FFFD for bad sequences and recording where they were.
zhtag_conversion *zhtag_icu_convert(const char *charset, const uint8_t *bytes, int32_t length);

void zhtag_icu_conversion_free(zhtag_conversion *conversion);

/// ICU's canonical name for a charset label, or 0 when ICU does not know it.
int32_t zhtag_icu_canonical_name(const char *label, char *out, int32_t capacity);


// MARK: - decode stage additions (Han readings, uchardet); appended by the decode work.
// Implemented in icu_translit.c and uchardet_detect.c.

/// The Han-Latin (pinyin, tone-marked) reading ICU gives for one character, as UTF-8 in `out`
/// (not NUL-terminated; `capacity` at least 16). Returns its length, or 0 when ICU has none.
/// Thread-safe; readings are cached.
int32_t zhtag_han_reading(uint32_t codepoint, char *out, int32_t capacity);

/// uchardet's charset name for `bytes` (e.g. "GB18030", "BIG5", "EUC-TW", "UHC") as a
/// NUL-terminated string in `out`. Returns its length, or 0 when uchardet has no answer.
int32_t zhtag_uchardet_detect(const uint8_t *bytes, int32_t length, char *out, int32_t capacity);

// MARK: - Sentence breaks (icu_break.c; segment stage comparison, not used by the pipeline)

/// An ICU sentence BreakIterator, opened once and reused for many texts.
typedef struct zhtag_sentence_breaker zhtag_sentence_breaker;

/// Opens a sentence break iterator for `locale` (e.g. "zh"); NULL when ICU fails.
zhtag_sentence_breaker *zhtag_icu_sentence_breaker_open(const char *locale);

void zhtag_icu_sentence_breaker_close(zhtag_sentence_breaker *breaker);

/// Sentence boundaries of UTF-16 `text`, as UTF-16 offsets after the start (the last one is
/// `length` when the text is not empty). Writes at most `capacity`; returns how many there
/// are (call again with more room when larger than `capacity`), or -1 when ICU fails.
int32_t zhtag_icu_sentence_breaks_utf16(zhtag_sentence_breaker *breaker, const uint16_t *text,
                                        int32_t length, int32_t *boundaries, int32_t capacity);

/// The same over UTF-8 `text` (through a UText); offsets are UTF-8 byte offsets.
int32_t zhtag_icu_sentence_breaks_utf8(zhtag_sentence_breaker *breaker, const uint8_t *text,
                                       int32_t length, int32_t *boundaries, int32_t capacity);

// MARK: - end of sentence breaks

#ifdef __cplusplus
}
#endif
#endif
