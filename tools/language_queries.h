// The per-language table of the repository index: each language's tree-sitter grammar, its
// definition query (compiled-in source; node_modules is read at build time only), its scope
// separator, and the node types that count as identifiers beyond the `*identifier` ones.
// Internal to tools/: only source_symbols.cc uses it.
#pragma once

#include <span>
#include <string_view>

#include "tools/source_files.h"

struct TSLanguage;

namespace seek::tools {

/// Capture names in a definition query:
///   @definition.<kind> / @declaration.<kind>  the defining node (kind as in to_string(DefinitionKind))
///   @name        the defined name
///   @scope       a node that encloses definitions without being one (a Rust `impl`), named by @name
///   @qualifier   an extra enclosing scope written in the definition (a Go method's receiver type)
/// The query is `family_definitions` (shared by C/C++, or by JavaScript/TypeScript/TSX) followed
/// by `definitions`.
struct LanguageQueries {
  const TSLanguage* (*grammar)();
  std::string_view family_definitions;
  std::string_view definitions;
  std::string_view scope_separator;
  std::span<const std::string_view> extra_identifier_types;
};

/// The table row for `language`.
const LanguageQueries& language_queries(Language language);

}  // namespace seek::tools
