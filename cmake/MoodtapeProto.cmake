# Generates C++ (messages + gRPC stubs) for .proto files under proto/ into the build tree.
# Generated code is never committed: it is rebuilt from the protos every time they change.
set(MOODTAPE_PROTO_ROOT ${CMAKE_SOURCE_DIR}/proto)
set(MOODTAPE_GEN_DIR ${CMAKE_BINARY_DIR}/gen)
file(MAKE_DIRECTORY ${MOODTAPE_GEN_DIR})

function(moodtape_proto_library target)
  set(srcs)
  set(hdrs)
  foreach(proto IN LISTS ARGN)
    file(RELATIVE_PATH rel ${MOODTAPE_PROTO_ROOT} ${CMAKE_CURRENT_SOURCE_DIR}/${proto})
    string(REGEX REPLACE "\\.proto$" "" base ${rel})
    set(out_srcs ${MOODTAPE_GEN_DIR}/${base}.pb.cc ${MOODTAPE_GEN_DIR}/${base}.grpc.pb.cc)
    set(out_hdrs ${MOODTAPE_GEN_DIR}/${base}.pb.h ${MOODTAPE_GEN_DIR}/${base}.grpc.pb.h)
    add_custom_command(
      OUTPUT ${out_srcs} ${out_hdrs}
      COMMAND protobuf::protoc
        --proto_path=${MOODTAPE_PROTO_ROOT}
        --cpp_out=${MOODTAPE_GEN_DIR}
        --grpc_out=${MOODTAPE_GEN_DIR}
        --plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>
        ${MOODTAPE_PROTO_ROOT}/${rel}
      DEPENDS ${MOODTAPE_PROTO_ROOT}/${rel} protobuf::protoc gRPC::grpc_cpp_plugin
      COMMENT "protoc ${rel}"
      VERBATIM)
    list(APPEND srcs ${out_srcs})
    list(APPEND hdrs ${out_hdrs})
  endforeach()
  add_library(${target} STATIC ${srcs} ${hdrs})
  target_include_directories(${target} PUBLIC ${MOODTAPE_GEN_DIR})
  target_link_libraries(${target} PUBLIC protobuf::libprotobuf gRPC::grpc++)
  # Generated code is not ours to fix; keep our warning flags off it.
  target_compile_options(${target} PRIVATE -w)
endfunction()
