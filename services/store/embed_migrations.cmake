# Writes a C++ source that holds every services/store/migrations/NNNN_*.sql, so the binary
# carries its schema and cannot run against a different set of files.
#   cmake -DMIGRATIONS_DIR=... -DOUT=... -P embed_migrations.cmake
file(GLOB files ${MIGRATIONS_DIR}/*.sql)
list(SORT files)
set(body "")
foreach(f IN LISTS files)
  get_filename_component(name ${f} NAME)
  if(NOT name MATCHES "^([0-9]+)_[a-z0-9_]+\\.sql$")
    message(FATAL_ERROR "migration file ${name} must be named NNNN_snake_case.sql")
  endif()
  math(EXPR version "${CMAKE_MATCH_1}")
  file(READ ${f} sql)
  if(sql MATCHES "\\)moodtape_sql\"")
    message(FATAL_ERROR "${name} contains the raw-string delimiter")
  endif()
  string(APPEND body "      {${version}, \"${name}\", R\"moodtape_sql(${sql})moodtape_sql\"},\n")
endforeach()
file(WRITE ${OUT}.tmp "// Generated from services/store/migrations by embed_migrations.cmake. Do not edit.
#include \"services/store/core/migrations.h\"

namespace moodtape::store {

const std::vector<Migration>& EmbeddedMigrations() {
  static const std::vector<Migration> kMigrations = {
${body}  };
  return kMigrations;
}

}  // namespace moodtape::store
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
