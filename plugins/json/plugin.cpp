// The loadable module of the canonical JSON format: only the manifest lives here,
// everything else is in qdx_json_impl (which the tests link directly).
#include "JsonFormat.h"

#include "qdx/plugin/Plugin.h"

QDX_PLUGIN(qdx::jsonfmt::JsonFormatProvider)
