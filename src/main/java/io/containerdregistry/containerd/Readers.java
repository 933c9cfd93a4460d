package io.containerdregistry.containerd;

import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.containerd.api.content.Info;
import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import io.containerdregistry.oci.Repository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which repositories may read a blob or manifest: those its {@code distribution.source} labels list
 * ({@link SourceLabels}), and those with an image record whose manifest, or an index's child manifest, references it.
 * A repository found by that second, slower check is added to the labels, so its next read needs no more than the
 * content's {@code Info}, which every read asks for anyway. The second check is {@link ReferenceCheck}'s.
 *
 * <p>Labels are read, changed and written back one update at a time per content in this process
 * ({@link KeyedSerial}), so concurrent pushes never drop a repository. Another process writing the same label at the
 * same instant (containerd's own pull, a second registry on the same containerd) can still overwrite an addition;
 * the reference check then still finds every repository whose manifests reference the content.
 */
@ApplicationScoped
class Readers {
    private final ContentIndex index;
    private final ReferenceCheck referenceCheck;
    private final KeyedSerial serial = new KeyedSerial();
    private final boolean enforced;
    private final String nativeHost;

    Readers(ContentIndex index, ReferenceCheck referenceCheck, RegistryConfig config) {
        this.index = index;
        this.referenceCheck = referenceCheck;
        this.enforced = config.isolation().enabled();
        this.nativeHost = requireNativeHost(config.isolation().nativeHost());
    }

    static String requireNativeHost(String host) {
        if (!host.matches("[a-z0-9]+(-[a-z0-9]+)*") || SourceLabels.isHost(host)) {
            throw new IllegalArgumentException("registry.isolation.native-host must be lower-case letters, digits"
                    + " and inner dashes, and not localhost, got " + host);
        }
        return host;
    }

    /** Whether the labels decide who reads; when off, stored content is readable through every repository. */
    boolean enforced() {
        return enforced;
    }

    SourceLabels.Source source(Repository repository) {
        return SourceLabels.of(repository.name(), nativeHost);
    }

    /** The label that content committed through the repository starts with. */
    Map<String, String> initialLabels(Repository repository) {
        SourceLabels.Source source = source(repository);
        return Map.of(source.key(), source.path());
    }

    /**
     * The content's info when it is stored and readable through the repository. Content that is not readable fails
     * with {@code notFound} exactly as content that is not stored, so its existence does not show.
     */
    Uni<Info> readable(Repository repository, Digest digest, ErrorCode notFound) {
        return index.info(digest, notFound)
                .onFailure(t -> t instanceof RegistryException e && e.code() == notFound)
                .transform(t -> unknown(repository, digest, notFound))
                .chain(info -> mayRead(repository, digest, info).map(allowed -> {
                    if (!allowed) {
                        throw unknown(repository, digest, notFound);
                    }
                    return info;
                }));
    }

    private static RegistryException unknown(Repository repository, Digest digest, ErrorCode notFound) {
        return notFound.exception(digest + " is not stored in " + repository.name());
    }

    /** Whether the repository may read the content {@code info} describes, which was asked for as {@code requested}. */
    Uni<Boolean> mayRead(Repository repository, Digest requested, Info info) {
        if (!enforced || SourceLabels.lists(info.getLabelsMap(), source(repository))) {
            return Uni.createFrom().item(true);
        }
        Digest stored = Digest.parse(info.getDigest());
        return referenceCheck.references(repository, Set.copyOf(List.of(requested, stored))).call(found -> found
                ? grant(repository, stored).onFailure().recoverWithNull()
                : Uni.createFrom().voidItem());
    }

    /** The repository's image records changed: reads the labels do not grant are checked afresh. */
    void recordsChanged(Repository repository) {
        referenceCheck.recordsChanged(repository);
    }

    /** Whether the content's labels list the repository. */
    boolean lists(Repository repository, Info info) {
        return SourceLabels.lists(info.getLabelsMap(), source(repository));
    }

    /** Lists the repository on the content {@code known} describes, unless it is listed already. */
    Uni<Void> grant(Repository repository, Info known) {
        if (SourceLabels.lists(known.getLabelsMap(), source(repository))) {
            return Uni.createFrom().voidItem();
        }
        return grant(repository, Digest.parse(known.getDigest()));
    }

    /** Lists the repository on the stored content. */
    Uni<Void> grant(Repository repository, Digest stored) {
        SourceLabels.Source source = source(repository);
        return serial.run(stored.toString(), () -> index.info(stored, ErrorCode.BLOB_UNKNOWN).chain(info -> {
            Map<String, String> changes = SourceLabels.adding(info.getLabelsMap(), source);
            return changes.isEmpty() ? Uni.createFrom().voidItem() : index.label(stored, changes);
        }));
    }

    /**
     * Takes the repository off the stored content's labels. Answers whether other repositories are still listed
     * (false when the content is gone).
     */
    Uni<Boolean> revoke(Repository repository, Digest stored) {
        SourceLabels.Source source = source(repository);
        return serial.run(stored.toString(), () -> index.info(stored, ErrorCode.BLOB_UNKNOWN).chain(info -> {
            Map<String, String> changes = SourceLabels.removing(info.getLabelsMap(), source);
            boolean others = SourceLabels.listsOthers(info.getLabelsMap(), source);
            Uni<Void> write = changes.isEmpty() ? Uni.createFrom().voidItem() : index.label(stored, changes);
            return write.replaceWith(others);
        })).onFailure(t -> t instanceof RegistryException e && e.code() == ErrorCode.BLOB_UNKNOWN)
                .recoverWithItem(false);
    }

}
