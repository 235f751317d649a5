// seek's version strings (the generated base/version.h is included by version.cc only).
#pragma once

#include <string>
#include <string_view>

namespace seek::daemon {

/// "0.1.0"
std::string_view version();

/// "seek 0.1.0 (rev 1a2b3c4d5e6f, cuda built)": what `seek --version` prints.
std::string version_line();

}  // namespace seek::daemon
