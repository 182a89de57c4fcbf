// uchardet (Debian libuchardet-dev), for C code only (Sources/CZhtagICU/uchardet_detect.c).
// The target exists so that SwiftPM finds uchardet through pkg-config and tells apt users
// which package to install; Swift calls it through CZhtagICU.h.
#include <uchardet.h>
