// Checked-call macros: they turn a failed check or OS call into an Error carrying file and
// line, and *return* it from the enclosing function. Nothing here exits or aborts: the
// daemon must survive any failed request. (Library-specific twins, e.g. SEEK_CUDA_CHECK in
// engine/cuda, build on seek::located_error.)
#pragma once

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "base/result.h"

namespace seek {

/// An Error whose message ends with "(file:line)", the file reduced to its base name.
inline Error located_error(ErrorCode code, std::string_view message, const char* file, int line) {
  return Error{code, std::string(message) + source_suffix(file, line)};
}

/// An Error for a failed OS call: "what: strerror(errno) (file:line)", code from errno.
inline Error errno_error(std::string_view what, int err, const char* file, int line) {
  ErrorCode code = ErrorCode::kIo;
  switch (err) {
    case ENOENT: code = ErrorCode::kNotFound; break;
    case EACCES: case EPERM: code = ErrorCode::kPermissionDenied; break;
    case EEXIST: code = ErrorCode::kAlreadyExists; break;
    case EINVAL: code = ErrorCode::kInvalidArgument; break;
    case ETIMEDOUT: code = ErrorCode::kTimeout; break;
    case ENOMEM: case ENOSPC: case EMFILE: case ENFILE: code = ErrorCode::kResourceExhausted; break;
    default: break;
  }
  return located_error(code, fmt::format("{}: {}", what, std::strerror(err)), file, line);
}

}  // namespace seek

/// Returns Error{code, formatted message (file:line)} when `cond` is false.
#define SEEK_CHECK(cond, code, ...)                                                      \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      return ::seek::located_error((code), ::fmt::format(__VA_ARGS__), __FILE__, __LINE__); \
    }                                                                                    \
  } while (0)

/// The Error for the errno of the call that just failed, naming `what`. errno is read before
/// `what` is evaluated, since building the message (fmt::format) may allocate and change it.
#define SEEK_ERRNO_ERROR(what) \
  ([&, seek_errno_ = errno] { return ::seek::errno_error((what), seek_errno_, __FILE__, __LINE__); }())

/// Runs a POSIX call that returns -1 and sets errno on failure; on failure returns an Error
/// naming `what`. EINTR is retried.
#define SEEK_CHECK_ERRNO(call, what)                                          \
  do {                                                                        \
    long seek_rc_;                                                            \
    do {                                                                      \
      seek_rc_ = static_cast<long>(call);                                     \
    } while (seek_rc_ == -1 && errno == EINTR);                               \
    if (seek_rc_ == -1) return SEEK_ERRNO_ERROR(what);                        \
  } while (0)
