#pragma once
/// An index of ids to values, keyed by views of ids the caller keeps alive
/// (usually the model's own strings), compared as normalizeId() compares
/// (IdHash/IdEqual: case and one pair of braces ignored).
///
/// Why not std::unordered_map<std::string_view, V, IdHash, IdEqual>: with a
/// custom hash the standard map does not keep hash codes, so every probe of a
/// bucket chain reads the string bytes of each node it passes (a cache miss
/// per node over millions of ids), and every insertion allocates a node. Here
/// the slots are one flat array holding the full 64-bit hash beside the view:
/// a probe compares hashes and reads a key's bytes only when they match, and
/// nothing is allocated per id. Measured on the integrity check of 10^6
/// codings: see BENCHMARKS.md.

#include "qdx/Model.h"

#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace qdx {

template <class V>
class IdIndex {
public:
    /// Room for n ids without growing.
    void reserve(std::size_t n)
    {
        // Load at most 3/4, at any table size (not only powers of two: for a
        // million ids a power of two would be 2M slots, 16 MB more at peak).
        std::size_t want = n + n / 3 + 16;
        if (want > _slots.size()) rehash(want);
    }

    /// Adds id -> value unless an equal id is there; returns the value kept
    /// for it and whether it was added.
    std::pair<V*, bool> emplace(std::string_view id, V value)
    {
        if (id.size() > UINT32_MAX) throw std::length_error("IdIndex: an id of 4 GiB");
        if ((_size + 1) * 4 > _slots.size() * 3) rehash(_slots.empty() ? 16 : _slots.size() * 2);
        std::uint64_t h = hashOf(id);
        for (std::size_t i = home(h, _slots.size());; i = next(i, _slots.size())) {
            Slot& s = _slots[i];
            if (s.hash == 0) {
                s.hash = h;
                s.data = id.data();
                s.size = static_cast<std::uint32_t>(id.size());
                s.value = std::move(value);
                ++_size;
                return {&s.value, true};
            }
            if (s.hash == h && IdEqual{}(s.key(), id)) return {&s.value, false};
        }
    }

    /// The value of an id equal to `id`, or nullptr.
    const V* find(std::string_view id) const
    {
        if (_size == 0) return nullptr;
        std::uint64_t h = hashOf(id);
        for (std::size_t i = home(h, _slots.size());; i = next(i, _slots.size())) {
            const Slot& s = _slots[i];
            if (s.hash == 0) return nullptr;
            if (s.hash == h && IdEqual{}(s.key(), id)) return &s.value;
        }
    }
    V* find(std::string_view id) { return const_cast<V*>(static_cast<const IdIndex&>(*this).find(id)); }

    bool contains(std::string_view id) const { return find(id) != nullptr; }
    std::size_t size() const { return _size; }

private:
    struct Slot {  // 24 bytes for a one-byte value (millions of them)
        std::uint64_t hash = 0;  // 0: empty
        const char* data = nullptr;
        std::uint32_t size = 0;
        V value{};
        std::string_view key() const { return {data, size}; }
    };

    static std::uint64_t hashOf(std::string_view id)
    {
        std::uint64_t h = IdHash{}(id);
        return h ? h : 1;
    }

    /// The first slot to probe: the hash scaled to [0, n) by a multiply (its
    /// high bits; IdHash mixes all of them), so n need not be a power of two.
    static std::size_t home(std::uint64_t h, std::size_t n)
    {
        return static_cast<std::size_t>((static_cast<unsigned __int128>(h) * n) >> 64);
    }
    static std::size_t next(std::size_t i, std::size_t n) { return i + 1 == n ? 0 : i + 1; }

    void rehash(std::size_t n)
    {
        std::vector<Slot> old(n);
        old.swap(_slots);
        for (Slot& s : old) {
            if (s.hash == 0) continue;
            std::size_t i = home(s.hash, n);
            while (_slots[i].hash != 0) i = next(i, n);
            _slots[i] = std::move(s);
        }
    }

    std::vector<Slot> _slots;
    std::size_t _size = 0;
};

} // namespace qdx
