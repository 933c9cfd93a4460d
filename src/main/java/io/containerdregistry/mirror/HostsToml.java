package io.containerdregistry.mirror;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes and removes containerd {@code hosts.toml} files ({@code <config dir>/<host>/hosts.toml}) that put this
 * registry in front of an upstream registry: containerd tries the registry first and goes to the upstream
 * {@code server} when it answers 404. containerd reads these files on every pull, so no restart is needed.
 *
 * <p>Files are read and written with a TOML library (Jackson's), never pieced together from text: a node's own file
 * is parsed whole, and with {@code keepOtherHosts} every key and table of it survives (its {@code server}, {@code ca},
 * {@code client}, {@code skip_verify}, {@code [header]}, its other {@code [host."..."]} tables and whatever containerd
 * adds later), with this registry's host table put first, since containerd tries hosts in the order of the file.
 * Every value is written escaped by the library. Host tables get a table header each ({@code [host."<url>"]}):
 * containerd orders hosts by the line their table starts on.
 *
 * <p>Runs as an init container without starting the registry (the JDK and Jackson only).
 */
public final class HostsToml {
    /** The first line of every file this writer wrote. */
    static final String MARKER = "# written by containerd-registry";
    static final String BACKUP = "hosts.toml.containerd-registry-backup";
    /** containerd's directory name for a configuration that applies to every host. */
    public static final String DEFAULT_HOST = "_default";
    private static final Pattern GO_DURATION = Pattern.compile("([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+");
    private static final TomlMapper TOML = new TomlMapper();

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
        if (mirrorUrl != null && !mirrorUrl.matches("https?://[^\\s\"'\\\\]+")) {
            throw new IllegalArgumentException("--mirror must be an http:// or https:// URL: " + mirrorUrl);
        }
        if (dialTimeout != null && !GO_DURATION.matcher(dialTimeout).matches()) {
            throw new IllegalArgumentException("--dial-timeout must be a Go duration such as 200ms: " + dialTimeout);
        }
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
     * (once, so the original survives repeated runs); with {@code keepOtherHosts} everything in it is kept, this
     * registry's host table first. A node file that is no valid TOML is left alone: this fails instead.
     */
    public Path write(String host, boolean keepOtherHosts) throws IOException {
        String valid = validHost(host);
        Path dir = configDir.resolve(valid);
        Files.createDirectories(dir);
        Path file = dir.resolve("hosts.toml");
        String existing = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
        String original = keepOtherHosts && existing != null ? originalOf(dir, existing) : null;
        String rendered = render(valid, original);
        if (existing != null && !existing.startsWith(MARKER)) {
            Path backup = dir.resolve(BACKUP);
            if (!Files.exists(backup)) {
                Files.copy(file, backup);
            }
        }
        Path temp = dir.resolve("hosts.toml.tmp");
        Files.writeString(temp, rendered, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** The node's own file: the backup when we replaced it before, else the file itself if it is not ours. */
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

    /** The file for {@code host}: the node's {@code original} file (or nothing) merged with this registry's host. */
    String render(String host, String original) throws IOException {
        ObjectNode merged = merge(host, original == null ? TOML.createObjectNode() : parse(original));
        StringBuilder toml = new StringBuilder(MARKER).append(" for ").append(host).append('\n');
        ObjectNode top = merged.deepCopy();
        JsonNode hosts = top.remove("host");
        toml.append(TOML.writeValueAsString(top));
        if (hosts instanceof ObjectNode table) {
            for (Iterator<Map.Entry<String, JsonNode>> it = table.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                toml.append("\n[host.").append(quotedKey(entry.getKey())).append("]\n");
                if (entry.getValue() instanceof ObjectNode body) {
                    toml.append(TOML.writeValueAsString(body));
                }
            }
        }
        return toml.toString();
    }

    /**
     * Everything of the original document, with {@code server} defaulted to the upstream (for a real host) and a
     * {@code host} table that starts with this registry's entry, followed by the original's other hosts in order.
     */
    ObjectNode merge(String host, ObjectNode original) {
        ObjectNode merged = TOML.createObjectNode();
        if (!original.has("server") && !DEFAULT_HOST.equals(host)) {
            merged.put("server", UpstreamHost.upstreamServer(host));
        }
        original.fields().forEachRemaining(entry -> {
            if (!entry.getKey().equals("host")) {
                merged.set(entry.getKey(), entry.getValue());
            }
        });
        ObjectNode hosts = merged.putObject("host");
        ObjectNode mine = hosts.putObject(mirrorUrl);
        capabilities.forEach(mine.putArray("capabilities")::add);
        mine.put("dial_timeout", dialTimeout);
        if (original.get("host") instanceof ObjectNode others) {
            others.fields().forEachRemaining(entry -> {
                if (!entry.getKey().equals(mirrorUrl)) {
                    hosts.set(entry.getKey(), entry.getValue());
                }
            });
        }
        return merged;
    }

    static ObjectNode parse(String toml) throws IOException {
        try {
            JsonNode tree = TOML.readTree(toml);
            return tree instanceof ObjectNode object ? object : TOML.createObjectNode();
        } catch (JsonProcessingException e) {
            throw new IOException("the node's hosts.toml is no valid TOML, so it is left as it is: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** A table key as TOML writes it (quoted and escaped as needed), by the library's own rules. */
    private static String quotedKey(String key) throws IOException {
        String line = TOML.writeValueAsString(Map.of(key, 0));
        return line.substring(0, line.lastIndexOf(" = 0")).strip();
    }
}
