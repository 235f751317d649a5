// Version strings from the generated header.
#include "daemon/version.h"

#include "engine/device.h"
#include "seek/version.h"

namespace seek::daemon {

std::string_view version() { return SEEK_VERSION_STRING; }

std::string version_line() {
  return std::string("seek ") + SEEK_VERSION_STRING + " (rev " + SEEK_GIT_REVISION + ", " +
         (engine::cuda_built() ? "cuda built" : "cpu only") + ")";
}

}  // namespace seek::daemon
