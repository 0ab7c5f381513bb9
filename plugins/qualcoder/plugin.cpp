#include "qdx/plugin/Plugin.h"

#include "QualCoderProvider.h"

QDX_PLUGIN(qdx::qualcoder::QualCoderProvider)
