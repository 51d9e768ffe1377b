# shellcheck shell=bash
# Sourced by .ci/run and bin/* scripts: points JAVA_HOME at a JDK >= 21 when the default is older.
# The major version comes from the runtime's `release` file (no JVM started: a launcher that
# started one to check the version paid ~0.1 s per check); a runtime without it is asked.
java_major() {
  local java="$1" line major=""
  if [[ "$java" != */* ]]; then
    java="$(command -v "$java")" || return 0
  fi
  if [ -L "$java" ]; then
    java="$(readlink -f "$java")"
  fi
  if [ -f "${java%/bin/*}/release" ]; then
    while IFS= read -r line; do
      if [[ "$line" =~ ^JAVA_VERSION=\"1\.([0-9]+) ]]; then # 1.8.0_x
        major="${BASH_REMATCH[1]}"
      elif [[ "$line" =~ ^JAVA_VERSION=\"([0-9]+) ]]; then
        major="${BASH_REMATCH[1]}"
      fi
    done <"${java%/bin/*}/release"
  fi
  if [ -z "$major" ]; then
    major="$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')"
  fi
  printf '%s\n' "$major"
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
