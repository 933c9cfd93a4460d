package io.containerdregistry.api;

import io.containerdregistry.mirror.MirrorPolicy;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.ByteRange;
import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.Repository;
import io.containerdregistry.peers.PeerFetcher;
import io.containerdregistry.store.BlobInfo;
import io.containerdregistry.store.BlobStore;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** {@code HEAD}/{@code GET /v2/<name>/blobs/<digest>}, with single byte ranges. */
@ApplicationScoped
class BlobRoutes {
    private final Scope scope;
    private final BlobStore blobs;
    private final DeletePolicy deletes;
    private final PeerFetcher peers;
    private final TransferAdmission admission;

    BlobRoutes(Scope scope, BlobStore blobs, DeletePolicy deletes, PeerFetcher peers, TransferAdmission admission) {
        this.scope = scope;
        this.blobs = blobs;
        this.deletes = deletes;
        this.peers = peers;
        this.admission = admission;
    }

    void init(@Observes Router router) {
        router.routeWithRegex(HttpMethod.HEAD, Paths.BLOB).handler(rc -> serve(rc, false));
        router.routeWithRegex(HttpMethod.GET, Paths.BLOB).handler(rc -> serve(rc, true));
        router.routeWithRegex(HttpMethod.DELETE, Paths.BLOB).handler(this::delete);
    }

    private void delete(RoutingContext rc) {
        deletes.requireAllowed();
        Repository repository = scope.repository(rc, MirrorPolicy.Access.WRITE, ErrorCode.BLOB_UNKNOWN);
        Digest digest = Digest.parse(rc.pathParam("digest"));
        Async.then(rc, blobs.delete(repository, digest), ignored -> rc.response().setStatusCode(202).end());
    }

    private void serve(RoutingContext rc, boolean withBody) {
        Repository repository = scope.repository(rc, MirrorPolicy.Access.DIGEST, ErrorCode.BLOB_UNKNOWN);
        Digest digest = Digest.parse(rc.pathParam("digest"));
        Async.then(rc, blobs.stat(repository, digest), info -> {
            // If-Range naming another entity than this blob's ETag asks for the whole blob (RFC 9110 13.1.5)
            String ifRange = rc.request().getHeader("If-Range");
            boolean rangeApplies = ifRange == null || ifRange.trim().equals('"' + digest.toString() + '"');
            ByteRange range = rangeApplies ? ByteRange.resolve(rc.request().getHeader("Range"), info.size()) : null;
            long offset = range == null ? 0 : range.start();
            long length = range == null ? info.size() : range.length();
            if (!withBody || length == 0) {
                headers(rc, info, digest, range).end();
                return;
            }
            blobs.file(info.stored()).ifPresentOrElse(
                    file -> headers(rc, info, digest, range).sendFile(file.toString(), offset, length)
                            .onFailure(failure -> {
                                // the file went away between lookup and open: stream it from containerd instead
                                if (!rc.response().headWritten()) {
                                    blobs.read(info.stored(), offset, length).subscribe(new ResponseBody(rc));
                                } else {
                                    Connections.cut(rc);
                                }
                            }),
                    // streamed through containerd: buffers are taken only with a share of transfer memory
                    () -> admission.admit(rc, TransferAdmission.CONTAINERD_READ, () -> {
                        headers(rc, info, digest, range);
                        blobs.read(info.stored(), offset, length).subscribe(new ResponseBody(rc));
                    }));
        }, miss -> peers.serveOrFail(rc, miss, digest));
    }

    private static HttpServerResponse headers(RoutingContext rc, BlobInfo info, Digest digest, ByteRange range) {
        HttpServerResponse response = rc.response()
                .putHeader("Docker-Content-Digest", digest.toString())
                .putHeader("Accept-Ranges", "bytes")
                .putHeader("Content-Type", "application/octet-stream")
                .putHeader("ETag", '"' + digest.toString() + '"');
        long length = info.size();
        if (range != null) {
            length = range.length();
            response.setStatusCode(206)
                    .putHeader("Content-Range", "bytes " + range.start() + "-" + range.end() + "/" + info.size());
        }
        return response.putHeader("Content-Length", Long.toString(length));
    }
}
