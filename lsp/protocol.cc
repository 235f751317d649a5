// JSON conversions of the LSP types (see protocol.h).
#include "lsp/protocol.h"

namespace seek::lsp {
namespace {

// A required string member; nlohmann throws type_error/out_of_range for the method table.
std::string string_at(const json& j, const char* key) { return j.at(key).get<std::string>(); }

std::int64_t non_negative_at(const json& j, const char* key) {
  const json& v = j.at(key);
  if (!v.is_number_integer() || v.get<std::int64_t>() < 0) {
    throw json::type_error::create(302, std::string("'") + key + "' must be a non-negative integer", &v);
  }
  return v.get<std::int64_t>();
}

}  // namespace

std::optional<std::string> file_uri_to_path(std::string_view uri) {
  constexpr std::string_view kScheme = "file://";
  if (!uri.starts_with(kScheme)) return std::nullopt;
  uri.remove_prefix(kScheme.size());
  if (!uri.starts_with('/')) {  // file://host/path: only the local host
    const std::size_t slash = uri.find('/');
    if (slash == std::string_view::npos || (uri.substr(0, slash) != "localhost")) return std::nullopt;
    uri.remove_prefix(slash);
  }
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string path;
  for (std::size_t i = 0; i < uri.size(); ++i) {
    if (uri[i] == '%' && i + 2 < uri.size() && hex(uri[i + 1]) >= 0 && hex(uri[i + 2]) >= 0) {
      path += static_cast<char>(hex(uri[i + 1]) * 16 + hex(uri[i + 2]));
      i += 2;
    } else {
      path += uri[i];
    }
  }
  return path;
}

void to_json(json& j, const Position& p) { j = json{{"line", p.line}, {"character", p.character}}; }
void from_json(const json& j, Position& p) {
  p.line = non_negative_at(j, "line");
  p.character = non_negative_at(j, "character");
}
void to_json(json& j, const Range& r) { j = json{{"start", r.start}, {"end", r.end}}; }
void from_json(const json& j, Range& r) {
  j.at("start").get_to(r.start);
  j.at("end").get_to(r.end);
}

void from_json(const json& j, InitializeParams& p) {
  if (!j.is_object()) throw json::type_error::create(302, "initialize params must be an object", &j);
  if (j.contains("rootUri") && j["rootUri"].is_string()) p.root_uri = j["rootUri"].get<std::string>();
  if (!p.root_uri && j.contains("workspaceFolders") && j["workspaceFolders"].is_array() && !j["workspaceFolders"].empty() &&
      j["workspaceFolders"][0].is_object() && j["workspaceFolders"][0].contains("uri") &&
      j["workspaceFolders"][0]["uri"].is_string()) {
    p.root_uri = j["workspaceFolders"][0]["uri"].get<std::string>();
  }
  const json caps = j.value("capabilities", json::object());
  if (!caps.is_object()) throw json::type_error::create(302, "capabilities must be an object", &caps);
  if (caps.contains("general") && caps["general"].is_object() && caps["general"].contains("positionEncodings")) {
    for (const json& e : caps["general"]["positionEncodings"]) {
      if (e.is_string()) p.position_encodings.push_back(e.get<std::string>());
    }
  }
  if (caps.contains("window") && caps["window"].is_object()) p.work_done_progress = caps["window"].value("workDoneProgress", false);
}

void from_json(const json& j, TextDocumentItem& d) {
  d.uri = string_at(j, "uri");
  d.language_id = j.value("languageId", std::string());
  d.version = j.value("version", std::int64_t{0});
  d.text = string_at(j, "text");
}

void from_json(const json& j, DidOpenParams& p) { j.at("textDocument").get_to(p.text_document); }

void from_json(const json& j, DidChangeParams& p) {
  const json& doc = j.at("textDocument");
  p.uri = string_at(doc, "uri");
  p.version = doc.value("version", std::int64_t{0});
  for (const json& c : j.at("contentChanges")) {
    ContentChange change;
    change.text = string_at(c, "text");
    if (c.contains("range")) change.range = c["range"].get<Range>();
    p.changes.push_back(std::move(change));
  }
}

void from_json(const json& j, DocumentParams& p) {
  p.uri = string_at(j.at("textDocument"), "uri");
  if (j.contains("text") && j["text"].is_string()) p.text = j["text"].get<std::string>();
}

void from_json(const json& j, TextDocumentPositionParams& p) {
  p.uri = string_at(j.at("textDocument"), "uri");
  j.at("position").get_to(p.position);
  if (j.contains("context") && j["context"].is_object()) p.automatic = j["context"].value("triggerKind", 2) == 2;
}

void to_json(json& j, const InlineCompletionItem& item) { j = json{{"insertText", item.insert_text}, {"range", item.range}}; }

void from_json(const json& j, CancelParams& p) {
  p.id = j.at("id");
  if (!p.id.is_number_integer() && !p.id.is_string()) throw json::type_error::create(302, "id must be a number or string", &p.id);
}

void from_json(const json& j, ExecuteCommandParams& p) {
  p.command = string_at(j, "command");
  if (j.contains("arguments")) p.arguments = j["arguments"];
}

}  // namespace seek::lsp
