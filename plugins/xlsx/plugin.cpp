#include "XlsxFormat.h"

#include "qdx/plugin/Plugin.h"

QDX_PLUGIN(qdx::xlsx::XlsxProvider)
