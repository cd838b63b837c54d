#!/usr/bin/env bash
# Generates JAX-WS classes from a running server's WSDL with wsimport (Debian: apt-get install
# jaxws; JDK 11+ has no wsimport of its own) and compiles SendFax.java.
#   ./build.sh [WSDL_URL]    (default http://127.0.0.1:8080/dfs.asmx?WSDL; output in $OUT_DIR or build/)
# The WSDL imports the SOAP-encoding schema by namespace only (as InterFAX's did); wsimport
# cannot resolve that by itself, so ../../soap-encoding.xsd is passed as an additional schema.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
wsdl_url="${1:-http://127.0.0.1:8080/dfs.asmx?WSDL}"
out="${OUT_DIR:-$here/build}"
mkdir -p "$out/src" "$out/classes"
wsimport -quiet -keep -Xnocompile -s "$out/src" -d "$out/classes" -p cc.interfax.jaxws \
  -b "$here/../../soap-encoding.xsd" "$wsdl_url"
javac -nowarn -d "$out/classes" -cp /usr/share/java/jaxws-rt.jar \
  $(find "$out/src" -name '*.java') "$here/SendFax.java"
echo "built $out/classes (run: ./run.sh ENDPOINT USERNAME PASSWORD FAXNUMBER FILE...)"
