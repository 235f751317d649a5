# Compiler cache: ccache for C, C++ and CUDA when it is installed (SEEK_CCACHE=ON by default).
# CI builds a fresh clone in another folder, so ccache must hash paths relative to the source
# root: the launcher sets CCACHE_BASEDIR to this tree and CCACHE_NOHASHDIR=1 for every
# compile, whichever way the build is started (scripts/, an IDE, plain cmake --build).
option(SEEK_CCACHE "Use ccache when it is found" ON)
if(SEEK_CCACHE)
  find_program(SEEK_CCACHE_PROGRAM ccache)
  if(SEEK_CCACHE_PROGRAM)
    set(_seek_launcher
      "${CMAKE_COMMAND}" -E env
      "CCACHE_BASEDIR=${CMAKE_SOURCE_DIR}"
      "CCACHE_NOHASHDIR=1"
      "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime"
      "${SEEK_CCACHE_PROGRAM}")
    set(CMAKE_C_COMPILER_LAUNCHER "${_seek_launcher}")
    set(CMAKE_CXX_COMPILER_LAUNCHER "${_seek_launcher}")
    set(CMAKE_CUDA_COMPILER_LAUNCHER "${_seek_launcher}")
    message(STATUS "seek: ccache ${SEEK_CCACHE_PROGRAM} (base dir ${CMAKE_SOURCE_DIR})")
  else()
    message(STATUS "seek: ccache not found; building without a compiler cache")
  endif()
endif()
