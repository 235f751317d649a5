// Logging: a thin layer over spdlog so call sites read `seek::log::info("...", args)` and the
// sink set-up (stderr, or a file for the background daemon) lives in one place.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace seek::log {

using spdlog::debug;
using spdlog::error;
using spdlog::info;
using spdlog::trace;
using spdlog::warn;

/// Sends logs to stderr, or appends them to `file` when it is non-empty. `level` is one of
/// trace, debug, info, warn, error, off; an unknown name keeps "info". Never throws: when the
/// file cannot be opened the logs stay on stderr and the failure is returned as false.
inline bool setup(std::string_view level, const std::string& file = {}) {
  bool file_ok = true;
  spdlog::sink_ptr sink;
  if (!file.empty()) {
    try {
      sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(file);
    } catch (const spdlog::spdlog_ex&) {
      file_ok = false;
    }
  }
  if (!sink) sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  // Not registered by name, so setup() may run again (tests, a re-exec'd daemon).
  auto logger = std::make_shared<spdlog::logger>("seek", std::move(sink));
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l [%P] %v");
  auto parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off") parsed = spdlog::level::info;
  logger->set_level(parsed);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
  return file_ok;
}

}  // namespace seek::log
