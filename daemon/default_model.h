// Which model the daemon serves: --model DIR, else $SEEK_MODEL, else the embedded default,
// the `tiny` preset created on first use under $XDG_DATA_HOME/seek/models/ (a random-weight
// checkpoint: it exercises the whole engine, and its suggestions are noise).
#pragma once

#include <string>

#include "base/result.h"

namespace seek::daemon {

struct ModelChoice {
  std::string dir;
  bool embedded_default = false;  ///< the random-weight tiny preset
};

/// Resolves (and, for the embedded default, creates) the model directory.
Result<ModelChoice> resolve_model(const std::string& flag);

}  // namespace seek::daemon
