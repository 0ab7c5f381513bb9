#pragma once
/// Include this in exactly one .cpp of a plugin and name its provider class:
///
///     #include "qdx/plugin/Plugin.h"
///     QDX_PLUGIN(MyFormatProvider)
///
/// This exports `qdx_plugin_abi()` (so the loader can tell "not a plugin" from
/// "built for another ABI") and a Poco named manifest `qdx_abi_<N>`.

#include "qdx/plugin/Abi.h"
#include "qdx/plugin/Format.h"

#include <Poco/ClassLibrary.h>

#define QDX_PLUGIN_CONCAT2_(a, b) a##b
#define QDX_PLUGIN_CONCAT_(a, b) QDX_PLUGIN_CONCAT2_(a, b)

#define QDX_PLUGIN(ProviderClass)                                                                   \
    extern "C" __attribute__((visibility("default"))) int qdx_plugin_abi() { return QDX_PLUGIN_ABI; } \
    POCO_BEGIN_NAMED_MANIFEST(QDX_PLUGIN_CONCAT_(qdx_abi_, QDX_PLUGIN_ABI), qdx::FormatProvider)    \
    POCO_EXPORT_CLASS(ProviderClass)                                                                \
    POCO_END_MANIFEST
