package io.containerdregistry.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged registry ({@code java -jar target/quarkus-app/quarkus-run.jar}) as a separate process. */
public final class PackagedRegistry implements AutoCloseable {
    private static final String CONTENT_DIR = "REGISTRY_CONTAINERD_CONTENT_DIR";
    private final Process process;
    private final int port;
    private final Path log;

    private PackagedRegistry(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts the jar named by the {@code registry.jar} system property with the given heap and environment. Unless
     * the environment names a content directory ({@code REGISTRY_CONTAINERD_CONTENT_DIR}), the registry is given one
     * that is not mounted, so blob reads stream through containerd's {@code Read}: the path these tests were written
     * for (left alone, the registry would take the directory containerd's content plugin names and send files).
     */
    public static PackagedRegistry start(Path workDir, String xmx, Map<String, String> env) throws IOException {
        return start(workDir, xmx, env, freePort());
    }

    /** As above, listening on a port chosen beforehand (so that others can be told about it first). */
    public static PackagedRegistry start(Path workDir, String xmx, Map<String, String> env, int port)
            throws IOException {
        PackagedRegistry registry = launch(workDir, xmx, env, port);
        registry.awaitStatus("/readyz", Duration.ofSeconds(30));
        return registry;
    }

    /** Starts the jar and waits only until it is alive (liveness UP), not until containerd answers. */
    public static PackagedRegistry startAlive(Path workDir, String xmx, Map<String, String> env) throws IOException {
        PackagedRegistry registry = launch(workDir, xmx, env, freePort());
        registry.awaitStatus("/q/health/live", Duration.ofSeconds(30));
        return registry;
    }

    private static PackagedRegistry launch(Path workDir, String xmx, Map<String, String> env, int port)
            throws IOException {
        String jar = System.getProperty("registry.jar", "target/quarkus-app/quarkus-run.jar");
        Files.createDirectories(workDir);
        Path log = workDir.resolve("registry.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + xmx, "-jar", jar));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put(CONTENT_DIR, workDir.resolve("content-dir-not-mounted").toAbsolutePath().toString());
        builder.environment().putAll(env);
        builder.environment().put("LISTEN_ADDRESS", "127.0.0.1:" + port);
        return new PackagedRegistry(builder.start(), port, log);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public int port() {
        return port;
    }

    public Process process() {
        return process;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** Waits until {@code path} answers 200. */
    private void awaitStatus(String path, Duration timeout) throws IOException {
        HttpClient client = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("registry exited:\n" + log());
            }
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri(path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(100);
        }
        throw new IllegalStateException(path + " not 200 within " + timeout + ":\n" + log());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
