#!/usr/bin/env bash
# Generates the ASMX proxy (SoapHttpClientProtocol) from a running server's WSDL with mono's
# `wsdl` tool and compiles SendFax.exe with mcs (Debian: apt-get install mono-devel).
#   ./build.sh [WSDL_URL]    (default http://127.0.0.1:8080/dfs.asmx?WSDL; output in $OUT_DIR or build/)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
wsdl_url="${1:-http://127.0.0.1:8080/dfs.asmx?WSDL}"
out="${OUT_DIR:-$here/build}"
mkdir -p "$out"
wsdl -nologo -namespace:InterFaxProxy -out:"$out/InterFax.cs" "$wsdl_url"
mcs -nologo -target:exe -out:"$out/SendFax.exe" -r:System.Web.Services.dll -r:System.Xml.dll \
  "$out/InterFax.cs" "$here/SendFax.cs"
echo "built $out/SendFax.exe (run: mono $out/SendFax.exe ENDPOINT USERNAME PASSWORD FAXNUMBER FILE...)"
