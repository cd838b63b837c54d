# Axis 1.4 and what it needs, as Debian installs them (javax.activation left the JDK in 11).
AXIS_CLASSPATH=""
for jar in axis axis-jaxrpc axis-saaj commons-discovery commons-logging wsdl4j javax.activation javax.mail; do
  AXIS_CLASSPATH="$AXIS_CLASSPATH${AXIS_CLASSPATH:+:}/usr/share/java/$jar.jar"
done
