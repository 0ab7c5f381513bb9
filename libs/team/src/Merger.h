#pragma once
// Internal to qdx_team: the state of one merge (Merge.cpp: ids, users,
// themes, attributes, the project; MergeEntities.cpp: sources, excerpts,
// memos, cases, sets).

#include "qdx/team/Match.h"
#include "qdx/team/Merge.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace qdx::team::detail {

/// An entity named in a diagnostic: its id, and how people know it ("theme 'Meso/Trust'").
struct Who {
    std::string id, label;
};

class Merger {
public:
    Merger(const MergeInput& a, const MergeInput& b, const MergeOptions& o, Diagnostics& d);
    MergeResult run();

private:
    // Merge.cpp
    void registerIds();
    void attributeCodingsOfA();
    void users();
    void themes();
    std::string theme(std::size_t bIndex, std::vector<int>& state);
    void attributes();
    void project();
    // MergeEntities.cpp
    void sources();
    bool sameMedia(const Source& x, const Source& y) const;
    void mergeSource(Source& a, const Source& b);
    void excerpts();
    /// B's codings of `from` into `into`, skipping those already at the place (`here`: the excerpts there).
    void mergeCodings(const std::vector<std::size_t>& here, Excerpt& into, const Excerpt& from);
    Anchor mapAnchor(const Excerpt& e, std::size_t aSource, bool& moved) const;
    void memos();
    void cases();
    void sets();

    // Ids: every id of the merged project, normalised; B's ids -> merged ids.
    bool taken(const std::string& id) const;
    /// `wanted` when free, else a new UUID (reported: the same id, another entity).
    std::string claim(const std::string& wanted, const std::string& what);
    void link(const std::string& bId, const std::string& mergedId);
    std::string mapped(const std::string& bId) const;
    std::vector<std::string> mappedAll(const std::vector<std::string>& ids) const;
    std::vector<AttributeValue> mappedValues(const std::vector<AttributeValue>& vs) const;
    Audit mappedAudit(const Audit& a) const;

    // Conflicts: A's value stays, B's is kept in ext["team:conflicts"].
    void conflict(Extensions& ext, const Who& who, const std::string& what, const std::string& aValue,
                  const std::string& bValue);
    /// Unites one text field: B's value fills an empty one; two values differ: a conflict.
    void unite(std::string& a, const std::string& b, Extensions& ext, const Who& who, const std::string& what);
    void uniteExt(Extensions& a, const Extensions& b, const Who& who);
    void uniteValues(std::vector<AttributeValue>& a, const std::vector<AttributeValue>& b, Extensions& ext, const Who& who);
    Who who(const Theme& t) const;
    static Who who(const User& u) { return {u.id, "user '" + u.name + "'"}; }
    static Who who(const Attribute& a) { return {a.id, "attribute '" + a.name + "'"}; }
    static Who who(const Source& s) { return {s.id, "source '" + (s.name.empty() ? s.id : s.name) + "'"}; }
    static Who who(const Excerpt& e) { return {e.id, "excerpt '" + (e.name.empty() ? e.id : e.name) + "'"}; }
    static Who who(const Memo& m) { return {m.id, "memo '" + m.name + "'"}; }
    static Who who(const Case& c) { return {c.id, "case '" + c.name + "'"}; }
    static Who who(const Set& s) { return {s.id, "set '" + s.name + "'"}; }
    static void uniteIds(std::vector<std::string>& a, const std::vector<std::string>& b);

    /// The user named after a file (created on first use).
    std::string fileUser(const std::string& label);
    std::string findOrAddUser(const std::string& label);
    /// The coder of a coding in the merged project (its user, else its excerpt's).
    static const std::string& coderOf(const Excerpt& e, const Coding& c) { return c.creator.empty() ? e.audit.creator : c.creator; }

    const Project& _a;
    const Project& _b;
    std::string _labelA, _labelB;
    MergeOptions _o;
    Diagnostics& _d;
    Project _p;
    MergeSummary _s;
    std::unordered_set<std::string> _ids;
    std::unordered_map<std::string, std::string> _map;
    Matching _texts;                          ///< A's and B's text sources matched
    std::map<std::size_t, std::size_t> _pairOfB;  ///< B source index -> index into _texts.sources
    std::map<std::size_t, std::size_t> _sourceOfB;  ///< B source index -> merged source index
    std::set<std::string> _codersA, _codersB;   ///< user ids with codings, per file
    std::unordered_map<std::string, std::string> _fileUsers;   ///< label -> user id
    std::unordered_map<std::string, std::string> _themePaths;  ///< merged theme id (normalised) -> path, for messages
    std::size_t _auditsKept = 0;
};

} // namespace qdx::team::detail
