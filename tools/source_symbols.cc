// Definitions and identifiers of one file through tree-sitter (see source_symbols.h). The
// pipeline: parse, run the language's definition query, lift C/C++ declarators to what they
// declare, drop duplicate matches, then one pass in document order that assigns each
// definition its enclosing scopes, and a tree walk that collects identifiers.
#include "tools/source_symbols.h"

#include <tree_sitter/api.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "tools/language_queries.h"

namespace seek::tools {
namespace {

constexpr std::array<DefinitionKind, 13> kAllKinds{
    DefinitionKind::kFunction, DefinitionKind::kMethod,    DefinitionKind::kClass,  DefinitionKind::kStruct,
    DefinitionKind::kEnum,     DefinitionKind::kInterface, DefinitionKind::kTrait,  DefinitionKind::kType,
    DefinitionKind::kNamespace, DefinitionKind::kModule,   DefinitionKind::kMacro,  DefinitionKind::kConstant,
    DefinitionKind::kKey,
};

// Longer names are data (hashes, base64), not identifiers worth indexing.
constexpr std::size_t kMaxIdentifierBytes = 128;

struct QueryDeleter {
  void operator()(TSQuery* query) const { ts_query_delete(query); }
};
struct TreeDeleter {
  void operator()(TSTree* tree) const { ts_tree_delete(tree); }
};

enum class CaptureRole { kDefinition, kName, kScope, kQualifier };

struct CaptureInfo {
  CaptureRole role = CaptureRole::kName;
  DefinitionKind kind = DefinitionKind::kFunction;
  bool declaration_only = false;
};

// A language with its query compiled and its capture names decoded, built once per process.
// TSQuery is read-only once built, so every thread's cursor may run it.
struct CompiledLanguage {
  const TSLanguage* grammar = nullptr;
  std::unique_ptr<TSQuery, QueryDeleter> query;
  std::vector<CaptureInfo> captures;   // by capture id
  std::vector<bool> identifier_symbols;  // by TSSymbol
  std::string_view separator;
};

Result<CaptureInfo> decode_capture(std::string_view name) {
  if (name == "name") return CaptureInfo{CaptureRole::kName};
  if (name == "scope") return CaptureInfo{CaptureRole::kScope};
  if (name == "qualifier") return CaptureInfo{CaptureRole::kQualifier};
  const bool declaration = name.starts_with("declaration.");
  if (declaration || name.starts_with("definition.")) {
    const std::string_view kind = name.substr(name.find('.') + 1);
    for (DefinitionKind candidate : kAllKinds) {
      if (to_string(candidate) == kind) return CaptureInfo{CaptureRole::kDefinition, candidate, declaration};
    }
  }
  return make_error(ErrorCode::kInternal, "definition query has an unknown capture @" + std::string(name));
}

Result<CompiledLanguage> compile(Language language) {
  const LanguageQueries& table = language_queries(language);
  CompiledLanguage out;
  out.grammar = table.grammar();
  out.separator = table.scope_separator;
  uint32_t error_offset = 0;
  TSQueryError error_type = TSQueryErrorNone;
  const std::string source = std::string(table.family_definitions) + std::string(table.definitions);
  out.query.reset(
      ts_query_new(out.grammar, source.data(), static_cast<uint32_t>(source.size()), &error_offset, &error_type));
  if (!out.query) {
    return make_error(ErrorCode::kInternal, "the " + std::string(to_string(language)) +
                                                " definition query does not compile (error " +
                                                std::to_string(static_cast<int>(error_type)) + " at offset " +
                                                std::to_string(error_offset) + ")");
  }
  for (uint32_t id = 0; id < ts_query_capture_count(out.query.get()); ++id) {
    uint32_t length = 0;
    const char* name = ts_query_capture_name_for_id(out.query.get(), id, &length);
    SEEK_ASSIGN_OR_RETURN(CaptureInfo info, decode_capture(std::string_view(name, length)));
    out.captures.push_back(info);
  }
  const uint32_t symbol_count = ts_language_symbol_count(out.grammar);
  out.identifier_symbols.assign(symbol_count, false);
  for (uint32_t symbol = 0; symbol < symbol_count; ++symbol) {
    const auto id = static_cast<TSSymbol>(symbol);
    if (ts_language_symbol_type(out.grammar, id) != TSSymbolTypeRegular) continue;
    const std::string_view type = ts_language_symbol_name(out.grammar, id);
    out.identifier_symbols[symbol] =
        type.ends_with("identifier") || std::find(table.extra_identifier_types.begin(),
                                                  table.extra_identifier_types.end(), type) !=
                                            table.extra_identifier_types.end();
  }
  return out;
}

Result<const CompiledLanguage*> compiled(Language language) {
  static std::array<std::once_flag, kLanguageCount> once;
  static std::array<std::optional<Result<CompiledLanguage>>, kLanguageCount> cache;
  const auto index = static_cast<std::size_t>(language);
  std::call_once(once[index], [&] { cache[index].emplace(compile(language)); });
  const Result<CompiledLanguage>& entry = *cache[index];
  if (!entry.ok()) return entry.error();
  return &entry.value();
}

std::string_view node_type(TSNode node) { return ts_node_type(node); }

std::string_view node_text(TSNode node, std::string_view text) {
  const uint32_t start = ts_node_start_byte(node);
  const uint32_t end = ts_node_end_byte(node);
  return start <= end && end <= text.size() ? text.substr(start, end - start) : std::string_view();
}

TextRange node_range(TSNode node) {
  const TSPoint start = ts_node_start_point(node);
  const TSPoint end = ts_node_end_point(node);
  return TextRange{{start.row, start.column}, {end.row, end.column}, ts_node_start_byte(node), ts_node_end_byte(node)};
}

// One query match, before scopes are assigned.
struct Candidate {
  TSNode node{};   // what is defined; for a @scope, the scope
  TSNode name{};
  std::string qualifier;  // written-in scope: a C++ `A::B::` prefix or a Go receiver
  uint32_t pattern = 0;
  CaptureInfo info;
  bool is_scope = false;
  bool never_method = false;  // a C++ friend declaration names a free function
};

struct LiftedDeclarator {
  TSNode holder;
  bool declaration_only = false;
  bool is_friend = false;
};

// A C/C++ function_declarator names a function, but the definition is the function_definition
// or declaration around it (through pointer/reference declarators: `const T& f()`). Anything
// else holding one (a parameter, a typedef of a function type) is not a definition, and neither
// is a declaration inside a function body (a local prototype, or a variable that parses as one).
std::optional<LiftedDeclarator> lift_declarator(TSNode declarator) {
  TSNode parent = ts_node_parent(declarator);
  while (!ts_node_is_null(parent) &&
         (node_type(parent) == "pointer_declarator" || node_type(parent) == "reference_declarator" ||
          node_type(parent) == "parenthesized_declarator" || node_type(parent) == "attributed_declarator")) {
    parent = ts_node_parent(parent);
  }
  if (ts_node_is_null(parent)) return std::nullopt;
  LiftedDeclarator lifted{parent};
  const std::string_view holder_type = node_type(parent);
  if (holder_type == "declaration" || holder_type == "field_declaration") {
    lifted.declaration_only = true;
  } else if (holder_type != "function_definition") {
    return std::nullopt;
  }
  for (TSNode up = ts_node_parent(parent); !ts_node_is_null(up); up = ts_node_parent(up)) {
    if (node_type(up) == "compound_statement") return std::nullopt;
  }
  const TSNode outer = ts_node_parent(parent);
  if (!ts_node_is_null(outer) && node_type(outer) == "friend_declaration") lifted.is_friend = true;
  if (!ts_node_is_null(outer) && node_type(outer) == "template_declaration") lifted.holder = outer;
  return lifted;
}

// `seek::engine::Workspace::open`: the name node is the innermost `name`, the rest is scope.
void split_qualified_name(Candidate& candidate, std::string_view text) {
  TSNode inner = candidate.name;
  while (node_type(inner) == "qualified_identifier") {
    const TSNode next = ts_node_child_by_field_name(inner, "name", /*field_name_length=*/4);
    if (ts_node_is_null(next)) break;
    inner = next;
  }
  if (ts_node_eq(inner, candidate.name)) return;
  std::string_view scope = text.substr(ts_node_start_byte(candidate.name),
                                       ts_node_start_byte(inner) - ts_node_start_byte(candidate.name));
  while (!scope.empty() && (scope.back() == ':' || scope.back() == ' ')) scope.remove_suffix(1);
  while (scope.starts_with("::")) scope.remove_prefix(2);
  candidate.qualifier = std::string(scope);
  candidate.name = inner;
}

std::string clean_name(std::string_view name, bool is_scope) {
  // A TypeScript `declare module "x"` is named by a string.
  if (name.size() >= 2 && (name.front() == '"' || name.front() == '\'') && name.back() == name.front()) {
    name = name.substr(1, name.size() - 2);
  }
  // A Rust `impl<T> Stack<T>` scopes its methods under `Stack`.
  if (is_scope) name = name.substr(0, name.find('<'));
  return std::string(name);
}

bool scopes_methods(DefinitionKind kind) {
  return kind == DefinitionKind::kClass || kind == DefinitionKind::kStruct || kind == DefinitionKind::kEnum ||
         kind == DefinitionKind::kInterface || kind == DefinitionKind::kTrait;
}

bool looks_like_identifier(std::string_view text) {
  if (text.empty() || text.size() > kMaxIdentifierBytes) return false;
  const auto first = static_cast<unsigned char>(text.front());
  if (std::isdigit(first) || first == '-') return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return std::isalnum(byte) || byte == '_' || byte == '$' || byte == '-' || byte >= 0x80;
  });
}

std::vector<std::string> collect_identifiers(TSNode root, const CompiledLanguage& language, std::string_view text) {
  std::vector<std::string_view> found;
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  for (;;) {
    const TSNode node = ts_tree_cursor_current_node(&cursor);
    const TSSymbol symbol = ts_node_symbol(node);
    bool take = symbol < language.identifier_symbols.size() && language.identifier_symbols[symbol];
    if (take) {
      const std::string_view name = node_text(node, text);
      take = looks_like_identifier(name);
      if (take) found.push_back(name);
    }
    // A qualified name is not an identifier itself, so its parts are visited instead.
    if (!take && ts_tree_cursor_goto_first_child(&cursor)) continue;
    bool moved = false;
    while (!(moved = ts_tree_cursor_goto_next_sibling(&cursor))) {
      if (!ts_tree_cursor_goto_parent(&cursor)) break;
    }
    if (!moved) break;
  }
  ts_tree_cursor_delete(&cursor);
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return std::vector<std::string>(found.begin(), found.end());
}

std::vector<Candidate> run_query(TSQueryCursor* cursor, const CompiledLanguage& language, TSNode root,
                                 std::string_view text) {
  std::vector<Candidate> candidates;
  ts_query_cursor_exec(cursor, language.query.get(), root);
  TSQueryMatch match;
  while (ts_query_cursor_next_match(cursor, &match)) {
    Candidate candidate;
    candidate.pattern = match.pattern_index;
    bool has_node = false;
    for (uint16_t i = 0; i < match.capture_count; ++i) {
      const TSQueryCapture& capture = match.captures[i];
      const CaptureInfo& info = language.captures[capture.index];
      switch (info.role) {
        case CaptureRole::kDefinition: candidate.node = capture.node; candidate.info = info; has_node = true; break;
        case CaptureRole::kScope: candidate.node = capture.node; candidate.is_scope = true; has_node = true; break;
        case CaptureRole::kName: candidate.name = capture.node; break;
        case CaptureRole::kQualifier: candidate.qualifier = std::string(node_text(capture.node, text)); break;
      }
    }
    if (!has_node || ts_node_is_null(candidate.name)) continue;
    if (node_type(candidate.node) == "function_declarator") {
      const std::optional<LiftedDeclarator> lifted = lift_declarator(candidate.node);
      if (!lifted) continue;
      candidate.node = lifted->holder;
      candidate.info.declaration_only = lifted->declaration_only;
      candidate.never_method = lifted->is_friend;
    }
    split_qualified_name(candidate, text);
    candidates.push_back(std::move(candidate));
  }
  // Document order, outer before inner; the earliest pattern wins for the same definition.
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    const auto key = [](const Candidate& c) {
      return std::make_tuple(ts_node_start_byte(c.node), std::numeric_limits<uint32_t>::max() - ts_node_end_byte(c.node),
                             ts_node_start_byte(c.name), c.pattern);
    };
    return key(a) < key(b);
  });
  candidates.erase(std::unique(candidates.begin(), candidates.end(),
                               [](const Candidate& a, const Candidate& b) {
                                 return ts_node_eq(a.node, b.node) && ts_node_eq(a.name, b.name);
                               }),
                   candidates.end());
  return candidates;
}

// One pass in document order with a stack of the scopes that are still open.
std::vector<Definition> assign_scopes(const std::vector<Candidate>& candidates, const CompiledLanguage& language,
                                      std::string_view text) {
  struct OpenScope {
    uint32_t end_byte;
    std::string path;
    bool scopes_methods;
  };
  std::vector<OpenScope> open;
  std::vector<Definition> definitions;
  for (const Candidate& candidate : candidates) {
    const uint32_t end = ts_node_end_byte(candidate.node);
    // Proper nesting: an open scope that does not reach this candidate's end is over.
    while (!open.empty() && open.back().end_byte < end) open.pop_back();
    const bool inside_type = !open.empty() && open.back().scopes_methods;
    std::string container = open.empty() ? std::string() : open.back().path;
    if (!candidate.qualifier.empty()) {
      container += (container.empty() ? "" : std::string(language.separator)) + candidate.qualifier;
    }
    const std::string name = clean_name(node_text(candidate.name, text), candidate.is_scope);
    if (name.empty()) continue;
    open.push_back({end, container.empty() ? name : container + std::string(language.separator) + name,
                    candidate.is_scope || scopes_methods(candidate.info.kind)});
    if (candidate.is_scope) continue;

    Definition definition;
    definition.name = name;
    definition.kind = candidate.info.kind;
    definition.container = std::move(container);
    definition.range = node_range(candidate.node);
    definition.name_range = node_range(candidate.name);
    definition.declaration_only = candidate.info.declaration_only;
    if (definition.kind == DefinitionKind::kFunction && !candidate.never_method &&
        (inside_type || !candidate.qualifier.empty())) {
      definition.kind = DefinitionKind::kMethod;
    }
    definitions.push_back(std::move(definition));
  }
  return definitions;
}

}  // namespace

std::string_view to_string(DefinitionKind kind) {
  switch (kind) {
    case DefinitionKind::kFunction: return "function";
    case DefinitionKind::kMethod: return "method";
    case DefinitionKind::kClass: return "class";
    case DefinitionKind::kStruct: return "struct";
    case DefinitionKind::kEnum: return "enum";
    case DefinitionKind::kInterface: return "interface";
    case DefinitionKind::kTrait: return "trait";
    case DefinitionKind::kType: return "type";
    case DefinitionKind::kNamespace: return "namespace";
    case DefinitionKind::kModule: return "module";
    case DefinitionKind::kMacro: return "macro";
    case DefinitionKind::kConstant: return "constant";
    case DefinitionKind::kKey: return "key";
  }
  return "unknown";
}

struct SymbolExtractor::Impl {
  TSParser* parser = ts_parser_new();
  TSQueryCursor* cursor = ts_query_cursor_new();
  ~Impl() {
    ts_query_cursor_delete(cursor);
    ts_parser_delete(parser);
  }
};

SymbolExtractor::SymbolExtractor() : impl_(std::make_unique<Impl>()) {}
SymbolExtractor::~SymbolExtractor() = default;

Result<FileSymbols> SymbolExtractor::extract(Language language, std::string_view text) {
  SEEK_ASSIGN_OR_RETURN(const CompiledLanguage* compiled_language, compiled(language));
  if (text.size() > std::numeric_limits<uint32_t>::max()) {
    return make_error(ErrorCode::kResourceExhausted, "file too large to parse");
  }
  if (!ts_parser_set_language(impl_->parser, compiled_language->grammar)) {
    return make_error(ErrorCode::kUnsupported,
                      "the " + std::string(to_string(language)) + " grammar (ABI " +
                          std::to_string(ts_language_version(compiled_language->grammar)) +
                          ") does not match the tree-sitter runtime");
  }
  std::unique_ptr<TSTree, TreeDeleter> tree(
      ts_parser_parse_string(impl_->parser, nullptr, text.data(), static_cast<uint32_t>(text.size())));
  if (!tree) return make_error(ErrorCode::kInternal, "tree-sitter gave up parsing");
  const TSNode root = ts_tree_root_node(tree.get());

  FileSymbols symbols;
  symbols.language = language;
  symbols.definitions = assign_scopes(run_query(impl_->cursor, *compiled_language, root, text), *compiled_language, text);
  symbols.identifiers = collect_identifiers(root, *compiled_language, text);
  return symbols;
}

}  // namespace seek::tools
