package io.containerdregistry.api;

import io.containerdregistry.mirror.MirrorPolicy;
import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.oci.Digest;
import io.containerdregistry.store.BlobStore;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.Repository;
import io.containerdregistry.oci.UploadRange;
import io.containerdregistry.security.Principal;
import io.containerdregistry.store.UploadSession;
import io.containerdregistry.store.UploadStore;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Blob uploads: {@code POST} (session, or monolithic with {@code ?digest=}), {@code PATCH} chunks, {@code PUT} to
 * finish, {@code GET} status and {@code DELETE} to cancel. Registered on the raw router so request bodies stream
 * instead of being buffered by a body handler.
 */
@ApplicationScoped
class UploadRoutes {
    private static final Pattern UUID_FORM = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private final Scope scope;
    private final UploadStore uploads;
    private final BlobStore blobs;
    private final TransferAdmission admission;
    private final long chunkMinLength;
    private final long maxBlobSize;

    UploadRoutes(Scope scope, UploadStore uploads, BlobStore blobs, TransferAdmission admission,
            RegistryConfig config) {
        this.scope = scope;
        this.uploads = uploads;
        this.blobs = blobs;
        this.admission = admission;
        this.chunkMinLength = config.uploads().chunkMinLength();
        this.maxBlobSize = config.limits().maxBlobSize().map(MemorySize::asLongValue).orElse(Long.MAX_VALUE);
    }

    /**
     * Runs the upload once it holds its share of transfer memory (a request without a body needs none). A body whose
     * {@code Content-Length} is above the blob size limit is refused before anything is read.
     */
    private void admitted(RoutingContext rc, RequestBody body, Runnable upload) {
        if (body == null) {
            upload.run();
            return;
        }
        Long declared = declaredLength(rc.request());
        if (declared != null && declared > maxBlobSize) {
            throw new io.containerdregistry.oci.RegistryException(ErrorCode.SIZE_INVALID, 413,
                    "the body is " + declared + " bytes, more than the limit of " + maxBlobSize, null);
        }
        admission.admit(rc, TransferAdmission.UPLOAD, upload);
    }

    void init(@Observes Router router) {
        router.routeWithRegex(HttpMethod.POST, Paths.UPLOADS).handler(this::start);
        router.routeWithRegex(HttpMethod.PATCH, Paths.UPLOAD).handler(this::patch);
        router.routeWithRegex(HttpMethod.PUT, Paths.UPLOAD).handler(this::put);
        router.routeWithRegex(HttpMethod.GET, Paths.UPLOAD).handler(this::status);
        router.routeWithRegex(HttpMethod.DELETE, Paths.UPLOAD).handler(this::cancel);
    }

    private void start(RoutingContext rc) {
        String mount = rc.request().getParam("mount");
        if (mount != null) {
            mount(rc, Digest.parse(mount), rc.request().getParam("from"));
            return;
        }
        String digestParam = rc.request().getParam("digest");
        RequestBody body = digestParam != null && RequestBody.announced(rc.request()) ? new RequestBody(rc) : null;
        Repository repository = scope.repository(rc, MirrorPolicy.Access.WRITE, ErrorCode.BLOB_UPLOAD_UNKNOWN);
        if (digestParam != null) {
            Digest digest = Digest.parse(digestParam);
            UploadSession session = session(rc, repository, UUID.randomUUID().toString());
            admitted(rc, body, () -> Async.then(rc,
                    uploads.start(session).chain(() -> uploads.complete(session, null, body, digest)),
                    size -> created(rc, repository, digest)));
            return;
        }
        startSession(rc, repository);
    }

    /** The session {@code id} as this request names it: with the request's repository and principal. */
    private static UploadSession session(RoutingContext rc, Repository repository, String id) {
        Principal principal = rc.get(AccessControl.PRINCIPAL);
        return new UploadSession(repository, principal == null ? "" : principal.identity(), id);
    }

    private void startSession(RoutingContext rc, Repository repository) {
        String id = UUID.randomUUID().toString();
        Async.then(rc, uploads.start(session(rc, repository, id)), ignored -> rc.response().setStatusCode(202)
                .putHeader("Location", Paths.uploadLocation(repository, id))
                .putHeader("Range", "0-0")
                .putHeader("Docker-Upload-UUID", id)
                .putHeader("OCI-Chunk-Min-Length", Long.toString(chunkMinLength))
                .putHeader("Content-Length", "0")
                .end());
    }

    /**
     * Cross-repository mount: 201 when the blob is readable through {@code from}, and from then on through this
     * repository too; else (or without {@code from}) a new upload session, as the spec asks.
     */
    private void mount(RoutingContext rc, Digest digest, String from) {
        Repository repository = scope.repository(rc, MirrorPolicy.Access.WRITE, ErrorCode.BLOB_UPLOAD_UNKNOWN);
        if (from == null) {
            startSession(rc, repository);
            return;
        }
        Async.then(rc, blobs.mount(digest, scope.other(rc, from), repository), mounted -> {
            if (mounted) {
                created(rc, repository, digest);
            } else {
                startSession(rc, repository);
            }
        });
    }

    private void patch(RoutingContext rc) {
        RequestBody body = new RequestBody(rc);
        Repository repository = scope.repository(rc, MirrorPolicy.Access.WRITE, ErrorCode.BLOB_UPLOAD_UNKNOWN);
        String id = uploadId(rc);
        String contentRange = rc.request().getHeader("Content-Range");
        UploadRange range = contentRange == null ? null : UploadRange.parse(contentRange);
        Long length = range == null ? null : range.length();
        Long declared = declaredLength(rc.request());
        if (length != null && declared != null && !length.equals(declared)) {
            throw ErrorCode.SIZE_INVALID.exception("Content-Length " + declared + " does not match Content-Range "
                    + range.start() + "-" + range.end());
        }
        Long start = range == null ? null : range.start();
        admitted(rc, body, () -> Async.then(rc, uploads.append(session(rc, repository, id), start, length, body),
                offset -> accepted(rc, repository, id, offset)));
    }

    /** The request's {@code Content-Length}, or null when it has none (a chunked body). */
    private static Long declaredLength(HttpServerRequest request) {
        String header = request.getHeader("Content-Length");
        if (header == null || request.getHeader("Transfer-Encoding") != null) {
            return null;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            throw ErrorCode.SIZE_INVALID.exception("invalid Content-Length");
        }
    }

    private void put(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        RequestBody body = RequestBody.announced(request) ? new RequestBody(rc) : null;
        Repository repository = scope.repository(rc, MirrorPolicy.Access.WRITE, ErrorCode.BLOB_UPLOAD_UNKNOWN);
        String id = uploadId(rc);
        String digestParam = request.getParam("digest");
        if (digestParam == null) {
            throw ErrorCode.DIGEST_INVALID.exception("PUT must carry ?digest=");
        }
        Digest digest = Digest.parse(digestParam);
        String contentRange = request.getHeader("Content-Range");
        Long start = contentRange == null ? null : UploadRange.parse(contentRange).start();
        admitted(rc, body, () -> Async.then(rc, uploads.complete(session(rc, repository, id), start, body, digest),
                size -> created(rc, repository, digest)));
    }

    private void status(RoutingContext rc) {
        Repository repository = scope.repository(rc, MirrorPolicy.Access.WRITE, ErrorCode.BLOB_UPLOAD_UNKNOWN);
        String id = uploadId(rc);
        Async.then(rc, uploads.offset(session(rc, repository, id)), offset -> rc.response().setStatusCode(204)
                .putHeader("Location", Paths.uploadLocation(repository, id))
                .putHeader("Range", UploadRange.stored(offset))
                .putHeader("Docker-Upload-UUID", id)
                .end());
    }

    private void cancel(RoutingContext rc) {
        Repository repository = scope.repository(rc, MirrorPolicy.Access.WRITE, ErrorCode.BLOB_UPLOAD_UNKNOWN);
        String id = uploadId(rc);
        Async.then(rc, uploads.cancel(session(rc, repository, id)), ignored -> rc.response().setStatusCode(204).end());
    }

    private static void accepted(RoutingContext rc, Repository repository, String id, long offset) {
        rc.response().setStatusCode(202)
                .putHeader("Location", Paths.uploadLocation(repository, id))
                .putHeader("Range", UploadRange.stored(offset))
                .putHeader("Docker-Upload-UUID", id)
                .putHeader("Content-Length", "0")
                .end();
    }

    private static void created(RoutingContext rc, Repository repository, Digest digest) {
        rc.response().setStatusCode(201)
                .putHeader("Location", Paths.blobLocation(repository, digest))
                .putHeader("Docker-Content-Digest", digest.toString())
                .putHeader("Content-Length", "0")
                .end();
    }

    private static String uploadId(RoutingContext rc) {
        String id = rc.pathParam("uuid");
        if (id == null || !UUID_FORM.matcher(id).matches()) {
            throw ErrorCode.BLOB_UPLOAD_UNKNOWN.exception("unknown upload id");
        }
        return id;
    }
}
