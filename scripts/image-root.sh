#!/usr/bin/env bash
# scripts/image-root.sh OUT: the files the container image adds to an empty base (Jib's "scratch"),
# so that building the image pulls nothing from any registry:
#   /opt/java           a Java runtime made by jlink from the build's JDK (only the modules MedMsg uses)
#   /lib*, /usr/lib*    the C libraries that runtime is linked against (glibc, zlib, libgcc_s), copied
#                       from the build machine (Debian), with their dynamic loader
#   /etc/passwd, group  root and the unprivileged user nonroot (65532), whom the image runs as
#   /tmp, /var/lib/medmsg, /home/nonroot   writable by nonroot (modes set in pom.xml's Jib configuration)
# The pom runs it in prepare-package (skip: -Dimage.skip); it does nothing when OUT is newer than
# the JDK and this script.
set -euo pipefail
out=$(realpath -m "${1:?usage: scripts/image-root.sh OUT}")
cd "$(dirname "$0")/.."
. scripts/jdk.sh > /dev/null

# beside OUT, not in it: everything in OUT goes into the image
stamp="$out.built"
if [ -f "$stamp" ] && [ "$stamp" -nt scripts/image-root.sh ] && [ "$stamp" -nt "$JAVA_HOME/release" ]; then
    exit 0
fi
rm -rf "$out" "$stamp"
mkdir -p "$out"

# What the application needs of the JDK: java.desktop for java.beans (Spring), java.sql and
# java.naming (JDBC, JNDI lookups of the drivers), java.management and jdk.management (Micrometer's
# JVM and process metrics, JMX), java.net.http (webhooks' and the JWKS client), jdk.crypto.* (TLS to
# databases, S3, Redis), jdk.unsupported (sun.misc.Unsafe for Netty, Caffeine), jdk.zipfs,
# jdk.naming.dns (DNS SRV lookups of some drivers), jdk.jfr (flight recordings in production),
# java.security.jgss/sasl (Kerberos/SASL authentication of PostgreSQL and MariaDB drivers),
# jdk.localedata for the zh and en locales, java.instrument, java.scripting, java.xml.crypto,
# java.compiler (annotation types some libraries reference at run time).
modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,\
java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,\
java.transaction.xa,java.xml,java.xml.crypto,jdk.charsets,jdk.crypto.cryptoki,jdk.crypto.ec,jdk.jfr,\
jdk.localedata,jdk.management,jdk.management.jfr,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --include-locales=en,zh --strip-debug --no-man-pages \
    --no-header-files --compress=zip-6 --output "$out/opt/java"

# java.desktop is there for java.beans only: its X11, sound and splash-screen libraries would pull
# in the X11 client libraries, and nothing headless loads them
rm -f "$out/opt/java/lib/libawt_xawt.so" "$out/opt/java/lib/libsplashscreen.so" "$out/opt/java/lib/libjsound.so"

# the C libraries the runtime's programs and libraries load, as the loader names them, and the loader
copy() {
    local lib=$1
    mkdir -p "$out$(dirname "$lib")"
    [ -e "$out$lib" ] || cp -L "$lib" "$out$lib"
}
find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) | while read -r elf; do
    ldd "$elf" 2>/dev/null | grep -o '/[^ ]*' | grep -v "^$out" || true
done | sort -u | while read -r lib; do
    copy "$lib"
done
# loaded by glibc itself when a thread is cancelled or unwinds (not in any ldd listing)
libgcc=$(ldconfig -p | awk '/libgcc_s.so.1 .*x86-64/ {print $NF; exit}')
[ -n "$libgcc" ] && copy "$libgcc"

mkdir -p "$out/etc" "$out/tmp" "$out/var/lib/medmsg" "$out/home/nonroot"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' \
    > "$out/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$out/etc/group"
# Java resolves host names through glibc: files first (/etc/hosts, which the container runtime
# writes), then DNS
printf 'hosts: files dns\n' > "$out/etc/nsswitch.conf"
touch "$stamp"
echo "image root: $(du -sh "$out" | cut -f1) in $out"
