# cmake -DIN=<file> -DOUT=<file.cpp> -DSYMBOL=<name> -P EmbedFile.cmake
# Writes a C++ file defining qdx::detail::<SYMBOL> (bytes) and <SYMBOL>Size.
# A missing IN gives an empty array (the user of the symbol reports it).
if(EXISTS "${IN}")
  file(READ "${IN}" _hex HEX)
  string(LENGTH "${_hex}" _len)
  math(EXPR _size "${_len} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
  string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n" _bytes "${_bytes}")
else()
  set(_size 0)
  set(_bytes "")
endif()
file(WRITE "${OUT}.tmp" "// Generated from ${IN} by cmake/EmbedFile.cmake. Do not edit.\n#include <cstddef>\nnamespace qdx::detail {\nextern const unsigned char ${SYMBOL}[] = {\n${_bytes}0};\nextern const std::size_t ${SYMBOL}Size = ${_size};\n}\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
file(REMOVE "${OUT}.tmp")
