package io.containerdregistry.peers;

import java.net.URI;

/** Another node's registry, named by its base URL ({@code http://10.0.0.2:30020}). */
record Peer(String base) {

    static Peer of(String url) {
        String trimmed = url.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        URI uri = URI.create(trimmed);
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("peer URL needs a scheme and a host: " + url);
        }
        return new Peer(trimmed);
    }

    URI uri() {
        return URI.create(base);
    }

    @Override
    public String toString() {
        return base;
    }
}
