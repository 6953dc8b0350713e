# Fails when a source file includes a project header from a layer it may not use. Run as
#   cmake -DSOURCE_DIR=<repo> -P cmake/check_layers.cmake
# Each entry: a folder, then the folders its files may include from (besides itself).
cmake_policy(SET CMP0007 NEW)
set(layers
  "sim/base:"
  "sim/program:sim/base"
  "noc:sim/base"
  "core:sim/base,sim/program"
  "packet_manager:sim/base,sim/program,core"
)
set(violations "")
foreach(entry ${layers})
  string(REGEX REPLACE ":.*" "" layer "${entry}")
  string(REGEX REPLACE "^[^:]*:" "" deps "${entry}")
  string(REPLACE "," ";" deps "${deps}")
  set(allowed ${layer} ${deps})
  file(GLOB_RECURSE files ${SOURCE_DIR}/${layer}/*.h ${SOURCE_DIR}/${layer}/*.cpp)
  foreach(f ${files})
    file(STRINGS ${f} includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
    foreach(line ${includes})
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*" "\\1" header "${line}")
      set(ok FALSE)
      foreach(a ${allowed})
        string(LENGTH "${a}/" alen)
        string(SUBSTRING "${header}" 0 ${alen} prefix)
        if(prefix STREQUAL "${a}/")
          set(ok TRUE)
        endif()
      endforeach()
      if(NOT ok)
        file(RELATIVE_PATH rel ${SOURCE_DIR} ${f})
        string(APPEND violations "  ${rel} includes \"${header}\" (allowed: ${allowed})\n")
      endif()
    endforeach()
  endforeach()
endforeach()
if(violations)
  message(FATAL_ERROR "Layering: a lower layer includes a higher one:\n${violations}")
endif()
