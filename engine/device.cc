// Backend-independent parts of device selection.
#include "engine/device.h"

namespace seek::engine {

std::string default_compute_path() {
  auto devices = cuda_devices();
  return devices.ok() && !devices->empty() ? "cuda" : "cpu";
}

}  // namespace seek::engine
