// Reading a tool call's JSON arguments with model-visible errors: a missing or mistyped
// argument becomes a message the model can act on, never an exception.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/result.h"
#include "tools/tool.h"

namespace seek::tools {

/// A model-visible failure.
inline ToolOutput tool_error(std::string text) { return ToolOutput{std::move(text), true}; }

class Args {
 public:
  Args(std::string tool, const nlohmann::json& json) : tool_(std::move(tool)), json_(json) {}

  /// The first problem found, if any (then the call must answer problem()).
  const std::optional<std::string>& problem() const { return problem_; }

  std::string string(const char* key) {
    if (!check_object()) return {};
    auto it = json_.find(key);
    if (it == json_.end() || !it->is_string()) {
      fail(std::string("'") + key + "' (a string) is required");
      return {};
    }
    return it->get<std::string>();
  }
  std::optional<std::string> optional_string(const char* key) {
    if (!check_object()) return std::nullopt;
    auto it = json_.find(key);
    if (it == json_.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) {
      fail(std::string("'") + key + "' must be a string");
      return std::nullopt;
    }
    return it->get<std::string>();
  }
  std::optional<long long> optional_int(const char* key, long long min, long long max) {
    if (!check_object()) return std::nullopt;
    auto it = json_.find(key);
    if (it == json_.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_integer() || it->get<long long>() < min || it->get<long long>() > max) {
      fail(std::string("'") + key + "' must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
      return std::nullopt;
    }
    return it->get<long long>();
  }
  bool optional_bool(const char* key, bool fallback) {
    if (!check_object()) return fallback;
    auto it = json_.find(key);
    if (it == json_.end() || it->is_null()) return fallback;
    if (!it->is_boolean()) {
      fail(std::string("'") + key + "' must be true or false");
      return fallback;
    }
    return it->get<bool>();
  }

  ToolOutput error() const { return tool_error(tool_ + ": bad arguments: " + problem_.value_or("")); }

 private:
  bool check_object() {
    if (json_.is_object()) return true;
    fail("arguments must be a JSON object");
    return false;
  }
  void fail(std::string text) {
    if (!problem_) problem_ = std::move(text);
  }
  std::string tool_;
  const nlohmann::json& json_;
  std::optional<std::string> problem_;
};

}  // namespace seek::tools
