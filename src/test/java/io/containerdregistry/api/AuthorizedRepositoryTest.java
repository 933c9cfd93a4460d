package io.containerdregistry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.AuthProfile;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Registry;
import io.containerdregistry.testing.WritableMirrorAuthProfile;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Authorization is decided on the repository a request actually reads or writes: with {@code ?ns=<host>} that is
 * {@code <host>/<name>}, never the path's name alone. Upload sessions belong to the principal that opened them.
 * (Users of {@link AuthProfile}: bob may pull {@code team/**}, carol may pull and push there, alice everything.)
 */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
@TestProfile(WritableMirrorAuthProfile.class)
class AuthorizedRepositoryTest {
    private static boolean pushed;
    private static String mirroredTeamDigest;

    private static RequestSpecification as(String user, String password) {
        return given().header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private static RequestSpecification asAdmin() {
        return given().header("Authorization", "Bearer " + AuthProfile.STATIC_TOKEN);
    }

    @BeforeEach
    void upstreamImages() {
        if (pushed) {
            return;
        }
        pushed = true;
        for (String repo : new String[] {"docker.io/team/app", "docker.io/public/app", "team/app"}) {
            String config = "{\"repo\":\"" + repo + "\"}";
            byte[] bytes = config.getBytes(StandardCharsets.UTF_8);
            String digest = Digest.sha256Of(bytes).toString();
            asAdmin().contentType("application/octet-stream").body(bytes)
                    .post("/v2/" + repo + "/blobs/uploads/?digest=" + digest).then().statusCode(201);
            String manifest = asAdmin().contentType(Registry.OCI_MANIFEST).body(Registry.manifest(digest, bytes.length))
                    .put("/v2/" + repo + "/manifests/v1").then().statusCode(201).extract().header("Docker-Content-Digest");
            if (repo.equals("docker.io/team/app")) {
                mirroredTeamDigest = manifest;
            }
        }
    }

    @Test
    void aUserAllowedOnlyTeamCannotReadTheMirroredRepositoryOfTheSameName() {
        as("bob", "bob-password").get("/v2/team/app/manifests/v1").then().statusCode(200);
        as("bob", "bob-password").get("/v2/team/app/manifests/v1?ns=docker.io").then().statusCode(403)
                .body("errors[0].code", equalTo("DENIED"));
        as("bob", "bob-password").head("/v2/team/app/manifests/v1?ns=docker.io").then().statusCode(403);
        as("bob", "bob-password").get("/v2/team/app/tags/list?ns=docker.io").then().statusCode(403);
        as("alice", "secret").get("/v2/team/app/manifests/v1?ns=docker.io").then().statusCode(200)
                .header("OCI-Namespace", "docker.io");
    }

    @Test
    void anonymousPullOfPublicDoesNotExtendToTheMirroredRepository() {
        given().get("/v2/public/app/manifests/v1").then().statusCode(404);
        given().get("/v2/public/app/manifests/v1?ns=docker.io").then().statusCode(401)
                .header("WWW-Authenticate", containsString("repository:docker.io/public/app:pull"));
    }

    @Test
    void aUserAllowedToPushTeamCannotPushIntoTheMirroredRepository() {
        String config = "{\"carol\":\"" + UUID.randomUUID() + "\"}";
        byte[] bytes = config.getBytes(StandardCharsets.UTF_8);
        String digest = Digest.sha256Of(bytes).toString();
        as("carol", "carol-password").contentType("application/octet-stream").body(bytes)
                .post("/v2/team/app/blobs/uploads/?digest=" + digest + "&ns=docker.io")
                .then().statusCode(403).body("errors[0].code", equalTo("DENIED"));
        as("carol", "carol-password").contentType(Registry.OCI_MANIFEST)
                .body(Registry.manifest(digest, bytes.length))
                .put("/v2/team/app/manifests/v1?ns=docker.io").then().statusCode(403);
        as("carol", "carol-password").post("/v2/team/app/blobs/uploads/?ns=docker.io").then().statusCode(403);
        // nothing moved: the mirrored tag still names the admin's manifest
        asAdmin().head("/v2/docker.io/team/app/manifests/v1").then().statusCode(200)
                .header("Docker-Content-Digest", mirroredTeamDigest);
    }

    @Test
    void anUploadSessionBelongsToThePrincipalThatOpenedIt() {
        byte[] blob = ("carol's layer " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        String digest = Digest.sha256Of(blob).toString();
        String location = as("carol", "carol-password").post("/v2/team/app/blobs/uploads/")
                .then().statusCode(202).extract().header("Location");
        // alice may push to team/app herself, but carol's session is not hers
        as("alice", "secret").contentType("application/octet-stream").body(blob).patch(location)
                .then().statusCode(404).body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
        as("alice", "secret").put(location + "?digest=" + digest)
                .then().statusCode(404).body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
        as("alice", "secret").delete(location).then().statusCode(404);
        asAdmin().get(location).then().statusCode(404);
        as("carol", "carol-password").contentType("application/octet-stream").body(blob)
                .put(location + "?digest=" + digest).then().statusCode(201);
    }
}
