// The plugin entry point. QDX_PLUGIN takes one provider class; this plugin
// exports two (projects and codebooks), so the manifest is spelled out with
// the same names the macro uses.
#include "RefiProvider.h"
#include "qdx/plugin/Plugin.h"

extern "C" __attribute__((visibility("default"))) int qdx_plugin_abi() { return QDX_PLUGIN_ABI; }
POCO_BEGIN_NAMED_MANIFEST(QDX_PLUGIN_CONCAT_(qdx_abi_, QDX_PLUGIN_ABI), qdx::FormatProvider)
POCO_EXPORT_CLASS(qdx::refi::RefiProvider)
POCO_EXPORT_CLASS(qdx::refi::RefiCodebookProvider)
POCO_END_MANIFEST
