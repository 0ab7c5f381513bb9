#include "qdx/tabular/Table.h"
