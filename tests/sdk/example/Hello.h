#pragma once
#include "qdx/plugin/Format.h"

/// A format of one line: "HELLO <project name>".
class HelloProvider : public qdx::FormatProvider {
public:
    qdx::FormatInfo info() const override;
    std::unique_ptr<qdx::Importer> createImporter() const override;
};
