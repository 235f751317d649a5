// What the repository index knows about one source file, and the tree-sitter parse that finds
// it: the definitions (functions, methods, classes, types, ...) with their ranges and enclosing
// scopes, and the set of identifiers the file uses. One SymbolExtractor per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "tools/source_files.h"

namespace seek::tools {

/// What a definition defines. Languages map onto these (a Rust trait is kTrait, a Go struct
/// type kStruct, a C union kStruct, a TypeScript `namespace` kNamespace).
enum class DefinitionKind {
  kFunction,
  kMethod,  ///< a function inside a class/struct/trait/impl, or a C++ `Class::name` definition
  kClass,
  kStruct,
  kEnum,
  kInterface,
  kTrait,
  kType,  ///< typedef, alias, or a named type that is none of the above
  kNamespace,
  kModule,
  kMacro,
  kConstant,
  kKey,  ///< a top-level key of a JSON document
};

/// A stable lower-case name ("method").
std::string_view to_string(DefinitionKind kind);

/// A position in a file: 0-based line, and 0-based column in bytes within that line.
struct TextPoint {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  friend bool operator==(const TextPoint&, const TextPoint&) = default;
};

/// A span of a file, as points and as byte offsets [start_byte, end_byte).
struct TextRange {
  TextPoint start;
  TextPoint end;
  std::uint32_t start_byte = 0;
  std::uint32_t end_byte = 0;
  friend bool operator==(const TextRange&, const TextRange&) = default;
};

/// One definition in a file.
struct Definition {
  std::string name;
  DefinitionKind kind = DefinitionKind::kFunction;
  /// The enclosing scopes, outermost first, joined with the language's separator ("::" for
  /// C++ and Rust, "." elsewhere): "seek::engine", "Outer.Inner". Empty at top level.
  std::string container;
  TextRange range;       ///< the whole definition
  TextRange name_range;  ///< just the name
  /// A declaration without a body: a C/C++ prototype or in-class method declaration, a Rust
  /// trait method signature, a TypeScript signature.
  bool declaration_only = false;
  friend bool operator==(const Definition&, const Definition&) = default;
};

/// Everything extracted from one file.
struct FileSymbols {
  Language language = Language::kCpp;
  std::vector<Definition> definitions;   ///< in document order
  std::vector<std::string> identifiers;  ///< sorted, unique
};

/// Parses files with tree-sitter and runs the language's definition query. Holds a parser and
/// a query cursor, so it is cheap to reuse and must not be shared between threads.
class SymbolExtractor {
 public:
  /// A parser with no language yet; extract() sets one per call.
  SymbolExtractor();
  ~SymbolExtractor();
  SymbolExtractor(const SymbolExtractor&) = delete;
  SymbolExtractor& operator=(const SymbolExtractor&) = delete;

  /// Parses `text` as `language`. Syntax errors are not failures (tree-sitter recovers); an
  /// error means the grammar or its query could not be loaded, or the parser gave up.
  Result<FileSymbols> extract(Language language, std::string_view text);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace seek::tools
