// Settings from the user's config file ($XDG_CONFIG_HOME/seek/config.toml, default
// ~/.config/seek/config.toml) beyond the approval rules, which tools/ reads:
//   [remote]
//   api_key = "sk-..."     # used when DEEPSEEK_API_KEY and OPENAI_API_KEY are unset
#pragma once

#include <string>
#include <vector>

namespace seek::daemon {

/// The configured API key, or "" (no file, no key, or a file that does not parse: the
/// approval loader reports that one). A key in a file others can read adds a warning.
std::string configured_api_key(std::vector<std::string>& warnings);

}  // namespace seek::daemon
