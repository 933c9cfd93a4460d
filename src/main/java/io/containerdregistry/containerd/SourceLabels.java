package io.containerdregistry.containerd;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which repositories may read a piece of content, written the way containerd's own pull writes it:
 * {@code containerd.io/distribution.source.<host>=<path>[,<path>...]}, the repository paths sorted and without
 * duplicates. A repository name maps to {@code <host>} and {@code <path>} by splitting it at its first {@code /} when
 * the first component names a host (it holds a {@code .} or a {@code :}, or is {@code localhost}: the rule of
 * containerd's and Docker's references), so {@code docker.io/library/alpine} is host {@code docker.io}, path
 * {@code library/alpine}, exactly what containerd writes when it pulls that image. Any other name (a repository pushed
 * to this registry as {@code team/app}) takes the configured native host, which is never a host name, so the two
 * kinds of names cannot collide.
 *
 * <p>containerd refuses a label whose key and value together exceed 4096 bytes. Paths that no longer fit in the
 * containerd label go into spill labels {@code containerd-registry.io/distribution.source.<host>.<n>} (n = 1, 2, ...)
 * in the same format, so membership is never dropped and every label stays valid.
 */
final class SourceLabels {
    static final String PREFIX = "containerd.io/distribution.source.";
    static final String SPILL_PREFIX = "containerd-registry.io/distribution.source.";
    /** containerd's limit on a label's key and value together, in bytes. */
    static final int MAX_LABEL_BYTES = 4096;

    private SourceLabels() {
    }

    /** A repository as the labels name it. */
    record Source(String host, String path) {
        String key() {
            return PREFIX + host;
        }

        String spillKey(int n) {
            return SPILL_PREFIX + host + "." + n;
        }

        /** Whether {@code key} is this host's containerd label or one of its spill labels. */
        boolean owns(String key) {
            if (key.equals(key())) {
                return true;
            }
            String spill = SPILL_PREFIX + host + ".";
            return key.startsWith(spill) && key.length() > spill.length()
                    && key.substring(spill.length()).chars().allMatch(c -> c >= '0' && c <= '9');
        }
    }

    /** Whether a first name component names a registry host rather than a path. */
    static boolean isHost(String component) {
        return component.indexOf('.') >= 0 || component.indexOf(':') >= 0 || component.equals("localhost");
    }

    static Source of(String repositoryName, String nativeHost) {
        int slash = repositoryName.indexOf('/');
        if (slash > 0 && isHost(repositoryName.substring(0, slash))) {
            return new Source(repositoryName.substring(0, slash), repositoryName.substring(slash + 1));
        }
        return new Source(nativeHost, repositoryName);
    }

    /** Whether the labels list the repository. */
    static boolean lists(Map<String, String> labels, Source source) {
        return labels.entrySet().stream()
                .anyMatch(label -> source.owns(label.getKey()) && paths(label.getValue()).contains(source.path()));
    }

    /** Whether the labels list any repository other than {@code source}, on any host. */
    static boolean listsOthers(Map<String, String> labels, Source source) {
        return labels.entrySet().stream()
                .filter(label -> label.getKey().startsWith(PREFIX) || label.getKey().startsWith(SPILL_PREFIX))
                .anyMatch(label -> paths(label.getValue()).stream()
                        .anyMatch(path -> !source.owns(label.getKey()) || !path.equals(source.path())));
    }

    /**
     * The labels to write so that the repository is listed: empty when it already is, else one label, the first
     * of the host's labels with room for it.
     */
    static Map<String, String> adding(Map<String, String> labels, Source source) {
        if (lists(labels, source)) {
            return Map.of();
        }
        for (int n = 0; ; n++) {
            String key = n == 0 ? source.key() : source.spillKey(n);
            TreeSet<String> paths = paths(labels.get(key));
            paths.add(source.path());
            String value = String.join(",", paths);
            if (fits(key, value)) {
                return Map.of(key, value);
            }
        }
    }

    /** The labels to write so that the repository is no longer listed; an empty value removes a label. */
    static Map<String, String> removing(Map<String, String> labels, Source source) {
        Map<String, String> changes = new LinkedHashMap<>();
        labels.forEach((key, value) -> {
            TreeSet<String> paths = paths(value);
            if (source.owns(key) && paths.remove(source.path())) {
                changes.put(key, String.join(",", paths));
            }
        });
        return changes;
    }

    static boolean fits(String key, String value) {
        return key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                + value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_LABEL_BYTES;
    }

    private static TreeSet<String> paths(String value) {
        TreeSet<String> paths = new TreeSet<>();
        if (value != null && !value.isEmpty()) {
            Arrays.stream(value.split(",")).filter(p -> !p.isEmpty()).forEach(paths::add);
        }
        return paths;
    }
}
