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
        std::size_t want = 16;
        while (want < n + n / 2 + 1) want <<= 1;  // load at most 2/3
        if (want > _slots.size()) rehash(want);
    }

    /// Adds id -> value unless an equal id is there; returns the value kept
    /// for it and whether it was added.
    std::pair<V*, bool> emplace(std::string_view id, V value)
    {
        if (id.size() > UINT32_MAX) throw std::length_error("IdIndex: an id of 4 GiB");
        if ((_size + 1) * 3 > _slots.size() * 2) rehash(_slots.empty() ? 16 : _slots.size() * 2);
        std::uint64_t h = hashOf(id);
        std::size_t mask = _slots.size() - 1;
        for (std::size_t i = h & mask;; i = (i + 1) & mask) {
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
        std::size_t mask = _slots.size() - 1;
        for (std::size_t i = h & mask;; i = (i + 1) & mask) {
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

    void rehash(std::size_t n)
    {
        std::vector<Slot> old(n);
        old.swap(_slots);
        std::size_t mask = n - 1;
        for (Slot& s : old) {
            if (s.hash == 0) continue;
            std::size_t i = s.hash & mask;
            while (_slots[i].hash != 0) i = (i + 1) & mask;
            _slots[i] = std::move(s);
        }
    }

    std::vector<Slot> _slots;
    std::size_t _size = 0;
};

} // namespace qdx
