package io.containerdregistry.containerd;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A private containerd process for development and tests: root, state and configuration under one directory, its
 * socket there too (or under {@code /tmp} when that path would be too long for a unix socket). The binary comes from
 * {@code PATH}.
 */
public final class LocalContainerd implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LocalContainerd.class);
    private static final int MAX_SOCKET_PATH = 100;
    /** Plugins a registry never needs; leaving them out makes start-up fast and quiet. */
    private static final String CRI = "io.containerd.grpc.v1.cri";
    private static final List<String> DISABLED_PLUGINS = List.of(
            CRI, "io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.btrfs",
            "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
            "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp",
            "io.containerd.internal.v1.tracing");

    private final Path dir;
    private final Path socket;
    private final Optional<CriPlugin> cri;
    private Process process;

    /**
     * The CRI plugin's settings when it is to run (it is disabled otherwise). It starts without CNI (its network
     * directories, under the containerd directory, stay empty): enough to answer {@code Status} and pull images.
     *
     * @param configPath            the registry {@code config_path} (hosts.toml directories); empty leaves it unset
     * @param discardUnpackedLayers the {@code discard_unpacked_layers} setting
     */
    public record CriPlugin(Optional<String> configPath, boolean discardUnpackedLayers) {
    }

    private LocalContainerd(Path dir, Path socket, Optional<CriPlugin> cri) {
        this.dir = dir;
        this.socket = socket;
        this.cri = cri;
    }

    /** Starts containerd with its files under {@code dir} and waits until its socket answers connections. */
    public static LocalContainerd start(Path dir) throws IOException {
        return start(dir, Optional.empty());
    }

    /** Starts containerd as {@link #start(Path)} does, with the CRI plugin running when {@code cri} is given. */
    public static LocalContainerd start(Path dir, Optional<CriPlugin> cri) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize();
        Files.createDirectories(absolute);
        Path socket = absolute.resolve("containerd.sock");
        if (socket.toString().length() > MAX_SOCKET_PATH) {
            socket = Path.of("/tmp", "cdreg-" + Integer.toHexString(absolute.toString().hashCode()), "containerd.sock");
            Files.createDirectories(socket.getParent());
        }
        LocalContainerd containerd = new LocalContainerd(absolute, socket, cri);
        containerd.launch();
        return containerd;
    }

    /** Starts containerd on an empty root and state under {@code dir} (what was there before is removed). */
    public static LocalContainerd startFresh(Path dir) throws IOException {
        return startFresh(dir, Optional.empty());
    }

    /** As {@link #startFresh(Path)}, with the CRI plugin running when {@code cri} is given. */
    public static LocalContainerd startFresh(Path dir, Optional<CriPlugin> cri) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize();
        if (Files.exists(absolute)) {
            try (var paths = Files.walk(absolute)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
        return start(absolute, cri);
    }

    /** The containerd binary on PATH, or a clear error naming the package to install. */
    public static Path binary() {
        return findOnPath("containerd").orElseThrow(() -> new IllegalStateException(
                "containerd is not installed (no 'containerd' on PATH). Install it with: sudo apt-get install -y containerd"));
    }

    static Optional<Path> findOnPath(String name) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
        for (String entry : (path + ":/usr/sbin:/sbin:/usr/local/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(entry, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public Path socket() {
        return socket;
    }

    public Path root() {
        return dir.resolve("root");
    }

    /** The directory of containerd's content store blobs, {@code <root>/io.containerd.content.v1.content}. */
    public Path contentDir() {
        return root().resolve("io.containerd.content.v1.content");
    }

    public Path dir() {
        return dir;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    private void launch() throws IOException {
        Path binary = binary();
        Files.deleteIfExists(socket);
        Path config = dir.resolve("config.toml");
        Files.writeString(config, config(), StandardCharsets.UTF_8);
        ProcessBuilder builder = new ProcessBuilder(binary.toString(), "--config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("containerd.log").toFile()));
        process = builder.start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!Files.exists(socket)) {
            if (!process.isAlive()) {
                throw new IOException("containerd exited with " + process.exitValue() + "; see "
                        + dir.resolve("containerd.log"));
            }
            if (Instant.now().isAfter(deadline)) {
                process.destroyForcibly();
                throw new IOException("containerd did not open " + socket + " within 30s; see "
                        + dir.resolve("containerd.log"));
            }
            sleep(20);
        }
        LOG.infof("started private containerd (pid %d) on %s", process.pid(), socket);
    }

    private String config() {
        StringBuilder toml = new StringBuilder();
        toml.append("version = 2\n");
        toml.append("root = ").append(quote(root().toString())).append('\n');
        toml.append("state = ").append(quote(dir.resolve("state").toString())).append('\n');
        List<String> disabled = DISABLED_PLUGINS.stream().filter(p -> cri.isEmpty() || !p.equals(CRI)).toList();
        toml.append("disabled_plugins = [");
        for (int i = 0; i < disabled.size(); i++) {
            toml.append(i == 0 ? "" : ", ").append(quote(disabled.get(i)));
        }
        toml.append("]\n\n[grpc]\n  address = ").append(quote(socket.toString())).append('\n');
        toml.append("\n[ttrpc]\n  address = ").append(quote(socket + ".ttrpc")).append('\n');
        toml.append("\n[debug]\n  level = \"warn\"\n");
        cri.ifPresent(plugin -> {
            String table = "\n[plugins.\"" + CRI + "\"";
            toml.append(table).append("]\n  disable_tcp_service = true\n");
            toml.append(table).append(".containerd]\n  discard_unpacked_layers = ")
                    .append(plugin.discardUnpackedLayers()).append('\n');
            toml.append(table).append(".cni]\n  bin_dir = ").append(quote(dir.resolve("cni/bin").toString()))
                    .append("\n  conf_dir = ").append(quote(dir.resolve("cni/net.d").toString())).append('\n');
            plugin.configPath().ifPresent(path -> toml.append(table).append(".registry]\n  config_path = ")
                    .append(quote(path)).append('\n'));
        });
        return toml.toString();
    }

    private static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** Stops containerd (SIGTERM, then SIGKILL after 10 s). */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.infof("stopped private containerd on %s", socket);
    }

    /** Kills containerd at once (SIGKILL), as a crash would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts containerd again on the same root, state and socket. */
    public void restart() throws IOException {
        stop();
        launch();
    }

    @Override
    public void close() {
        stop();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "containerd@" + socket.toString().toLowerCase(Locale.ROOT);
    }
}
