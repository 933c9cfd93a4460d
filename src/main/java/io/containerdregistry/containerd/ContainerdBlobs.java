package io.containerdregistry.containerd;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import io.containerdregistry.oci.Repository;
import io.containerdregistry.store.BlobInfo;
import io.containerdregistry.store.BlobStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Flow;

/** Blobs are containerd content, keyed by digest; who may read them is {@link Readers}' decision. */
@ApplicationScoped
class ContainerdBlobs implements BlobStore {
    private final Stubs stubs;
    private final Readers readers;
    private final LeaseManager leases;
    private final WindowLeases uploadLeases;
    private final Optional<Path> blobDir;

    ContainerdBlobs(Stubs stubs, Readers readers, LeaseManager leases, PushLeases pushLeases,
            ContainerdSocket socket) {
        this.stubs = stubs;
        this.readers = readers;
        this.leases = leases;
        this.uploadLeases = pushLeases.uploads();
        this.blobDir = socket.contentDir().map(dir -> dir.resolve("blobs").resolve("sha256"));
    }

    @Override
    public Uni<BlobInfo> stat(Repository repository, Digest digest) {
        return readers.readable(repository, digest, ErrorCode.BLOB_UNKNOWN)
                .map(info -> new BlobInfo(digest, info.getSize(), Digest.parse(info.getDigest())));
    }

    @Override
    public Uni<Boolean> mount(Digest digest, Repository from, Repository to) {
        return readers.readable(from, digest, ErrorCode.BLOB_UNKNOWN)
                .chain(info -> readers.grant(to, info))
                .replaceWith(true)
                .onFailure(t -> t instanceof RegistryException e && e.code() == ErrorCode.BLOB_UNKNOWN)
                .recoverWithItem(false);
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
     * Takes the blob out of the repository. When no other repository holds it (or isolation is off), the pushed
     * blob is released too: the upload leases stop holding it (the window leases, and the lease of its own a session
     * may have had) and containerd collects garbage at once, so the blob disappears unless a manifest still
     * references it (then its GC labels keep it: nothing referenced is lost).
     */
    @Override
    public Uni<Void> delete(Repository repository, Digest digest) {
        return readers.readable(repository, digest, ErrorCode.BLOB_UNKNOWN).chain(info ->
                readers.revoke(repository, Digest.parse(info.getDigest())).chain(othersHoldIt -> {
                    if (othersHoldIt && readers.enforced()) {
                        return Uni.createFrom().voidItem();
                    }
                    String ownLease = info.getLabelsOrDefault(Labels.UPLOAD_LEASE, null);
                    return uploadLeases.releaseEverywhere(Digest.parse(info.getDigest()))
                            .chain(() -> ownLease == null ? Uni.createFrom().voidItem() : leases.delete(ownLease))
                            .chain(leases::collectGarbage);
                }));
    }
}
