# One interface target carries the project's warnings and sanitizer flags; every target links it.
add_library(edgesplit_options INTERFACE)
target_compile_options(edgesplit_options INTERFACE -Wall -Wextra -Wpedantic -Werror)
target_include_directories(edgesplit_options INTERFACE ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/generated)
if(EDGESPLIT_SANITIZE)
  target_compile_options(edgesplit_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                     -fno-sanitize-recover=undefined)
  target_link_options(edgesplit_options INTERFACE -fsanitize=address,undefined)
  target_compile_definitions(edgesplit_options INTERFACE EDGESPLIT_SANITIZE=1)
endif()
