package io.containerdregistry.api;

import io.containerdregistry.mirror.MirrorPolicy;
import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.Repository;
import io.containerdregistry.store.Catalog;
import io.containerdregistry.store.ListPage;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** {@code GET /v2/<name>/tags/list} and {@code GET /v2/_catalog}, both paged with {@code n}/{@code last}. */
@ApplicationScoped
class ListingRoutes {
    private final Scope scope;
    private final Catalog catalog;
    private final int maxPageSize;

    ListingRoutes(Scope scope, Catalog catalog, RegistryConfig config) {
        this.scope = scope;
        this.catalog = catalog;
        this.maxPageSize = config.listing().maxPageSize();
    }

    void init(@Observes Router router) {
        router.route(HttpMethod.GET, "/v2/_catalog").order(RegistryRouter.FIRST + 1).handler(this::catalog);
        router.routeWithRegex(HttpMethod.GET, Paths.TAGS).handler(this::tags);
    }

    private void catalog(RoutingContext rc) {
        Paging paging = Paging.of(rc, maxPageSize);
        Async.then(rc, catalog.repositories(paging.last(), paging.size(maxPageSize)), page ->
                respond(rc, page, "/v2/_catalog", new JsonObject(), "repositories"));
    }

    private void tags(RoutingContext rc) {
        Repository repository = scope.repository(rc, MirrorPolicy.Access.TAG, ErrorCode.NAME_UNKNOWN);
        Paging paging = Paging.of(rc, maxPageSize);
        Async.then(rc, catalog.tags(repository, paging.last(), paging.size(maxPageSize)), tags -> respond(rc,
                tags.orElseThrow(() -> ErrorCode.NAME_UNKNOWN.exception("repository " + repository + " is not known")),
                "/v2/" + repository.name() + "/tags/list", new JsonObject().put("name", repository.name()), "tags"));
    }

    private void respond(RoutingContext rc, ListPage page, String path, JsonObject body, String field) {
        if (page.more()) {
            rc.response().putHeader("Link", Paging.link(path, page));
        }
        body.put(field, new JsonArray(page.entries()));
        rc.response().putHeader("Content-Type", "application/json").end(body.encode());
    }
}
