// The git tools, on libgit2: git_status, git_diff, git_log, git_show (read-only) and
// git_branch, git_add, git_commit (mutating). There is deliberately no push, no reset and no
// force: history is only ever added to. libgit2 failures become model-visible errors.
#include <fmt/format.h>
#include <git2.h>

#include <ctime>
#include <memory>
#include <mutex>

#include "tools/args.h"
#include "tools/git_handles.h"
#include "tools/git_tools.h"

namespace seek::tools {
namespace {

namespace fs = std::filesystem;
using namespace git;

std::string short_id(const git_oid* oid) {
  char buffer[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buffer, sizeof(buffer), oid);
  return std::string(buffer).substr(0, 10);
}

std::string commit_line(git_commit* commit) {
  const git_signature* author = git_commit_author(commit);
  char date[32];
  const std::time_t when = author->when.time;
  std::tm tm{};
  gmtime_r(&when, &tm);
  std::strftime(date, sizeof(date), "%Y-%m-%d", &tm);
  return fmt::format("{} {} {} {}", short_id(git_commit_id(commit)), date, author->name, git_commit_summary(commit));
}

int collect_diff_line(const git_diff_delta*, const git_diff_hunk*, const git_diff_line* line, void* payload) {
  auto* out = static_cast<std::string*>(payload);
  if (line->origin == GIT_DIFF_LINE_CONTEXT || line->origin == GIT_DIFF_LINE_ADDITION ||
      line->origin == GIT_DIFF_LINE_DELETION) {
    out->push_back(line->origin);
  }
  out->append(line->content, line->content_len);
  return 0;
}

class GitTool : public ToolHandler {
 public:
  GitTool(std::shared_ptr<const Workspace> ws, OutputLimits limits, std::string name, bool mutating, nlohmann::json schema)
      : ws_(std::move(ws)), limits_(limits), name_(std::move(name)), mutating_(mutating), schema_(std::move(schema)) {}
  std::string name() const override { return name_; }
  bool is_mutating() const override { return mutating_; }
  nlohmann::json schema() const override { return schema_; }

  Result<ToolOutput> handle(const ToolInvocation& call) override {
    std::lock_guard lock(git_mutex());
    Repo repo;
    if (git_repository_open_ext(repo.out(), ws_->root().c_str(), 0, nullptr) != 0) {
      return tool_error(name_ + ": the workspace is not inside a git repository");
    }
    Args args(name_, call.arguments);
    auto out = run(repo.get(), args);
    if (args.problem()) return args.error();
    if (!out.ok()) return tool_error(name_ + ": " + out.error().message);
    return ToolOutput{cap_output(*out, limits_.max_bytes), false};
  }

 protected:
  virtual Result<std::string> run(git_repository* repo, Args& args) = 0;

  // A repository-relative path for a model path, confined to the workspace.
  Result<std::string> repo_path(git_repository* repo, const std::string& user_path) const {
    auto resolved = ws_->resolve_write(user_path);
    if (!resolved.ok()) return resolved.error();
    std::error_code ec;
    const fs::path workdir = fs::canonical(git_repository_workdir(repo), ec);
    return resolved->lexically_relative(workdir).generic_string();
  }

  static Result<std::string> print_diff(git_diff* diff) {
    std::string out;
    if (git_diff_print(diff, GIT_DIFF_FORMAT_PATCH, collect_diff_line, &out) != 0) {
      return make_error(ErrorCode::kInternal, last_git_error("diff"));
    }
    return out;
  }

  static Result<git_oid> resolve_commit(git_repository* repo, const std::string& spec, Commit& commit) {
    Object object;
    if (git_revparse_single(object.out(), repo, spec.c_str()) != 0) {
      return make_error(ErrorCode::kNotFound, "unknown revision '" + spec + "'");
    }
    if (git_commit_lookup(commit.out(), repo, git_object_id(object.get())) != 0) {
      Object peeled;
      if (git_object_peel(peeled.out(), object.get(), GIT_OBJECT_COMMIT) != 0 ||
          git_commit_lookup(commit.out(), repo, git_object_id(peeled.get())) != 0) {
        return make_error(ErrorCode::kNotFound, "'" + spec + "' is not a commit");
      }
    }
    return *git_commit_id(commit.get());
  }

  std::shared_ptr<const Workspace> ws_;
  OutputLimits limits_;
  std::string name_;
  bool mutating_;
  nlohmann::json schema_;
};

nlohmann::json object_schema(const char* description, nlohmann::json properties, std::vector<std::string> required = {}) {
  nlohmann::json schema = {{"type", "object"}, {"description", description}, {"properties", std::move(properties)},
                           {"additionalProperties", false}};
  if (!required.empty()) schema["required"] = required;
  return schema;
}

class GitStatus : public GitTool {
 public:
  GitStatus(std::shared_ptr<const Workspace> ws, OutputLimits limits)
      : GitTool(std::move(ws), limits, "git_status", false,
                object_schema("Working tree status (like git status --short --branch).", nlohmann::json::object())) {}

 protected:
  Result<std::string> run(git_repository* repo, Args&) override {
    std::string out;
    Reference head;
    if (git_repository_head(head.out(), repo) == 0) {
      out += "## " + std::string(git_reference_shorthand(head.get())) + "\n";
    } else {
      out += "## (no commits yet)\n";
    }
    git_status_options options = GIT_STATUS_OPTIONS_INIT;
    options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
                    GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX | GIT_STATUS_OPT_SORT_CASE_SENSITIVELY;
    StatusList list;
    if (git_status_list_new(list.out(), repo, &options) != 0) {
      return make_error(ErrorCode::kInternal, last_git_error("status"));
    }
    const std::size_t count = git_status_list_entrycount(list.get());
    for (std::size_t i = 0; i < count; ++i) {
      const git_status_entry* entry = git_status_byindex(list.get(), i);
      const unsigned s = entry->status;
      if (s & GIT_STATUS_IGNORED) continue;
      char index = ' ', work = ' ';
      if (s & GIT_STATUS_INDEX_NEW) index = 'A';
      if (s & GIT_STATUS_INDEX_MODIFIED) index = 'M';
      if (s & GIT_STATUS_INDEX_DELETED) index = 'D';
      if (s & GIT_STATUS_INDEX_RENAMED) index = 'R';
      if (s & GIT_STATUS_WT_MODIFIED) work = 'M';
      if (s & GIT_STATUS_WT_DELETED) work = 'D';
      if (s & GIT_STATUS_CONFLICTED) index = work = 'U';
      if (s & GIT_STATUS_WT_NEW) index = work = '?';
      const git_diff_delta* delta = entry->head_to_index ? entry->head_to_index : entry->index_to_workdir;
      std::string path = delta->new_file.path;
      if ((s & GIT_STATUS_INDEX_RENAMED) && entry->head_to_index) {
        path = std::string(entry->head_to_index->old_file.path) + " -> " + path;
      }
      out += fmt::format("{}{} {}\n", index, work, path);
    }
    if (count == 0) out += "nothing to commit, working tree clean\n";
    return out;
  }
};

class GitDiff : public GitTool {
 public:
  GitDiff(std::shared_ptr<const Workspace> ws, OutputLimits limits)
      : GitTool(std::move(ws), limits, "git_diff", false,
                object_schema("Show changes as a unified diff: unstaged (default), staged, or between two revisions.",
                              {{"staged", {{"type", "boolean"}}},
                               {"from", {{"type", "string"}, {"description", "A revision, e.g. HEAD~2"}}},
                               {"to", {{"type", "string"}, {"description", "A revision (default: the working tree)"}}},
                               {"path", {{"type", "string"}, {"description", "Limit to this file or directory"}}}})) {}

 protected:
  Result<std::string> run(git_repository* repo, Args& args) override {
    const bool staged = args.optional_bool("staged", false);
    const auto from = args.optional_string("from");
    const auto to = args.optional_string("to");
    const auto path = args.optional_string("path");
    if (args.problem()) return std::string();
    git_diff_options options = GIT_DIFF_OPTIONS_INIT;
    std::string pathspec;
    char* pathspec_list[1];
    if (path) {
      SEEK_ASSIGN_OR_RETURN(pathspec, repo_path(repo, *path));
      pathspec_list[0] = pathspec.data();
      options.pathspec = {pathspec_list, 1};
    }
    Diff diff;
    int rc = 0;
    if (from || to) {
      if (!from) return make_error(ErrorCode::kInvalidArgument, "'to' needs 'from'");
      Commit a, b;
      Tree tree_a, tree_b;
      SEEK_RETURN_IF_ERROR(resolve_commit(repo, *from, a));
      git_commit_tree(tree_a.out(), a.get());
      if (to) {
        SEEK_RETURN_IF_ERROR(resolve_commit(repo, *to, b));
        git_commit_tree(tree_b.out(), b.get());
        rc = git_diff_tree_to_tree(diff.out(), repo, tree_a.get(), tree_b.get(), &options);
      } else {
        rc = git_diff_tree_to_workdir_with_index(diff.out(), repo, tree_a.get(), &options);
      }
    } else if (staged) {
      Object head;
      Tree tree;
      if (git_revparse_single(head.out(), repo, "HEAD^{tree}") == 0) {
        git_tree_lookup(tree.out(), repo, git_object_id(head.get()));
      }
      rc = git_diff_tree_to_index(diff.out(), repo, tree.get(), nullptr, &options);
    } else {
      rc = git_diff_index_to_workdir(diff.out(), repo, nullptr, &options);
    }
    if (rc != 0) return make_error(ErrorCode::kInternal, last_git_error("diff"));
    SEEK_ASSIGN_OR_RETURN(std::string text, print_diff(diff.get()));
    return text.empty() ? std::string("no differences\n") : text;
  }
};

class GitLog : public GitTool {
 public:
  GitLog(std::shared_ptr<const Workspace> ws, OutputLimits limits)
      : GitTool(std::move(ws), limits, "git_log", false,
                object_schema("Recent commits, newest first: id date author subject.",
                              {{"revision", {{"type", "string"}, {"description", "Start here (default HEAD)"}}},
                               {"max_count", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}}}})) {}

 protected:
  Result<std::string> run(git_repository* repo, Args& args) override {
    const std::string start = args.optional_string("revision").value_or("HEAD");
    const auto max_count = args.optional_int("max_count", 1, 1000).value_or(20);
    if (args.problem()) return std::string();
    Commit first;
    auto oid = resolve_commit(repo, start, first);
    if (!oid.ok()) return start == "HEAD" ? Result<std::string>(std::string("no commits yet\n")) : oid.error();
    Revwalk walk;
    git_revwalk_new(walk.out(), repo);
    git_revwalk_sorting(walk.get(), GIT_SORT_TIME);
    git_revwalk_push(walk.get(), &*oid);
    std::string out;
    git_oid next;
    long long shown = 0;
    while (shown < max_count && git_revwalk_next(&next, walk.get()) == 0) {
      Commit commit;
      if (git_commit_lookup(commit.out(), repo, &next) != 0) break;
      out += commit_line(commit.get()) + "\n";
      ++shown;
    }
    return out;
  }
};

class GitShow : public GitTool {
 public:
  GitShow(std::shared_ptr<const Workspace> ws, OutputLimits limits)
      : GitTool(std::move(ws), limits, "git_show", false,
                object_schema("One commit: its message and its diff against its first parent.",
                              {{"revision", {{"type", "string"}, {"description", "Default HEAD"}}}})) {}

 protected:
  Result<std::string> run(git_repository* repo, Args& args) override {
    const std::string spec = args.optional_string("revision").value_or("HEAD");
    if (args.problem()) return std::string();
    Commit commit;
    SEEK_RETURN_IF_ERROR(resolve_commit(repo, spec, commit));
    const git_signature* author = git_commit_author(commit.get());
    char id[GIT_OID_HEXSZ + 1];
    git_oid_tostr(id, sizeof(id), git_commit_id(commit.get()));
    std::string out = fmt::format("commit {}\nAuthor: {} <{}>\n\n{}\n", id, author->name, author->email,
                                  git_commit_message(commit.get()));
    Tree tree, parent_tree;
    git_commit_tree(tree.out(), commit.get());
    Commit parent;
    if (git_commit_parentcount(commit.get()) > 0 && git_commit_parent(parent.out(), commit.get(), 0) == 0) {
      git_commit_tree(parent_tree.out(), parent.get());
    }
    Diff diff;
    if (git_diff_tree_to_tree(diff.out(), repo, parent_tree.get(), tree.get(), nullptr) != 0) {
      return make_error(ErrorCode::kInternal, last_git_error("diff"));
    }
    SEEK_ASSIGN_OR_RETURN(std::string text, print_diff(diff.get()));
    return out + text;
  }
};

class GitBranch : public GitTool {
 public:
  GitBranch(std::shared_ptr<const Workspace> ws, OutputLimits limits)
      : GitTool(std::move(ws), limits, "git_branch", true,
                object_schema("Create a branch and/or switch to one. Switching refuses to overwrite local changes.",
                              {{"name", {{"type", "string"}}},
                               {"create", {{"type", "boolean"}, {"description", "Create it first (from HEAD or 'start')"}}},
                               {"start", {{"type", "string"}}},
                               {"switch", {{"type", "boolean"}, {"description", "Check it out (default true)"}}}},
                              {"name"})) {}

 protected:
  Result<std::string> run(git_repository* repo, Args& args) override {
    const std::string name = args.string("name");
    const bool create = args.optional_bool("create", false);
    const std::string start = args.optional_string("start").value_or("HEAD");
    const bool do_switch = args.optional_bool("switch", true);
    if (args.problem()) return std::string();
    if (git_reference_is_valid_name(("refs/heads/" + name).c_str()) != 1) {
      return make_error(ErrorCode::kInvalidArgument, "'" + name + "' is not a valid branch name");
    }
    std::string out;
    Reference branch;
    if (create) {
      Commit target;
      SEEK_RETURN_IF_ERROR(resolve_commit(repo, start, target));
      if (git_branch_create(branch.out(), repo, name.c_str(), target.get(), /*force=*/0) != 0) {
        return make_error(ErrorCode::kAlreadyExists, last_git_error("cannot create branch " + name));
      }
      out += fmt::format("created branch {} at {}\n", name, short_id(git_commit_id(target.get())));
    } else if (git_branch_lookup(branch.out(), repo, name.c_str(), GIT_BRANCH_LOCAL) != 0) {
      return make_error(ErrorCode::kNotFound, "no branch named '" + name + "' (set create to make it)");
    }
    if (do_switch) {
      Object target;
      if (git_revparse_single(target.out(), repo, ("refs/heads/" + name).c_str()) != 0) {
        return make_error(ErrorCode::kInternal, last_git_error("cannot resolve " + name));
      }
      git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
      options.checkout_strategy = GIT_CHECKOUT_SAFE;  // never overwrite local changes
      if (git_checkout_tree(repo, target.get(), &options) != 0) {
        return make_error(ErrorCode::kInvalidArgument, last_git_error("cannot switch to " + name));
      }
      if (git_repository_set_head(repo, ("refs/heads/" + name).c_str()) != 0) {
        return make_error(ErrorCode::kInternal, last_git_error("cannot set HEAD"));
      }
      out += "switched to branch " + name + "\n";
    }
    return out;
  }
};

class GitAdd : public GitTool {
 public:
  GitAdd(std::shared_ptr<const Workspace> ws, OutputLimits limits)
      : GitTool(std::move(ws), limits, "git_add", true,
                object_schema("Stage files (new, changed or deleted) for the next commit.",
                              {{"paths", {{"type", "array"}, {"items", {{"type", "string"}}}}}}, {"paths"})) {}

 protected:
  Result<std::string> run(git_repository* repo, Args&) override {
    const nlohmann::json& paths = arguments_->at("paths");
    std::vector<std::string> specs;
    for (const auto& p : paths) {
      if (!p.is_string()) return make_error(ErrorCode::kInvalidArgument, "'paths' must be a list of strings");
      SEEK_ASSIGN_OR_RETURN(std::string spec, repo_path(repo, p.get<std::string>()));
      specs.push_back(spec.empty() ? "." : spec);
    }
    if (specs.empty()) return make_error(ErrorCode::kInvalidArgument, "'paths' is empty");
    std::vector<char*> pointers;
    for (auto& s : specs) pointers.push_back(s.data());
    git_strarray array{pointers.data(), pointers.size()};
    Index index;
    if (git_repository_index(index.out(), repo) != 0 ||
        git_index_add_all(index.get(), &array, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr) != 0 ||
        git_index_update_all(index.get(), &array, nullptr, nullptr) != 0 || git_index_write(index.get()) != 0) {
      return make_error(ErrorCode::kInternal, last_git_error("add"));
    }
    std::string out = "staged:";
    for (const auto& s : specs) out += " " + s;
    return out + "\n";
  }

 public:
  Result<ToolOutput> handle(const ToolInvocation& call) override {
    if (!call.arguments.is_object() || !call.arguments.contains("paths") || !call.arguments["paths"].is_array()) {
      return tool_error("git_add: bad arguments: 'paths' (a list of strings) is required");
    }
    arguments_ = &call.arguments;
    return GitTool::handle(call);
  }

 private:
  const nlohmann::json* arguments_ = nullptr;
};

// Untracked, not ignored files of the work tree (repository-relative).
std::vector<std::string> untracked_files(git_repository* repo) {
  std::vector<std::string> out;
  git_status_options opts = GIT_STATUS_OPTIONS_INIT;
  opts.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
  opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
  git_status_list* list = nullptr;
  if (git_status_list_new(&list, repo, &opts) != 0) return out;
  for (std::size_t i = 0; i < git_status_list_entrycount(list); ++i) {
    const git_status_entry* e = git_status_byindex(list, i);
    if ((e->status & GIT_STATUS_WT_NEW) && e->index_to_workdir && e->index_to_workdir->new_file.path) {
      out.emplace_back(e->index_to_workdir->new_file.path);
    }
  }
  git_status_list_free(list);
  return out;
}

class GitCommit : public GitTool {
 public:
  GitCommit(std::shared_ptr<const Workspace> ws, OutputLimits limits)
      : GitTool(std::move(ws), limits, "git_commit", true,
                object_schema("Commit what is staged, with the given message. all: first stage every change to "
                              "tracked files (git commit -a); with nothing staged, that happens too. New files are "
                              "committed only once git_add staged them.",
                              {{"message", {{"type", "string"}}}, {"all", {{"type", "boolean"}}}}, {"message"})) {}

 protected:
  Result<std::string> run(git_repository* repo, Args& args) override {
    const std::string message = args.string("message");
    const bool all = args.optional_bool("all", false);
    if (args.problem()) return std::string();
    if (message.find_first_not_of(" \t\n") == std::string::npos) {
      return make_error(ErrorCode::kInvalidArgument, "the commit message is empty");
    }
    Index index;
    git_oid tree_id, commit_id;
    Tree tree;
    if (git_repository_index(index.out(), repo) != 0) return make_error(ErrorCode::kInternal, last_git_error("index"));
    if (all && (git_index_update_all(index.get(), nullptr, nullptr, nullptr) != 0 || git_index_write(index.get()) != 0)) {
      return make_error(ErrorCode::kInternal, last_git_error("staging tracked changes"));
    }
    if (git_index_write_tree(&tree_id, index.get()) != 0 ||
        git_tree_lookup(tree.out(), repo, &tree_id) != 0) {
      return make_error(ErrorCode::kInternal, last_git_error("cannot write the tree"));
    }
    Commit parent;
    Object head;
    const bool has_head = git_revparse_single(head.out(), repo, "HEAD") == 0 &&
                          git_commit_lookup(parent.out(), repo, git_object_id(head.get())) == 0;
    std::string staged_note;
    const bool nothing_staged =
        has_head ? git_oid_equal(git_tree_id(tree.get()), git_commit_tree_id(parent.get())) : git_index_entrycount(index.get()) == 0;
    if (nothing_staged) {
      // Nothing staged: an agent asking to commit means its changes to the files git tracks
      // (commit -a). Untracked files stay out: they may be the user's, or secrets; the
      // output names them, and git_add takes them in.
      if (git_index_update_all(index.get(), nullptr, nullptr, nullptr) != 0 || git_index_write(index.get()) != 0 ||
          git_index_write_tree(&tree_id, index.get()) != 0 || git_tree_lookup(tree.out(), repo, &tree_id) != 0) {
        return make_error(ErrorCode::kInternal, last_git_error("staging tracked changes"));
      }
      const std::vector<std::string> untracked = untracked_files(repo);
      std::string untracked_note;
      for (std::size_t i = 0; i < untracked.size() && i < 20; ++i) untracked_note += (i ? ", " : "") + untracked[i];
      if (untracked.size() > 20) untracked_note += fmt::format(" and {} more", untracked.size() - 20);
      if (has_head ? git_oid_equal(git_tree_id(tree.get()), git_commit_tree_id(parent.get())) : git_index_entrycount(index.get()) == 0) {
        return make_error(ErrorCode::kInvalidArgument, untracked.empty() ? "nothing to commit: the work tree matches HEAD"
                                                                         : "nothing staged; untracked files (git_add them first): " +
                                                                               untracked_note);
      }
      staged_note = " (nothing was staged: changes to tracked files were)";
      if (!untracked.empty()) staged_note += "\nnot committed, untracked: " + untracked_note;
    }
    Signature signature;
    if (git_signature_default(signature.out(), repo) != 0 && git_signature_now(signature.out(), "seek", "seek@localhost") != 0) {
      return make_error(ErrorCode::kInternal, last_git_error("no signature"));
    }
    const git_commit* parents[1] = {parent.get()};
    if (git_commit_create(&commit_id, repo, "HEAD", signature.get(), signature.get(), nullptr, message.c_str(),
                          tree.get(), has_head ? 1 : 0, parents) != 0) {
      return make_error(ErrorCode::kInternal, last_git_error("commit"));
    }
    return fmt::format("committed {}: {}{}\n", short_id(&commit_id), message.substr(0, message.find('\n')), staged_note);
  }
};

}  // namespace

Status register_git_tools(ToolRegistry& registry, std::shared_ptr<const Workspace> workspace, OutputLimits limits) {
  SEEK_RETURN_IF_ERROR(registry.add(std::make_unique<GitStatus>(workspace, limits)));
  SEEK_RETURN_IF_ERROR(registry.add(std::make_unique<GitDiff>(workspace, limits)));
  SEEK_RETURN_IF_ERROR(registry.add(std::make_unique<GitLog>(workspace, limits)));
  SEEK_RETURN_IF_ERROR(registry.add(std::make_unique<GitShow>(workspace, limits)));
  SEEK_RETURN_IF_ERROR(registry.add(std::make_unique<GitBranch>(workspace, limits)));
  SEEK_RETURN_IF_ERROR(registry.add(std::make_unique<GitAdd>(workspace, limits)));
  SEEK_RETURN_IF_ERROR(registry.add(std::make_unique<GitCommit>(workspace, limits)));
  return ok_status();
}

}  // namespace seek::tools
