// The LSP types seek speaks, each with to_json/from_json beside it (nlohmann ADL). from_json
// throws nlohmann::json::exception on a missing or mistyped field; the method table turns
// that into -32602 (invalid params), so handlers only ever see well-formed values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lsp/text_document.h"

namespace seek::lsp {

using json = nlohmann::json;

void to_json(json& j, const Position& p);
void from_json(const json& j, Position& p);
void to_json(json& j, const Range& r);
void from_json(const json& j, Range& r);

/// The local path of a file:// URI (percent-decoded), or nullopt for other schemes.
std::optional<std::string> file_uri_to_path(std::string_view uri);

struct InitializeParams {
  std::optional<std::string> root_uri;  ///< rootUri, else the first workspace folder
  std::vector<std::string> position_encodings;  ///< general.positionEncodings, client's preference order
  bool work_done_progress = false;              ///< window.workDoneProgress
};
void from_json(const json& j, InitializeParams& p);

struct TextDocumentItem {
  std::string uri, language_id, text;
  std::int64_t version = 0;
};
void from_json(const json& j, TextDocumentItem& d);

struct DidOpenParams {
  TextDocumentItem text_document;
};
void from_json(const json& j, DidOpenParams& p);

struct ContentChange {
  std::optional<Range> range;  ///< absent: the whole text
  std::string text;
};
struct DidChangeParams {
  std::string uri;
  std::int64_t version = 0;
  std::vector<ContentChange> changes;
};
void from_json(const json& j, DidChangeParams& p);

struct DocumentParams {  ///< didClose, didSave: { textDocument: { uri } }
  std::string uri;
  std::optional<std::string> text;  ///< didSave with includeText
};
void from_json(const json& j, DocumentParams& p);

struct TextDocumentPositionParams {  ///< inlineCompletion and completion
  std::string uri;
  Position position;
  bool automatic = true;  ///< inlineCompletion context.triggerKind 2 (automatic) vs 1 (invoked)
};
void from_json(const json& j, TextDocumentPositionParams& p);

struct InlineCompletionItem {
  std::string insert_text;
  Range range;
};
void to_json(json& j, const InlineCompletionItem& item);

struct CancelParams {
  json id;
};
void from_json(const json& j, CancelParams& p);

struct ExecuteCommandParams {
  std::string command;
  json arguments = json::array();
};
void from_json(const json& j, ExecuteCommandParams& p);

}  // namespace seek::lsp
