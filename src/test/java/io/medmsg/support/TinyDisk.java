package io.medmsg.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A real file system of a few MiB (tmpfs) that a test fills and frees under a running service:
 * writes on it fail as on a full disk, with ENOSPC ("No space left on device"). Mounting needs
 * root; where the machine does not allow it, the test is skipped (aborted), not failed, except on
 * CI ({@code CI=true}), which runs as root: there a mount that fails is a broken build.
 */
public final class TinyDisk {

    private final Path dir;

    private TinyDisk(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code mib} MiB at {@code dir} (created if missing). */
    public static TinyDisk mount(Path dir, int mib) {
        try {
            Files.createDirectories(dir);
            int exit = run("mount", "-t", "tmpfs", "-o", "size=" + mib + "m", "tmpfs", dir.toString());
            if (exit != 0) {
                cannotMount(dir, "mount exited with " + exit + " (needs root)");
            }
        } catch (IOException e) {
            cannotMount(dir, e.toString());
        }
        return new TinyDisk(dir);
    }

    private static void cannotMount(Path dir, String why) {
        String what = "cannot mount a tmpfs at " + dir + ": " + why;
        if (TestDatabase.onCi()) {
            throw new IllegalStateException(what + "; CI=true runs as root, so this fails instead of skipping");
        }
        Assumptions.abort(what + ": skipped (set CI=true to fail instead)");
    }

    public Path dir() {
        return dir;
    }

    /** Fills what is left of the disk with one file, until the file system refuses another byte. */
    public void fill() {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler())) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            if (full.getMessage() == null || !full.getMessage().contains("No space left on device")) {
                throw new IllegalStateException(full);
            }
        }
        // what is left is less than a block: fill that too, byte by byte
        try (OutputStream out = Files.newOutputStream(filler().resolveSibling("filler-tail"))) {
            while (true) {
                out.write(0);
                out.flush();
            }
        } catch (IOException full) {
            // full to the last byte
        }
    }

    /** Frees what {@link #fill} took. */
    public void free() {
        try {
            Files.deleteIfExists(filler());
            Files.deleteIfExists(filler().resolveSibling("filler-tail"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Detaches the file system (lazily: the service under test may still hold files on it). */
    public void unmount() {
        try {
            run("umount", "-l", dir.toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path filler() {
        return dir.resolve("filler");
    }

    private static int run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
