package io.containerdregistry.mirror;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes and removes containerd {@code hosts.toml} files ({@code <config dir>/<host>/hosts.toml}) that put this
 * registry in front of an upstream registry: containerd tries the registry first and goes to the upstream
 * {@code server} when it answers 404. containerd reads these files on every pull, so no restart is needed.
 *
 * <p>Uses the JDK only, so it runs as an init container without starting the registry.
 */
public final class HostsToml {
    /** The first line of every file this writer wrote. */
    static final String MARKER = "# written by containerd-registry";
    static final String BACKUP = "hosts.toml.containerd-registry-backup";
    /** containerd's directory name for a configuration that applies to every host. */
    public static final String DEFAULT_HOST = "_default";

    private final Path configDir;
    private final String mirrorUrl;
    private final List<String> capabilities;
    private final String dialTimeout;

    /**
     * @param configDir    containerd's {@code config_path}, usually {@code /etc/containerd/certs.d}
     * @param mirrorUrl    this registry as containerd reaches it, e.g. {@code http://127.0.0.1:30020}
     * @param resolveTags  whether containerd may resolve tags through the registry ({@code resolve} capability)
     * @param dialTimeout  how long containerd waits to connect before it goes upstream (Go duration)
     */
    public HostsToml(Path configDir, String mirrorUrl, boolean resolveTags, String dialTimeout) {
        this.configDir = configDir;
        this.mirrorUrl = mirrorUrl;
        this.capabilities = resolveTags ? List.of("pull", "resolve") : List.of("pull");
        this.dialTimeout = dialTimeout;
    }

    /** Checks a host name for a directory of its own: a registry host (port allowed) or {@code _default}. */
    public static String validHost(String host) {
        if (DEFAULT_HOST.equals(host)) {
            return host;
        }
        String normalized = UpstreamHost.normalize(host);
        if (normalized == null || !normalized.equals(host.trim().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("invalid registry host: " + host);
        }
        return normalized;
    }

    /**
     * Writes the file for one upstream host. An existing file that this writer did not write is backed up first
     * (once, so the original survives repeated runs); with {@code keepOtherHosts} its other {@code [host...]}
     * entries are kept after ours, and its {@code server} too.
     */
    public Path write(String host, boolean keepOtherHosts) throws IOException {
        String valid = validHost(host);
        Path dir = configDir.resolve(valid);
        Files.createDirectories(dir);
        Path file = dir.resolve("hosts.toml");
        String existing = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
        if (existing != null && !existing.startsWith(MARKER)) {
            Path backup = dir.resolve(BACKUP);
            if (!Files.exists(backup)) {
                Files.copy(file, backup);
            }
        }
        String original = keepOtherHosts && existing != null ? originalOf(dir, existing) : null;
        Path temp = dir.resolve("hosts.toml.tmp");
        Files.writeString(temp, render(valid, original), StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** The user's own file: the backup when we replaced it before, else the file itself if it is not ours. */
    private static String originalOf(Path dir, String existing) throws IOException {
        Path backup = dir.resolve(BACKUP);
        if (Files.exists(backup)) {
            return Files.readString(backup, StandardCharsets.UTF_8);
        }
        return existing.startsWith(MARKER) ? null : existing;
    }

    /**
     * Undoes {@link #write}: puts the backup back, or removes the file (and the directory when empty) when there
     * was none. Files this writer did not write are left alone. Returns whether anything changed.
     */
    public boolean restore(String host) throws IOException {
        Path dir = configDir.resolve(validHost(host));
        Path file = dir.resolve("hosts.toml");
        Path backup = dir.resolve(BACKUP);
        if (Files.exists(backup)) {
            Files.move(backup, file, StandardCopyOption.REPLACE_EXISTING);
            return true;
        }
        if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).startsWith(MARKER)) {
            Files.delete(file);
            try (var rest = Files.list(dir)) {
                if (rest.findAny().isEmpty()) {
                    Files.delete(dir);
                }
            }
            return true;
        }
        return false;
    }

    String render(String host, String original) {
        StringBuilder toml = new StringBuilder(MARKER).append(" for ").append(host).append('\n');
        String server = original == null ? null : topLevelServer(original);
        if (server != null) {
            toml.append(server).append('\n');
        } else if (!DEFAULT_HOST.equals(host)) {
            toml.append("server = \"").append(UpstreamHost.upstreamServer(host)).append("\"\n");
        }
        toml.append('\n').append("[host.\"").append(mirrorUrl).append("\"]\n");
        toml.append("  capabilities = [");
        for (int i = 0; i < capabilities.size(); i++) {
            toml.append(i == 0 ? "" : ", ").append('"').append(capabilities.get(i)).append('"');
        }
        toml.append("]\n");
        toml.append("  dial_timeout = \"").append(dialTimeout).append("\"\n");
        if (original != null) {
            for (String section : hostSections(original)) {
                if (!section.startsWith("[host.\"" + mirrorUrl + "\"]")) {
                    toml.append('\n').append(section.strip()).append('\n');
                }
            }
        }
        return toml.toString();
    }

    /** The {@code server = ...} line of a hosts.toml, if it has one before its first table. */
    static String topLevelServer(String toml) {
        for (String line : toml.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("[")) {
                return null;
            }
            if (trimmed.startsWith("server") && trimmed.substring("server".length()).trim().startsWith("=")) {
                return trimmed;
            }
        }
        return null;
    }

    /** The {@code [host."..."]} tables of a hosts.toml, each with its keys and its own sub-tables. */
    static List<String> hostSections(String toml) {
        List<String> sections = new ArrayList<>();
        StringBuilder current = null;
        String currentUrl = null;
        for (String line : toml.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("[host.\"")) {
                int end = trimmed.indexOf('"', "[host.\"".length());
                String url = end < 0 ? trimmed : trimmed.substring("[host.\"".length(), end);
                if (current == null || !url.equals(currentUrl)) {
                    if (current != null) {
                        sections.add(current.toString());
                    }
                    current = new StringBuilder();
                    currentUrl = url;
                }
            } else if (trimmed.startsWith("[") && current != null) {
                sections.add(current.toString());
                current = null;
            }
            if (current != null) {
                current.append(line).append('\n');
            }
        }
        if (current != null) {
            sections.add(current.toString());
        }
        return sections;
    }
}
