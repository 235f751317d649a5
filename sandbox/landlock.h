// Landlock, applied in the sandboxed child just before exec: the file system is readable
// (and executable) everywhere, writable only beneath the given roots; on ABI >= 4, TCP bind
// and connect are denied when the network is off; on ABI >= 6, signals to processes outside
// the sandbox are denied. Defines the ABI constants itself, since distribution headers lag.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace seek::sandbox {

/// The Landlock ABI version this kernel offers; 0 when it has none.
int landlock_abi_version();

struct LandlockRules {
  std::vector<std::string> read_roots;   ///< read + execute beneath each
  std::vector<std::string> write_roots;  ///< full access beneath each (directories)
  std::vector<std::string> write_files;  ///< write access to single files (/dev/null, ...)
  bool deny_tcp = false;                 ///< network off (ABI >= 4)
  bool scope_signals = true;             ///< no signals out of the sandbox (ABI >= 6)
};

/// Restricts the calling thread (and its future children) for good. Needs no_new_privs set.
Status apply_landlock(const LandlockRules& rules);

}  // namespace seek::sandbox
