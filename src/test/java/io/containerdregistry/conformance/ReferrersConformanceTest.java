package io.containerdregistry.conformance;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.AllowDeleteProfile;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The spec's referrers API, stored as containerd content labels. */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
@TestProfile(AllowDeleteProfile.class)
class ReferrersConformanceTest {
    private static final String REPO = "conformance/referrers";
    private static final String INDEX = "application/vnd.oci.image.index.v1+json";

    private static String artifact(String subject, long subjectSize, String artifactType, String configType,
            String note) {
        String config = Registry.pushBlob(REPO, "{}");
        return "{\"schemaVersion\":2,\"mediaType\":\"" + Registry.OCI_MANIFEST + "\","
                + (artifactType == null ? "" : "\"artifactType\":\"" + artifactType + "\",")
                + "\"config\":{\"mediaType\":\"" + configType + "\",\"digest\":\"" + config + "\",\"size\":2},"
                + "\"layers\":[],\"subject\":{\"mediaType\":\"" + Registry.OCI_MANIFEST + "\",\"digest\":\"" + subject
                + "\",\"size\":" + subjectSize + "},\"annotations\":{\"note\":\"" + note + "\"}}";
    }

    private static String pushByDigest(String body) {
        String digest = Digest.sha256Of(body.getBytes(StandardCharsets.UTF_8)).toString();
        given().contentType(Registry.OCI_MANIFEST).body(body).put("/v2/" + REPO + "/manifests/" + digest)
                .then().statusCode(201);
        return digest;
    }

    @Test
    void referrersAreListedFilteredAndSurviveTheirSubjectsDeletion() {
        String seed = UUID.randomUUID().toString();
        String subjectConfig = "{\"s\":\"" + seed + "\"}";
        String subjectBody = Registry.manifest(Registry.pushBlob(REPO, subjectConfig), subjectConfig.length());
        String subject = Registry.putManifest(REPO, "subject", Registry.OCI_MANIFEST, subjectBody);
        String sbom = pushByDigest(artifact(subject, subjectBody.length(), "application/vnd.example.sbom",
                "application/vnd.oci.empty.v1+json", "sbom " + seed));
        String signature = pushByDigest(artifact(subject, subjectBody.length(), null,
                "application/vnd.example.signature.config", "sig " + seed));

        given().get("/v2/" + REPO + "/referrers/" + subject).then().statusCode(200)
                .header("Content-Type", INDEX)
                .body("schemaVersion", equalTo(2))
                .body("mediaType", equalTo(INDEX))
                .body("manifests.digest", containsInAnyOrder(sbom, signature))
                .body("manifests.artifactType", containsInAnyOrder("application/vnd.example.sbom",
                        "application/vnd.example.signature.config"))
                .body("manifests.find { it.digest == '" + sbom + "' }.annotations.note", equalTo("sbom " + seed))
                .body("manifests.find { it.digest == '" + sbom + "' }.mediaType", equalTo(Registry.OCI_MANIFEST))
                .header("OCI-Filters-Applied", nullValue());

        given().get("/v2/" + REPO + "/referrers/" + subject + "?artifactType=application/vnd.example.sbom")
                .then().statusCode(200)
                .header("OCI-Filters-Applied", "artifactType")
                .body("manifests", hasSize(1))
                .body("manifests[0].digest", equalTo(sbom));

        given().delete("/v2/" + REPO + "/manifests/" + subject).then().statusCode(202);
        given().get("/v2/" + REPO + "/referrers/" + subject).then().statusCode(200)
                .body("manifests.digest", containsInAnyOrder(sbom, signature));
    }

    @Test
    void unknownSubjectHasAnEmptyIndex() {
        given().get("/v2/" + REPO + "/referrers/sha256:" + "9".repeat(64)).then().statusCode(200)
                .header("Content-Type", INDEX)
                .body("manifests", hasSize(0));
    }

    @Test
    void malformedSubjectDigestIs400() {
        given().get("/v2/" + REPO + "/referrers/sha256:nope").then().statusCode(400)
                .body("errors[0].code", equalTo("DIGEST_INVALID"));
    }
}
