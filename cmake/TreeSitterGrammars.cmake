# TreeSitterGrammars.cmake: the tree-sitter runtime (Debian's libtree-sitter-dev, 0.20.7, which
# accepts grammar ABI 13-14) and one static C library per grammar, built from the ABI-14 npm
# packages pinned in package.json (node_modules/, installed by scripts/setup.sh). Everything
# comes together in the interface target seek_tree_sitter_grammars.

# No version check: Debian's tree-sitter.pc says "0.6.3" for 0.20.7.
pkg_check_modules(TREE_SITTER REQUIRED IMPORTED_TARGET tree-sitter)

set(SEEK_TREE_SITTER_NODE_MODULES "${PROJECT_SOURCE_DIR}/node_modules")

# seek_tree_sitter_grammar(<name> <src dir>): static library ts_grammar_<name> from parser.c and,
# when the grammar has one, scanner.c. The grammar's own src/ is a private include directory,
# because each grammar ships the tree_sitter/parser.h it was generated against. Third-party C:
# compiled as C11 without warnings (-w), never with our -Werror.
function(seek_tree_sitter_grammar name src_dir)
  if(NOT EXISTS "${src_dir}/parser.c")
    message(FATAL_ERROR "tree-sitter grammar '${name}': ${src_dir}/parser.c is missing; run scripts/setup.sh (npm ci)")
  endif()
  set(sources "${src_dir}/parser.c")
  if(EXISTS "${src_dir}/scanner.c")
    list(APPEND sources "${src_dir}/scanner.c")
  endif()
  add_library(ts_grammar_${name} STATIC ${sources})
  target_include_directories(ts_grammar_${name} PRIVATE "${src_dir}")
  set_target_properties(ts_grammar_${name} PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON)
  target_compile_options(ts_grammar_${name} PRIVATE -w)
  target_link_libraries(seek_tree_sitter_grammars INTERFACE ts_grammar_${name})
endfunction()

add_library(seek_tree_sitter_grammars INTERFACE)
target_link_libraries(seek_tree_sitter_grammars INTERFACE PkgConfig::TREE_SITTER)

# typescript/ and tsx/ keep their package layout: their scanner.c includes ../../common/scanner.h.
foreach(grammar IN ITEMS bash c cpp go java javascript json python rust)
  seek_tree_sitter_grammar(${grammar} "${SEEK_TREE_SITTER_NODE_MODULES}/tree-sitter-${grammar}/src")
endforeach()
seek_tree_sitter_grammar(typescript "${SEEK_TREE_SITTER_NODE_MODULES}/tree-sitter-typescript/typescript/src")
seek_tree_sitter_grammar(tsx "${SEEK_TREE_SITTER_NODE_MODULES}/tree-sitter-typescript/tsx/src")
