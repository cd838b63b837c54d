#!/usr/bin/env bash
# Runs SendFax on Axis 1.4.
here="$(cd "$(dirname "$0")" && pwd)"
out="${OUT_DIR:-$here/build}"
source "$here/classpath.sh"
exec java -cp "$out/classes:$AXIS_CLASSPATH" SendFax "$@"
