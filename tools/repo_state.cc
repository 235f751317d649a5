// Reading a repository's state for the repository block (see repo_state.h).
#include "tools/repo_state.h"

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <set>

#include "tools/file_walk.h"
#include "tools/git_handles.h"
#include "tools/workspace.h"

namespace seek::tools {

namespace fs = std::filesystem;
using namespace git;

struct RepoState::Git {
  Repo repo;
  Tree head_tree;
  std::string prefix;  // the root's path inside the work tree, "" or ending in '/'
};

namespace {

std::int64_t mtime_ns(const fs::path& path) {
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0) return 0;
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

struct TreeWalk {
  std::string prefix;
  std::vector<CommittedFile>* out;
};

int collect_blob(const char* dir, const git_tree_entry* entry, void* payload) {
  auto* walk = static_cast<TreeWalk*>(payload);
  if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) return 0;  // trees are walked into; submodules skipped
  if (git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK) return 0;  // a symlink's target is not its text
  std::string path = std::string(dir) + git_tree_entry_name(entry);
  if (!path.starts_with(walk->prefix)) return 0;
  walk->out->push_back({path.substr(walk->prefix.size()), 0});
  return 0;
}

// When a commit last changed each committed file: walk the history newest first; the first
// commit whose diff against its first parent touches a path is its last change.
Status date_last_changes(git_repository* repo, const std::string& prefix, std::vector<CommittedFile>& files,
                         std::size_t max_commits) {
  std::map<std::string, std::int64_t*> undated;
  for (CommittedFile& f : files) undated.emplace(prefix + f.path, &f.last_change);
  Revwalk walk;
  if (git_revwalk_new(walk.out(), repo) != 0 || git_revwalk_push_head(walk.get()) != 0 ||
      git_revwalk_sorting(walk.get(), GIT_SORT_TIME) != 0) {
    return make_error(ErrorCode::kIo, last_git_error("walking the history"));
  }
  git_oid id;
  for (std::size_t n = 0; n < max_commits && !undated.empty() && git_revwalk_next(&id, walk.get()) == 0; ++n) {
    Commit commit;
    Tree tree, parent_tree;
    if (git_commit_lookup(commit.out(), repo, &id) != 0 || git_commit_tree(tree.out(), commit.get()) != 0) continue;
    if (git_commit_parentcount(commit.get()) > 0) {
      Commit parent;
      if (git_commit_parent(parent.out(), commit.get(), 0) == 0) (void)git_commit_tree(parent_tree.out(), parent.get());
    }
    Diff diff;
    if (git_diff_tree_to_tree(diff.out(), repo, parent_tree.get(), tree.get(), nullptr) != 0) continue;
    const std::int64_t when = git_commit_time(commit.get());
    for (std::size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i) {
      const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
      if (auto it = undated.find(delta->new_file.path); it != undated.end()) {
        *it->second = when;
        undated.erase(it);
      }
    }
  }
  return ok_status();
}

}  // namespace

RepoState::RepoState(RepoState&&) noexcept = default;
RepoState& RepoState::operator=(RepoState&&) noexcept = default;
RepoState::~RepoState() = default;

Result<RepoState> RepoState::read(const fs::path& root, const RepoStateOptions& options) {
  std::error_code ec;
  const fs::path real = fs::canonical(root, ec);
  if (ec || !fs::is_directory(real)) return make_error(ErrorCode::kNotFound, root.string() + " is not a directory");
  RepoState state;
  state.root_ = real;
  init_libgit2();
  std::lock_guard lock(git_mutex());

  auto git = std::make_unique<Git>();
  if (git_repository_open_ext(git->repo.out(), real.c_str(), 0, nullptr) != 0 || git_repository_is_bare(git->repo.get())) {
    // No repository: every file the ignore rules let through is the working set.
    SEEK_ASSIGN_OR_RETURN(Workspace ws, Workspace::open(real));
    walk_workspace(ws, real, 64, [&](const fs::path& path, bool is_dir) {
      if (!is_dir && !fs::is_symlink(path, ec)) {
        state.changed_.push_back({path.lexically_relative(real).generic_string(), false, mtime_ns(path)});
      }
      return true;
    });
  } else {
    const fs::path workdir = fs::canonical(git_repository_workdir(git->repo.get()), ec);
    git->prefix = real == workdir ? "" : real.lexically_relative(workdir).generic_string() + "/";

    // HEAD's files, dated by the history (an unborn HEAD has none).
    Object head;
    if (git_revparse_single(head.out(), git->repo.get(), "HEAD^{commit}") == 0) {
      char hex[GIT_OID_HEXSZ + 1];
      git_oid_tostr(hex, sizeof hex, git_object_id(head.get()));
      state.head_ = hex;
      if (git_commit_tree(git->head_tree.out(), reinterpret_cast<git_commit*>(head.get())) != 0) {
        return make_error(ErrorCode::kIo, last_git_error("reading HEAD's tree"));
      }
      TreeWalk walk{git->prefix, &state.committed_};
      git_tree_walk(git->head_tree.get(), GIT_TREEWALK_PRE, collect_blob, &walk);
      SEEK_RETURN_IF_ERROR(date_last_changes(git->repo.get(), git->prefix, state.committed_, options.max_commits));
    }

    // The work tree against HEAD: modified, added, untracked (not ignored) and deleted files.
    git_status_options status = GIT_STATUS_OPTIONS_INIT;
    status.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    status.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    StatusList list;
    if (git_status_list_new(list.out(), git->repo.get(), &status) != 0) {
      return make_error(ErrorCode::kIo, last_git_error("reading the work tree's status"));
    }
    std::set<std::string> in_head;
    for (const CommittedFile& f : state.committed_) in_head.insert(f.path);
    for (std::size_t i = 0; i < git_status_list_entrycount(list.get()); ++i) {
      const git_status_entry* entry = git_status_byindex(list.get(), i);
      const git_diff_delta* delta = entry->index_to_workdir ? entry->index_to_workdir : entry->head_to_index;
      if (!delta) continue;
      std::string path = delta->new_file.path ? delta->new_file.path : delta->old_file.path;
      if (!path.starts_with(git->prefix)) continue;
      path = path.substr(git->prefix.size());
      const fs::path on_disk = real / path;
      if (fs::is_symlink(on_disk, ec)) continue;
      const bool exists = fs::is_regular_file(on_disk, ec);
      if (!exists && !in_head.contains(path)) continue;  // added to the index, then removed: nothing to show
      state.changed_.push_back({path, !exists, exists ? mtime_ns(on_disk) : 0});
    }
  }

  std::sort(state.committed_.begin(), state.committed_.end(), [](const CommittedFile& a, const CommittedFile& b) {
    return a.last_change != b.last_change ? a.last_change < b.last_change : a.path < b.path;
  });
  std::sort(state.changed_.begin(), state.changed_.end(), [](const ChangedFile& a, const ChangedFile& b) {
    return a.mtime_ns != b.mtime_ns ? a.mtime_ns < b.mtime_ns : a.path < b.path;
  });
  state.git_ = std::move(git);
  return state;
}

Result<std::string> RepoState::committed_content(const std::string& path, std::uint64_t max_bytes) const {
  std::lock_guard lock(git_mutex());
  const std::string full_path = git_->prefix + path;
  git_tree_entry* entry = nullptr;
  if (!git_->head_tree.get() || git_tree_entry_bypath(&entry, git_->head_tree.get(), full_path.c_str()) != 0) {
    return make_error(ErrorCode::kNotFound, full_path + " is not in HEAD");
  }
  GitPtr<git_blob, git_blob_free> blob;
  const int rc = git_blob_lookup(blob.out(), git_->repo.get(), git_tree_entry_id(entry));
  git_tree_entry_free(entry);
  if (rc != 0) return make_error(ErrorCode::kIo, last_git_error("reading " + full_path + " at HEAD"));
  const auto size = static_cast<std::uint64_t>(git_blob_rawsize(blob.get()));
  if (size > max_bytes) return make_error(ErrorCode::kResourceExhausted, full_path + " is larger than the limit");
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())), static_cast<std::size_t>(size));
}

}  // namespace seek::tools
