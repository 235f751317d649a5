// libgit2 handles for the tools that use git (git_tools.cc, repo_state.cc): RAII owners
// with their free functions, the error text of the last failed call, and the one lock that
// serializes repository operations in this process (libgit2 objects are not thread-safe).
#pragma once

#include <git2.h>

#include <mutex>
#include <string>

namespace seek::tools::git {

template <class T, void (*Free)(T*)>
struct GitPtr {
  T* p = nullptr;
  GitPtr() = default;
  GitPtr(const GitPtr&) = delete;
  GitPtr& operator=(const GitPtr&) = delete;
  ~GitPtr() {
    if (p) Free(p);
  }
  T** out() { return &p; }
  T* get() const { return p; }
};
using Repo = GitPtr<git_repository, git_repository_free>;
using Object = GitPtr<git_object, git_object_free>;
using Commit = GitPtr<git_commit, git_commit_free>;
using Tree = GitPtr<git_tree, git_tree_free>;
using Diff = GitPtr<git_diff, git_diff_free>;
using Index = GitPtr<git_index, git_index_free>;
using StatusList = GitPtr<git_status_list, git_status_list_free>;
using Revwalk = GitPtr<git_revwalk, git_revwalk_free>;
using Reference = GitPtr<git_reference, git_reference_free>;
using Signature = GitPtr<git_signature, git_signature_free>;

inline std::string last_git_error(const std::string& what) {
  const git_error* e = git_error_last();
  return what + ": " + (e && e->message ? e->message : "libgit2 error");
}

/// libgit2 set up once per process. Repositories owned by another user are the user's own
/// checkouts here (a daemon run as root, a container), so owner validation is off.
inline void init_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
  });
}

inline std::mutex& git_mutex() {  // one repository operation at a time per process
  static std::mutex m;
  return m;
}

}  // namespace seek::tools::git
