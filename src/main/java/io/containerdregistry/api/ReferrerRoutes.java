package io.containerdregistry.api;

import io.containerdregistry.mirror.MirrorPolicy;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.MediaTypes;
import io.containerdregistry.oci.Repository;
import io.containerdregistry.store.ManifestStore;
import io.containerdregistry.store.Referrer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * {@code GET /v2/<name>/referrers/<digest>}: an OCI image index of the manifests whose {@code subject} is the digest,
 * optionally filtered by {@code ?artifactType=} (then {@code OCI-Filters-Applied: artifactType}). An unknown subject
 * has an empty index.
 */
@ApplicationScoped
class ReferrerRoutes {
    private final Scope scope;
    private final ManifestStore manifests;

    ReferrerRoutes(Scope scope, ManifestStore manifests) {
        this.scope = scope;
        this.manifests = manifests;
    }

    void init(@Observes Router router) {
        router.routeWithRegex(HttpMethod.GET, Paths.REFERRERS).handler(this::list);
    }

    private void list(RoutingContext rc) {
        Repository repository = scope.repository(rc, MirrorPolicy.Access.DIGEST, ErrorCode.MANIFEST_UNKNOWN);
        Digest subject = Digest.parse(rc.pathParam("digest"));
        String artifactType = rc.request().getParam("artifactType");
        Async.then(rc, manifests.referrers(repository, subject), referrers -> {
            List<Referrer> shown = artifactType == null ? referrers
                    : referrers.stream().filter(r -> artifactType.equals(r.artifactType())).toList();
            JsonArray descriptors = new JsonArray();
            shown.forEach(r -> descriptors.add(descriptor(r)));
            JsonObject index = new JsonObject()
                    .put("schemaVersion", 2)
                    .put("mediaType", MediaTypes.OCI_INDEX)
                    .put("manifests", descriptors);
            if (artifactType != null) {
                rc.response().putHeader("OCI-Filters-Applied", "artifactType");
            }
            rc.response().putHeader("Content-Type", MediaTypes.OCI_INDEX).end(index.encode());
        });
    }

    private static JsonObject descriptor(Referrer referrer) {
        JsonObject json = new JsonObject()
                .put("mediaType", referrer.mediaType())
                .put("digest", referrer.digest().toString())
                .put("size", referrer.size());
        if (referrer.artifactType() != null) {
            json.put("artifactType", referrer.artifactType());
        }
        if (!referrer.annotations().isEmpty()) {
            json.put("annotations", new JsonObject(new java.util.LinkedHashMap<>(referrer.annotations())));
        }
        return json;
    }
}
