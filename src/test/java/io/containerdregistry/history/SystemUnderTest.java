package io.containerdregistry.history;

import io.containerdregistry.containerd.LocalContainerd;
import io.containerdregistry.testing.PackagedRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The two processes under test: a private containerd (root, state and socket under the run's directory) and the
 * packaged registry on a fixed port, so that either can be killed and started again while clients keep the address.
 * Each registry incarnation logs to a directory of its own ({@code registry-<n>/registry.log}).
 */
final class SystemUnderTest implements AutoCloseable {
    private final Path dir;
    private final Duration expiration;
    private final LocalContainerd containerd;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private PackagedRegistry registry;
    private int incarnation;
    private boolean contentDir;

    private SystemUnderTest(Path dir, Duration expiration, LocalContainerd containerd, int port) {
        this.dir = dir;
        this.expiration = expiration;
        this.containerd = containerd;
        this.port = port;
    }

    static SystemUnderTest start(Path dir, Duration expiration) throws IOException {
        LocalContainerd containerd = LocalContainerd.startFresh(dir.resolve("containerd"));
        SystemUnderTest system = new SystemUnderTest(dir, expiration, containerd, PackagedRegistry.freePort());
        system.startRegistry(true);
        return system;
    }

    int port() {
        return port;
    }

    Path socket() {
        return containerd.socket();
    }

    Path dir() {
        return dir;
    }

    /** Whether the current registry serves blobs from containerd's content directory (zero-copy). */
    synchronized boolean contentDir() {
        return contentDir;
    }

    /** Starts a registry incarnation on the fixed port (with or without the content directory) and waits for /readyz. */
    synchronized void startRegistry(boolean withContentDir) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("CONTAINERD_ADDRESS", containerd.socket().toString());
        env.put("BLOB_LEASE_EXPIRATION", expiration.toSeconds() + "s");
        env.put("ALLOW_DELETE", "true");
        env.put("MAX_UPLOADS_PER_CLIENT", "64");
        if (withContentDir) {
            env.put("REGISTRY_CONTAINERD_CONTENT_DIR", containerd.contentDir().toString());
        }
        registry = PackagedRegistry.start(dir.resolve("registry-" + incarnation++), "256m", env, port);
        contentDir = withContentDir;
    }

    /** Kills the registry at once (SIGKILL), as a crash would, or stops it with SIGTERM (graceful shutdown). */
    synchronized void stopRegistry(boolean graceful) throws InterruptedException {
        if (graceful) {
            registry.process().destroy();
            if (!registry.process().waitFor(40, TimeUnit.SECONDS)) {
                registry.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } else {
            registry.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The process id of the current registry incarnation (for thread dumps). */
    synchronized long registryPid() {
        return registry.process().pid();
    }

    synchronized boolean registryAlive() {
        return registry != null && registry.process().isAlive();
    }

    /** Restarts containerd (SIGTERM, then start on the same root, state and socket). */
    void restartContainerd() throws IOException {
        containerd.restart();
    }

    /** Kills containerd (SIGKILL), as a crash would. */
    void killContainerd() throws InterruptedException {
        containerd.kill();
    }

    /** Starts containerd again after a kill. */
    void startContainerd() throws IOException {
        containerd.restart();
    }

    boolean containerdAlive() {
        return containerd.isAlive();
    }

    /** Whether the registry answers {@code /readyz} with 200. */
    boolean ready() {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/readyz")).timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until the registry is ready; false when it is not within the time. */
    boolean awaitReady(Duration timeout) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            if (ready()) {
                return true;
            }
            Calls.pause(100);
        }
        return false;
    }

    /** Brings both processes back if a fault left one down, and waits for readiness. */
    void ensureUp() throws IOException {
        if (!containerd.isAlive()) {
            containerd.restart();
        }
        if (!registryAlive()) {
            startRegistry(true);
        }
        if (!awaitReady(Duration.ofSeconds(60))) {
            throw new IllegalStateException("the registry is not ready after the run");
        }
    }

    @Override
    public synchronized void close() {
        if (registry != null) {
            registry.close();
        }
        containerd.stop();
    }
}
