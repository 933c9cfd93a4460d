package io.containerdregistry.containerd;

import com.google.protobuf.ByteString;
import com.google.protobuf.FieldMask;
import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.containerd.api.content.AbortRequest;
import io.containerdregistry.containerd.api.content.Info;
import io.containerdregistry.containerd.api.images.CreateImageRequest;
import io.containerdregistry.containerd.api.images.CreateImageResponse;
import io.containerdregistry.containerd.api.images.DeleteImageRequest;
import io.containerdregistry.containerd.api.images.GetImageRequest;
import io.containerdregistry.containerd.api.images.GetImageResponse;
import io.containerdregistry.containerd.api.images.Image;
import io.containerdregistry.containerd.api.images.ListImagesRequest;
import io.containerdregistry.containerd.api.images.ListImagesResponse;
import io.containerdregistry.containerd.api.images.UpdateImageRequest;
import io.containerdregistry.containerd.api.images.UpdateImageResponse;
import io.containerdregistry.containerd.api.types.Descriptor;
import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.Manifest;
import io.containerdregistry.oci.Reference;
import io.containerdregistry.oci.RegistryException;
import io.containerdregistry.oci.Repository;
import io.containerdregistry.store.ImageNames;
import io.containerdregistry.store.ManifestStore;
import io.containerdregistry.store.Referrer;
import io.containerdregistry.store.StoredManifest;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Manifests are containerd content written byte-exact with GC labels that keep what they reference; tags are image
 * records {@code <repo>:<tag>}, and a manifest pushed by digest is pinned by a record {@code <repo>@<digest>}. A
 * manifest, and everything it references, is readable by digest through the repositories it was pushed to
 * ({@link Readers}); a push may reference only content readable through its own repository, with the size it is
 * stored with.
 *
 * <p>A push holds everything it checked until its own records hold it: the manifest is written under the
 * repository's manifest lease ({@link Holds}) with {@code gc.ref} labels naming what it references, and only then is
 * each referenced content looked up again; what is still stored at that moment is kept by the manifest from then on.
 * Pushes and deletes of the same manifest in the same repository take turns in this process, so a delete never
 * releases the hold of a push that has not written its records yet.
 */
@ApplicationScoped
class ContainerdManifests implements ManifestStore {
    private final Stubs stubs;
    private final ContentIndex index;
    private final Readers readers;
    private final LeaseManager leases;
    private final Holds holds;
    private final ManifestBytes bytes;
    private final TagCache tags;
    private final ImageIndex images;
    private final long maxManifestSize;
    /** Pushes and deletes of one manifest in one repository, one at a time. */
    private final KeyedSerial turns = new KeyedSerial();

    ContainerdManifests(Stubs stubs, ContentIndex index, Readers readers, LeaseManager leases, Holds holds,
            ManifestBytes bytes, TagCache tags, ImageIndex images, RegistryConfig config) {
        this.stubs = stubs;
        this.bytes = bytes;
        this.images = images;
        this.tags = tags;
        this.index = index;
        this.readers = readers;
        this.leases = leases;
        this.holds = holds;
        this.maxManifestSize = config.limits().maxManifestSize();
    }

    @Override
    public Uni<StoredManifest> get(Repository repository, Reference reference, boolean withBytes) {
        Uni<StoredManifest> resolved = reference.isDigest()
                ? byDigest(repository, reference.digest())
                : byTag(repository, reference.tag());
        return resolved.chain(found -> withBytes || found.mediaType() == null
                ? withBytes(found)
                : Uni.createFrom().item(found));
    }

    @Override
    public Uni<StoredManifest> read(StoredManifest resolved) {
        return resolved.bytes() != null ? Uni.createFrom().item(resolved) : withBytes(resolved);
    }

    private Uni<StoredManifest> byTag(Repository repository, String tag) {
        String name = ImageNames.tag(repository, tag);
        StoredManifest cached = tags.get(name);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        long generation = tags.generation();
        return record(name)
                .chain(image -> {
                    Descriptor target = image.getTarget();
                    Digest digest = Digest.parse(target.getDigest());
                    // the record may outlive its content: answer as if the tag were unknown, never 200 then 404
                    return index.info(digest, ErrorCode.MANIFEST_UNKNOWN).map(info -> new StoredManifest(
                            digest, Digest.parse(info.getDigest()), target.getMediaType(), info.getSize(), null));
                })
                .invoke(found -> tags.put(name, found, generation));
    }

    private Uni<StoredManifest> byDigest(Repository repository, Digest digest) {
        return readers.readable(repository, digest, ErrorCode.MANIFEST_UNKNOWN).map(info -> {
            if (info.getSize() > maxManifestSize) {
                throw ErrorCode.MANIFEST_UNKNOWN.exception(digest + " is not a manifest");
            }
            return new StoredManifest(digest, Digest.parse(info.getDigest()),
                    info.getLabelsOrDefault(Labels.MEDIA_TYPE, null), info.getSize(), null);
        });
    }

    private Uni<StoredManifest> withBytes(StoredManifest found) {
        if (found.size() > maxManifestSize) {
            throw ErrorCode.MANIFEST_UNKNOWN.exception(found.digest() + " is larger than a manifest may be");
        }
        return bytes.read(found.stored(), found.size()).map(read -> {
            String mediaType = found.mediaType() != null ? found.mediaType() : sniff(found.digest(), read).mediaType();
            return new StoredManifest(found.digest(), found.stored(), mediaType, found.size(), read);
        });
    }

    /** Reads a manifest stored without our labels (for example pulled by containerd itself). */
    private static Manifest sniff(Digest digest, byte[] bytes) {
        try {
            return Manifest.parse(bytes, null);
        } catch (RegistryException e) {
            throw ErrorCode.MANIFEST_UNKNOWN.exception(digest + " is not a manifest");
        }
    }

    @Override
    public Uni<StoredManifest> put(Repository repository, Reference reference, List<String> extraTags,
            Manifest manifest, StoredManifest content) {
        Set<String> names = new LinkedHashSet<>();
        names.add(ImageNames.of(repository, reference));
        extraTags.forEach(tag -> names.add(ImageNames.tag(repository, tag)));
        return requiredContent(repository, manifest).chain(required -> {
            Map<String, String> labels = labels(manifest, content, storedDigests(required));
            return turns.run(turn(repository, content.stored()), () -> store(repository, content, labels, true)
                    .chain(granted -> stillStored(repository, content, labels, required.values())
                            .onFailure().call(() -> granted
                                    // best effort: the push's own failure is what the client must hear
                                    ? readers.revoke(repository, content.stored()).replaceWithVoid()
                                            .onFailure().recoverWithNull()
                                    : Uni.createFrom().voidItem()))
                    .call(() -> grantAll(repository, required.values()))
                    .call(() -> pointAll(List.copyOf(names), content))
                    .invoke(() -> readers.recordsChanged(repository)));
        }).invoke(tags::invalidate).replaceWith(content.withoutBytes());
    }

    /** The key under which pushes and deletes of one manifest in one repository take turns. */
    private static String turn(Repository repository, Digest stored) {
        return repository.name() + "@" + stored;
    }

    /**
     * Writes the manifest under the repository's current manifest lease (created again once when it was removed
     * behind this process's back). Completes with whether this made it readable through the repository.
     */
    private Uni<Boolean> store(Repository repository, StoredManifest content, Map<String, String> labels,
            boolean mayRetry) {
        return holds.manifestLease(repository).chain(lease -> write(lease, repository, content, labels))
                .onFailure(t -> mayRetry && GrpcErrors.is(t, Status.Code.NOT_FOUND)).recoverWithUni(() -> {
                    holds.manifestLeaseGone(repository);
                    return store(repository, content, labels, false);
                })
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.MANIFEST_INVALID));
    }

    /**
     * After the manifest is held with its {@code gc.ref} labels: looks it and everything it references up again. What
     * is found now stays as long as the manifest does; a reference that went meanwhile fails the push with
     * {@code MANIFEST_BLOB_UNKNOWN}. A manifest that went meanwhile (its existing copy was collected between the
     * write finding it and the hold) is written again.
     */
    private Uni<Void> stillStored(Repository repository, StoredManifest content, Map<String, String> labels,
            Collection<Info> required) {
        Uni<Void> manifest = index.info(content.stored(), ErrorCode.MANIFEST_UNKNOWN).replaceWithVoid()
                .onFailure(t -> t instanceof RegistryException e && e.code() == ErrorCode.MANIFEST_UNKNOWN)
                .recoverWithUni(() -> store(repository, content, labels, true).replaceWithVoid());
        if (required.isEmpty()) {
            return manifest;
        }
        return manifest.chain(() -> each(List.copyOf(required),
                        info -> index.info(Digest.parse(info.getDigest()), ErrorCode.MANIFEST_BLOB_UNKNOWN))
                .replaceWithVoid()
                .onFailure(RegistryException.class).transform(t -> missing((RegistryException) t, null)));
    }

    /**
     * Checks that everything the manifest requires is stored and readable through the repository
     * ({@code MANIFEST_BLOB_UNKNOWN} otherwise: a manifest cannot make another repository's content readable) and
     * gives each referenced digest's content info.
     */
    private Uni<Map<Digest, Info>> requiredContent(Repository repository, Manifest manifest) {
        List<Digest> required = manifest.requiredContent().stream()
                .map(io.containerdregistry.oci.Descriptor::digest).distinct().toList();
        if (required.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return each(required, d -> readers.readable(repository, d, ErrorCode.MANIFEST_BLOB_UNKNOWN)
                .onFailure(RegistryException.class).transform(t -> missing((RegistryException) t, d))).map(infos -> {
            Map<Digest, Info> found = new LinkedHashMap<>();
            for (int i = 0; i < required.size(); i++) {
                found.put(required.get(i), infos.get(i));
            }
            for (io.containerdregistry.oci.Descriptor descriptor : manifest.requiredContent()) {
                long stored = found.get(descriptor.digest()).getSize();
                if (descriptor.size() != stored) {
                    throw ErrorCode.MANIFEST_INVALID.exception("the descriptor of " + descriptor.digest()
                            + " says " + descriptor.size() + " bytes, but it is stored with " + stored);
                }
            }
            return found;
        });
    }

    /** Each referenced digest mapped to the sha256 digest it is stored under. */
    private static Map<Digest, Digest> storedDigests(Map<Digest, Info> required) {
        Map<Digest, Digest> stored = new LinkedHashMap<>();
        required.forEach((digest, info) -> stored.put(digest, Digest.parse(info.getDigest())));
        return stored;
    }

    /** Lists the repository on every referenced content that does not list it yet. */
    private Uni<Void> grantAll(Repository repository, Collection<Info> required) {
        return each(List.copyOf(required), info -> readers.grant(repository, info)).replaceWithVoid();
    }

    /** Calls containerd at most this many at a time for one manifest's descriptors. */
    private static final int CONCURRENT_LOOKUPS = 16;

    /**
     * Runs {@code call} for each item, at most {@value #CONCURRENT_LOOKUPS} at a time, and collects the results in the
     * items' order; the first failure stops it (nothing more is started). A manifest names up to thousands of
     * descriptors: starting a call for each at once would hold the thread that starts them for as long.
     */
    private static <T, R> Uni<List<R>> each(List<T> items, java.util.function.Function<T, Uni<R>> call) {
        if (items.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return io.smallrye.mutiny.Multi.createFrom().range(0, items.size())
                .onItem().transformToUni(i -> call.apply(items.get(i)).map(result -> new Indexed<>(i, result)))
                .merge(CONCURRENT_LOOKUPS)
                .collect().asList()
                .map(entries -> {
                    List<R> ordered = new java.util.ArrayList<>(java.util.Collections.nCopies(items.size(), null));
                    entries.forEach(entry -> ordered.set(entry.index(), entry.result()));
                    return ordered;
                });
    }

    private record Indexed<R>(int index, R result) {
    }

    private static RegistryException missing(RegistryException e, Digest digest) {
        return e.code() == ErrorCode.MANIFEST_BLOB_UNKNOWN
                ? ErrorCode.MANIFEST_BLOB_UNKNOWN.exception("referenced content is not stored"
                        + (digest == null ? " any more" : ": " + digest))
                : e;
    }

    static Map<String, String> labels(Manifest manifest, StoredManifest content, Map<Digest, Digest> stored) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.MEDIA_TYPE, content.mediaType());
        if (manifest.config() != null && stored.containsKey(manifest.config().digest())) {
            labels.put(Labels.GC_REF_CONFIG, stored.get(manifest.config().digest()).toString());
        }
        for (int i = 0; i < manifest.layers().size(); i++) {
            Digest layer = manifest.layers().get(i).digest();
            if (!manifest.layers().get(i).external() && stored.containsKey(layer)) {
                labels.put(Labels.GC_REF_LAYER_PREFIX + i, stored.get(layer).toString());
            }
        }
        for (int i = 0; i < manifest.manifests().size(); i++) {
            labels.put(Labels.GC_REF_MANIFEST_PREFIX + i, stored.get(manifest.manifests().get(i).digest()).toString());
        }
        if (manifest.subject() != null) {
            labels.put(Labels.SUBJECT, manifest.subject().digest().toString());
        }
        if (manifest.effectiveArtifactType() != null) {
            labels.put(Labels.ARTIFACT_TYPE, manifest.effectiveArtifactType());
        }
        if (!content.digest().isSha256()) {
            labels.put(Labels.digestLabel(content.digest().algorithm()), content.digest().toString());
        }
        labels.forEach((key, value) -> {
            if (!SourceLabels.fits(key, value)) {
                throw ErrorCode.MANIFEST_INVALID.exception("the manifest's " + key + " is too long to store");
            }
        });
        return labels;
    }

    /**
     * Writes the manifest bytes under the lease, readable through the repository. If they are already stored, the
     * lease is made to hold them, they get the labels, and the repository is added to them. Completes with whether
     * this made the manifest readable through the repository (false when it was already).
     */
    private Uni<Boolean> write(String leaseId, Repository repository, StoredManifest content,
            Map<String, String> labels) {
        String ref = "manifest-" + content.stored().encoded() + "-" + UUID.randomUUID();
        Map<String, String> created = new LinkedHashMap<>(labels);
        created.putAll(readers.initialLabels(repository));
        return Uni.createFrom()
                .completionStage(() -> IngestWriter.open(stubs.content(), leaseId, ref, content.size(),
                                content.stored().toString())
                        .thenCompose(writer -> writer.write(ByteString.copyFrom(content.bytes()))
                                .thenCompose(ack -> writer.commit(content.stored().toString(), created))
                                .whenComplete((digest, error) -> writer.close())))
                .replaceWith(true)
                .onFailure(t -> GrpcErrors.is(t, Status.Code.ALREADY_EXISTS))
                .recoverWithUni(() -> holds.holdManifest(repository, content.stored())
                        .chain(() -> index.info(content.stored(), ErrorCode.MANIFEST_UNKNOWN))
                        .chain(info -> {
                            boolean listed = readers.lists(repository, info);
                            // the same bytes pushed again: their media type stays what their first push made it
                            Map<String, String> missing = new LinkedHashMap<>(labels);
                            if (info.getLabelsMap().containsKey(Labels.MEDIA_TYPE)) {
                                missing.remove(Labels.MEDIA_TYPE);
                            }
                            return index.label(content.stored(), missing)
                                    .chain(() -> readers.grant(repository, content.stored()))
                                    .replaceWith(!listed);
                        }))
                .onFailure(t -> !(t instanceof RegistryException)).call(() -> abort(ref));
    }

    /** Drops what a failed manifest write left behind (the ingest is this write's alone). */
    private Uni<Void> abort(String ref) {
        AbortRequest request = AbortRequest.newBuilder().setRef(ref).build();
        return Calls.<com.google.protobuf.Empty>unary(o -> stubs.content().abort(request, o)).replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    private Uni<Void> pointAll(List<String> names, StoredManifest content) {
        return each(names, name -> pointAt(name, content)).replaceWithVoid();
    }

    /** Creates the image record, or moves it when it exists. Records always target the stored (sha256) content. */
    private Uni<Void> pointAt(String name, StoredManifest content) {
        Image image = Image.newBuilder().setName(name).setTarget(Descriptor.newBuilder()
                .setMediaType(content.mediaType())
                .setDigest(content.stored().toString())
                .setSize(content.size())).build();
        long since = images.sequence();
        return Calls.<CreateImageResponse>unary(o -> stubs.images().create(
                        CreateImageRequest.newBuilder().setImage(image).build(), o))
                .replaceWithVoid()
                .onFailure(t -> GrpcErrors.is(t, Status.Code.ALREADY_EXISTS)).recoverWithUni(() ->
                        Calls.<UpdateImageResponse>unary(o -> stubs.images().update(UpdateImageRequest.newBuilder()
                                .setImage(image)
                                .setUpdateMask(FieldMask.newBuilder().addPaths("target"))
                                .build(), o)).replaceWithVoid())
                .invoke(() -> images.added(List.of(name), since))
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.MANIFEST_UNKNOWN));
    }

    @Override
    public Uni<Void> delete(Repository repository, Reference reference) {
        if (!reference.isDigest()) {
            String name = ImageNames.tag(repository, reference.tag());
            return record(name).chain(image -> {
                Digest manifest = Digest.parse(image.getTarget().getDigest());
                return turns.run(turn(repository, manifest), () -> holds.releaseManifest(repository, manifest)
                        .chain(() -> deleteRecord(name, true)));
            });
        }
        return readers.readable(repository, reference.digest(), ErrorCode.MANIFEST_UNKNOWN).chain(info -> {
            Digest manifest = Digest.parse(info.getDigest());
            String filter = "name~=" + ContainerdCatalog.namePrefix(repository)
                    + ",target.digest==" + Filters.quote(info.getDigest());
            return turns.run(turn(repository, manifest), () -> Calls.<ListImagesResponse>unary(
                            o -> stubs.images().list(ListImagesRequest.newBuilder().addFilters(filter).build(), o))
                    .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.MANIFEST_UNKNOWN))
                    .call(() -> holds.releaseManifest(repository, manifest))
                    .chain(response -> deleteRecords(response.getImagesList().stream().map(Image::getName).toList()))
                    .call(() -> readers.revoke(repository, manifest)));
        });
    }

    /** The image record, {@code MANIFEST_UNKNOWN} when there is none. */
    private Uni<Image> record(String name) {
        return Calls.<GetImageResponse>unary(o -> stubs.images().get(GetImageRequest.newBuilder().setName(name).build(), o))
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.MANIFEST_UNKNOWN))
                .map(GetImageResponse::getImage);
    }

    /** Deletes the records one by one; the last deletion collects garbage synchronously. */
    private Uni<Void> deleteRecords(List<String> names) {
        if (names.isEmpty()) {
            return leases.collectGarbage();
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            boolean last = i == names.size() - 1;
            chain = chain.chain(() -> deleteRecord(name, last));
        }
        return chain;
    }

    private Uni<Void> deleteRecord(String name, boolean sync) {
        DeleteImageRequest request = DeleteImageRequest.newBuilder().setName(name).setSync(sync).build();
        long since = images.sequence();
        return Calls.<com.google.protobuf.Empty>unary(o -> stubs.images().delete(request, o))
                .invoke(tags::invalidate)
                .invoke(() -> images.removed(name, since))
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.MANIFEST_UNKNOWN))
                .replaceWithVoid();
    }

    /** The referrers readable through the repository: another repository's referrers of the same subject are not listed. */
    @Override
    public Uni<List<Referrer>> referrers(Repository repository, Digest subject) {
        return index.withLabel(Labels.SUBJECT, subject.toString()).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(List.<Referrer>of());
            }
            return each(found, info -> referrer(repository, info)).map(list -> {
                List<Referrer> sorted = new ArrayList<>(list.stream().filter(Objects::nonNull).toList());
                sorted.sort(Comparator.comparing(r -> r.digest().toString()));
                return sorted;
            });
        });
    }

    /** A referrer's descriptor, or null when it is not readable through the repository. */
    private Uni<Referrer> referrer(Repository repository, Info info) {
        Digest stored = Digest.parse(info.getDigest());
        return readers.mayRead(repository, stored, info).chain(allowed -> allowed
                ? referrer(info, stored)
                : Uni.createFrom().nullItem());
    }

    /** A referrer's descriptor; its annotations come from its own bytes. */
    private Uni<Referrer> referrer(Info info, Digest stored) {
        return bytes.read(stored, info.getSize()).map(read -> {
            Manifest manifest = sniff(stored, read);
            String mediaType = info.getLabelsOrDefault(Labels.MEDIA_TYPE, manifest.mediaType());
            return new Referrer(mediaType, stored, info.getSize(), manifest.effectiveArtifactType(),
                    manifest.annotations());
        });
    }
}
