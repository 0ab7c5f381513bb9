#pragma once
// The column sets of the tidy layout, shared by the writer and the reader.
// Fixed columns come first; sources and cases append one column per attribute
// (headed by the attribute's name).

#include "qdx/tabular/Table.h"

#include <string>
#include <vector>

namespace qdx::tabular::tidy {

struct Column {
    const char* name;
    CellType type;
};

inline const std::vector<Column>& projectColumns() {
    static const std::vector<Column> k{{"key", CellType::Text}, {"value", CellType::Text}};
    return k;
}

inline const std::vector<Column>& codingColumns() {
    static const std::vector<Column> k{
        {"excerpt_id", CellType::Text},       {"source_id", CellType::Text},        {"source_name", CellType::Text},
        {"theme_path", CellType::Text},       {"theme_id", CellType::Text},         {"start", CellType::Integer},
        {"end", CellType::Integer},           {"quote", CellType::Text},            {"memo", CellType::Text},
        {"coder", CellType::Text},            {"date", CellType::DateTime},         {"coding_id", CellType::Text},
        {"excerpt_name", CellType::Text},     {"anchor", CellType::Text},           {"page", CellType::Integer},
        {"box", CellType::Text},              {"excerpt_creator", CellType::Text},  {"excerpt_created", CellType::DateTime},
        {"excerpt_modifier", CellType::Text}, {"excerpt_modified", CellType::DateTime}, {"excerpt_ext", CellType::Text},
        {"coding_ext", CellType::Text}};
    return k;
}

inline const std::vector<Column>& themeColumns() {
    static const std::vector<Column> k{
        {"theme_id", CellType::Text},  {"path", CellType::Text},        {"name", CellType::Text},
        {"parent_id", CellType::Text}, {"colour", CellType::Text},      {"description", CellType::Text},
        {"codable", CellType::Boolean}, {"creator", CellType::Text},    {"created", CellType::DateTime},
        {"modifier", CellType::Text},  {"modified", CellType::DateTime}, {"ext", CellType::Text}};
    return k;
}

inline const std::vector<Column>& sourceColumns() {
    static const std::vector<Column> k{
        {"source_id", CellType::Text}, {"name", CellType::Text},        {"kind", CellType::Text},
        {"description", CellType::Text}, {"media_type", CellType::Text}, {"path", CellType::Text},
        {"content", CellType::Text},   {"text", CellType::Text},        {"creator", CellType::Text},
        {"created", CellType::DateTime}, {"modifier", CellType::Text},  {"modified", CellType::DateTime},
        {"ext", CellType::Text}};
    return k;
}

inline const std::vector<Column>& caseColumns() {
    static const std::vector<Column> k{{"case_id", CellType::Text},  {"name", CellType::Text},
                                       {"description", CellType::Text}, {"themes", CellType::Text},
                                       {"sources", CellType::Text},  {"excerpts", CellType::Text},
                                       {"ext", CellType::Text}};
    return k;
}

inline const std::vector<Column>& memoColumns() {
    static const std::vector<Column> k{{"memo_id", CellType::Text}, {"name", CellType::Text},
                                       {"text", CellType::Text},    {"targets", CellType::Text},
                                       {"creator", CellType::Text}, {"created", CellType::DateTime},
                                       {"modifier", CellType::Text}, {"modified", CellType::DateTime},
                                       {"ext", CellType::Text}};
    return k;
}

inline const std::vector<Column>& userColumns() {
    static const std::vector<Column> k{{"user_id", CellType::Text}, {"name", CellType::Text}, {"ext", CellType::Text}};
    return k;
}

inline const std::vector<Column>& attributeColumns() {
    static const std::vector<Column> k{{"attribute_id", CellType::Text}, {"name", CellType::Text},
                                       {"type", CellType::Text},         {"description", CellType::Text},
                                       {"ext", CellType::Text}};
    return k;
}

inline const std::vector<Column>& setColumns() {
    static const std::vector<Column> k{{"set_id", CellType::Text}, {"name", CellType::Text},
                                       {"description", CellType::Text}, {"themes", CellType::Text},
                                       {"sources", CellType::Text}, {"memos", CellType::Text},
                                       {"ext", CellType::Text}};
    return k;
}

/// Columns of a tidy table by name; nullptr when unknown.
inline const std::vector<Column>* columnsOf(const std::string& table) {
    if (table == "project") return &projectColumns();
    if (table == "codings") return &codingColumns();
    if (table == "themes") return &themeColumns();
    if (table == "sources") return &sourceColumns();
    if (table == "cases") return &caseColumns();
    if (table == "memos") return &memoColumns();
    if (table == "users") return &userColumns();
    if (table == "attributes") return &attributeColumns();
    if (table == "sets") return &setColumns();
    return nullptr;
}

/// Lists of ids in one cell are joined by line feeds (ids never contain one).
constexpr const char* kListSeparator = "\n";
/// Marks, in excerpt_ext, a quote that is present but empty (an empty cell is "no quote").
constexpr const char* kEmptyQuoteKey = "tidy:emptyQuote";
/// Marks, in a sources ext cell, a text source without text (an empty cell is "empty text" there).
constexpr const char* kNoTextKey = "tidy:noText";
/// Marks a media source whose text is present but empty (an empty cell is "no text" there).
constexpr const char* kEmptyTextKey = "tidy:emptyText";
/// Theme paths in the codings and themes tables.
constexpr const char* kPathSeparator = " > ";

} // namespace qdx::tabular::tidy
