// Python-compatible renderings of JSON values, so the chat encoder is byte-identical to
// DeepSeek's official Python encoder: `json.dumps(v, ensure_ascii=False)` (separators
// ", " and ": ", repr-style floats, insertion-ordered keys), `str(v)` as str.format prints
// it (None, True, repr of lists/dicts), and Python truthiness.
#pragma once

#include <nlohmann/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace seek::engine {

/// JSON with keys kept in input order, as Python dicts keep them.
using OrderedJson = nlohmann::ordered_json;

/// `json.loads(text)` with Python's semantics where they differ from nlohmann's parser:
/// integers of any size stay exact (kept as a big-integer literal, see is_big_integer),
/// NaN/Infinity/-Infinity are accepted, out-of-range floats become inf or 0.0, a leading BOM
/// and raw control characters in strings are rejected, duplicate keys keep their first
/// position and last value. nullopt when Python would raise. Lone surrogate escapes, which
/// Python keeps in its str, are carried as WTF-8 bytes (ED A0-BF xx): repr() escapes them,
/// and text that still holds one is not valid UTF-8 (Python could not print it either).
/// `max_depth` stands in for CPython's recursion limit (about 1000 frames, less what the
/// caller already uses): deeper nesting raises RecursionError there.
std::optional<OrderedJson> python_json_loads(std::string_view text, int max_depth = 900);

/// True for an integer literal too large for 64 bits (stored as a binary value, subtype
/// kBigIntegerSubtype, holding its decimal digits).
bool is_big_integer(const OrderedJson& value);
inline constexpr std::uint8_t kBigIntegerSubtype = 0x42;

/// `json.dumps(value, ensure_ascii=False)`.
std::string python_json_dumps(const OrderedJson& value);
void python_json_dumps_into(const OrderedJson& value, std::string& out);

/// `str(value)` for a value loaded by `json.loads`: strings as they are, None, True/False,
/// repr(float), and repr() of lists and dicts.
std::string python_str(const OrderedJson& value);

/// `bool(value)`: null, false, 0, 0.0, "", [] and {} are false.
bool python_truthy(const OrderedJson& value);

/// Python's repr(float), e.g. 1.0, 1e-05, 1e+16, 0.1, inf.
std::string python_float_repr(double value);

}  // namespace seek::engine
