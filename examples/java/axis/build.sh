#!/usr/bin/env bash
# Generates the Axis 1.4 stub from a running server's WSDL with WSDL2Java (Debian: apt-get
# install libaxis-java libactivation-java) and compiles SendFax.java.
#   ./build.sh [WSDL_URL]    (default http://127.0.0.1:8080/dfs.asmx?WSDL; output in $OUT_DIR or build/)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
wsdl_url="${1:-http://127.0.0.1:8080/dfs.asmx?WSDL}"
out="${OUT_DIR:-$here/build}"
source "$here/classpath.sh"
mkdir -p "$out/classes"
java -cp "$AXIS_CLASSPATH" org.apache.axis.wsdl.WSDL2Java -o "$out/src" -p cc.interfax.axis "$wsdl_url"
javac -nowarn -d "$out/classes" -cp "$AXIS_CLASSPATH" $(find "$out/src" -name '*.java') "$here/SendFax.java"
echo "built $out/classes (run: ./run.sh ENDPOINT USERNAME PASSWORD FAXNUMBER FILE...)"
