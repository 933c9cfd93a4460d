package io.containerdregistry.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/** An image in a registry, read over the Distribution API: its index, a platform's manifest and config, blobs. */
final class PushedImage {
    private static final String ACCEPT = String.join(",", "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI registry;
    private final String repository;
    private final String tag;

    /** {@code registry} is {@code http://host:port}. */
    PushedImage(URI registry, String repository, String tag) {
        this.registry = registry;
        this.repository = repository;
        this.tag = tag;
    }

    JsonNode index() throws IOException, InterruptedException {
        return manifestAt(tag);
    }

    /** The manifest of the index's image for {@code architecture} ({@code amd64}, {@code arm64}). */
    JsonNode manifest(String architecture) throws IOException, InterruptedException {
        for (JsonNode entry : index().path("manifests")) {
            if (architecture.equals(entry.path("platform").path("architecture").asText())) {
                return manifestAt(entry.path("digest").asText());
            }
        }
        throw new AssertionError("no " + architecture + " image in " + index());
    }

    JsonNode config(String architecture) throws IOException, InterruptedException {
        return JSON.readTree(Files.readAllBytes(blob(manifest(architecture).path("config").path("digest").asText(),
                Files.createTempFile("config", ".json"))));
    }

    /** Downloads a blob into {@code file}. */
    Path blob(String digest, Path file) throws IOException, InterruptedException {
        HttpResponse<Path> response = http.send(HttpRequest.newBuilder(
                registry.resolve("/v2/" + repository + "/blobs/" + digest)).build(), HttpResponse.BodyHandlers.ofFile(file));
        if (response.statusCode() != 200) {
            throw new AssertionError("blob " + digest + ": " + response.statusCode());
        }
        return file;
    }

    private JsonNode manifestAt(String reference) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(
                registry.resolve("/v2/" + repository + "/manifests/" + reference)).header("Accept", ACCEPT).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new AssertionError("manifest " + reference + ": " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }
}
