package io.containerdregistry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The one-pass path parser says exactly what the route patterns say, for every path a client could send. */
class ApiPathTest {
    private static final List<String> SEGMENTS = List.of("v2", "a", "b-c", "blobs", "uploads", "manifests", "tags",
            "list", "referrers", "_catalog", "sha256:" + "ab".repeat(32), "", "x\ny", "%2F", "latest", "v2x", "\u2028");

    /** The route patterns, tried in the order the routes and the old classifier tried them. */
    private static ApiPath byPatterns(String path) {
        if (path == null || !path.startsWith("/v2")) {
            return new ApiPath(EndpointFamily.OTHER, null, null);
        }
        if (path.equals("/v2/") || path.equals("/v2")) {
            return new ApiPath(EndpointFamily.BASE, null, null);
        }
        if (path.equals("/v2/_catalog")) {
            return new ApiPath(EndpointFamily.CATALOG, null, null);
        }
        Matcher m;
        if ((m = Paths.UPLOADS_PATTERN.matcher(path)).matches()) {
            return new ApiPath(EndpointFamily.UPLOAD, m.group("name"), null);
        }
        if ((m = Paths.UPLOAD_PATTERN.matcher(path)).matches()) {
            return new ApiPath(EndpointFamily.UPLOAD, m.group("name"), m.group("uuid"));
        }
        Object[][] rest = {
            {Paths.BLOB_PATTERN, EndpointFamily.BLOB, "digest"},
            {Paths.MANIFEST_PATTERN, EndpointFamily.MANIFEST, "reference"},
            {Paths.TAGS_PATTERN, EndpointFamily.TAGS, null},
            {Paths.REFERRERS_PATTERN, EndpointFamily.REFERRERS, "digest"},
        };
        for (Object[] r : rest) {
            if ((m = ((Pattern) r[0]).matcher(path)).matches()) {
                return new ApiPath((EndpointFamily) r[1], m.group("name"), r[2] == null ? null : m.group((String) r[2]));
            }
        }
        return new ApiPath(EndpointFamily.OTHER, null, null);
    }

    @Test
    void agreesWithTheRoutePatternsOnTypicalPaths() {
        for (String path : List.of("/v2/", "/v2", "/v2/_catalog", "/v2/a/b/manifests/latest", "/v2/a/blobs/sha256:1",
                "/v2/a/blobs/uploads", "/v2/a/blobs/uploads/", "/v2/a/blobs/uploads/u-1", "/v2/a/tags/list",
                "/v2/a/referrers/sha256:1", "/v2//manifests/x", "/v2/a/manifests/", "/v2x/a/manifests/b",
                "/v2/blobs/uploads", "/v2/a/blobs/uploads/tags/list", "/v2/a/manifests/b/manifests/c", "/metrics",
                "/v2/a\n/manifests/b", "/v2/a/manifests/b\nc", "/v2/a/tags/list/")) {
            assertEquals(byPatterns(path), ApiPath.parse(path), path);
        }
    }

    @Test
    void agreesWithTheRoutePatternsOnRandomPaths() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 50_000; i++) {
            StringBuilder path = new StringBuilder(random.nextInt(8) == 0 ? "" : "/");
            int segments = random.nextInt(7);
            for (int s = 0; s < segments; s++) {
                path.append(s == 0 && random.nextInt(4) > 0 ? "v2" : SEGMENTS.get(random.nextInt(SEGMENTS.size())));
                if (s < segments - 1 || random.nextInt(5) == 0) {
                    path.append('/');
                }
            }
            String p = path.toString();
            assertEquals(byPatterns(p), ApiPath.parse(p), "seed " + seed + ", path " + p);
        }
    }
}
