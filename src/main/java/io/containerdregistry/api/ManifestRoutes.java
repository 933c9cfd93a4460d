package io.containerdregistry.api;

import io.containerdregistry.mirror.MirrorPolicy;
import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.Manifest;
import io.containerdregistry.oci.Reference;
import io.containerdregistry.oci.Repository;
import io.containerdregistry.oci.Strings;
import io.containerdregistry.peers.PeerFetcher;
import io.containerdregistry.store.ManifestStore;
import io.containerdregistry.store.StoredManifest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/** {@code HEAD}/{@code GET}/{@code PUT /v2/<name>/manifests/<reference>}: bytes stored and served exactly as pushed. */
@ApplicationScoped
class ManifestRoutes {
    /** Manifests up to this size are read for a GET without taking transfer memory. */
    private static final long READ_WITHOUT_ADMISSION = 256 * 1024;
    private final Scope scope;
    private final ManifestStore manifests;
    private final DeletePolicy deletes;
    private final long maxManifestSize;
    private final PeerFetcher peers;
    private final TransferAdmission admission;

    ManifestRoutes(Scope scope, ManifestStore manifests, DeletePolicy deletes, RegistryConfig config,
            PeerFetcher peers, TransferAdmission admission) {
        this.scope = scope;
        this.manifests = manifests;
        this.deletes = deletes;
        this.peers = peers;
        this.admission = admission;
        this.maxManifestSize = config.limits().maxManifestSize();
    }

    void init(@Observes Router router) {
        router.routeWithRegex(HttpMethod.HEAD, Paths.MANIFEST).handler(rc -> serve(rc, false));
        router.routeWithRegex(HttpMethod.GET, Paths.MANIFEST).handler(rc -> serve(rc, true));
        router.routeWithRegex(HttpMethod.PUT, Paths.MANIFEST).handler(this::put);
        router.routeWithRegex(HttpMethod.DELETE, Paths.MANIFEST).handler(this::delete);
    }

    /**
     * The reference a read or delete names. No manifest can be stored under an invalid tag, so one is unknown
     * ({@code 404 MANIFEST_UNKNOWN}), as the reference registry answers; pushing to one is {@code 400 TAG_INVALID}.
     */
    private static Reference existing(RoutingContext rc) {
        String text = rc.pathParam("reference");
        if (!Digest.looksLikeDigest(text) && !Reference.isValidTag(text)) {
            throw ErrorCode.MANIFEST_UNKNOWN.exception("no manifest can be tagged " + Strings.printable(text));
        }
        return Reference.parse(text);
    }

    private void delete(RoutingContext rc) {
        deletes.requireAllowed();
        Reference reference = existing(rc);
        Repository repository = scope.repository(rc, MirrorPolicy.Access.WRITE, ErrorCode.MANIFEST_UNKNOWN);
        Async.then(rc, manifests.delete(repository, reference), ignored -> rc.response().setStatusCode(202).end());
    }

    private void serve(RoutingContext rc, boolean withBody) {
        Reference reference = existing(rc);
        Repository repository = scope.repository(rc,
                reference.isDigest() ? MirrorPolicy.Access.DIGEST : MirrorPolicy.Access.TAG, ErrorCode.MANIFEST_UNKNOWN);
        Async.then(rc, manifests.get(repository, reference, false), found -> {
            if (!withBody) {
                headers(rc, found).end();
            } else if (found.bytes() != null || found.size() <= READ_WITHOUT_ADMISSION) {
                Async.then(rc, manifests.read(found), manifest -> send(rc, manifest));
            } else {
                admission.admit(rc, TransferAdmission.manifest(found.size()),
                        () -> Async.then(rc, manifests.read(found), manifest -> send(rc, manifest)));
            }
        }, miss -> peers.serveOrFail(rc, miss, reference.isDigest() ? reference.digest() : null));
    }

    private static HttpServerResponse headers(RoutingContext rc, StoredManifest manifest) {
        return rc.response()
                .putHeader("Content-Type", manifest.mediaType())
                .putHeader("Docker-Content-Digest", manifest.digest().toString())
                .putHeader("ETag", '"' + manifest.digest().toString() + '"')
                .putHeader("Content-Length", Long.toString(manifest.size()));
    }

    /** Sends the bytes in slices as the connection takes them, so a large manifest never sits whole in a socket buffer. */
    private static void send(RoutingContext rc, StoredManifest manifest) {
        headers(rc, manifest);
        ResponseBody.send(rc, manifest.bytes());
    }

    /** The tag or digest a push names; pushing to an invalid tag is {@code 400 TAG_INVALID}. */
    private void put(RoutingContext rc) {
        Reference reference = Reference.parse(rc.pathParam("reference"));
        List<String> extraTags = rc.queryParam("tag").stream().map(tag -> Reference.tag(tag).tag()).toList();
        Repository repository = scope.repository(rc, MirrorPolicy.Access.WRITE, ErrorCode.MANIFEST_UNKNOWN);
        String contentType = rc.request().getHeader("Content-Type");
        HttpServerRequest request = rc.request();
        request.pause();
        long expected = BoundedBody.declaredLength(request, maxManifestSize, ErrorCode.MANIFEST_INVALID);
        admission.admit(rc, TransferAdmission.manifest(expected), () -> BoundedBody
                .read(request, maxManifestSize, ErrorCode.MANIFEST_INVALID)
                .compose(body -> rc.vertx().executeBlocking(
                        () -> parsed(reference, contentType, body.getBytes()), false))
                .onComplete(parsed -> {
                    if (parsed.failed()) {
                        rc.fail(parsed.cause());
                    } else {
                        store(rc, repository, reference, extraTags, parsed.result());
                    }
                }));
    }

    /** A pushed manifest, read: hashed and parsed on a worker thread, never on the event loop. */
    private record Parsed(Digest digest, Manifest manifest, StoredManifest content) {
    }

    private static Parsed parsed(Reference reference, String contentType, byte[] bytes) {
        Digest stored = Digest.sha256Of(bytes);
        Digest digest = reference.isDigest() && !reference.digest().isSha256()
                ? Digest.of(reference.digest().algorithm(), bytes)
                : stored;
        if (reference.isDigest() && !digest.equals(reference.digest())) {
            throw ErrorCode.DIGEST_INVALID.exception(
                    "manifest digest is " + digest + ", not " + reference.digest());
        }
        Manifest manifest = Manifest.parsePushed(bytes, contentType);
        return new Parsed(digest, manifest, new StoredManifest(digest, stored, manifest.mediaType(), bytes.length, bytes));
    }

    private void store(RoutingContext rc, Repository repository, Reference reference, List<String> extraTags,
            Parsed parsed) {
        Async.then(rc, manifests.put(repository, reference, extraTags, parsed.manifest(), parsed.content()), ignored -> {
            HttpServerResponse response = rc.response().setStatusCode(201)
                    .putHeader("Location", Paths.manifestLocation(repository, parsed.digest()))
                    .putHeader("Docker-Content-Digest", parsed.digest().toString())
                    .putHeader("Content-Length", "0");
            if (parsed.manifest().subject() != null) {
                response.putHeader("OCI-Subject", parsed.manifest().subject().digest().toString());
            }
            response.end();
        });
    }
}
