// The user config's remote settings (see user_config.h).
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

}  // namespace seek::daemon
