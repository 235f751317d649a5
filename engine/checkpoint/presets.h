// Model presets for random checkpoints (`seek model init --preset`), and the config.json
// writer with the official HF keys.
//  - tiny: for tests. Four layers mixing compress ratios 0, 4 and 128 plus the MTP block,
//    one hash-routed layer, head_dim 512 with rope 64, MXFP4 experts, the real 129,280 vocab.
//  - small: for benchmarks. About 1.2B parameters with V4-Flash's proportions.
#pragma once

#include <string>

#include "base/result.h"
#include "engine/checkpoint/config.h"

namespace seek::engine {

Result<ModelConfig> preset_config(const std::string& name);

/// config.json text with the official keys (spec §2.1) for `config`.
std::string config_json(const ModelConfig& config);

}  // namespace seek::engine
