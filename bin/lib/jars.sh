# shellcheck shell=bash
# Sourced by bin/* scripts (after java-env.sh, with ROOT set to the repository root). Builds a
# module's runnable jar when it is missing or older than the sources it is built from, so that a
# fresh clone works and an edited tree never runs a stale jar:
#
#   JAR="$(ensure_jar agent 'casare-agent-*-all.jar' -pl agent -am)" || exit
#
# Arguments: the module folder, the jar's file name pattern under <module>/target/, then the Maven
# arguments selecting what to build. The jar's path goes to stdout; progress lines and Maven's
# output go to stderr. REBUILD=1 forces a build. Sources are the module's src/main and pom.xml, the
# same for every sibling module it names as a dependency (transitively), folders its pom pulls in
# with ${project.basedir}/../, and the root pom.xml.

# The newest jar matching the pattern, or nothing.
newest_jar() {
  local module="$1" pattern="$2" jar newest=""
  for jar in "$ROOT/$module/target/"$pattern; do
    if [ -f "$jar" ] && { [ -z "$newest" ] || [ "$jar" -nt "$newest" ]; }; then
      newest="$jar"
    fi
  done
  printf '%s' "$newest"
}

# The module's artifactId: the first <artifactId> after its <parent> block. Pure bash (no
# process started): the launchers run this before every start.
module_artifact_id() {
  local line after=""
  while IFS= read -r line; do
    if [[ "$line" == *"</parent>"* ]]; then
      after=1
    elif [ -n "$after" ] && [[ "$line" =~ \<artifactId\>([^<]*)\</artifactId\> ]]; then
      printf '%s\n' "${BASH_REMATCH[1]}"
      return
    fi
  done <"$ROOT/$1/pom.xml"
}

# Files and folders the module's jar is built from, one per line (see the header).
jar_inputs() {
  local module="$1" seen=" " queue sibling line pom modules=() ids=()
  while IFS= read -r line; do
    if [[ "$line" =~ \<module\>([^<]*)\</module\> ]] && [ -f "$ROOT/${BASH_REMATCH[1]}/pom.xml" ]; then
      modules+=("${BASH_REMATCH[1]}")
      ids+=("$(module_artifact_id "${BASH_REMATCH[1]}")")
    fi
  done <"$ROOT/pom.xml"
  queue=("$module")
  echo "$ROOT/pom.xml"
  while [ "${#queue[@]}" -gt 0 ]; do
    module="${queue[0]}"
    queue=("${queue[@]:1}")
    case "$seen" in *" $module "*) continue ;; esac
    seen="$seen$module "
    echo "$ROOT/$module/pom.xml"
    echo "$ROOT/$module/src/main"
    pom="$(<"$ROOT/$module/pom.xml")"
    while IFS= read -r line; do
      # shellcheck disable=SC2016 # a Maven property, not a shell expansion
      if [[ "$line" =~ '${project.basedir}/../'([^<]*)\< ]] && [[ "${BASH_REMATCH[1]}" != *target* ]]; then
        echo "$ROOT/${BASH_REMATCH[1]}"
      fi
    done <<<"$pom"
    for sibling in "${!modules[@]}"; do
      if [ "${modules[$sibling]}" != "$module" ] &&
        [[ "$pom" == *"<artifactId>${ids[$sibling]}</artifactId>"* ]]; then
        queue+=("${modules[$sibling]}")
      fi
    done
  done
}

# The first source file newer than the jar, or nothing when the jar is up to date (one `find`).
newer_source() {
  local module="$1" jar="$2" input inputs=()
  while IFS= read -r input; do
    if [ -e "$input" ]; then
      inputs+=("$input")
    fi
  done < <(jar_inputs "$module")
  find "${inputs[@]}" -type f -newer "$jar" -print -quit
}

# Call it as JAR="$(ensure_jar ...)": the build lock is held by that subshell only.
ensure_jar() {
  local module="$1" pattern="$2" jar newer reason lock_fd="" started build_start
  shift 2
  jar="$(newest_jar "$module" "$pattern")"
  if [ -n "$jar" ] && [ "${REBUILD:-0}" != "1" ] && [ -z "$(newer_source "$module" "$jar")" ]; then
    printf '%s\n' "$jar"
    return 0
  fi
  # One build at a time per checkout; whoever waited re-checks, the jar may be fresh by now.
  if command -v flock >/dev/null 2>&1 && mkdir -p "$ROOT/.casare" 2>/dev/null; then
    exec {lock_fd}>"$ROOT/.casare/build.lock"
    flock "$lock_fd"
  fi
  jar="$(newest_jar "$module" "$pattern")"
  newer=""
  if [ -n "$jar" ]; then
    newer="$(newer_source "$module" "$jar")"
  fi
  if [ -z "$jar" ]; then
    reason="no jar yet"
  elif [ -n "$newer" ]; then
    reason="${newer#"$ROOT/"} is newer than ${jar#"$ROOT/"}"
  elif [ "${REBUILD:-0}" = "1" ]; then
    reason="REBUILD=1"
  fi
  if [ -n "${reason:-}" ]; then
    if [ -d "${HOME:-/nonexistent}/.m2/repository" ]; then
      echo "building $module/target/$pattern ($reason; about 1-6 minutes) ..." >&2
    else
      echo "building $module/target/$pattern ($reason; first build: Maven downloads about 190 MB into ~/.m2, about 4-10 minutes) ..." >&2
    fi
    started=$SECONDS
    build_start="$(mktemp)"
    if ! (cd "$ROOT" && ./mvnw -B -q -ntp package -DskipTests -DskipFormat "$@") >&2; then
      rm -f "$build_start"
      echo "error: the build failed (Maven's output above); ./mvnw -B package -DskipTests $* shows more" >&2
      return 1
    fi
    jar="$(newest_jar "$module" "$pattern")"
    if [ -z "$jar" ]; then
      echo "error: the build succeeded but made no $module/target/$pattern" >&2
      return 1
    fi
    # Maven may leave an up-to-date jar untouched: date it to the build's start, so that it counts
    # as current, yet a source saved during the build still makes it stale.
    touch -r "$build_start" "$jar"
    rm -f "$build_start"
    echo "built ${jar#"$ROOT/"} in $((SECONDS - started)) s" >&2
  fi
  if [ -n "$lock_fd" ]; then
    exec {lock_fd}>&-
  fi
  printf '%s\n' "$jar"
}
