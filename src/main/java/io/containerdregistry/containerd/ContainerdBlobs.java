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
    private final Holds holds;
    private final ContentDirectory contentDirectory;

    ContainerdBlobs(Stubs stubs, Readers readers, LeaseManager leases, Holds holds, ContentDirectory contentDirectory) {
        this.stubs = stubs;
        this.readers = readers;
        this.leases = leases;
        this.holds = holds;
        this.contentDirectory = contentDirectory;
    }

    @Override
    public Uni<BlobInfo> stat(Repository repository, Digest digest) {
        return readers.readable(repository, digest, ErrorCode.BLOB_UNKNOWN)
                .map(info -> new BlobInfo(digest, info.getSize(), Digest.parse(info.getDigest())));
    }

    /**
     * Mounts when the blob is readable through {@code from}: {@code to} gets a hold of its own (a lease expiration
     * from now, like a push) and is listed on the content, which must still be stored once the hold is in place.
     */
    @Override
    public Uni<Boolean> mount(Digest digest, Repository from, Repository to) {
        return readers.readable(from, digest, ErrorCode.BLOB_UNKNOWN)
                .chain(info -> {
                    Digest stored = Digest.parse(info.getDigest());
                    return holds.holdBlob(to, stored).chain(() -> readers.grant(to, stored));
                })
                .replaceWith(true)
                .onFailure(t -> t instanceof RegistryException e && e.code() == ErrorCode.BLOB_UNKNOWN)
                .recoverWithItem(false);
    }

    @Override
    public Optional<Path> file(Digest stored) {
        return contentDirectory.blobDir().map(dir -> dir.resolve(stored.encoded())).filter(Files::isReadable);
    }

    @Override
    public Flow.Publisher<ByteBuffer> read(Digest stored, long offset, long length) {
        return new ContentReader(stubs.contentStream(), stored.toString(), offset, length);
    }

    /**
     * Takes the blob out of the repository: the repository is no longer listed on it and its holds end. Other
     * repositories' holds are left alone, so their pushes and mounts of the same content keep what they were promised;
     * when no other repository is listed, containerd collects garbage at once, so the blob disappears unless someone
     * else still holds it or a manifest references it (nothing referenced is lost).
     */
    @Override
    public Uni<Void> delete(Repository repository, Digest digest) {
        return readers.readable(repository, digest, ErrorCode.BLOB_UNKNOWN).chain(info -> {
            Digest stored = Digest.parse(info.getDigest());
            return readers.revoke(repository, stored).chain(othersListed -> holds.releaseBlob(repository, stored)
                    .chain(() -> othersListed ? Uni.createFrom().voidItem() : leases.collectGarbage()));
        });
    }
}
