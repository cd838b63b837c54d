#!/usr/bin/env bash
# Runs SendFax on the JAX-WS RI runtime (jaxws-rt.jar names the rest in its manifest).
here="$(cd "$(dirname "$0")" && pwd)"
out="${OUT_DIR:-$here/build}"
exec java -cp "$out/classes:/usr/share/java/jaxws-rt.jar" SendFax "$@"
