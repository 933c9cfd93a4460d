package io.containerdregistry.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.store.BlobStore;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A real containerd 1.6 whose CRI plugin runs with {@code config_path} set to the registry's hosts directory and
 * unpacked layers kept; the registry is given no content directory, so it takes the one containerd names.
 */
@QuarkusTest
@WithTestResource(value = ContainerdTestResource.class, initArgs = {
        @ResourceArg(name = "cri", value = "config-path"),
        @ResourceArg(name = "content-dir", value = "from-containerd")})
class WellConfiguredContainerdTest {
    private static final Path CONTAINERD = Path.of("target", "containerd-test-cri-config-path").toAbsolutePath();
    private static final Path CONTENT_ROOT = CONTAINERD.resolve("root").resolve("io.containerd.content.v1.content");

    @Inject
    BlobStore blobs;

    @Test
    void theMirrorIsUsedAndEveryCheckPassesWhileReadinessStaysUp() {
        Map<String, Object> data = MirrorSetupHealth.awaitVerdict();

        assertEquals("UP", MirrorSetupHealth.checkResponse().get("status"));
        assertEquals("used", data.get("mirror"), data.toString());
        assertEquals(0, data.get("problems"), data.toString());
        assertEquals("ok: CRI plugin serves kubelet's runtime service", data.get("cri"));
        assertEquals("ok: CRI registry config_path \"" + CONTAINERD.resolve("certs.d") + "\" includes "
                + CONTAINERD.resolve("certs.d"), data.get("config_path"));
        assertEquals("ok: unpacked layers are kept", data.get("unpacked_layers"));
        assertTrue(String.valueOf(data.get("version")).startsWith("ok: containerd 1."), data.toString());
        assertEquals("ok: content store at " + CONTENT_ROOT, data.get("content_plugin"));
        assertEquals("ok: blobs are sent from the files in " + CONTENT_ROOT, data.get("content_dir"));

        assertEquals(0.0, MirrorSetupHealth.problems());
        for (Check check : Check.values()) {
            assertEquals(1.0, MirrorSetupHealth.ok(check), check.key());
        }
    }

    @Test
    void blobFilesAreSentFromTheDirectoryContainerdsContentPluginNames() {
        MirrorSetupHealth.awaitVerdict();
        byte[] content = "sent from the content root containerd names".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.parse(Registry.pushBlob("doctor/files", content));

        assertEquals(CONTENT_ROOT.resolve("blobs").resolve("sha256").resolve(digest.encoded()),
                blobs.file(digest).orElseThrow());
    }
}
