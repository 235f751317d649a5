// Result<T> and Error: errors are values in seek. A function that can fail returns
// Result<T> (or Status = Result<void>); exceptions from third-party code are caught at the
// boundary of the library that calls it and turned into an Error there.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace seek {

/// What kind of failure an Error is. Callers branch on the code; the message is for people.
enum class ErrorCode {
  kInvalidArgument,    ///< bad input from the user or a client
  kNotFound,           ///< a file, tensor, method or object does not exist
  kAlreadyExists,      ///< e.g. a daemon is already running
  kPermissionDenied,   ///< refused by the OS or by policy
  kUnavailable,        ///< a resource (GPU, daemon, network) is not there right now
  kTimeout,            ///< a deadline passed
  kCancelled,          ///< the caller asked to stop
  kCorrupt,            ///< stored data failed validation (checksum, header, size)
  kUnsupported,        ///< valid but not implemented or not built in (e.g. CUDA off)
  kResourceExhausted,  ///< a size or count limit was hit
  kIo,                 ///< an OS call failed
  kInternal,           ///< a bug in seek
};

/// A stable lower-case name for a code, used in logs and JSON.
constexpr std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kAlreadyExists: return "already_exists";
    case ErrorCode::kPermissionDenied: return "permission_denied";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kCancelled: return "cancelled";
    case ErrorCode::kCorrupt: return "corrupt";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kResourceExhausted: return "resource_exhausted";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kInternal: return "internal";
  }
  return "unknown";
}

/// A failure: a code to branch on and a message that names what failed (file, tensor, flag).
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  /// Returns this error with "context: " put in front of the message, keeping the code.
  [[nodiscard]] Error with_context(std::string_view context) const& {
    return Error{code, std::string(context) + ": " + message};
  }
  [[nodiscard]] Error with_context(std::string_view context) && {
    message.insert(0, std::string(context) + ": ");
    return std::move(*this);
  }
  friend bool operator==(const Error&, const Error&) = default;
};

/// Either a T or an Error, never both, never a success in the error slot.
template <class T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::remove_cvref_t<T>, Error>, "Result<Error> is ambiguous");

 public:
  using value_type = T;

  template <class U = T>
    requires std::is_constructible_v<T, U&&> &&
             (!std::is_same_v<std::remove_cvref_t<U>, Error>) &&
             (!std::is_same_v<std::remove_cvref_t<U>, Result>)
  Result(U&& value) : state_(std::in_place_index<0>, std::forward<U>(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}      // NOLINT

  [[nodiscard]] bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(state_); }
  const T& value() const& { assert(ok()); return std::get<0>(state_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { assert(!ok()); return std::get<1>(state_); }
  Error&& error() && { assert(!ok()); return std::get<1>(std::move(state_)); }

  template <class U>
  T value_or(U&& fallback) const& {
    return ok() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Error> state_;
};

/// Success with no value, or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  [[nodiscard]] bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { assert(!ok()); return *error_; }
  Error&& error() && { assert(!ok()); return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

/// The success value of a Status, for `return ok_status();`.
inline Status ok_status() { return Status(); }

/// " (file.cc:42)": the suffix that checked-call macros put on messages (base name only).
inline std::string source_suffix(const char* file, int line) {
  std::string_view path(file);
  if (auto slash = path.rfind('/'); slash != std::string_view::npos) path.remove_prefix(slash + 1);
  return " (" + std::string(path) + ":" + std::to_string(line) + ")";
}

/// Builds an Error; a short form for `return make_error(ErrorCode::kNotFound, "...")`.
inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

}  // namespace seek

// Propagation macros (in this header so CUDA sources can use them without fmt).
#define SEEK_CONCAT_INNER_(a, b) a##b
#define SEEK_CONCAT_(a, b) SEEK_CONCAT_INNER_(a, b)

/// Returns the error of a Result/Status expression from the enclosing function.
#define SEEK_RETURN_IF_ERROR(expr)                                   \
  do {                                                               \
    if (auto seek_status_ = (expr); !seek_status_.ok()) {            \
      return std::move(seek_status_).error();                        \
    }                                                                \
  } while (0)

/// `SEEK_ASSIGN_OR_RETURN(auto x, f());` declares x from a Result or returns its error.
#define SEEK_ASSIGN_OR_RETURN(lhs, expr) \
  SEEK_ASSIGN_OR_RETURN_IMPL_(SEEK_CONCAT_(seek_result_, __LINE__), lhs, expr)
#define SEEK_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return std::move(tmp).error();     \
  lhs = std::move(tmp).value()
