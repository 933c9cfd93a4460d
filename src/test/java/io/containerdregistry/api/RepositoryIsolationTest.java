package io.containerdregistry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Ctr;
import io.containerdregistry.testing.OciLayout;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Repository isolation against a real containerd: a blob or manifest is readable only through a repository that
 * pushed it, mounted it or references it, as recorded in containerd's {@code distribution.source} labels; through any
 * other repository it is answered exactly like content that is not stored.
 */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class RepositoryIsolationTest {
    private static final String NATIVE_LABEL = "containerd.io/distribution.source.containerd-registry";

    @ConfigProperty(name = "registry.containerd.address")
    String socket;

    private static String unique(String what) {
        return what + " " + UUID.randomUUID();
    }

    /** A config and a layer pushed to a repository, and the body of a manifest referencing them (not pushed). */
    private record Parts(String config, String layer, String body) {
        static Parts pushedTo(String repo) {
            String config = "{\"parts\":\"" + UUID.randomUUID() + "\"}";
            String layer = unique("layer");
            String configDigest = Registry.pushBlob(repo, config);
            String layerDigest = Registry.pushBlob(repo, layer);
            return new Parts(configDigest, layerDigest,
                    Registry.manifest(configDigest, config.length(), layerDigest + "=" + layer.length()));
        }
    }

    private static int blobStatus(String repo, String digest) {
        return given().get("/v2/" + repo + "/blobs/" + digest).statusCode();
    }

    private static void readable(String repo, String digest) {
        given().get("/v2/" + repo + "/blobs/" + digest).then().statusCode(200);
        given().head("/v2/" + repo + "/blobs/" + digest).then().statusCode(200);
    }

    private static void unknown(String repo, String digest) {
        given().get("/v2/" + repo + "/blobs/" + digest).then().statusCode(404)
                .body("errors[0].code", equalTo("BLOB_UNKNOWN"));
        given().head("/v2/" + repo + "/blobs/" + digest).then().statusCode(404);
    }

    private String contentLabels(String digest) {
        return Ctr.ctr(Path.of(socket), "default", "content", "ls").lines()
                .filter(line -> line.startsWith(digest)).findFirst().orElse("");
    }

    @Test
    void aBlobPushedToOneRepositoryIsReadableThroughItAndUnknownThroughAnother() {
        String digest = Registry.pushBlob("iso/owner", unique("private layer"));
        readable("iso/owner", digest);
        unknown("iso/stranger", digest);
        unknown("docker.io/iso/owner", digest);
        assertTrue(contentLabels(digest).contains(NATIVE_LABEL + "=iso/owner"), contentLabels(digest));
    }

    @Test
    void aDeniedReadIsAnsweredExactlyLikeAMissingOne() {
        String stored = Registry.pushBlob("iso/hidden", unique("hidden"));
        String missing = Digest.sha256Of(unique("never stored").getBytes(StandardCharsets.UTF_8)).toString();
        for (String method : new String[] {"GET", "HEAD"}) {
            Response denied = given().request(method, "/v2/iso/peeker/blobs/" + stored);
            Response absent = given().request(method, "/v2/iso/peeker/blobs/" + missing);
            assertEquals(absent.statusCode(), denied.statusCode(), method);
            assertEquals(absent.asString().replace(missing, "D"), denied.asString().replace(stored, "D"), method);
            assertEquals(headers(absent), headers(denied), method);
        }
        String manifest = Registry.pushImage("iso/hidden", "v1", unique("hidden image"));
        String missingManifest = Digest.sha256Of(unique("no manifest").getBytes(StandardCharsets.UTF_8)).toString();
        Response denied = given().get("/v2/iso/peeker/manifests/" + manifest);
        Response absent = given().get("/v2/iso/peeker/manifests/" + missingManifest);
        assertEquals(404, denied.statusCode());
        assertEquals(absent.asString().replace(missingManifest, "D"), denied.asString().replace(manifest, "D"));
    }

    private static Map<String, String> headers(Response response) {
        Map<String, String> headers = new TreeMap<>();
        response.headers().forEach(h -> {
            if (!h.getName().equalsIgnoreCase("X-Request-Id")) {
                headers.put(h.getName().toLowerCase(), h.getValue());
            }
        });
        return headers;
    }

    @Test
    void everyUploadPathMakesTheBlobReadableThroughItsRepositoryOnly() {
        byte[] chunked = unique("chunked").getBytes(StandardCharsets.UTF_8);
        String location = Registry.startUpload("iso/chunked");
        String next = given().contentType("application/octet-stream").header("Content-Range", "0-" + (chunked.length - 1))
                .body(chunked).patch(location).then().statusCode(202).extract().header("Location");
        String digest = Digest.sha256Of(chunked).toString();
        given().put(next + "?digest=" + digest).then().statusCode(201);
        readable("iso/chunked", digest);
        unknown("iso/other", digest);

        byte[] streamed = unique("streamed").getBytes(StandardCharsets.UTF_8);
        location = Registry.startUpload("iso/streamed");
        next = given().contentType("application/octet-stream").body(streamed).patch(location)
                .then().statusCode(202).extract().header("Location");
        digest = Digest.sha256Of(streamed).toString();
        given().put(next + "?digest=" + digest).then().statusCode(201);
        readable("iso/streamed", digest);
        unknown("iso/other", digest);

        byte[] finalChunk = unique("in the put").getBytes(StandardCharsets.UTF_8);
        location = Registry.startUpload("iso/put");
        digest = Digest.sha256Of(finalChunk).toString();
        given().contentType("application/octet-stream").body(finalChunk).put(location + "?digest=" + digest)
                .then().statusCode(201);
        readable("iso/put", digest);
        unknown("iso/other", digest);
    }

    @Test
    void pushingContentThatIsAlreadyStoredAddsTheNewRepository() {
        byte[] shared = unique("shared base layer").getBytes(StandardCharsets.UTF_8);
        String digest = Registry.pushBlob("iso/first", shared);
        unknown("iso/second", digest);
        Registry.pushBlob("iso/second", shared);
        String location = Registry.startUpload("iso/third");
        given().contentType("application/octet-stream").body(shared).put(location + "?digest=" + digest)
                .then().statusCode(201);
        readable("iso/first", digest);
        readable("iso/second", digest);
        readable("iso/third", digest);
        unknown("iso/fourth", digest);
        assertTrue(contentLabels(digest).contains(NATIVE_LABEL + "=iso/first,iso/second,iso/third"),
                "containerd's format: sorted, comma-separated: " + contentLabels(digest));

        byte[] sha512Content = unique("sha512 content").getBytes(StandardCharsets.UTF_8);
        String sha512 = Registry.pushBlob("iso/first", sha512Content, "sha512");
        unknown("iso/second", sha512);
        Registry.pushBlob("iso/second", sha512Content, "sha512");
        readable("iso/first", sha512);
        readable("iso/second", sha512);
        unknown("iso/fourth", sha512);
    }

    @Test
    void aManifestAndWhatItReferencesAreReadableThroughItsRepositoryOnly() {
        Parts parts = Parts.pushedTo("iso/image");
        String manifest = Registry.putManifest("iso/image", "v1", Registry.OCI_MANIFEST, parts.body());
        given().get("/v2/iso/image/manifests/" + manifest).then().statusCode(200);
        given().head("/v2/iso/image/manifests/" + manifest).then().statusCode(200);
        readable("iso/image", parts.config());
        readable("iso/image", parts.layer());
        given().get("/v2/iso/elsewhere/manifests/" + manifest).then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
        given().head("/v2/iso/elsewhere/manifests/" + manifest).then().statusCode(404);
        unknown("iso/elsewhere", parts.layer());
        assertTrue(contentLabels(manifest).contains(NATIVE_LABEL + "=iso/image"), contentLabels(manifest));
    }

    @Test
    void aManifestCannotReferenceContentItsRepositoryMayNotRead() {
        Parts parts = Parts.pushedTo("iso/victim");
        given().contentType(Registry.OCI_MANIFEST).body(parts.body()).put("/v2/iso/thief/manifests/stolen")
                .then().statusCode(404).body("errors[0].code", equalTo("MANIFEST_BLOB_UNKNOWN"));
        unknown("iso/thief", parts.layer());

        String child = Registry.putManifest("iso/victim", "child", Registry.OCI_MANIFEST, parts.body());
        String index = index(child, parts.body().length());
        given().contentType("application/vnd.oci.image.index.v1+json").body(index)
                .put("/v2/iso/thief/manifests/index").then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_BLOB_UNKNOWN"));
        given().get("/v2/iso/thief/manifests/" + child).then().statusCode(404);
    }

    @Test
    void anIndexMakesItsChildManifestsReadableThroughItsRepository() {
        String config = "{\"index\":\"" + UUID.randomUUID() + "\"}";
        String configDigest = Registry.pushBlob("iso/multi", config);
        String body = Registry.manifest(configDigest, config.length());
        String child = Registry.putManifest("iso/multi", child(), Registry.OCI_MANIFEST, body);
        String index = index(child, body.length());
        String indexDigest = Registry.putManifest("iso/multi", "v1", "application/vnd.oci.image.index.v1+json", index);
        given().get("/v2/iso/multi/manifests/" + indexDigest).then().statusCode(200);
        given().get("/v2/iso/multi/manifests/" + child).then().statusCode(200);
        given().get("/v2/iso/not-multi/manifests/" + child).then().statusCode(404);
    }

    private static String index(String child, long size) {
        return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":"
                + "[{\"mediaType\":\"" + Registry.OCI_MANIFEST + "\",\"digest\":\"" + child + "\",\"size\":"
                + size + "}]}";
    }

    private static String child() {
        return "child-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void mountFromARepositoryThatHoldsTheBlobMakesItReadableThroughTheTarget() {
        String digest = Registry.pushBlob("iso/mount-source", unique("mounted"));
        unknown("iso/mount-target", digest);
        given().post("/v2/iso/mount-target/blobs/uploads/?mount=" + digest + "&from=iso/mount-source")
                .then().statusCode(201).header("Location", "/v2/iso/mount-target/blobs/" + digest);
        readable("iso/mount-target", digest);
        readable("iso/mount-source", digest);
    }

    @Test
    void mountFromARepositoryThatDoesNotHoldTheBlobStartsAnUploadInstead() {
        String digest = Registry.pushBlob("iso/mount-owner", unique("not yours"));
        given().post("/v2/iso/mount-thief/blobs/uploads/?mount=" + digest + "&from=iso/mount-stranger")
                .then().statusCode(202).header("Location", startsWith("/v2/iso/mount-thief/blobs/uploads/"));
        unknown("iso/mount-thief", digest);
        unknown("iso/mount-stranger", digest);
    }

    @Test
    void aRepositoryWhoseManifestReferencesContentReadsItWithoutTheLabelAndGetsTheLabelBack() {
        Parts parts = Parts.pushedTo("iso/referencing");
        Registry.putManifest("iso/referencing", "v1", Registry.OCI_MANIFEST, parts.body());
        String layerDigest = parts.layer();
        Ctr.ctr(Path.of(socket), "default", "content", "label", layerDigest, NATIVE_LABEL + "=");
        assertFalse(contentLabels(layerDigest).contains(NATIVE_LABEL), contentLabels(layerDigest));

        readable("iso/referencing", layerDigest);
        assertTrue(contentLabels(layerDigest).contains(NATIVE_LABEL + "=iso/referencing"), contentLabels(layerDigest));
        unknown("iso/not-referencing", layerDigest);
    }

    @Test
    void referrersListOnlyWhatTheRepositoryMayRead() {
        String subjectConfig = "{\"s\":\"" + UUID.randomUUID() + "\"}";
        String subjectBody = Registry.manifest(Registry.pushBlob("iso/signed", subjectConfig), subjectConfig.length());
        String subject = Registry.putManifest("iso/signed", "v1", Registry.OCI_MANIFEST, subjectBody);
        String config = Registry.pushBlob("iso/signed", "{}");
        String signature = "{\"schemaVersion\":2,\"mediaType\":\"" + Registry.OCI_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.example.signature\",\"digest\":\"" + config
                + "\",\"size\":2},\"layers\":[],\"subject\":{\"mediaType\":\"" + Registry.OCI_MANIFEST
                + "\",\"digest\":\"" + subject + "\",\"size\":" + subjectBody.length() + "}}";
        String referrer = Registry.putManifest("iso/signed", "sig", Registry.OCI_MANIFEST, signature);
        given().get("/v2/iso/signed/referrers/" + subject).then().statusCode(200)
                .body("manifests.digest", equalTo(java.util.List.of(referrer)));
        given().get("/v2/iso/unsigned/referrers/" + subject).then().statusCode(200)
                .body("manifests", hasSize(0));
    }

    @Test
    void contentLabelledByContainerdIsReadableThroughThatMirrorRepositoryOnly() throws IOException {
        byte[] content = unique("fetched by containerd").getBytes(StandardCharsets.UTF_8);
        String digest = Digest.sha256Of(content).toString();
        Path file = Files.createTempFile("iso-ingest", ".bin");
        Files.write(file, content);
        Ctr.run("sh", "-c", "ctr --address " + socket + " -n default content ingest --expected-size " + content.length
                + " --expected-digest " + digest + " iso-ingest-" + UUID.randomUUID() + " < " + file);
        Files.delete(file);
        Ctr.ctr(Path.of(socket), "default", "content", "label", digest, "containerd.io/gc.root=iso-test",
                "containerd.io/distribution.source.docker.io=library/labelled,library/zz");

        given().get("/v2/library/labelled/blobs/" + digest + "?ns=docker.io").then().statusCode(200);
        given().get("/v2/labelled/blobs/" + digest + "?ns=docker.io").then().statusCode(200);
        given().get("/v2/docker.io/library/labelled/blobs/" + digest).then().statusCode(200);
        given().get("/v2/zz/blobs/" + digest + "?ns=index.docker.io").then().statusCode(200);
        given().get("/v2/library/other/blobs/" + digest + "?ns=docker.io").then().statusCode(404)
                .body("errors[0].code", equalTo("BLOB_UNKNOWN"));
        given().get("/v2/library/labelled/blobs/" + digest + "?ns=quay.io").then().statusCode(404);
        given().get("/v2/library/labelled/blobs/" + digest).then().statusCode(404);
    }

    @Test
    void anImportedImageWithoutLabelsIsReadableThroughItsOwnNameOnly() {
        Path work = Path.of("target", "isolation-import-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
        OciLayout layout = OciLayout.build(work.resolve("layout"), "docker.io/library/isoimport:v1", "isolation", 1);
        Path archive = work.resolve("image.tar");
        Ctr.run("tar", "-C", layout.dir().toString(), "-cf", archive.toString(), ".");
        Ctr.ctr(Path.of(socket), "default", "images", "import", "--all-platforms", "--no-unpack", archive.toString());
        String layer = layout.blobs().get(0);
        assertFalse(contentLabels(layer).contains("distribution.source"), contentLabels(layer));

        given().get("/v2/library/isoimport/manifests/" + layout.indexDigest() + "?ns=docker.io").then().statusCode(200);
        given().get("/v2/library/isoimport/blobs/" + layer + "?ns=docker.io").then().statusCode(200);
        assertTrue(contentLabels(layer).contains("containerd.io/distribution.source.docker.io=library/isoimport"),
                "granted on first read: " + contentLabels(layer));
        given().get("/v2/library/isoother/blobs/" + layer + "?ns=docker.io").then().statusCode(404);
        given().get("/v2/library/isoother/manifests/" + layout.indexDigest() + "?ns=docker.io").then().statusCode(404);
        assertEquals(404, blobStatus("isoimport", layer));
    }
}
