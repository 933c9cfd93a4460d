package io.containerdregistry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.containerdregistry.oci.RegistryException;
import io.containerdregistry.security.Access;
import io.containerdregistry.security.Action;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestTargetTest {
    private static final String DIGEST = "sha256:" + "a".repeat(64);

    private static List<Access> needs(HttpMethod method, String path, Map<String, String> query) {
        return RequestTarget.required(method, path, query::get);
    }

    private static List<Access> needs(HttpMethod method, String path) {
        return needs(method, path, Map.of());
    }

    @Test
    void readsNeedPull() {
        for (String path : List.of("/v2/a/b/manifests/v1", "/v2/a/b/blobs/" + DIGEST, "/v2/a/b/tags/list",
                "/v2/a/b/referrers/" + DIGEST)) {
            assertEquals(List.of(Access.repository("a/b", Action.PULL)), needs(HttpMethod.GET, path), path);
        }
        assertEquals(List.of(Access.repository("a/b", Action.PULL)), needs(HttpMethod.HEAD, "/v2/a/b/manifests/v1"));
    }

    @Test
    void writesNeedPullAndPush() {
        Access push = Access.repository("a/b", Action.PULL, Action.PUSH);
        assertEquals(List.of(push), needs(HttpMethod.POST, "/v2/a/b/blobs/uploads/"));
        assertEquals(List.of(push), needs(HttpMethod.PATCH, "/v2/a/b/blobs/uploads/some-id"));
        assertEquals(List.of(push), needs(HttpMethod.PUT, "/v2/a/b/blobs/uploads/some-id"));
        assertEquals(List.of(push), needs(HttpMethod.GET, "/v2/a/b/blobs/uploads/some-id"));
        assertEquals(List.of(push), needs(HttpMethod.PUT, "/v2/a/b/manifests/v1"));
    }

    @Test
    void deletesNeedDelete() {
        assertEquals(List.of(Access.repository("a/b", Action.DELETE)), needs(HttpMethod.DELETE, "/v2/a/b/manifests/v1"));
        assertEquals(List.of(Access.repository("a/b", Action.DELETE)),
                needs(HttpMethod.DELETE, "/v2/a/b/blobs/" + DIGEST));
    }

    @Test
    void aMountAlsoNeedsPullOnItsSource() {
        assertEquals(List.of(Access.repository("a/b", Action.PULL, Action.PUSH), Access.repository("c/d", Action.PULL)),
                needs(HttpMethod.POST, "/v2/a/b/blobs/uploads/", Map.of("mount", DIGEST, "from", "c/d")));
    }

    @Test
    void theCatalogNeedsItsPermissionAndTheBaseAnyCredential() {
        assertEquals(List.of(Access.catalog()), needs(HttpMethod.GET, "/v2/_catalog"));
        assertEquals(List.of(), needs(HttpMethod.GET, "/v2/"));
        assertEquals(List.of(), needs(HttpMethod.GET, "/v2/no/such/endpoint"));
    }

    @Test
    void namesArePercentDecodedAsTheRoutesDecodeThem() {
        assertEquals(List.of(Access.repository("a/b", Action.PULL)), needs(HttpMethod.GET, "/v2/a%2Fb/manifests/v1"));
        assertEquals(List.of(Access.repository("a+b", Action.PULL)), needs(HttpMethod.GET, "/v2/a+b/manifests/v1"));
        assertThrows(RegistryException.class, () -> needs(HttpMethod.GET, "/v2/a%zz/manifests/v1"));
    }
}
