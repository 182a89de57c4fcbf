// System ICU, for C code only (Sources/CZhtagICU). Swift modules must not import this module:
// its types clash with Foundation's private copy of ICU (DESIGN §5). The target exists so that
// SwiftPM finds ICU through pkg-config and tells apt users which package to install.
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
