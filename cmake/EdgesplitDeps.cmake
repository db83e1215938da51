# Every third-party dependency comes from Debian 12. SimGrid ships only simgrid.pc, so it is found with pkg-config.
find_package(PkgConfig REQUIRED)
pkg_check_modules(SIMGRID REQUIRED IMPORTED_TARGET simgrid>=3.32)
find_package(fmt REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(nlohmann_json 3 REQUIRED)
find_package(Threads REQUIRED)

# Optional kernel backends: each is built where Debian's package is installed, and says so when absent.
find_package(OpenBLAS QUIET)
# Debian's dnnl-config.cmake insists on OpenCL headers, so oneDNN is found by header and library instead.
find_library(DNNL_LIBRARY NAMES dnnl)
find_path(DNNL_INCLUDE_DIR oneapi/dnnl/dnnl.hpp)
find_library(XNNPACK_LIBRARY NAMES XNNPACK xnnpack)
find_path(XNNPACK_INCLUDE_DIR xnnpack.h)
