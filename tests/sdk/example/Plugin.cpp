#include "Hello.h"
#include "qdx/plugin/Plugin.h"
QDX_PLUGIN(HelloProvider)
