// Where the persistent KV store lives and how big it may grow: a header of its own, so the
// daemon's paths and the completion service name it without the model's state types.
#pragma once

#include <cstdint>
#include <filesystem>

namespace seek::engine {

/// Where an engine keeps prefix states on disk, and how many bytes of them. The engine
/// reads no environment: its host (the daemon, a CLI command) decides the folder.
struct KvStoreSettings {
  std::filesystem::path dir;
  std::uint64_t max_bytes = std::uint64_t{8} << 30;
};

}  // namespace seek::engine
