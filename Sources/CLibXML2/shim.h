// libxml2 for Swift. Debian builds libxml2 with ICU and its encoding.h then includes ICU's
// ucnv.h, which would clash with Foundation's ICU in any Swift module that imports both
// (DESIGN §5); we never use libxml2's ICU hooks, so the switch is turned off after it is read.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlwriter.h>
#include <libxml/xmlsave.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>

// xmlFree is a global function-pointer variable, which Swift cannot call directly.
static inline void zhtag_xmlFree(void *pointer) { xmlFree(pointer); }
