#pragma once
// Header aliases per role, across tools and locales, as data. Every alias is
// written in normalizeHeader() form (trimmed, lower case, single spaces).
// To add a locale, add its spellings here.

#include "qdx/Text.h"

#include <string>
#include <vector>

namespace qdx::tabular {

enum class Role {
    // tidy
    ExcerptId, ThemePath,
    // MAXQDA segments and variables
    Colour, DocGroup, Document, Code, Start, End, Weight, Segment, ModifiedBy, Modified, CreatedBy, Created,
    Memos, Comment, Area, Coverage, OtherCodes, ParentCode, CodedSegmentsAll, CodedSegmentsActive, CodeAlias,
    CodedSegmentsCount, Paragraphs, Characters, MemoText, MemoOrigin, MemoTitle, DocumentSet,
    // ATLAS.ti
    QuotationId, Reference, QuotationName, QuotationText, Codes, CodeCount, Groundedness, Density, Groups,
    // cases, seed study
    CaseName, SeedSource, SeedQuote, SeedReference, SeedTheme, SeedLevel,
};

inline const std::vector<const char*>& aliasesOf(Role r) {
    static const std::vector<const char*> none;
#define QDX_ALIASES(role, ...)                                  \
    case Role::role: {                                          \
        static const std::vector<const char*> k{__VA_ARGS__};   \
        return k;                                               \
    }
    switch (r) {
        QDX_ALIASES(ExcerptId, "excerpt_id")
        QDX_ALIASES(ThemePath, "theme_path")
        QDX_ALIASES(Colour, "farbe", "color", "colour")
        QDX_ALIASES(DocGroup, "dokumentgruppe", "document group")
        QDX_ALIASES(Document, "dokumentname", "document name", "document", "dokument")
        QDX_ALIASES(Code, "code")
        QDX_ALIASES(Start, "anfang", "beginning", "begin", "start")
        QDX_ALIASES(End, "ende", "end")
        QDX_ALIASES(Weight, "gewicht", "weight score", "weight")
        QDX_ALIASES(Segment, "segment")
        QDX_ALIASES(ModifiedBy, "bearbeitet von", "modified by")
        QDX_ALIASES(Modified, "bearbeitet am", "modified", "modified on", "modification date", "date modified")
        QDX_ALIASES(CreatedBy, "erstellt von", "created by")
        QDX_ALIASES(Created, "erstellt am", "created", "created on", "creation date")
        QDX_ALIASES(Memos, "memos", "memo")
        QDX_ALIASES(Comment, "kommentar", "comment")
        QDX_ALIASES(Area, "fläche", "area")
        QDX_ALIASES(Coverage, "abdeckungsgrad %", "coverage %")
        QDX_ALIASES(OtherCodes, "weitere am segment vergebene codes", "other codes assigned to segment")
        QDX_ALIASES(ParentCode, "obercode", "parent code")
        QDX_ALIASES(CodedSegmentsAll, "cod. seg. (alle dokumente)", "cod. seg. (all documents)")
        QDX_ALIASES(CodedSegmentsActive, "cod. seg. (aktiv. dokumente)", "cod. seg. (activ. documents)")
        QDX_ALIASES(CodeAlias, "code-alias", "code alias")
        QDX_ALIASES(CodedSegmentsCount, "codierte segmente", "coded segments")
        QDX_ALIASES(Paragraphs, "absätze", "paragraphs")
        QDX_ALIASES(Characters, "zeichen", "characters")
        QDX_ALIASES(MemoText, "memotext", "memo text")
        QDX_ALIASES(MemoOrigin, "herkunft", "origin")
        QDX_ALIASES(MemoTitle, "titel", "title")
        QDX_ALIASES(DocumentSet, "dokumentset", "document set")
        QDX_ALIASES(QuotationId, "number", "id", "nummer")
        QDX_ALIASES(Reference, "reference", "referenz")
        QDX_ALIASES(QuotationName, "name")
        QDX_ALIASES(QuotationText, "text content", "quotation content", "content", "textinhalt", "inhalt")
        QDX_ALIASES(Codes, "codes")
        QDX_ALIASES(CodeCount, "number of codes", "anzahl der codes", "anzahl codes")
        QDX_ALIASES(Groundedness, "groundedness", "magnitude degree", "fundierung", "häufigkeit", "grounded")
        QDX_ALIASES(Density, "density", "dichte")
        QDX_ALIASES(Groups, "groups", "gruppen", "code groups")
        QDX_ALIASES(CaseName, "case", "cases", "case id", "caseid", "case name", "id", "name", "participant",
                    "respondent", "file", "files", "person", "fall")
        QDX_ALIASES(SeedSource, "source", "sources")
        QDX_ALIASES(SeedQuote, "verbatim quote", "verbatim quotes", "quote", "quotes")
        QDX_ALIASES(SeedReference, "news/report source", "news/report sources", "news source", "news sources",
                    "report source", "report sources", "news/report source(s)", "link", "links", "url")
        QDX_ALIASES(SeedTheme, "theme", "themes")
        QDX_ALIASES(SeedLevel, "ecosystem level", "level")
    }
#undef QDX_ALIASES
    return none;
}

/// Headers that open a case table (QualCoder cases/survey, NVivo classification).
inline const std::vector<std::string>& caseFirstColumn() {
    static const std::vector<std::string> k{"case", "cases", "case id", "caseid", "case name", "id", "name",
                                            "participant", "respondent", "file", "files", "person", "fall"};
    return k;
}

/// Role names accepted by ReadOptions::columns ("role:Header").
inline const std::vector<std::pair<const char*, Role>>& roleNames() {
    static const std::vector<std::pair<const char*, Role>> k{
        {"source", Role::SeedSource},   {"quote", Role::SeedQuote},   {"reference", Role::SeedReference},
        {"theme", Role::SeedTheme},     {"level", Role::SeedLevel},   {"document", Role::Document},
        {"code", Role::Code},           {"start", Role::Start},       {"end", Role::End},
        {"memo", Role::Memos},          {"coder", Role::CreatedBy},   {"date", Role::Created},
        {"case", Role::CaseName},       {"group", Role::DocGroup},    {"segment", Role::Segment},
        {"comment", Role::Comment},     {"codes", Role::Codes},       {"text", Role::QuotationText},
    };
    return k;
}

} // namespace qdx::tabular
