package io.containerdregistry.testing;

import static io.restassured.RestAssured.given;

import io.containerdregistry.oci.Digest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;

/** Pushes test content through the HTTP API (RestAssured against the running test application). */
public final class Registry {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    private Registry() {
    }

    /** Pushes a blob monolithically and returns its digest. */
    public static String pushBlob(String repo, byte[] content) {
        String digest = Digest.sha256Of(content).toString();
        given().contentType("application/octet-stream").body(content)
                .post("/v2/" + repo + "/blobs/uploads/?digest=" + digest)
                .then().statusCode(201);
        return digest;
    }

    public static String pushBlob(String repo, String content) {
        return pushBlob(repo, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Pushes a blob monolithically under a digest of the given algorithm and returns that digest. */
    public static String pushBlob(String repo, byte[] content, String algorithm) {
        String digest = Digest.of(algorithm, content).toString();
        given().contentType("application/octet-stream").body(content)
                .post("/v2/" + repo + "/blobs/uploads/?digest=" + digest)
                .then().statusCode(201).header("Docker-Content-Digest", digest);
        return digest;
    }

    /** Starts an upload session and returns its location. */
    public static String startUpload(String repo) {
        return given().post("/v2/" + repo + "/blobs/uploads/").then().statusCode(202).extract().header("Location");
    }

    /** Pushes a manifest and returns its digest. */
    public static String putManifest(String repo, String reference, String mediaType, String body) {
        return given().contentType(mediaType).body(body.getBytes(StandardCharsets.UTF_8))
                .put("/v2/" + repo + "/manifests/" + reference)
                .then().statusCode(201).extract().header("Docker-Content-Digest");
    }

    /** An OCI image manifest referencing the config and layers (each digest:size). */
    public static String manifest(String configDigest, long configSize, String... layers) {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",")
                .append("\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"")
                .append(configDigest).append("\",\"size\":").append(configSize).append("},\"layers\":[");
        for (int i = 0; i < layers.length; i++) {
            String[] parts = layers[i].split("=");
            json.append(i == 0 ? "" : ",")
                    .append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"")
                    .append(parts[0]).append("\",\"size\":").append(parts[1]).append('}');
        }
        return json.append("]}").toString();
    }

    /** Pushes a small image (config + one layer) and tags it; returns the manifest's digest. */
    public static String pushImage(String repo, String tag, String layerContent) {
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":\"" + layerContent + "\"}";
        String configDigest = pushBlob(repo, config);
        String layerDigest = pushBlob(repo, layerContent);
        String manifest = manifest(configDigest, config.length(), layerDigest + "=" + layerContent.length());
        Response put = given().contentType(OCI_MANIFEST).body(manifest).put("/v2/" + repo + "/manifests/" + tag);
        put.then().statusCode(201);
        return put.header("Docker-Content-Digest");
    }
}
