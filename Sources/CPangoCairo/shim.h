#ifndef BANKGATE_CPANGOCAIRO_SHIM_H
#define BANKGATE_CPANGOCAIRO_SHIM_H
// Text layout (pango, with fontconfig and harfbuzz) on cairo's PDF surface: receipts rendered as PDF.
#include <pango/pangocairo.h>
#include <cairo/cairo.h>
#include <cairo/cairo-pdf.h>
#endif
