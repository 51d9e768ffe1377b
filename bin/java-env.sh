# shellcheck shell=bash
# Sourced by .ci/run and bin/* scripts: points JAVA_HOME at a JDK >= 21 when the default is older.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
}
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(java_major "$JAVA_HOME/bin/java")" -ge 21 ]; then
  :
elif command -v java >/dev/null 2>&1 && [ "$(java_major java)" -ge 21 ]; then
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
else
  while IFS= read -r candidate; do
    if [ -x "$candidate/bin/java" ] && [ "$(java_major "$candidate/bin/java")" -ge 21 ]; then
      JAVA_HOME="${candidate%/}"
      break
    fi
  done < <(printf '%s\n' /usr/lib/jvm/*/ /Library/Java/JavaVirtualMachines/*/Contents/Home/ | sort -rV)
fi
JAVA_MAJOR=""
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  JAVA_MAJOR="$(java_major "$JAVA_HOME/bin/java")"
fi
if [ "${JAVA_MAJOR:-0}" -lt 21 ]; then
  echo "error: a JDK 21 or newer is required; install one and set JAVA_HOME to it" >&2
  # shellcheck disable=SC2317 # exit only when run instead of sourced
  return 1 2>/dev/null || exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# Maven 3.9 still uses sun.misc.Unsafe (through Guice): on JDK 23+ allow it, instead of four
# warning lines at the start of every build.
if [ "$JAVA_MAJOR" -ge 23 ]; then
  case " ${MAVEN_OPTS:-} " in
    *" --sun-misc-unsafe-memory-access="*) ;;
    *) export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow" ;;
  esac
fi
