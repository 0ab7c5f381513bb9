#include "HtmlFormat.h"

#include "qdx/plugin/Plugin.h"

QDX_PLUGIN(qdx::html::HtmlFormatProvider)
