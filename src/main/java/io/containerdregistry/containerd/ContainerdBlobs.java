package io.containerdregistry.containerd;

import io.containerdregistry.containerd.api.content.InfoRequest;
import io.containerdregistry.containerd.api.content.InfoResponse;
import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.store.BlobInfo;
import io.containerdregistry.store.BlobStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/** Blobs are containerd content, keyed by digest. */
@ApplicationScoped
class ContainerdBlobs implements BlobStore {
    private final Stubs stubs;

    ContainerdBlobs(Stubs stubs) {
        this.stubs = stubs;
    }

    @Override
    public Uni<BlobInfo> stat(Digest digest) {
        return info(digest, ErrorCode.BLOB_UNKNOWN).map(info -> new BlobInfo(digest, info.getInfo().getSize()));
    }

    Uni<InfoResponse> info(Digest digest, ErrorCode notFound) {
        InfoRequest request = InfoRequest.newBuilder().setDigest(digest.toString()).build();
        return Calls.<InfoResponse>unary(o -> stubs.content().info(request, o))
                .onFailure().transform(t -> GrpcErrors.map(t, notFound));
    }

    @Override
    public Flow.Publisher<ByteBuffer> read(Digest digest, long offset, long length) {
        return new ContentReader(stubs.contentStream(), digest.toString(), offset, length);
    }
}
