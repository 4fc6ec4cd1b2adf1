# moodtape_test(NAME LABEL SOURCES... [LIBS ...]) — one GoogleTest binary, registered with CTest
# under the given label (unit, integration or e2e) so `ctest -L unit` runs just that layer.
function(moodtape_test name label)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  # Tests find the source and build trees through tests/support (compiled-in defaults).
  gtest_discover_tests(${name}
    PROPERTIES LABELS ${label}
    DISCOVERY_TIMEOUT 30)
endfunction()
