#include "CsvFormat.h"

#include "qdx/plugin/Plugin.h"

QDX_PLUGIN(qdx::csv::CsvFormatProvider)
