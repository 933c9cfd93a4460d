package io.containerdregistry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A descriptor's size is a claim: a manifest whose descriptors disagree with the size of content that is stored is
 * refused with {@code 400 MANIFEST_INVALID}, and no size a client wrote ever decides how many bytes are read or
 * cached, so what other repositories read stays whole.
 */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class DescriptorSizeTest {
    private static final String INDEX = "application/vnd.oci.image.index.v1+json";

    private record Image(String digest, byte[] bytes, String configDigest, int configSize) {
    }

    private static Image image(String repo) {
        String config = "{\"size-test\":\"" + UUID.randomUUID() + "\"}";
        String configDigest = Registry.pushBlob(repo, config);
        String manifest = Registry.manifest(configDigest, config.length());
        String digest = Registry.putManifest(repo, "v1", Registry.OCI_MANIFEST, manifest);
        return new Image(digest, manifest.getBytes(StandardCharsets.UTF_8), configDigest, config.length());
    }

    private static String index(String childDigest, long childSize) {
        return "{\"schemaVersion\":2,\"mediaType\":\"" + INDEX + "\",\"manifests\":[{\"mediaType\":\""
                + Registry.OCI_MANIFEST + "\",\"digest\":\"" + childDigest + "\",\"size\":" + childSize
                + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";
    }

    @Test
    void anIndexListingAStoredManifestWithAWrongSizeIsRefused() {
        Image image = image("size/victim");
        // the attacker's repository may read the manifest (the same bytes pushed there)
        given().post("/v2/size/attacker/blobs/uploads/?mount=" + image.configDigest() + "&from=size/victim")
                .then().statusCode(201);
        Registry.putManifest("size/attacker", "v1", Registry.OCI_MANIFEST, new String(image.bytes(), StandardCharsets.UTF_8));
        for (long lie : new long[] {image.bytes().length - 10, image.bytes().length + 10, 1}) {
            given().contentType(INDEX).body(index(image.digest(), lie)).put("/v2/size/attacker/manifests/lying")
                    .then().statusCode(400).body("errors[0].code", equalTo("MANIFEST_INVALID"));
        }
        // the honest index is fine
        given().contentType(INDEX).body(index(image.digest(), image.bytes().length))
                .put("/v2/size/attacker/manifests/honest").then().statusCode(201);
        // ... and a read that walks the attacker's records leaves the victim's manifest whole
        given().head("/v2/size/attacker/blobs/" + Digest.sha256Of(UUID.randomUUID().toString()
                .getBytes(StandardCharsets.UTF_8))).then().statusCode(404);
        Response read = given().get("/v2/size/victim/manifests/" + image.digest());
        read.then().statusCode(200).header("Content-Length", String.valueOf(image.bytes().length));
        assertArrayEquals(image.bytes(), read.asByteArray());
    }

    @Test
    void aManifestListingALayerWithAWrongSizeIsRefused() {
        String repo = "size/layers";
        String config = "{\"layers\":\"" + UUID.randomUUID() + "\"}";
        String configDigest = Registry.pushBlob(repo, config);
        String layer = "layer " + UUID.randomUUID();
        String layerDigest = Registry.pushBlob(repo, layer);
        given().contentType(Registry.OCI_MANIFEST)
                .body(Registry.manifest(configDigest, config.length(), layerDigest + "=" + (layer.length() + 1)))
                .put("/v2/" + repo + "/manifests/bad").then().statusCode(400)
                .body("errors[0].code", equalTo("MANIFEST_INVALID"));
        given().contentType(Registry.OCI_MANIFEST)
                .body(Registry.manifest(configDigest, config.length() - 1, layerDigest + "=" + layer.length()))
                .put("/v2/" + repo + "/manifests/bad").then().statusCode(400)
                .body("errors[0].code", equalTo("MANIFEST_INVALID"));
        given().get("/v2/" + repo + "/manifests/bad").then().statusCode(404);
    }
}
