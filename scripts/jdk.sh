# Sourced by .ci/run, ./medmsg and bench/*.sh: exports JAVA_HOME for a JDK >= 21 (the machine
# default may be older), and sets JAVA_MAJOR and MEDMSG_JVM_OPTS for it.

# jdk_major DIR: the JDK's major version, from its release file (no JVM started: ./medmsg sources
# this on every start), else from the JVM itself.
jdk_major() {
    local major
    major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null || true)
    if [ -z "$major" ]; then
        major=$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
            | awk -F'= ' '/java.specification.version/ {print $2}')
        major=${major%%.*}
    fi
    echo "$major"
}

pick_jdk() {
    local candidate
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 \
                     /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do
        [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
        if [ "$(jdk_major "$candidate")" -ge 21 ] 2>/dev/null; then
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
JAVA_MAJOR=$(jdk_major "$JAVA_HOME")
# The JVM options docs/deploy.md recommends ("JVM options"), for this JDK: the native heap's
# periodic trim is a regular option from JDK 22, compact object headers from JDK 25 (before, each
# is experimental or absent, and the JVM would refuse to start).
# A small heap with a small young generation, so that the old one has room for held requests, and
# the JIT's optimising compiler alone (its compiled code about 20 MB instead of 60): docs/deploy.md.
MEDMSG_JVM_OPTS="-Xmx224m -XX:NewRatio=6 -XX:+UseSerialGC -XX:-TieredCompilation"
if [ "${JAVA_MAJOR:-0}" -ge 22 ]; then
    MEDMSG_JVM_OPTS="$MEDMSG_JVM_OPTS -XX:TrimNativeHeapInterval=1000"
fi
if [ "${JAVA_MAJOR:-0}" -ge 25 ]; then
    MEDMSG_JVM_OPTS="$MEDMSG_JVM_OPTS -XX:+UseCompactObjectHeaders"
fi
# For an instance that holds more than 10,000 requests at once (long-polls and event streams,
# docs/deploy.md): a larger heap, its old generation room for them.
MEDMSG_JVM_OPTS_MANY_HELD="${MEDMSG_JVM_OPTS/-Xmx224m/-Xmx304m}"
