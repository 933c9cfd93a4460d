package io.containerdregistry.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.Test;

class MirrorPolicyTest {

    private static MirrorPolicy policy(List<String> hosts, boolean resolveTags, boolean readOnly) {
        RegistryConfig.Mirror mirror = new RegistryConfig.Mirror() {
            public List<String> hosts() {
                return hosts;
            }

            public boolean resolveTags() {
                return resolveTags;
            }

            public boolean readOnly() {
                return readOnly;
            }
        };
        RegistryConfig config = (RegistryConfig) Proxy.newProxyInstance(RegistryConfig.class.getClassLoader(),
                new Class<?>[] {RegistryConfig.class}, (proxy, method, args) -> method.getName().equals("mirror") ? mirror : null);
        return new MirrorPolicy(config);
    }

    @Test
    void dockerHubOfficialImagesLiveUnderLibrary() {
        MirrorPolicy all = policy(List.of("*"), true, true);
        assertEquals("docker.io/library/alpine",
                all.repository("docker.io", "alpine", MirrorPolicy.Access.TAG, ErrorCode.MANIFEST_UNKNOWN).name());
        assertEquals("docker.io/library/alpine",
                all.repository("registry-1.docker.io", "library/alpine", MirrorPolicy.Access.TAG, ErrorCode.MANIFEST_UNKNOWN).name());
        assertEquals("ghcr.io/org/app",
                all.repository("ghcr.io", "org/app", MirrorPolicy.Access.DIGEST, ErrorCode.MANIFEST_UNKNOWN).name());
        assertEquals("myregistry:5000/app",
                all.repository("myregistry:5000", "app", MirrorPolicy.Access.DIGEST, ErrorCode.BLOB_UNKNOWN).name());
    }

    @Test
    void hostsThatAreNotMirroredAreFastMisses() {
        MirrorPolicy some = policy(List.of("docker.io", "ghcr.io"), true, true);
        RegistryException e = assertThrows(RegistryException.class,
                () -> some.repository("quay.io", "a/b", MirrorPolicy.Access.DIGEST, ErrorCode.BLOB_UNKNOWN));
        assertEquals(ErrorCode.BLOB_UNKNOWN, e.code());
    }

    @Test
    void tagsAreMissesWhenTagResolutionIsOff() {
        MirrorPolicy digestsOnly = policy(List.of("*"), false, true);
        RegistryException e = assertThrows(RegistryException.class,
                () -> digestsOnly.repository("docker.io", "alpine", MirrorPolicy.Access.TAG, ErrorCode.MANIFEST_UNKNOWN));
        assertEquals(404, e.status());
        digestsOnly.repository("docker.io", "alpine", MirrorPolicy.Access.DIGEST, ErrorCode.MANIFEST_UNKNOWN);
    }

    @Test
    void writesAreRefusedInReadOnlyMode() {
        RegistryException e = assertThrows(RegistryException.class, () -> policy(List.of("*"), true, true)
                .repository("docker.io", "alpine", MirrorPolicy.Access.WRITE, ErrorCode.BLOB_UPLOAD_UNKNOWN));
        assertEquals(ErrorCode.UNSUPPORTED, e.code());
        policy(List.of("*"), true, false).repository("docker.io", "alpine", MirrorPolicy.Access.WRITE,
                ErrorCode.BLOB_UPLOAD_UNKNOWN);
    }

    @Test
    void invalidHostsAreNameInvalid() {
        RegistryException e = assertThrows(RegistryException.class, () -> policy(List.of("*"), true, true)
                .repository("not a host", "alpine", MirrorPolicy.Access.TAG, ErrorCode.MANIFEST_UNKNOWN));
        assertEquals(ErrorCode.NAME_INVALID, e.code());
        assertNull(UpstreamHost.normalize("UPPER_case"));
    }
}
