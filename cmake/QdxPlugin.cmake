# qdx_add_plugin(<name> SOURCES <files...> [PLUGIN_SOURCES <files...>] [LIBRARIES <libs...>])
#
# Builds a format plugin `qdx_<name>` (a MODULE library the qdx command loads)
# from SOURCES (compiled once into a static library `qdx_<name>_impl` that
# tests and fuzzers can link directly) and PLUGIN_SOURCES (the file holding
# QDX_PLUGIN(...)). Symbols are hidden: plugins load RTLD_GLOBAL, and one
# plugin's helper must never replace another's.
function(qdx_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PLUGIN_SOURCES;LIBRARIES" ${ARGN})
  if(TARGET qdx::qdxcore)
    set(_core qdx::qdxcore)
  else()
    set(_core qdxcore)
  endif()
  add_library(qdx_${name}_impl STATIC ${ARG_SOURCES})
  set_target_properties(qdx_${name}_impl PROPERTIES POSITION_INDEPENDENT_CODE ON
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  target_include_directories(qdx_${name}_impl PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(qdx_${name}_impl PUBLIC ${_core} ${ARG_LIBRARIES})
  add_library(qdx_${name} MODULE ${ARG_PLUGIN_SOURCES})
  set_target_properties(qdx_${name} PROPERTIES PREFIX "" CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  target_link_libraries(qdx_${name} PRIVATE qdx_${name}_impl)
  if(DEFINED QDX_PLUGIN_INSTALL_DIR)
    set_target_properties(qdx_${name} PROPERTIES INSTALL_RPATH "$ORIGIN/../..")
    install(TARGETS qdx_${name} LIBRARY DESTINATION ${QDX_PLUGIN_INSTALL_DIR})
  endif()
endfunction()
