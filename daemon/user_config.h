// Settings from the user's config file ($XDG_CONFIG_HOME/seek/config.toml, default
// ~/.config/seek/config.toml) beyond the approval rules, which tools/ reads:
//   [remote]
//   api_key = "sk-..."     # used when DEEPSEEK_API_KEY and OPENAI_API_KEY are unset
#pragma once

#include <functional>
#include <string>

#include "base/result.h"

namespace seek::daemon {

/// The API key: DEEPSEEK_API_KEY, else OPENAI_API_KEY, else the config's (read only then),
/// else "". A key in a config file others can read is reported through `warn`.
std::string resolve_api_key(const std::function<void(const std::string&)>& warn);

}  // namespace seek::daemon
