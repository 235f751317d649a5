// apply_patch: validates the whole patch against the workspace (paths confined, files that
// must exist do, every hunk matches) before it writes anything; then writes every new file
// content to a temporary file beside its target and only then renames them into place, so a
// patch with one bad hunk changes no file.
#include <fmt/format.h>
#include <unistd.h>

#include <map>

#include "base/fs.h"
#include "tools/apply_patch.h"
#include "tools/args.h"
#include "tools/file_tools.h"

namespace seek::tools {
namespace {

namespace fs = std::filesystem;

struct PlannedChange {
  char letter;                      // A, M, D (M with a move is shown as "M old -> new")
  std::string shown;
  fs::path target;                  // written (A, M) or removed (D)
  std::optional<std::string> content;
  std::optional<fs::path> remove_after;  // the source of a move
};

class ApplyPatchTool : public ToolHandler {
 public:
  ApplyPatchTool(std::shared_ptr<const Workspace> ws, OutputLimits limits) : ws_(std::move(ws)), limits_(limits) {}
  std::string name() const override { return "apply_patch"; }
  nlohmann::json schema() const override {
    return {{"type", "object"},
            {"description",
             "Apply a patch in the '*** Begin Patch' format: '*** Add File: p' (+lines), '*** Delete File: p', '*** "
             "Update File: p' (optional '*** Move to: q') with '@@' hunks of ' ' context, '-' removed and '+' added "
             "lines, then '*** End Patch'. A unified diff ('--- a/p', '+++ b/p', '@@ -1,2 +1,3 @@' hunks) works too. "
             "All or nothing."},
            {"properties", {{"patch", {{"type", "string"}}}}},
            {"required", {"patch"}},
            {"additionalProperties", false}};
  }

  Result<ToolOutput> handle(const ToolInvocation& call) override {
    Args args(name(), call.arguments);
    const std::string patch = args.string("patch");
    if (args.problem()) return args.error();
    // The envelope, or a unified diff: models write the format they have seen most.
    const bool envelope = patch.find("*** Begin Patch") != std::string::npos || !looks_like_unified_diff(patch);
    auto operations = envelope ? parse_patch(patch) : parse_unified_diff(patch);
    if (!operations.ok()) return tool_error("apply_patch: " + operations.error().message + "; nothing was changed");
    auto planned = plan(*operations);
    if (!planned.ok()) return tool_error("apply_patch: " + planned.error().message + "; nothing was changed");
    if (Status s = commit(*planned); !s.ok()) return tool_error("apply_patch: " + s.error().message);
    std::string out = "Success. Updated the following files:\n";
    for (const PlannedChange& change : *planned) out += fmt::format("{} {}\n", change.letter, change.shown);
    return ToolOutput{out, false};
  }

 private:
  Result<std::vector<PlannedChange>> plan(const std::vector<PatchOperation>& operations) const {
    std::vector<PlannedChange> changes;
    std::map<fs::path, std::string> pending;  // later operations see earlier ones' results
    for (const PatchOperation& op : operations) {
      auto path = ws_->resolve_write(op.path);
      if (!path.ok()) return path.error();
      std::error_code ec;
      const bool exists = pending.contains(*path) || fs::exists(*path, ec);
      switch (op.kind) {
        case PatchOperation::Kind::kAdd:
          if (exists) return make_error(ErrorCode::kAlreadyExists, op.path + " already exists (use Update File)");
          pending[*path] = op.add_content;
          changes.push_back({'A', ws_->display(*path), *path, op.add_content, std::nullopt});
          break;
        case PatchOperation::Kind::kDelete:
          if (!exists || fs::is_directory(*path, ec)) return make_error(ErrorCode::kNotFound, op.path + " is not a file to delete");
          changes.push_back({'D', ws_->display(*path), *path, std::nullopt, std::nullopt});
          break;
        case PatchOperation::Kind::kUpdate: {
          std::string current;
          if (auto it = pending.find(*path); it != pending.end()) {
            current = it->second;
          } else {
            auto read = read_whole_file(*path);
            if (!read.ok() || fs::is_directory(*path, ec)) return make_error(ErrorCode::kNotFound, op.path + " does not exist");
            current = std::move(*read);
          }
          SEEK_ASSIGN_OR_RETURN(std::string updated, op.chunks.empty() ? Result<std::string>(current)
                                                                        : apply_chunks(current, op.chunks, op.path));
          fs::path target = *path;
          std::optional<fs::path> remove_after;
          std::string shown = ws_->display(*path);
          if (op.move_to) {
            SEEK_ASSIGN_OR_RETURN(target, ws_->resolve_write(*op.move_to));
            if (target != *path && (pending.contains(target) || fs::exists(target, ec))) {
              return make_error(ErrorCode::kAlreadyExists, *op.move_to + " already exists");
            }
            if (target != *path) remove_after = *path;
            shown += " -> " + ws_->display(target);
          }
          pending[target] = updated;
          changes.push_back({'M', shown, target, std::move(updated), remove_after});
          break;
        }
      }
    }
    return changes;
  }

  static Status commit(const std::vector<PlannedChange>& changes) {
    // Phase 1: every new content into a temporary file beside its target, on disk.
    std::vector<AtomicFile> staged;
    for (const PlannedChange& change : changes) {
      if (!change.content) continue;
      std::error_code ec;
      fs::create_directories(change.target.parent_path(), ec);
      auto file = AtomicFile::create(change.target);
      Status written = file.ok() ? file->write(*change.content) : Status(file.error());
      if (written.ok()) written = file->sync();
      if (!written.ok()) return written.error().with_context("nothing was changed");  // staged files are discarded
      staged.push_back(std::move(*file));
    }
    // Phase 2: rename into place (same directory: atomic per file), then removals.
    for (AtomicFile& file : staged) {
      if (Status s = file.commit(); !s.ok()) return make_error(ErrorCode::kIo, "cannot replace " + file.target().string());
    }
    for (const PlannedChange& change : changes) {
      if (change.letter == 'D') ::unlink(change.target.c_str());
      if (change.remove_after) ::unlink(change.remove_after->c_str());
    }
    return ok_status();
  }

  std::shared_ptr<const Workspace> ws_;
  OutputLimits limits_;
};

}  // namespace

std::unique_ptr<ToolHandler> make_apply_patch_tool(std::shared_ptr<const Workspace> ws, OutputLimits limits) {
  return std::make_unique<ApplyPatchTool>(std::move(ws), limits);
}

Status register_file_tools(ToolRegistry& registry, std::shared_ptr<const Workspace> workspace, OutputLimits limits) {
  for (auto make : {make_read_file_tool, make_list_dir_tool, make_glob_tool, make_grep_tool, make_write_file_tool,
                    make_edit_tool, make_apply_patch_tool}) {
    SEEK_RETURN_IF_ERROR(registry.add(make(workspace, limits)));
  }
  return ok_status();
}

}  // namespace seek::tools
