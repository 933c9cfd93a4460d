package io.containerdregistry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tag and catalog pages, answered from the in-memory image index (see {@link ListingWithoutIndexTest}). */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class ListingRoutesTest {
    private static final String REPO = "listtest/app";

    private static final Set<Class<?>> PUSHED = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void pushTagsOnce() {
        if (!PUSHED.add(getClass())) {
            return;
        }
        for (String tag : new String[] {"c", "a", "b", "d"}) {
            Registry.pushImage(REPO, tag, "layer-" + tag);
        }
        for (String repo : new String[] {"listcatalog/x", "listcatalog/y", "listcatalog/z"}) {
            Registry.pushImage(repo, "latest", "layer-" + repo);
        }
    }

    @Test
    void tagsListIsSortedWithTheRepositoryName() {
        given().get("/v2/" + REPO + "/tags/list").then().statusCode(200)
                .body("name", equalTo(REPO))
                .body("tags", contains("a", "b", "c", "d"))
                .header("Link", nullValue());
    }

    @Test
    void tagsPageWithNAndLastAndALinkWhileMoreRemain() {
        given().get("/v2/" + REPO + "/tags/list?n=2").then().statusCode(200)
                .body("tags", contains("a", "b"))
                .header("Link", equalTo("</v2/" + REPO + "/tags/list?n=2&last=b>; rel=\"next\""));
        given().get("/v2/" + REPO + "/tags/list?n=2&last=b").then().statusCode(200)
                .body("tags", contains("c", "d"))
                .header("Link", nullValue());
        given().get("/v2/" + REPO + "/tags/list?last=a").then().statusCode(200)
                .body("tags", contains("b", "c", "d"));
    }

    @Test
    void nZeroGivesAnEmptyList() {
        given().get("/v2/" + REPO + "/tags/list?n=0").then().statusCode(200)
                .body("tags", empty())
                .header("Link", nullValue());
    }

    @Test
    void unknownRepositoryIs404NameUnknown() {
        given().get("/v2/listtest/never-pushed/tags/list").then().statusCode(404)
                .body("errors[0].code", equalTo("NAME_UNKNOWN"));
    }

    @Test
    void catalogPagesRepositoriesWithLink() {
        given().get("/v2/_catalog?n=2&last=listcatalog/").then().statusCode(200)
                .body("repositories", contains("listcatalog/x", "listcatalog/y"))
                .header("Link", equalTo("</v2/_catalog?n=2&last=listcatalog%2Fy>; rel=\"next\""));
    }

    @Test
    void invalidPageSizeIs400() {
        given().get("/v2/_catalog?n=abc").then().statusCode(400).body("errors[0].code", equalTo("UNSUPPORTED"));
    }
}
