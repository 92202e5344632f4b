// libxml2 for BankGateXML. Debian's libxml2 is built with ICU, and <libxml/encoding.h> then pulls
// in the system's ICU headers, whose `UErrorCode` clashes with the ICU copy inside Foundation when a
// module sees both. bankgate never touches libxml2's ICU converter structures (only pointers to
// them), so the ICU part of the headers is switched off here.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlerror.h>
#include <libxml/c14n.h>
#include <libxml/xpath.h>
