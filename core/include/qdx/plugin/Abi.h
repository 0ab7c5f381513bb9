#pragma once
/// The plugin ABI number. Raise it whenever a header of the plugin interface
/// (qdx/plugin/*.h and the model headers they include) changes in a way that
/// changes layout or virtual tables. Plugins built for another number are
/// refused at load time with a clear message.

#define QDX_PLUGIN_ABI 4
#define QDX_PLUGIN_ABI_STR_(x) #x
#define QDX_PLUGIN_ABI_STR(x) QDX_PLUGIN_ABI_STR_(x)
/// The Poco manifest name carries the ABI number (Poco itself checks only type names).
#define QDX_PLUGIN_MANIFEST_NAME "qdx_abi_" QDX_PLUGIN_ABI_STR(QDX_PLUGIN_ABI)
