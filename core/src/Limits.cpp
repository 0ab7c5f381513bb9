#include "qdx/Limits.h"

#include <cstdint>
#include <string>

namespace qdx {

namespace {
OptionSpec readInt(const char* name, long long def, const char* what) {
    return OptionSpec{name, OptionType::Int, std::to_string(def), what, {}, true, false};
}
} // namespace

std::vector<OptionSpec> limitOptions(bool zip, bool xml) {
    std::vector<OptionSpec> out;
    const ZipLimits z;
    const XmlLimits x;
    if (zip) {
        out.push_back(readInt("max-entries", static_cast<long long>(z.maxEntries), "most members a zip may hold"));
        out.push_back(readInt("max-entry-mb", static_cast<long long>(z.maxEntrySize >> 20),
                              "largest declared uncompressed size of one zip member, in MiB"));
        out.push_back(readInt("max-total-mb", static_cast<long long>(z.maxTotalSize >> 20),
                              "largest sum of declared member sizes, in MiB"));
        out.push_back(readInt("max-ratio", static_cast<long long>(z.maxRatio),
                              "highest compression ratio of a member over 1 MiB (zip bombs)"));
    }
    if (xml) out.push_back(readInt("max-depth", static_cast<long long>(x.maxDepth), "deepest XML element nesting"));
    return out;
}

namespace {
/// A positive option value, times 2^shift (MiB options): a value whose
/// product does not fit in 64 bits is refused, not wrapped round to a tiny
/// or zero limit.
std::uint64_t positive(const Options& o, const char* key, std::uint64_t def, unsigned shift = 0) {
    if (!o.has(key)) return def;
    long long v = o.getInt(key);
    if (v <= 0) throw UsageError(std::string("option '") + key + "' must be a positive number, not " + std::to_string(v));
    const std::uint64_t most = UINT64_MAX >> shift;
    if (static_cast<std::uint64_t>(v) > most)
        throw UsageError(std::string("option '") + key + "' is too large: " + std::to_string(v) +
                         (shift == 20 ? " MiB" : "") + " does not fit in 64 bits (at most " + std::to_string(most) + ")");
    return static_cast<std::uint64_t>(v) << shift;
}
} // namespace

ZipLimits zipLimits(const Options& o) {
    ZipLimits z;
    z.maxEntries = positive(o, "max-entries", z.maxEntries);
    z.maxEntrySize = positive(o, "max-entry-mb", z.maxEntrySize, 20);
    z.maxTotalSize = positive(o, "max-total-mb", z.maxTotalSize, 20);
    z.maxRatio = positive(o, "max-ratio", z.maxRatio);
    return z;
}

XmlLimits xmlLimits(const Options& o) {
    XmlLimits x;
    x.maxDepth = static_cast<std::size_t>(positive(o, "max-depth", x.maxDepth));
    return x;
}

} // namespace qdx
