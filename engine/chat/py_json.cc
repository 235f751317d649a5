// Python-compatible JSON and str() renderings (see py_json.h).
#include "engine/chat/py_json.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>
#include <charconv>
#include <limits>
#include <cmath>
#include <memory>
#include <unordered_map>
#include <vector>

#include "base/utf8.h"

namespace seek::engine {
namespace {

void dump_string(const std::string& text, std::string& out) {
  out.push_back('"');
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

// Python's "printable" (str.isprintable): not in categories Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs,
// except the ASCII space. Asked of PCRE2's Unicode tables; only repr() of odd values needs it.
bool is_printable(char32_t cp) {
  if (cp == ' ') return true;
  if (cp < 0x7F) return cp >= 0x20;
  struct Deleter {
    void operator()(pcre2_code* c) const { pcre2_code_free(c); }
  };
  static const std::unique_ptr<pcre2_code, Deleter> code = [] {
    int error = 0;
    PCRE2_SIZE offset = 0;
    const char pattern[] = "^[\\p{C}\\p{Z}]$";
    return std::unique_ptr<pcre2_code, Deleter>(pcre2_compile(
        reinterpret_cast<PCRE2_SPTR>(pattern), PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP, &error, &offset, nullptr));
  }();
  if (!code) return true;
  std::string encoded;
  utf8_append(encoded, cp);
  pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
  const int rc = pcre2_match(code.get(), reinterpret_cast<PCRE2_SPTR>(encoded.data()), encoded.size(), 0, 0, data, nullptr);
  pcre2_match_data_free(data);
  return rc < 0;
}

// repr(str): single quotes unless the text has ' and no ", escapes for the rest.
void repr_string(const std::string& text, std::string& out) {
  const bool has_single = text.find('\'') != std::string::npos;
  const bool has_double = text.find('"') != std::string::npos;
  const char quote = has_single && !has_double ? '"' : '\'';
  out.push_back(quote);
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t n = utf8_sequence_length(text, i);
    if (n == 0 && i + 2 < text.size() && static_cast<unsigned char>(text[i]) == 0xED &&
        (static_cast<unsigned char>(text[i + 1]) & 0xE0) == 0xA0 && (static_cast<unsigned char>(text[i + 2]) & 0xC0) == 0x80) {
      // A lone surrogate carried as WTF-8: repr shows it as \udXXX.
      const unsigned cp = 0xD000 | ((static_cast<unsigned char>(text[i + 1]) & 0x3F) << 6) |
                          (static_cast<unsigned char>(text[i + 2]) & 0x3F);
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", cp);
      i += 3;
      continue;
    }
    if (n == 0) {  // cannot come from json.loads; keep the byte visible
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    const char32_t cp = utf8_decode_at(text, i, n);
    if (cp == static_cast<char32_t>(quote) || cp == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(cp));
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (!is_printable(cp)) {
      if (cp < 0x100) {
        fmt::format_to(std::back_inserter(out), "\\x{:02x}", static_cast<unsigned>(cp));
      } else if (cp < 0x10000) {
        fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(cp));
      } else {
        fmt::format_to(std::back_inserter(out), "\\U{:08x}", static_cast<unsigned>(cp));
      }
    } else {
      out.append(text, i, n);
    }
    i += n;
  }
  out.push_back(quote);
}

void repr_into(const OrderedJson& value, std::string& out) {
  switch (value.type()) {
    case OrderedJson::value_t::string: repr_string(value.get_ref<const std::string&>(), out); return;
    case OrderedJson::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : value) {
        if (!first) out += ", ";
        first = false;
        repr_into(item, out);
      }
      out.push_back(']');
      return;
    }
    case OrderedJson::value_t::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        if (!first) out += ", ";
        first = false;
        repr_string(key, out);
        out += ": ";
        repr_into(item, out);
      }
      out.push_back('}');
      return;
    }
    default: out += python_str(value); return;
  }
}

// A recursive-descent JSON reader following CPython's json.scanner (strict mode).
class PythonJsonReader {
 public:
  PythonJsonReader(std::string_view text, int max_depth) : text_(text), max_depth_(max_depth) {}

  std::optional<OrderedJson> read_document() {
    skip_space();
    OrderedJson value;
    if (!read_value(value, 0)) return std::nullopt;
    skip_space();
    if (pos_ != text_.size()) return std::nullopt;  // "Extra data"
    return value;
  }

 private:

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) ++pos_;
  }
  bool consume(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool read_value(OrderedJson& out, int depth) {
    if (depth > max_depth_ || pos_ >= text_.size()) return false;
    const char c = text_[pos_];
    if (c == '"') {
      std::string s;
      if (!read_string(s)) return false;
      out = std::move(s);
      return true;
    }
    if (c == '{') return read_object(out, depth);
    if (c == '[') return read_array(out, depth);
    if (consume("null")) { out = nullptr; return true; }
    if (consume("true")) { out = true; return true; }
    if (consume("false")) { out = false; return true; }
    if (consume("NaN")) { out = std::numeric_limits<double>::quiet_NaN(); return true; }
    if (consume("Infinity")) { out = std::numeric_limits<double>::infinity(); return true; }
    if (consume("-Infinity")) { out = -std::numeric_limits<double>::infinity(); return true; }
    return read_number(out);
  }

  bool read_number(OrderedJson& out) {
    const std::size_t start = pos_;
    if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
    if (pos_ >= text_.size() || !std::isdigit(static_cast<unsigned char>(text_[pos_]))) return false;
    if (text_[pos_] == '0') {
      ++pos_;
    } else {
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    }
    bool is_float = false;
    if (pos_ + 1 < text_.size() && text_[pos_] == '.' && std::isdigit(static_cast<unsigned char>(text_[pos_ + 1]))) {
      is_float = true;
      pos_ += 2;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      std::size_t p = pos_ + 1;
      if (p < text_.size() && (text_[p] == '+' || text_[p] == '-')) ++p;
      if (p < text_.size() && std::isdigit(static_cast<unsigned char>(text_[p]))) {
        is_float = true;
        while (p < text_.size() && std::isdigit(static_cast<unsigned char>(text_[p]))) ++p;
        pos_ = p;
      }
    }
    const std::string_view literal = text_.substr(start, pos_ - start);
    if (is_float) {
      double value = 0;
      auto [end, ec] = std::from_chars(literal.data(), literal.data() + literal.size(), value);
      if (ec == std::errc::result_out_of_range) {
        // Python's float() gives ±inf on overflow and ±0 (or a subnormal) on underflow;
        // strtod does the same, judging the whole value rather than the exponent's sign.
        value = std::strtod(std::string(literal).c_str(), nullptr);
      } else if (ec != std::errc()) {
        return false;
      }
      out = value;
      return true;
    }
    // Python 3.11+ refuses to convert integers of more than 4300 digits (ValueError).
    if (literal.size() - (literal.front() == '-') > 4300) return false;
    std::int64_t signed_value = 0;
    if (auto [end, ec] = std::from_chars(literal.data(), literal.data() + literal.size(), signed_value); ec == std::errc()) {
      out = signed_value;
      return true;
    }
    std::uint64_t unsigned_value = 0;
    if (auto [end, ec] = std::from_chars(literal.data(), literal.data() + literal.size(), unsigned_value); ec == std::errc()) {
      out = unsigned_value;
      return true;
    }
    out = OrderedJson::binary(std::vector<std::uint8_t>(literal.begin(), literal.end()), kBigIntegerSubtype);
    return true;
  }

  bool read_hex4(std::uint32_t& value) {
    if (pos_ + 4 > text_.size()) return false;
    value = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_++];
      value <<= 4;
      if (h >= '0' && h <= '9') value |= static_cast<std::uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f') value |= static_cast<std::uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') value |= static_cast<std::uint32_t>(h - 'A' + 10);
      else return false;
    }
    return true;
  }

  bool read_string(std::string& out) {
    ++pos_;  // opening quote
    while (pos_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return false;  // strict mode: "Invalid control character"
      if (c != '\\') {
        const std::size_t n = utf8_sequence_length(text_, pos_);
        if (n == 0) return false;
        out.append(text_, pos_, n);
        pos_ += n;
        continue;
      }
      if (++pos_ >= text_.size()) return false;
      const char e = text_[pos_++];
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          std::uint32_t unit = 0;
          if (!read_hex4(unit)) return false;
          if (unit >= 0xD800 && unit <= 0xDBFF && text_.substr(pos_, 2) == "\\u") {
            const std::size_t save = pos_;
            pos_ += 2;
            std::uint32_t low = 0;
            if (read_hex4(low) && low >= 0xDC00 && low <= 0xDFFF) {
              utf8_append(out, static_cast<char32_t>(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)));
              break;
            }
            pos_ = save;  // not a pair: the high surrogate stands alone
          }
          if (unit >= 0xD800 && unit <= 0xDFFF) {
            // Python keeps a lone surrogate in the str. Carry it as WTF-8 (3 bytes, ED A0-BF
            // xx): repr() escapes it, and a prompt that still holds one cannot be printed.
            out.push_back(static_cast<char>(0xED));
            out.push_back(static_cast<char>(0x80 | ((unit >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (unit & 0x3F)));
            break;
          }
          utf8_append(out, static_cast<char32_t>(unit));
          break;
        }
        default: return false;
      }
    }
    return false;
  }

  bool read_array(OrderedJson& out, int depth) {
    ++pos_;
    out = OrderedJson::array();
    skip_space();
    if (consume("]")) return true;
    while (true) {
      skip_space();
      OrderedJson item;
      if (!read_value(item, depth + 1)) return false;
      out.push_back(std::move(item));
      skip_space();
      if (consume("]")) return true;
      if (!consume(",")) return false;
    }
  }

  bool read_object(OrderedJson& out, int depth) {
    ++pos_;
    out = OrderedJson::object();
    // ordered_map looks keys up linearly; index them here so a big object stays O(n).
    auto& entries = static_cast<std::vector<std::pair<const std::string, OrderedJson>>&>(
        out.get_ref<OrderedJson::object_t&>());
    std::unordered_map<std::string, std::size_t> index;
    skip_space();
    if (consume("}")) return true;
    while (true) {
      skip_space();
      std::string key;
      if (pos_ >= text_.size() || text_[pos_] != '"' || !read_string(key)) return false;
      skip_space();
      if (!consume(":")) return false;
      skip_space();
      OrderedJson item;
      if (!read_value(item, depth + 1)) return false;
      // A repeated key keeps its first place and takes the new value, as in a Python dict.
      if (auto [it, inserted] = index.emplace(key, entries.size()); !inserted) {
        entries[it->second].second = std::move(item);
      } else {
        entries.emplace_back(std::move(key), std::move(item));
      }
      skip_space();
      if (consume("}")) return true;
      if (!consume(",")) return false;
    }
  }

  std::string_view text_;
  int max_depth_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<OrderedJson> python_json_loads(std::string_view text, int max_depth) {
  return PythonJsonReader(text, max_depth).read_document();
}

bool is_big_integer(const OrderedJson& value) {
  return value.is_binary() && value.get_binary().has_subtype() && value.get_binary().subtype() == kBigIntegerSubtype;
}

std::string python_float_repr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  // Shortest round-trip digits, as Python's repr uses.
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific);
  std::string_view sci(buffer, static_cast<std::size_t>(end - buffer));
  const bool negative = sci.front() == '-';
  if (negative) sci.remove_prefix(1);
  const auto e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  int exponent = 0;
  std::from_chars(sci.data() + e_pos + 1 + (sci[e_pos + 1] == '+'), sci.data() + sci.size(), exponent);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  const int decimal_point = exponent + 1;  // value = 0.DIGITS * 10^decimal_point
  std::string out = negative ? "-" : "";
  if (decimal_point > -4 && decimal_point <= 16) {
    if (decimal_point <= 0) {
      out += "0.";
      out.append(static_cast<std::size_t>(-decimal_point), '0');
      out += digits;
    } else if (static_cast<std::size_t>(decimal_point) >= digits.size()) {
      out += digits;
      out.append(static_cast<std::size_t>(decimal_point) - digits.size(), '0');
      out += ".0";
    } else {
      out += digits.substr(0, static_cast<std::size_t>(decimal_point));
      out += '.';
      out += digits.substr(static_cast<std::size_t>(decimal_point));
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) {
    out += '.';
    out += digits.substr(1);
  }
  fmt::format_to(std::back_inserter(out), "e{}{:02d}", exponent < 0 ? '-' : '+', std::abs(exponent));
  return out;
}

void python_json_dumps_into(const OrderedJson& value, std::string& out) {
  switch (value.type()) {
    case OrderedJson::value_t::null: out += "null"; return;
    case OrderedJson::value_t::boolean: out += value.get<bool>() ? "true" : "false"; return;
    case OrderedJson::value_t::number_integer: fmt::format_to(std::back_inserter(out), "{}", value.get<std::int64_t>()); return;
    case OrderedJson::value_t::number_unsigned: fmt::format_to(std::back_inserter(out), "{}", value.get<std::uint64_t>()); return;
    case OrderedJson::value_t::number_float: {
      const double v = value.get<double>();
      if (std::isnan(v)) out += "NaN";
      else if (std::isinf(v)) out += v > 0 ? "Infinity" : "-Infinity";
      else out += python_float_repr(v);
      return;
    }
    case OrderedJson::value_t::string: dump_string(value.get_ref<const std::string&>(), out); return;
    case OrderedJson::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : value) {
        if (!first) out += ", ";
        first = false;
        python_json_dumps_into(item, out);
      }
      out.push_back(']');
      return;
    }
    case OrderedJson::value_t::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        if (!first) out += ", ";
        first = false;
        dump_string(key, out);
        out += ": ";
        python_json_dumps_into(item, out);
      }
      out.push_back('}');
      return;
    }
    case OrderedJson::value_t::binary:
      if (is_big_integer(value)) {
        out.append(value.get_binary().begin(), value.get_binary().end());
        return;
      }
      out += "null";
      return;
    default: out += "null"; return;  // discarded values never come from JSON text
  }
}

std::string python_json_dumps(const OrderedJson& value) {
  std::string out;
  python_json_dumps_into(value, out);
  return out;
}

std::string python_str(const OrderedJson& value) {
  switch (value.type()) {
    case OrderedJson::value_t::null: return "None";
    case OrderedJson::value_t::boolean: return value.get<bool>() ? "True" : "False";
    case OrderedJson::value_t::number_integer: return std::to_string(value.get<std::int64_t>());
    case OrderedJson::value_t::number_unsigned: return std::to_string(value.get<std::uint64_t>());
    case OrderedJson::value_t::number_float: return python_float_repr(value.get<double>());
    case OrderedJson::value_t::string: return value.get<std::string>();
    case OrderedJson::value_t::binary:
      if (is_big_integer(value)) return std::string(value.get_binary().begin(), value.get_binary().end());
      return "None";
    default: {
      std::string out;
      repr_into(value, out);
      return out;
    }
  }
}

bool python_truthy(const OrderedJson& value) {
  switch (value.type()) {
    case OrderedJson::value_t::null: return false;
    case OrderedJson::value_t::boolean: return value.get<bool>();
    case OrderedJson::value_t::number_integer: return value.get<std::int64_t>() != 0;
    case OrderedJson::value_t::number_unsigned: return value.get<std::uint64_t>() != 0;
    case OrderedJson::value_t::number_float: return value.get<double>() != 0.0;
    case OrderedJson::value_t::string: return !value.get_ref<const std::string&>().empty();
    case OrderedJson::value_t::array:
    case OrderedJson::value_t::object: return !value.empty();
    case OrderedJson::value_t::binary: return is_big_integer(value);  // never zero: it overflowed 64 bits
    default: return false;
  }
}

}  // namespace seek::engine
