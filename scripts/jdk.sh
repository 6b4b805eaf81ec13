# Sourced by .ci/run and bench/*.sh: exports JAVA_HOME for a JDK >= 21 (the machine default may be older).
pick_jdk() {
    local candidate major
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 \
                     /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do
        [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
        major=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 \
            | awk -F'= ' '/java.specification.version/ {print $2}')
        if [ "${major%%.*}" -ge 21 ] 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "no JDK >= 21 found under /usr/lib/jvm; set JAVA_HOME" >&2
    return 1
}
JAVA_HOME=$(pick_jdk)
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# The JVM options docs/deploy.md recommends ("JVM options"), for this JDK: the native heap's
# periodic trim exists from JDK 22 (on 21 it is experimental or absent, and the JVM would not start).
# The major version from the JDK's release file, not a JVM started to ask: ./medmsg reads it on every start.
JAVA_MAJOR=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release" 2>/dev/null || true)
MEDMSG_JVM_OPTS="-Xmx256m -XX:+UseSerialGC"
if [ "${JAVA_MAJOR:-0}" -ge 22 ]; then
    MEDMSG_JVM_OPTS="$MEDMSG_JVM_OPTS -XX:TrimNativeHeapInterval=1000"
fi
