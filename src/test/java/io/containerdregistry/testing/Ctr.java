package io.containerdregistry.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs containerd's own client, {@code ctr}, and external commands such as skopeo, failing loudly. */
public final class Ctr {
    private Ctr() {
    }

    /** {@code ctr --address <socket> -n <namespace> <args...>}; returns stdout. */
    public static String ctr(Path socket, String namespace, String... args) {
        List<String> command = new ArrayList<>(List.of("ctr", "--address", socket.toString(), "-n", namespace));
        command.addAll(List.of(args));
        return run(command);
    }

    /** The ids of the namespace's leases. */
    public static List<String> leaseIds(Path socket, String namespace) {
        return Arrays.stream(ctr(socket, namespace, "leases", "ls", "-q").split("\\s+"))
                .filter(id -> !id.isBlank()).toList();
    }

    /** Whether the namespace's content store holds the digest. */
    public static boolean stored(Path socket, String namespace, String digest) {
        return ctr(socket, namespace, "content", "ls", "-q").contains(digest);
    }

    /** Triggers a synchronous garbage collection in the namespace (a lease created, then deleted with --sync). */
    public static void collectGarbage(Path socket, String namespace) {
        String lease = "gc-trigger-" + System.nanoTime();
        ctr(socket, namespace, "leases", "create", "--id", lease);
        ctr(socket, namespace, "leases", "delete", "--sync", lease);
    }

    public static String run(String... command) {
        return run(List.of(command));
    }

    public static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new AssertionError("failed (" + process.exitValue() + "): " + command + "\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new AssertionError("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
