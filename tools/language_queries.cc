// Definition queries for each language the repository index reads (see language_queries.h).
// They are our own, shorter than the grammars' queries/tags.scm: definitions only, and no
// predicates, because the 0.20 C runtime leaves predicates to the caller. Some rules live in
// source_symbols.cc instead because a query cannot express them: a C/C++ function_declarator
// is lifted to its definition or declaration (and dropped inside function bodies), and a
// function whose innermost scope is a class/struct/trait/impl becomes a method.
#include "tools/language_queries.h"

#include <array>

extern "C" {
const TSLanguage* tree_sitter_bash(void);
const TSLanguage* tree_sitter_c(void);
const TSLanguage* tree_sitter_cpp(void);
const TSLanguage* tree_sitter_go(void);
const TSLanguage* tree_sitter_java(void);
const TSLanguage* tree_sitter_javascript(void);
const TSLanguage* tree_sitter_json(void);
const TSLanguage* tree_sitter_python(void);
const TSLanguage* tree_sitter_rust(void);
const TSLanguage* tree_sitter_tsx(void);
const TSLanguage* tree_sitter_typescript(void);
}

namespace seek::tools {
namespace {

constexpr std::string_view kBashDefinitions = R"(
(function_definition name: (word) @name) @definition.function
)";

// Shared by C and C++: the C++ grammar keeps C's node names for these.
constexpr std::string_view kCFamilyDefinitions = R"(
(struct_specifier name: (type_identifier) @name body: (_)) @definition.struct
(union_specifier name: (type_identifier) @name body: (_)) @definition.struct
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum
(type_definition declarator: (type_identifier) @name) @definition.type
(preproc_def name: (identifier) @name) @definition.macro
(preproc_function_def name: (identifier) @name) @definition.macro
)";

constexpr std::string_view kCDefinitions = R"(
(function_declarator declarator: (identifier) @name) @definition.function
)";

// A qualified name (`Workspace::open`, `struct Workspace::Git`) is split: the last part is the
// name, the rest joins the container.
constexpr std::string_view kCppDefinitions = R"(
(function_declarator
  declarator: [(identifier) (field_identifier) (operator_name) (destructor_name) (qualified_identifier)] @name)
  @definition.function
(class_specifier name: [(type_identifier) (qualified_identifier)] @name body: (_)) @definition.class
(struct_specifier name: (qualified_identifier) @name body: (_)) @definition.struct
(alias_declaration name: (type_identifier) @name) @definition.type
(concept_definition name: (identifier) @name) @definition.type
(namespace_definition name: [(namespace_identifier) (nested_namespace_specifier)] @name) @definition.namespace
)";

// Receiver patterns come first: for the same method the earliest pattern wins.
constexpr std::string_view kGoDefinitions = R"(
(function_declaration name: (identifier) @name) @definition.function
(method_declaration
  receiver: (parameter_list
    (parameter_declaration
      type: [(type_identifier) @qualifier
             (pointer_type (type_identifier) @qualifier)
             (generic_type type: (type_identifier) @qualifier)
             (pointer_type (generic_type type: (type_identifier) @qualifier))]))
  name: (field_identifier) @name) @definition.method
(method_declaration name: (field_identifier) @name) @definition.method
(type_spec name: (type_identifier) @name type: (struct_type)) @definition.struct
(type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface
(type_spec name: (type_identifier) @name) @definition.type
(type_alias name: (type_identifier) @name) @definition.type
(const_spec name: (identifier) @name) @definition.constant
)";

constexpr std::string_view kJavaDefinitions = R"(
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(annotation_type_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.method
)";

// Shared by JavaScript and TypeScript; names are `(_)` where JS has identifier and TS
// type_identifier. A function stored in a variable or a member counts as a function.
constexpr std::string_view kJsFamilyDefinitions = R"(
(class_declaration name: (_) @name) @definition.class
(class name: (_) @name) @definition.class
(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(method_definition name: [(property_identifier) (private_property_identifier)] @name) @definition.method
(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function
(assignment_expression
  left: (member_expression property: (property_identifier) @name)
  right: [(arrow_function) (function_expression)]) @definition.function
)";

constexpr std::string_view kTypeScriptDefinitions = R"(
(abstract_class_declaration name: (_) @name) @definition.class
(interface_declaration name: (_) @name) @definition.interface
(type_alias_declaration name: (_) @name) @definition.type
(enum_declaration name: (_) @name) @definition.enum
(internal_module name: (_) @name) @definition.namespace
(module name: (_) @name) @definition.module
(function_signature name: (_) @name) @declaration.function
(method_signature name: (_) @name) @declaration.method
(abstract_method_signature name: (_) @name) @declaration.method
)";

// Only the top level of a document: nested keys are data, not definitions.
constexpr std::string_view kJsonDefinitions = R"(
(document (object (pair key: (string (string_content) @name)) @definition.key))
)";

constexpr std::string_view kPythonDefinitions = R"(
(class_definition name: (identifier) @name) @definition.class
(function_definition name: (identifier) @name) @definition.function
)";

constexpr std::string_view kRustDefinitions = R"(
(struct_item name: (type_identifier) @name) @definition.struct
(union_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name) @definition.enum
(type_item name: (type_identifier) @name) @definition.type
(trait_item name: (type_identifier) @name) @definition.trait
(function_item name: (identifier) @name) @definition.function
(function_signature_item name: (identifier) @name) @declaration.function
(mod_item name: (identifier) @name) @definition.module
(macro_definition name: (identifier) @name) @definition.macro
(const_item name: (identifier) @name) @definition.constant
(static_item name: (identifier) @name) @definition.constant
(impl_item type: (_) @name) @scope
)";

// Bash names its variables and commands without an *identifier node.
constexpr std::array<std::string_view, 2> kBashIdentifierTypes{"variable_name", "command_name"};

}  // namespace

const LanguageQueries& language_queries(Language language) {
  static const LanguageQueries kBash{tree_sitter_bash, {}, kBashDefinitions, ".", kBashIdentifierTypes};
  static const LanguageQueries kC{tree_sitter_c, kCFamilyDefinitions, kCDefinitions, "::", {}};
  static const LanguageQueries kCpp{tree_sitter_cpp, kCFamilyDefinitions, kCppDefinitions, "::", {}};
  static const LanguageQueries kGo{tree_sitter_go, {}, kGoDefinitions, ".", {}};
  static const LanguageQueries kJava{tree_sitter_java, {}, kJavaDefinitions, ".", {}};
  static const LanguageQueries kJavaScript{tree_sitter_javascript, kJsFamilyDefinitions, {}, ".", {}};
  static const LanguageQueries kJson{tree_sitter_json, {}, kJsonDefinitions, ".", {}};
  static const LanguageQueries kPython{tree_sitter_python, {}, kPythonDefinitions, ".", {}};
  static const LanguageQueries kRust{tree_sitter_rust, {}, kRustDefinitions, "::", {}};
  static const LanguageQueries kTsx{tree_sitter_tsx, kJsFamilyDefinitions, kTypeScriptDefinitions, ".", {}};
  static const LanguageQueries kTypeScript{tree_sitter_typescript, kJsFamilyDefinitions, kTypeScriptDefinitions, ".", {}};
  switch (language) {
    case Language::kBash: return kBash;
    case Language::kC: return kC;
    case Language::kCpp: return kCpp;
    case Language::kGo: return kGo;
    case Language::kJava: return kJava;
    case Language::kJavaScript: return kJavaScript;
    case Language::kJson: return kJson;
    case Language::kPython: return kPython;
    case Language::kRust: return kRust;
    case Language::kTsx: return kTsx;
    case Language::kTypeScript: return kTypeScript;
  }
  return kCpp;
}

}  // namespace seek::tools
