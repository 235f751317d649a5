// The repository index (see repo_index.h). A build walks the workspace on the calling thread,
// parses on a few worker threads (one SymbolExtractor each) into a fresh table, and swaps it in
// under the write lock at the end. Updates re-parse one file under the writer mutex and lock
// readers out only for the moment the table changes.
#include "tools/repo_index.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <system_error>
#include <thread>
#include <variant>

#include "base/log.h"
#include "tools/file_walk.h"
#include "tools/workspace.h"

namespace seek::tools {
namespace {

namespace fs = std::filesystem;

constexpr unsigned kMaxBuildThreads = 8;
// Enough of an extension-less file to read its `#!` line.
constexpr std::size_t kShebangBytes = 256;

using Parsed = std::variant<FileSymbols, SkipReason>;

// A name the extension already rules out needs no read; one without an extension may still
// have a `#!` line.
bool may_be_source(const fs::path& path) { return !path.has_extension() || detect_language(path).has_value(); }

// The rules that need the bytes, in order of cost; the extractor runs only on what passes.
Result<Parsed> parse_text(const fs::path& path, std::string_view text, std::size_t max_bytes,
                          SymbolExtractor& extractor) {
  if (text.size() > max_bytes) return Parsed(SkipReason::kTooLarge);
  const std::optional<Language> language = detect_language(path, text.substr(0, kShebangBytes));
  if (!language) return Parsed(SkipReason::kNotSource);
  if (looks_binary(text)) return Parsed(SkipReason::kBinary);
  if (looks_generated(path, text)) return Parsed(SkipReason::kGenerated);
  SEEK_ASSIGN_OR_RETURN(FileSymbols symbols, extractor.extract(*language, text));
  return Parsed(std::move(symbols));
}

// The same for a file on disk; the name and size are checked before anything is read.
Result<Parsed> parse_file(const fs::path& path, std::size_t max_bytes, SymbolExtractor& extractor) {
  if (!may_be_source(path)) return Parsed(SkipReason::kNotSource);
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) return Parsed(SkipReason::kUnreadable);
  if (size > max_bytes) return Parsed(SkipReason::kTooLarge);
  Result<std::string> text = read_whole_file(path);
  if (!text.ok()) return Parsed(SkipReason::kUnreadable);
  return parse_text(path, *text, max_bytes, extractor);
}

// `key` is relative to the root; a file is excluded when it or any directory above it is
// ignored, or when it is inside .git.
bool excluded_by_git(const Workspace& workspace, const std::string& key) {
  fs::path prefix = workspace.root();
  const fs::path relative(key);
  for (auto part = relative.begin(); part != relative.end(); ++part) {
    prefix /= *part;
    const bool is_dir = std::next(part) != relative.end();
    if (*part == ".git" || workspace.is_ignored(prefix, is_dir)) return true;
  }
  return false;
}

}  // namespace

// What readers see: the files and, for definitions_named, which files define each name.
struct RepoIndex::Snapshot {
  std::map<std::string, FileSymbols, std::less<>> files;
  std::map<std::string, std::set<std::string>, std::less<>> paths_by_name;

  void erase(const std::string& key) {
    const auto file = files.find(key);
    if (file == files.end()) return;
    for (const Definition& definition : file->second.definitions) {
      const auto paths = paths_by_name.find(definition.name);
      if (paths == paths_by_name.end()) continue;
      paths->second.erase(key);
      if (paths->second.empty()) paths_by_name.erase(paths);
    }
    files.erase(file);
  }

  void put(const std::string& key, FileSymbols symbols) {
    erase(key);
    for (const Definition& definition : symbols.definitions) paths_by_name[definition.name].insert(key);
    files.emplace(key, std::move(symbols));
  }
};

struct RepoIndex::State {
  RepoIndexOptions options;
  // Writers (build, updates) take `writer` for their whole run; `mutex` is taken exclusively
  // only to change the fields below it, so readers wait for a swap, never for a parse.
  std::mutex writer;
  std::unique_ptr<Workspace> workspace;  // guarded by `writer`
  SymbolExtractor extractor;             // guarded by `writer`, for updates

  mutable std::shared_mutex mutex;
  fs::path root;
  Snapshot snapshot;
  std::map<SkipReason, std::size_t> skipped;
  std::chrono::milliseconds build_time{0};

  // The key of `path` (absolute, or relative to the root): its root-relative generic form.
  Result<std::string> key_for(const fs::path& path) const;
  Result<bool> update(const fs::path& path, std::optional<std::string_view> text);
};

Result<std::string> RepoIndex::State::key_for(const fs::path& path) const {
  fs::path root_copy;
  {
    std::shared_lock lock(mutex);
    root_copy = root;
  }
  if (root_copy.empty()) return make_error(ErrorCode::kInvalidArgument, "the repository index has not been built yet");
  const auto inside = [](const fs::path& relative) {
    return !relative.empty() && relative != "." && *relative.begin() != "..";
  };
  // Lexically first: cheap, and right for the paths the index hands out itself.
  fs::path relative = (path.is_relative() ? root_copy / path : path).lexically_normal().lexically_relative(root_copy);
  if (!inside(relative)) {
    std::error_code ec;
    const fs::path resolved = fs::weakly_canonical(path.is_relative() ? root_copy / path : path, ec);
    if (!ec) relative = resolved.lexically_relative(root_copy);
  }
  if (!inside(relative)) {
    return make_error(ErrorCode::kInvalidArgument, path.string() + " is outside the indexed root " + root_copy.string());
  }
  return relative.generic_string();
}

RepoIndex::RepoIndex(RepoIndexOptions options) : state_(std::make_unique<State>()) { state_->options = options; }
RepoIndex::~RepoIndex() = default;

Status RepoIndex::build(const fs::path& root, const IndexProgress& progress, const std::atomic<bool>* cancel) {
  const auto started = std::chrono::steady_clock::now();
  const auto cancelled = [cancel] { return cancel != nullptr && cancel->load(std::memory_order_relaxed); };
  std::lock_guard writer(state_->writer);
  SEEK_ASSIGN_OR_RETURN(Workspace workspace, Workspace::open(root));

  // 1. Walk: the files that may be source, in sorted order; names ruled out are counted here.
  struct Job {
    fs::path path;
    std::string key;
  };
  std::vector<Job> jobs;
  std::map<SkipReason, std::size_t> skipped;
  walk_workspace(workspace, workspace.root(), std::numeric_limits<int>::max(), [&](const fs::path& path, bool is_dir) {
    if (cancelled()) return false;
    std::error_code ec;
    // Symlinks are not followed: they may lead outside the root or to a file indexed already.
    if (is_dir || fs::symlink_status(path, ec).type() != fs::file_type::regular) return true;
    if (!may_be_source(path)) {
      ++skipped[SkipReason::kNotSource];
      return true;
    }
    jobs.push_back({path, path.lexically_relative(workspace.root()).generic_string()});
    return true;
  });
  if (cancelled()) return make_error(ErrorCode::kCancelled, "repository index build cancelled");

  // 2. Parse on worker threads; each result slot is written by exactly one worker.
  std::vector<std::optional<Result<Parsed>>> results(jobs.size());
  std::atomic<std::size_t> next{0};
  std::mutex progress_mutex;
  std::size_t done = 0;
  if (progress) progress(0, jobs.size());
  const auto work = [&] {
    SymbolExtractor extractor;
    for (std::size_t i = next++; i < jobs.size() && !cancelled(); i = next++) {
      results[i].emplace(parse_file(jobs[i].path, state_->options.max_file_bytes, extractor));
      std::lock_guard lock(progress_mutex);
      ++done;
      if (progress) progress(done, jobs.size());
    }
  };
  unsigned thread_count = state_->options.threads;
  if (thread_count == 0) thread_count = std::clamp(std::thread::hardware_concurrency(), 1u, kMaxBuildThreads);
  thread_count = static_cast<unsigned>(std::min<std::size_t>(thread_count, std::max<std::size_t>(jobs.size(), 1)));
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < thread_count; ++t) {
    try {
      helpers.emplace_back(work);
    } catch (const std::system_error& e) {
      log::warn("repository index: parsing with {} threads, not {}: {}", t, thread_count, e.what());
      break;
    }
  }
  work();
  for (std::thread& helper : helpers) helper.join();
  if (cancelled()) return make_error(ErrorCode::kCancelled, "repository index build cancelled");

  // 3. Assemble the new table and swap it in.
  Snapshot fresh;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    Result<Parsed>& result = *results[i];
    if (!result.ok()) {
      log::warn("repository index: {}: {}", jobs[i].key, result.error().message);
      ++skipped[SkipReason::kUnreadable];
    } else if (auto* reason = std::get_if<SkipReason>(&*result)) {
      ++skipped[*reason];
    } else {
      fresh.put(jobs[i].key, std::get<FileSymbols>(std::move(*result)));
    }
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  {
    std::unique_lock lock(state_->mutex);
    state_->root = workspace.root();
    state_->snapshot = std::move(fresh);
    state_->skipped = std::move(skipped);
    state_->build_time = elapsed;
  }
  state_->workspace = std::make_unique<Workspace>(std::move(workspace));
  return ok_status();
}

Result<bool> RepoIndex::State::update(const fs::path& path, std::optional<std::string_view> text) {
  std::lock_guard writer_lock(writer);
  if (!workspace) return make_error(ErrorCode::kInvalidArgument, "the repository index has not been built yet");
  SEEK_ASSIGN_OR_RETURN(const std::string key, key_for(path));
  const fs::path absolute = workspace->root() / key;
  const auto forget = [&] {
    std::unique_lock lock(mutex);
    snapshot.erase(key);
  };
  if (excluded_by_git(*workspace, key)) {
    forget();
    return false;
  }
  std::error_code ec;
  if (!text && !fs::exists(absolute, ec)) {
    forget();
    return make_error(ErrorCode::kNotFound, key + ": no such file");
  }
  Result<Parsed> parsed =
      text ? parse_text(absolute, *text, options.max_file_bytes, extractor) : parse_file(absolute, options.max_file_bytes, extractor);
  if (!parsed.ok() || std::holds_alternative<SkipReason>(*parsed)) {
    forget();
    if (!parsed.ok()) return std::move(parsed).error().with_context(key);
    return false;
  }
  std::unique_lock lock(mutex);
  snapshot.put(key, std::get<FileSymbols>(std::move(*parsed)));
  return true;
}

Result<bool> RepoIndex::update_file(const fs::path& path) { return state_->update(path, std::nullopt); }

Result<bool> RepoIndex::update_text(const fs::path& path, std::string_view text) { return state_->update(path, text); }

Status RepoIndex::remove_file(const fs::path& path) {
  std::lock_guard writer(state_->writer);
  SEEK_ASSIGN_OR_RETURN(const std::string key, state_->key_for(path));
  std::unique_lock lock(state_->mutex);
  state_->snapshot.erase(key);
  return ok_status();
}

std::vector<LocatedDefinition> RepoIndex::definitions_named(std::string_view name) const {
  std::vector<LocatedDefinition> found;
  std::shared_lock lock(state_->mutex);
  const auto paths = state_->snapshot.paths_by_name.find(name);
  if (paths == state_->snapshot.paths_by_name.end()) return found;
  for (const std::string& path : paths->second) {
    const auto file = state_->snapshot.files.find(path);
    if (file == state_->snapshot.files.end()) continue;
    for (const Definition& definition : file->second.definitions) {
      if (definition.name == name) found.push_back({path, definition});
    }
  }
  return found;
}

Result<std::vector<Definition>> RepoIndex::definitions_in(const fs::path& path) const {
  SEEK_ASSIGN_OR_RETURN(const std::string key, state_->key_for(path));
  std::shared_lock lock(state_->mutex);
  const auto file = state_->snapshot.files.find(key);
  if (file == state_->snapshot.files.end()) return make_error(ErrorCode::kNotFound, key + " is not indexed");
  return file->second.definitions;
}

Result<std::vector<std::string>> RepoIndex::identifiers_in(const fs::path& path) const {
  SEEK_ASSIGN_OR_RETURN(const std::string key, state_->key_for(path));
  std::shared_lock lock(state_->mutex);
  const auto file = state_->snapshot.files.find(key);
  if (file == state_->snapshot.files.end()) return make_error(ErrorCode::kNotFound, key + " is not indexed");
  return file->second.identifiers;
}

std::vector<std::string> RepoIndex::files() const {
  std::shared_lock lock(state_->mutex);
  std::vector<std::string> paths;
  paths.reserve(state_->snapshot.files.size());
  for (const auto& [path, symbols] : state_->snapshot.files) paths.push_back(path);
  return paths;
}

RepoIndexStats RepoIndex::stats() const {
  std::shared_lock lock(state_->mutex);
  RepoIndexStats stats;
  stats.files_indexed = state_->snapshot.files.size();
  for (const auto& [path, symbols] : state_->snapshot.files) {
    stats.definitions += symbols.definitions.size();
    ++stats.files_by_language[symbols.language];
  }
  stats.skipped = state_->skipped;
  stats.build_time = state_->build_time;
  return stats;
}

fs::path RepoIndex::root() const {
  std::shared_lock lock(state_->mutex);
  return state_->root;
}

}  // namespace seek::tools
