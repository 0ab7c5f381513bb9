// Has the ABI marker but no Poco manifest.
#include "qdx/plugin/Abi.h"
extern "C" __attribute__((visibility("default"))) int qdx_plugin_abi() { return QDX_PLUGIN_ABI; }
