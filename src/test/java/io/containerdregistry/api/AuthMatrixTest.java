package io.containerdregistry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.AuthProfile;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Registry;
import io.containerdregistry.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may do what, with every mode on at once ({@link AuthProfile}): anonymous clients, wrong and right passwords,
 * the static token, issued tokens with too narrow a scope, expired, tampered or foreign tokens, the rules per
 * repository and action, the catalog permission, and the endpoints that stay open.
 */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
@TestProfile(AuthProfile.class)
class AuthMatrixTest {
    private static final String CHALLENGE = "Bearer realm=\"http://localhost:";

    private static boolean pushed;

    @BeforeEach
    void content() {
        if (pushed) {
            return;
        }
        pushed = true;
        // content pushed with the static token, which may do everything
        String config = "{\"auth\":\"matrix\"}";
        for (String repo : List.of("public/app", "private/app", "team/app")) {
            String configDigest = pushBlob(repo, config);
            String manifest = Registry.manifest(configDigest, config.length());
            asAdmin().contentType(Registry.OCI_MANIFEST).body(manifest).put("/v2/" + repo + "/manifests/v1")
                    .then().statusCode(201);
        }
    }

    private static RequestSpecification asAdmin() {
        return given().header("Authorization", "Bearer " + AuthProfile.STATIC_TOKEN);
    }

    private static RequestSpecification basic(String user, String password) {
        return given().header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private static RequestSpecification bearer(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    private static String pushBlob(String repo, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        String digest = Digest.sha256Of(bytes).toString();
        asAdmin().body(bytes).contentType("application/octet-stream")
                .post("/v2/" + repo + "/blobs/uploads/?digest=" + digest).then().statusCode(201);
        return digest;
    }

    private static String token(String user, String password, String scope) {
        return basic(user, password).queryParam("service", AuthProfile.SERVICE).queryParam("scope", scope)
                .get("/token").then().statusCode(200).extract().path("token");
    }

    private static ValidatableResponse unauthorized(ValidatableResponse response) {
        return response.statusCode(401).body("errors[0].code", equalTo("UNAUTHORIZED"));
    }

    @Test
    void anonymousVersionCheckIs401WithABearerChallengeForTheTokenEndpoint() {
        unauthorized(given().get("/v2/").then())
                .header("WWW-Authenticate", allOf(containsString(CHALLENGE), containsString("/token\",service=\""
                        + AuthProfile.SERVICE + "\"")))
                .header("Docker-Distribution-API-Version", "registry/2.0");
    }

    @Test
    void anonymousPullOfAPublicRepositoryIsAllowed() {
        given().get("/v2/public/app/manifests/v1").then().statusCode(200);
        given().get("/v2/public/app/tags/list").then().statusCode(200).body("tags", equalTo(List.of("v1")));
    }

    @Test
    void anonymousPullOfAPrivateRepositoryIs401WithItsScope() {
        unauthorized(given().get("/v2/private/app/manifests/v1").then())
                .header("WWW-Authenticate", containsString("scope=\"repository:private/app:pull\""));
    }

    @Test
    void anonymousPushIs401EvenWhereAnonymousMayPull() {
        unauthorized(given().post("/v2/public/app/blobs/uploads/").then())
                .header("WWW-Authenticate", containsString("scope=\"repository:public/app:pull,push\""));
        unauthorized(given().contentType(Registry.OCI_MANIFEST).body("{}").put("/v2/public/app/manifests/v2").then());
    }

    @Test
    void wrongPasswordIs401() {
        unauthorized(basic("alice", "not-the-password").get("/v2/").then());
        unauthorized(basic("nobody", "secret").get("/v2/").then());
        unauthorized(basic("mallory", "anything").get("/v2/").then());
    }

    @Test
    void malformedAuthorizationIs401() {
        unauthorized(given().header("Authorization", "Basic !!!not-base64").get("/v2/").then());
        unauthorized(given().header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                "no-colon".getBytes(StandardCharsets.UTF_8))).get("/v2/").then());
        unauthorized(given().header("Authorization", "Digest username=alice").get("/v2/").then());
        unauthorized(given().header("Authorization", "Bearer not.a.jwt").get("/v2/").then());
    }

    @Test
    void rightPasswordFromHtpasswdIsLetIn() {
        basic("alice", "secret").get("/v2/").then().statusCode(200);
        basic("alice", "secret").get("/v2/private/app/manifests/v1").then().statusCode(200);
        basic("bob", "bob-password").get("/v2/team/app/manifests/v1").then().statusCode(200);
    }

    @Test
    void userWithoutThePermissionIs403Denied() {
        basic("bob", "bob-password").post("/v2/team/app/blobs/uploads/").then().statusCode(403)
                .body("errors[0].code", equalTo("DENIED"));
        basic("bob", "bob-password").get("/v2/private/app/manifests/v1").then().statusCode(403)
                .body("errors[0].code", equalTo("DENIED"));
        basic("carol", "carol-password").delete("/v2/team/app/manifests/v1").then().statusCode(403)
                .body("errors[0].code", equalTo("DENIED"));
    }

    @Test
    void anUploadBodyArrivesWholeWhileThePasswordIsCheckedOffTheEventLoop() {
        // erin's password is checked only here, so bcrypt runs on a worker while the body waits
        byte[] blob = "uploaded while bcrypt runs ".repeat(500).getBytes(StandardCharsets.UTF_8);
        String digest = Digest.sha256Of(blob).toString();
        basic("erin", "erin-password").body(blob).contentType("application/octet-stream")
                .post("/v2/team/erin/blobs/uploads/?digest=" + digest).then().statusCode(201);
        byte[] stored = asAdmin().get("/v2/team/erin/blobs/" + digest).then().statusCode(200).extract().asByteArray();
        assertEquals(digest, Digest.sha256Of(stored).toString());
    }

    @Test
    void userWithPushMayUpload() {
        basic("carol", "carol-password").post("/v2/team/app/blobs/uploads/").then().statusCode(202);
    }

    @Test
    void tokenEndpointRefusesAWrongPasswordWithAnOciError() {
        basic("alice", "wrong").queryParam("scope", "repository:team/app:pull").get("/token").then()
                .statusCode(401).body("errors[0].code", equalTo("UNAUTHORIZED"))
                .header("WWW-Authenticate", containsString("Basic realm="));
    }

    @Test
    void tokenEndpointGrantsOnlyWhatTheRulesAllow() {
        String token = token("bob", "bob-password", "repository:team/app:pull,push repository:private/app:pull");
        String claims = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        assertEquals(true, claims.contains("\"access\":[{\"type\":\"repository\",\"name\":\"team/app\",\"actions\":[\"pull\"]}"),
                claims);
        assertEquals(true, claims.contains("\"name\":\"private/app\",\"actions\":[]"), claims);
        bearer(token).get("/v2/team/app/manifests/v1").then().statusCode(200);
        unauthorized(bearer(token).get("/v2/private/app/manifests/v1").then());
    }

    @Test
    void tokenWithAPullOnlyScopePushingIs401InsufficientScope() {
        String token = token("alice", "secret", "repository:team/app:pull");
        bearer(token).get("/v2/team/app/manifests/v1").then().statusCode(200);
        unauthorized(bearer(token).post("/v2/team/app/blobs/uploads/").then())
                .header("WWW-Authenticate", allOf(containsString("scope=\"repository:team/app:pull,push\""),
                        containsString("error=\"insufficient_scope\"")));
        String pushToken = token("alice", "secret", "repository:team/app:pull,push");
        bearer(pushToken).post("/v2/team/app/blobs/uploads/").then().statusCode(202);
    }

    @Test
    void anonymousTokenGrantsAnonymousPullOnly() {
        String token = given().queryParam("scope", "repository:public/app:pull,push").get("/token")
                .then().statusCode(200).extract().path("token");
        bearer(token).get("/v2/").then().statusCode(200);
        bearer(token).get("/v2/public/app/manifests/v1").then().statusCode(200);
        unauthorized(bearer(token).post("/v2/public/app/blobs/uploads/").then());
    }

    @Test
    void expiredTokenIs401() throws Exception {
        PrivateKey key = TestTokens.key(AuthProfile.KEY);
        Instant past = Instant.now().minus(Duration.ofMinutes(10));
        String expired = TestTokens.mint(key, AuthProfile.SERVICE, "alice", "team/app", List.of("pull"),
                past, past.plus(Duration.ofMinutes(5)));
        unauthorized(bearer(expired).get("/v2/team/app/manifests/v1").then())
                .body("errors[0].detail", equalTo("token expired"));
    }

    @Test
    void tamperedTokenIs401() {
        String token = token("bob", "bob-password", "repository:team/app:pull");
        String[] parts = token.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"team/app\"", "\"private/app\"");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        unauthorized(bearer(tampered).get("/v2/private/app/manifests/v1").then());
        String unsigned = parts[0] + "." + parts[1] + ".";
        unauthorized(bearer(unsigned).get("/v2/team/app/manifests/v1").then());
    }

    @Test
    void tokensSignedByAnotherKeyOrForAnotherServiceAre401() throws Exception {
        Path otherKey = AuthProfile.DIR.resolve("other-key.pem");
        AuthProfile.writeKey(otherKey);
        Instant now = Instant.now();
        String foreign = TestTokens.mint(TestTokens.key(otherKey), AuthProfile.SERVICE, "alice", "team/app",
                List.of("pull"), now, now.plusSeconds(60));
        unauthorized(bearer(foreign).get("/v2/team/app/manifests/v1").then());
        String otherService = TestTokens.mint(TestTokens.key(AuthProfile.KEY), "another-registry", "alice", "team/app",
                List.of("pull"), now, now.plusSeconds(60));
        unauthorized(bearer(otherService).get("/v2/team/app/manifests/v1").then());
        String valid = TestTokens.mint(TestTokens.key(AuthProfile.KEY), AuthProfile.SERVICE, "alice", "team/app",
                List.of("pull"), now, now.plusSeconds(60));
        bearer(valid).get("/v2/team/app/manifests/v1").then().statusCode(200);
    }

    @Test
    void staticTokenMayDoEverything() {
        asAdmin().get("/v2/_catalog").then().statusCode(200);
        String digest = pushBlob("anywhere/at/all", "static token content");
        asAdmin().delete("/v2/anywhere/at/all/blobs/" + digest).then().statusCode(202);
        unauthorized(given().header("Authorization", "Bearer " + AuthProfile.STATIC_TOKEN + "x").get("/v2/").then());
    }

    @Test
    void catalogNeedsItsPermission() {
        unauthorized(given().get("/v2/_catalog").then())
                .header("WWW-Authenticate", containsString("scope=\"registry:catalog:*\""));
        basic("bob", "bob-password").get("/v2/_catalog").then().statusCode(403).body("errors[0].code", equalTo("DENIED"));
        basic("alice", "secret").get("/v2/_catalog").then().statusCode(200);
        bearer(token("alice", "secret", "registry:catalog:*")).get("/v2/_catalog").then().statusCode(200);
    }

    @Test
    void crossRepositoryMountNeedsPullOnTheSource() {
        String digest = Digest.sha256Of("{\"auth\":\"matrix\"}".getBytes(StandardCharsets.UTF_8)).toString();
        basic("carol", "carol-password").post("/v2/team/app/blobs/uploads/?mount=" + digest + "&from=private/app")
                .then().statusCode(403).body("errors[0].code", equalTo("DENIED"));
        basic("alice", "secret").post("/v2/team/app/blobs/uploads/?mount=" + digest + "&from=private/app")
                .then().statusCode(201);
    }

    @Test
    void percentEncodedNamesAreCheckedAsTheRoutesSeeThem() {
        // anonymous may pull public/**: an encoded path that decodes outside it is never served
        given().urlEncodingEnabled(false).get("/v2/public%2F..%2Fprivate%2Fapp/manifests/v1").then()
                .statusCode(not(equalTo(200)));
        unauthorized(given().urlEncodingEnabled(false).get("/v2/private%2Fapp/manifests/v1").then());
    }

    @Test
    void healthAndReadinessStayOpenWhileMetricsNeedACredential() {
        given().get("/readyz").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        unauthorized(given().get("/q/metrics").then());
        basic("bob", "bob-password").get("/q/metrics").then().statusCode(200);
    }
}
