// The user config's remote settings and the shared model-flag checks (see user_config.h).
// The daemon's only toml++ TU.
#include "daemon/user_config.h"

#include <sys/stat.h>

#include <toml++/toml.h>

#include "engine/remote/remote_backend.h"
#include "tools/approval.h"

namespace seek::daemon {

namespace {

std::string configured_api_key(const std::function<void(const std::string&)>& warn) {
  const std::string path = tools::default_user_config_path();
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return "";
  toml::table parsed;
  try {  // this toml++ build reports parse errors by exception
    parsed = toml::parse_file(path);
  } catch (const toml::parse_error&) {
    return "";
  }
  const std::string key = parsed["remote"]["api_key"].value_or(std::string());
  if (!key.empty() && (st.st_mode & (S_IRGRP | S_IROTH))) {
    warn(path + " holds an API key and others can read it (chmod 600 it)");
  }
  return key;
}

}  // namespace

std::string resolve_api_key(const std::function<void(const std::string&)>& warn) {
  const std::string from_environment = engine::api_key_from_environment();
  return from_environment.empty() ? configured_api_key(warn) : from_environment;
}

Status check_backend_flags(const std::string& backend, const std::string& base_url, const std::string& model) {
  if (backend == "openai") {
    if (base_url.empty() || model.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "--backend openai needs --base-url URL (the API root, including /v1) and --model NAME");
    }
    SEEK_ASSIGN_OR_RETURN(auto checked, engine::RemoteBackend::create({.base_url = base_url}));  // the URL's shape
    return ok_status();
  }
  if (backend != "local") return make_error(ErrorCode::kInvalidArgument, "--backend must be local or openai");
  if (!base_url.empty()) return make_error(ErrorCode::kInvalidArgument, "--base-url goes with --backend openai");
  return ok_status();
}

}  // namespace seek::daemon
