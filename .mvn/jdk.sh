# Sourced by ./mvnw, ./gridshare and .ci/run: make JAVA_HOME point at a JDK >= 21.
# Order: JAVA_HOME if it is new enough, then `java` on the PATH, then JDKs under /usr/lib/jvm (newest first).
gridshare_java_major() { # $1 = java executable; prints its feature version
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1 | cut -d. -f1
}
gridshare_select_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java 2>/dev/null)" $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV); do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    major=$(gridshare_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      candidate=$(readlink -f "$candidate")
      export JAVA_HOME="${candidate%/bin/java}"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "gridshare: no JDK 21 or newer found (looked at JAVA_HOME, PATH and /usr/lib/jvm); install one and set JAVA_HOME" >&2
  return 1
}
