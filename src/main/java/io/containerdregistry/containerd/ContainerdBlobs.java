package io.containerdregistry.containerd;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.store.BlobInfo;
import io.containerdregistry.store.BlobStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Flow;

/** Blobs are containerd content, keyed by digest. */
@ApplicationScoped
class ContainerdBlobs implements BlobStore {
    private final Stubs stubs;
    private final ContentIndex index;
    private final LeaseManager leases;
    private final Optional<Path> blobDir;

    ContainerdBlobs(Stubs stubs, ContentIndex index, LeaseManager leases, ContainerdSocket socket) {
        this.stubs = stubs;
        this.index = index;
        this.leases = leases;
        this.blobDir = socket.contentDir().map(dir -> dir.resolve("blobs").resolve("sha256"));
    }

    @Override
    public Uni<BlobInfo> stat(Digest digest) {
        return index.info(digest, ErrorCode.BLOB_UNKNOWN)
                .map(info -> new BlobInfo(digest, info.getSize(), Digest.parse(info.getDigest())));
    }

    @Override
    public Optional<Path> file(Digest stored) {
        return blobDir.map(dir -> dir.resolve(stored.encoded())).filter(Files::isReadable);
    }

    @Override
    public Flow.Publisher<ByteBuffer> read(Digest stored, long offset, long length) {
        return new ContentReader(stubs.contentStream(), stored.toString(), offset, length);
    }

    /**
     * Releases a pushed blob: its upload lease goes and containerd collects garbage at once, so the blob disappears
     * unless a manifest still references it (then its GC labels keep it: nothing referenced is lost).
     */
    @Override
    public Uni<Void> delete(Digest digest) {
        return index.info(digest, ErrorCode.BLOB_UNKNOWN).chain(info -> {
            String lease = info.getLabelsOrDefault(Labels.UPLOAD_LEASE, null);
            return lease == null ? leases.collectGarbage() : leases.delete(lease, true);
        });
    }
}
