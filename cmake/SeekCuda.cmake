# CUDA is optional: SEEK_CUDA=AUTO (default) builds the CUDA kernels when nvcc is found
# (on PATH or at /usr/local/cuda/bin/nvcc), ON requires it, OFF skips it. The CPU path is
# always built, and a CUDA build still runs on a machine without a GPU (the device query
# fails cleanly and the engine stays on the CPU). Sets SEEK_HAVE_CUDA.
set(SEEK_CUDA AUTO CACHE STRING "Build the CUDA kernels: AUTO, ON or OFF")
set_property(CACHE SEEK_CUDA PROPERTY STRINGS AUTO ON OFF)

set(SEEK_HAVE_CUDA OFF)
if(NOT SEEK_CUDA STREQUAL "OFF")
  if(NOT CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX} AND EXISTS "/usr/local/cuda/bin/nvcc")
    find_program(_seek_nvcc_on_path nvcc)
    if(NOT _seek_nvcc_on_path)
      set(CMAKE_CUDA_COMPILER "/usr/local/cuda/bin/nvcc")
    endif()
  endif()
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    # Ampere and Hopper (sm_90a for wgmma). CUDA 13 rejects sm_70 and older. No "native":
    # the build machines have no GPU.
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES "80;90a")
    endif()
    enable_language(CUDA)
    # CMake 3.25 stops nvcc's known dialects at C++17, but nvcc 12+ accepts -std=c++20 and
    # our headers need it: teach CMake the flag, then ask for CUDA 20 like any dialect.
    if(NOT "cuda_std_20" IN_LIST CMAKE_CUDA_COMPILE_FEATURES)
      set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
      set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
      set(CMAKE_CUDA20_COMPILE_FEATURES cuda_std_20)
      list(APPEND CMAKE_CUDA_COMPILE_FEATURES cuda_std_20)
    endif()
    set(CMAKE_CUDA_STANDARD 20)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    find_package(CUDAToolkit REQUIRED)
    set(SEEK_HAVE_CUDA ON)
    message(STATUS "seek: CUDA ${CUDAToolkit_VERSION}, architectures ${CMAKE_CUDA_ARCHITECTURES}")
  elseif(SEEK_CUDA STREQUAL "ON")
    message(FATAL_ERROR "seek: SEEK_CUDA=ON but no CUDA compiler was found")
  else()
    message(STATUS "seek: no CUDA compiler found; building the CPU path only")
  endif()
else()
  message(STATUS "seek: SEEK_CUDA=OFF; building the CPU path only")
endif()
