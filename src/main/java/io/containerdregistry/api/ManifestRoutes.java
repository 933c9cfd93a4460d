package io.containerdregistry.api;

import io.containerdregistry.mirror.MirrorPolicy;
import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.Manifest;
import io.containerdregistry.oci.Reference;
import io.containerdregistry.oci.Repository;
import io.containerdregistry.peers.PeerFetcher;
import io.containerdregistry.store.ManifestStore;
import io.containerdregistry.store.StoredManifest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/** {@code HEAD}/{@code GET}/{@code PUT /v2/<name>/manifests/<reference>}: bytes stored and served exactly as pushed. */
@ApplicationScoped
class ManifestRoutes {
    private final Scope scope;
    private final ManifestStore manifests;
    private final DeletePolicy deletes;
    private final long maxManifestSize;
    private final PeerFetcher peers;

    ManifestRoutes(Scope scope, ManifestStore manifests, DeletePolicy deletes, RegistryConfig config,
            PeerFetcher peers) {
        this.scope = scope;
        this.manifests = manifests;
        this.deletes = deletes;
        this.peers = peers;
        this.maxManifestSize = config.limits().maxManifestSize();
    }

    void init(@Observes Router router) {
        router.routeWithRegex(HttpMethod.HEAD, Paths.MANIFEST).handler(rc -> serve(rc, false));
        router.routeWithRegex(HttpMethod.GET, Paths.MANIFEST).handler(rc -> serve(rc, true));
        router.routeWithRegex(HttpMethod.PUT, Paths.MANIFEST).handler(this::put);
        router.routeWithRegex(HttpMethod.DELETE, Paths.MANIFEST).handler(this::delete);
    }

    private void delete(RoutingContext rc) {
        deletes.requireAllowed();
        Reference reference = Reference.parse(rc.pathParam("reference"));
        Repository repository = scope.repository(rc, MirrorPolicy.Access.WRITE, ErrorCode.MANIFEST_UNKNOWN);
        Async.then(rc, manifests.delete(repository, reference), ignored -> rc.response().setStatusCode(202).end());
    }

    private void serve(RoutingContext rc, boolean withBody) {
        Reference reference = Reference.parse(rc.pathParam("reference"));
        Repository repository = scope.repository(rc,
                reference.isDigest() ? MirrorPolicy.Access.DIGEST : MirrorPolicy.Access.TAG, ErrorCode.MANIFEST_UNKNOWN);
        Async.then(rc, manifests.get(repository, reference, withBody), manifest -> {
            HttpServerResponse response = rc.response()
                    .putHeader("Content-Type", manifest.mediaType())
                    .putHeader("Docker-Content-Digest", manifest.digest().toString())
                    .putHeader("ETag", '"' + manifest.digest().toString() + '"')
                    .putHeader("Content-Length", Long.toString(manifest.size()));
            if (withBody) {
                response.end(io.vertx.core.buffer.Buffer.buffer(manifest.bytes()));
            } else {
                response.end();
            }
        }, miss -> peers.serveOrFail(rc, miss, reference.isDigest() ? reference.digest() : null));
    }

    private void put(RoutingContext rc) {
        Reference reference = Reference.parse(rc.pathParam("reference"));
        Repository repository = scope.repository(rc, MirrorPolicy.Access.WRITE, ErrorCode.MANIFEST_UNKNOWN);
        String contentType = rc.request().getHeader("Content-Type");
        BoundedBody.read(rc.request(), maxManifestSize, ErrorCode.MANIFEST_INVALID).onComplete(read -> {
            if (read.failed()) {
                rc.fail(read.cause());
                return;
            }
            try {
                store(rc, repository, reference, contentType, read.result().getBytes());
            } catch (RuntimeException e) {
                rc.fail(e);
            }
        });
    }

    private void store(RoutingContext rc, Repository repository, Reference reference, String contentType, byte[] bytes) {
        List<String> extraTags = rc.queryParam("tag").stream().map(tag -> Reference.tag(tag).tag()).toList();
        Digest stored = Digest.sha256Of(bytes);
        Digest digest = reference.isDigest() && !reference.digest().isSha256()
                ? Digest.of(reference.digest().algorithm(), bytes)
                : stored;
        if (reference.isDigest() && !digest.equals(reference.digest())) {
            throw ErrorCode.DIGEST_INVALID.exception(
                    "manifest digest is " + digest + ", not " + reference.digest());
        }
        Manifest manifest = Manifest.parse(bytes, contentType);
        StoredManifest content = new StoredManifest(digest, stored, manifest.mediaType(), bytes.length, bytes);
        Async.then(rc, manifests.put(repository, reference, extraTags, manifest, content), ignored -> {
            HttpServerResponse response = rc.response().setStatusCode(201)
                    .putHeader("Location", Paths.manifestLocation(repository, digest))
                    .putHeader("Docker-Content-Digest", digest.toString())
                    .putHeader("Content-Length", "0");
            if (manifest.subject() != null) {
                response.putHeader("OCI-Subject", manifest.subject().digest().toString());
            }
            response.end();
        });
    }
}
