#pragma once
// Small projects for the team tests, built in a few lines.

#include "qdx/Model.h"
#include "qdx/Text.h"

#include <string>

namespace qdx::test {

struct ProjectBuilder {
    Project p;
    ProjectBuilder& user(std::string id, std::string name) {
        p.users.push_back({std::move(id), std::move(name), {}});
        return *this;
    }
    ProjectBuilder& theme(std::string id, std::string name, std::string parent = {}) {
        Theme t;
        t.id = std::move(id);
        t.name = std::move(name);
        t.parent = std::move(parent);
        p.themes.push_back(t);
        return *this;
    }
    ProjectBuilder& source(std::string id, std::string name, std::optional<std::string> text) {
        Source s;
        s.id = std::move(id);
        s.name = std::move(name);
        s.text = std::move(text);
        if (!s.text) s.kind = SourceKind::Picture;
        p.sources.push_back(s);
        return *this;
    }
    /// One excerpt with one coding; `anchor` defaults to a text span.
    ProjectBuilder& code(std::string id, std::string source, std::int64_t start, std::int64_t end, std::string theme,
                         std::string creator = {}) {
        Excerpt e;
        e.id = std::move(id);
        e.source = std::move(source);
        e.anchor = TextSpan{start, end};
        e.codings.push_back(Coding{"C-" + e.id, std::move(theme), std::move(creator), "", {}});
        p.excerpts.push_back(std::move(e));
        return *this;
    }
    ProjectBuilder& codeAnchor(std::string id, std::string source, Anchor a, std::string theme, std::string creator = {}) {
        Excerpt e;
        e.id = std::move(id);
        e.source = std::move(source);
        e.anchor = a;
        e.codings.push_back(Coding{"C-" + e.id, std::move(theme), std::move(creator), "", {}});
        p.excerpts.push_back(std::move(e));
        return *this;
    }
};

} // namespace qdx::test
