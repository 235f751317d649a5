// The edit journal (see edit_journal.h).
#include "agent/edit_journal.h"

#include <sstream>

namespace seek::agent {

using Json = nlohmann::json;

std::vector<std::string> EditJournal::touched_paths(const std::string& tool, const Json& args) {
  std::vector<std::string> paths;
  if (!args.is_object()) return paths;
  if ((tool == "write_file" || tool == "edit") && args.contains("path") && args["path"].is_string()) {
    paths.push_back(args["path"].get<std::string>());
  }
  if (tool == "apply_patch" && args.contains("patch") && args["patch"].is_string()) {
    std::istringstream in(args["patch"].get<std::string>());
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      for (const std::string marker : {"*** Update File: ", "*** Add File: ", "*** Delete File: ", "*** Move to: "}) {
        if (line.starts_with(marker)) paths.push_back(line.substr(marker.size()));
      }
    }
  }
  return paths;
}

void EditJournal::before(const std::string& tool, const Json& arguments) {
  std::vector<FileBefore> files;
  for (const std::string& path : touched_paths(tool, arguments)) {
    auto where = workspace_.resolve_write(path);
    if (!where.ok()) continue;  // the tool will refuse it too
    auto content = tools::read_whole_file(*where);
    files.push_back({path, content.ok() ? std::optional<std::string>(std::move(*content)) : std::nullopt});
  }
  std::lock_guard lock(mutex_);
  pending_ = std::move(files);
}

void EditJournal::after(bool succeeded) {
  std::lock_guard lock(mutex_);
  if (succeeded && !pending_.empty()) edits_.push_back(std::move(pending_));
  pending_.clear();
}

Result<std::vector<std::string>> EditJournal::undo_last() {
  std::vector<FileBefore> files;
  {
    std::lock_guard lock(mutex_);
    if (edits_.empty()) return make_error(ErrorCode::kNotFound, "no edit to undo");
    files = std::move(edits_.back());
    edits_.pop_back();
  }
  std::vector<std::string> restored;
  for (auto it = files.rbegin(); it != files.rend(); ++it) {  // reverse: a file named twice ends as it began
    SEEK_ASSIGN_OR_RETURN(std::filesystem::path where, workspace_.resolve_write(it->path));
    if (it->content) {
      SEEK_RETURN_IF_ERROR(tools::write_file_atomically(where, *it->content));
    } else {
      std::error_code ec;
      std::filesystem::remove(where, ec);
      if (ec) return make_error(ErrorCode::kIo, "removing " + it->path + ": " + ec.message());
    }
    restored.push_back(it->path);
  }
  return restored;
}

std::size_t EditJournal::size() const {
  std::lock_guard lock(mutex_);
  return edits_.size();
}

}  // namespace seek::agent
