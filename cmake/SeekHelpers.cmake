# seek_cc_library / seek_cc_test: the two ways a target is declared (abseil style).
#
#   seek_cc_library(<name> SRCS ... [CUDA_SRCS ...] [DEPS <ours>...] [LINK <third-party>...])
#     -> static library seek_<name>, alias seek::<name>. CUDA_SRCS compile only when CUDA is on.
#   seek_cc_test(<name> SRCS ... [DEPS ...] [LINK ...] [LABELS ...])
#     -> a GoogleTest executable, each TEST registered with ctest (labels e.g. "gpu").
#
# DEPS are our own libraries, by short name. The layering rule of the design is enforced here:
# a dependency that points the wrong way is a configure error, not a review comment.
#   engine_text, sandbox -> (nothing of ours);  engine, engine_remote -> engine_text;
#   tools -> sandbox;  agent -> engine*, tools, sandbox;  lsp -> agent;  daemon -> everything.
#   base (header-only) is usable everywhere. engine* reaches nothing outside engine/.

set(_seek_allowed_engine_text "")
set(_seek_allowed_engine "engine_text")
set(_seek_allowed_engine_remote "engine_text")
set(_seek_allowed_sandbox "")
set(_seek_allowed_tools "sandbox")
set(_seek_allowed_agent "engine;engine_remote;engine_text;sandbox;tools")
set(_seek_allowed_lsp "agent")
set(_seek_allowed_daemon "agent;engine;engine_remote;engine_text;lsp;sandbox;tools")

# seek_forbid_includes(<folder> <regex>...): a configure error when a source file under
# <folder> (relative to the source root) #includes a quoted path matching one of the regexes.
# DEPS keep libraries apart; this keeps the folders inside one library apart too.
function(seek_forbid_includes folder)
  file(GLOB_RECURSE files "${PROJECT_SOURCE_DIR}/${folder}/*.h" "${PROJECT_SOURCE_DIR}/${folder}/*.cc"
       "${PROJECT_SOURCE_DIR}/${folder}/*.cu")
  foreach(file IN LISTS files)
    file(STRINGS "${file}" includes REGEX "^#include \"")
    foreach(line IN LISTS includes)
      foreach(pattern IN LISTS ARGN)
        if(line MATCHES "^#include \"${pattern}")
          file(RELATIVE_PATH shown "${PROJECT_SOURCE_DIR}" "${file}")
          message(FATAL_ERROR "${shown}: '${line}' reaches past its layer (${folder} may not include ${pattern})")
        endif()
      endforeach()
    endforeach()
  endforeach()
endfunction()

# SEEK_SANITIZE=address,undefined (for example) instruments our targets for a test run.
set(SEEK_SANITIZE "" CACHE STRING "Sanitizers for our targets, e.g. address,undefined (empty: none)")

# Our code builds with warnings as errors; third-party headers come in as system includes.
function(_seek_warnings target)
  if(SEEK_SANITIZE)
    target_compile_options(${target} PRIVATE
      $<$<COMPILE_LANGUAGE:CXX>:-fsanitize=${SEEK_SANITIZE} -fno-omit-frame-pointer>)
    target_link_options(${target} PUBLIC -fsanitize=${SEEK_SANITIZE})
  endif()
  # GCC 12 at -O3 reports -Wrestrict falsely inside std::string concatenation (GCC bug
  # 105329), so that one warning is off there.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Wno-restrict>)
  endif()
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wshadow=local -Wnon-virtual-dtor -Wno-missing-field-initializers -Werror>
    $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall,-Wextra --Werror=all-warnings>)
endfunction()

function(seek_cc_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;CUDA_SRCS;DEPS;LINK" ${ARGN})
  if(NOT DEFINED _seek_allowed_${name})
    message(FATAL_ERROR "seek_cc_library(${name}): unknown library; add it to the layering table in SeekHelpers.cmake")
  endif()
  foreach(dep IN LISTS ARG_DEPS)
    if(NOT dep IN_LIST _seek_allowed_${name})
      message(FATAL_ERROR "seek_cc_library(${name}): may not depend on '${dep}' (allowed: ${_seek_allowed_${name}})")
    endif()
  endforeach()
  set(srcs ${ARG_SRCS})
  if(SEEK_HAVE_CUDA)
    list(APPEND srcs ${ARG_CUDA_SRCS})
  endif()
  add_library(seek_${name} STATIC ${srcs})
  add_library(seek::${name} ALIAS seek_${name})
  _seek_warnings(seek_${name})
  set(deps seek::base)
  foreach(dep IN LISTS ARG_DEPS)
    list(APPEND deps seek::${dep})
  endforeach()
  target_link_libraries(seek_${name} PUBLIC ${deps} ${ARG_LINK})
  if(SEEK_HAVE_CUDA)
    target_compile_definitions(seek_${name} PUBLIC SEEK_HAVE_CUDA=1)
  endif()
endfunction()

function(seek_cc_test name)
  if(NOT SEEK_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS;LINK;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  _seek_warnings(${name})
  set(deps seek::base seek_test_support GTest::gtest_main GTest::gmock)
  foreach(dep IN LISTS ARG_DEPS)
    list(APPEND deps seek::${dep})
  endforeach()
  target_link_libraries(${name} PRIVATE ${deps} ${ARG_LINK})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/tests")
  set(labels ${ARG_LABELS})
  if(NOT labels)
    set(labels cpu)
  endif()
  # Tests never write the user's caches (the persistent KV store lives under XDG_CACHE_HOME).
  gtest_discover_tests(${name}
    DISCOVERY_MODE PRE_TEST
    DISCOVERY_TIMEOUT 30
    PROPERTIES LABELS "${labels}" ENVIRONMENT "XDG_CACHE_HOME=${CMAKE_BINARY_DIR}/test-cache")
endfunction()

# seek_node_test(name script): a Node test script (real LSP clients, scripted servers) run
# with the seek binary as its argument; labelled node, skipped with SEEK_BUILD_TESTS=OFF.
function(seek_node_test name script)
  if(NOT SEEK_BUILD_TESTS)
    return()
  endif()
  find_program(SEEK_NODE node REQUIRED)
  add_test(NAME ${name} COMMAND "${SEEK_NODE}" "${script}" "$<TARGET_FILE:seek>")
  set_tests_properties(${name} PROPERTIES LABELS "cpu;node" TIMEOUT 300
    ENVIRONMENT "XDG_CACHE_HOME=${CMAKE_BINARY_DIR}/test-cache")
endfunction()
