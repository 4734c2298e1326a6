# Shared build settings: warnings as errors, sanitizers, and the helpers that declare
# one library per folder and one test executable per test file.

set(PHONERIG_WARNINGS -Wall -Wextra -Wpedantic -Werror)

# A fuzz build instruments every library for coverage and ASan/UBSan, not only the
# fuzz entry points: libFuzzer is blind to parser code built without -fsanitize=fuzzer-no-link.
if(PHONERIG_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "PHONERIG_FUZZ needs clang: CC=clang CXX=clang++ cmake ...")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(PHONERIG_SANITIZE)
  add_compile_options(-fsanitize=${PHONERIG_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${PHONERIG_SANITIZE})
endif()

# phonerig_library(NAME SOURCES... [DEPS...]) via arguments:
#   phonerig_library(wire SOURCES a.cpp b.cpp PUBLIC_DEPS x PRIVATE_DEPS y)
function(phonerig_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(phonerig_${name} STATIC ${ARG_SOURCES})
  add_library(phonerig::${name} ALIAS phonerig_${name})
  target_include_directories(phonerig_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(phonerig_${name} PRIVATE ${PHONERIG_WARNINGS})
  target_link_libraries(phonerig_${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  # Tests link every library through one target, so a new library needs no test edits.
  target_link_libraries(phonerig_all_libraries INTERFACE phonerig_${name})
endfunction()

# net-snmp ships net-snmp-config rather than a CMake package.
function(phonerig_find_netsnmp)
  find_program(NETSNMP_CONFIG net-snmp-config REQUIRED)
  execute_process(COMMAND ${NETSNMP_CONFIG} --netsnmp-libs OUTPUT_VARIABLE libs
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  execute_process(COMMAND ${NETSNMP_CONFIG} --agent-libs OUTPUT_VARIABLE agent_libs
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  separate_arguments(libs UNIX_COMMAND "${libs}")
  separate_arguments(agent_libs UNIX_COMMAND "${agent_libs}")
  add_library(netsnmp::client INTERFACE IMPORTED GLOBAL)
  target_link_libraries(netsnmp::client INTERFACE ${libs})
  add_library(netsnmp::agent INTERFACE IMPORTED GLOBAL)
  target_link_libraries(netsnmp::agent INTERFACE ${agent_libs})
endfunction()
