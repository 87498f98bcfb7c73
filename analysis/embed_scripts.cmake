# Turn each gnuplot script into a C string constant: plot_script_<name>.
# SCRIPTS is comma-separated (see analysis/CMakeLists.txt).
string(REPLACE "," ";" SCRIPTS "${SCRIPTS}")
set(body "/* Generated from analysis/plots by embed_scripts.cmake. */\n")
foreach(script ${SCRIPTS})
  file(READ ${DIR}/${script} text)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  string(REPLACE "\n" "\\n\"\n\"" text "${text}")
  string(REGEX REPLACE "\\.gp$" "" name ${script})
  string(APPEND body "static const char plot_script_${name}[] =\n\"${text}\";\n")
endforeach()
file(WRITE ${OUT} "${body}")
