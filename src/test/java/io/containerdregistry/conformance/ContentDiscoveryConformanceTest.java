package io.containerdregistry.conformance;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The spec's content discovery area: tags lists and the catalog, with their paging rules, and delete refusal. */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class ContentDiscoveryConformanceTest {
    private static final String REPO = "conformance/discovery";

    @Test
    void lastIsExclusiveAndTheLinkAppearsOnlyWhileMoreRemain() {
        for (String tag : new String[] {"t1", "t2", "t3"}) {
            Registry.pushImage(REPO, tag, "layer-" + tag);
        }
        given().get("/v2/" + REPO + "/tags/list?n=3").then().statusCode(200)
                .body("tags", contains("t1", "t2", "t3")).header("Link", nullValue());
        given().get("/v2/" + REPO + "/tags/list?n=1&last=t1").then().statusCode(200)
                .body("tags", contains("t2"))
                .header("Link", equalTo("</v2/" + REPO + "/tags/list?n=1&last=t2>; rel=\"next\""));
        given().get("/v2/" + REPO + "/tags/list?last=t3").then().statusCode(200)
                .body("tags", hasSize(0)).header("Link", nullValue());
    }

    @Test
    void emptyListsAreArraysNeverNull() {
        given().get("/v2/_catalog?last=zzzzzzzz").then().statusCode(200).body("repositories", hasSize(0));
        given().get("/v2/_catalog?n=0").then().statusCode(200).body("repositories", hasSize(0));
    }

    @Test
    void deletesAreRefusedWith405UnlessAllowed() {
        String repo = "conformance/no-deletes";
        String digest = Registry.pushImage(repo, "keep", "kept layer");
        given().delete("/v2/" + repo + "/manifests/keep").then().statusCode(405)
                .body("errors[0].code", equalTo("UNSUPPORTED"));
        given().delete("/v2/" + repo + "/manifests/" + digest).then().statusCode(405);
        given().delete("/v2/" + repo + "/blobs/" + digest).then().statusCode(405);
        given().head("/v2/" + repo + "/manifests/keep").then().statusCode(200);
    }
}
