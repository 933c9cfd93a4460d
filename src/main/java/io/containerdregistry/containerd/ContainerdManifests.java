package io.containerdregistry.containerd;

import com.google.protobuf.ByteString;
import com.google.protobuf.FieldMask;
import io.containerdregistry.config.RegistryConfig;
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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Manifests are containerd content written byte-exact with GC labels that keep what they reference; tags are image
 * records {@code <repo>:<tag>}, and a manifest pushed by digest is pinned by a record {@code <repo>@<digest>}. A
 * manifest, and everything it references, is readable by digest through the repositories it was pushed to
 * ({@link Readers}); a push may reference only content readable through its own repository.
 */
@ApplicationScoped
class ContainerdManifests implements ManifestStore {
    private final Stubs stubs;
    private final ContentIndex index;
    private final Readers readers;
    private final LeaseManager leases;
    private final WindowLeases pushLeases;
    private final ManifestBytes bytes;
    private final TagCache tags;
    private final ImageIndex images;
    private final long maxManifestSize;
    /** Counts releases from the push leases, so a push can tell whether one may have raced with it. */
    private final AtomicLong releases = new AtomicLong();

    ContainerdManifests(Stubs stubs, ContentIndex index, Readers readers, LeaseManager leases,
            PushLeases pushLeases, ManifestBytes bytes, TagCache tags, ImageIndex images, RegistryConfig config) {
        this.stubs = stubs;
        this.bytes = bytes;
        this.images = images;
        this.tags = tags;
        this.index = index;
        this.readers = readers;
        this.leases = leases;
        this.pushLeases = pushLeases.manifests();
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
            long releasesBefore = releases.get();
            return store(repository, content, labels)
                    .call(() -> grantAll(repository, required.values()))
                    .call(() -> pointAll(List.copyOf(names), content))
                    .call(() -> releases.get() == releasesBefore
                            ? Uni.createFrom().voidItem()
                            : restoreIfCollected(repository, content, labels));
        }).invoke(tags::invalidate).replaceWith(content.withoutBytes());
    }

    /**
     * Writes the manifest under the current window's lease ({@link PushLeases}); when that lease was removed
     * behind this process's back, it is created again and the write retried once.
     */
    private Uni<Void> store(Repository repository, StoredManifest content, Map<String, String> labels) {
        return pushLeases.current().chain(lease -> write(lease, repository, content, labels))
                .onFailure(t -> GrpcErrors.is(t, Status.Code.NOT_FOUND)).recoverWithUni(() -> {
                    pushLeases.forget();
                    return pushLeases.current().chain(lease -> write(lease, repository, content, labels));
                })
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.MANIFEST_INVALID));
    }

    /**
     * A delete of the same manifest may have released it from the window lease after it was written and before its
     * records existed, and containerd may have collected it then; it is written again, now held by the records. Only
     * checked when a delete released something while the push ran.
     */
    private Uni<Void> restoreIfCollected(Repository repository, StoredManifest content, Map<String, String> labels) {
        return index.info(content.stored(), ErrorCode.MANIFEST_UNKNOWN).replaceWithVoid()
                .onFailure(t -> t instanceof RegistryException e && e.code() == ErrorCode.MANIFEST_UNKNOWN)
                .recoverWithUni(() -> store(repository, content, labels));
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
        List<Uni<Info>> checks = required.stream()
                .map(d -> readers.readable(repository, d, ErrorCode.MANIFEST_BLOB_UNKNOWN)
                        .onFailure(RegistryException.class).transform(t -> missing((RegistryException) t, d)))
                .toList();
        return Uni.join().all(checks).andFailFast().map(infos -> {
            Map<Digest, Info> found = new LinkedHashMap<>();
            for (int i = 0; i < required.size(); i++) {
                found.put(required.get(i), infos.get(i));
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
        if (required.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(required.stream().map(info -> readers.grant(repository, info)).toList())
                .andFailFast().replaceWithVoid();
    }

    private static RegistryException missing(RegistryException e, Digest digest) {
        return e.code() == ErrorCode.MANIFEST_BLOB_UNKNOWN
                ? ErrorCode.MANIFEST_BLOB_UNKNOWN.exception("referenced content is not stored: " + digest)
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
        return labels;
    }

    /**
     * Writes the manifest bytes under the lease, readable through the repository; if they are already stored, makes
     * sure they carry the labels and adds the repository to them.
     */
    private Uni<Void> write(String leaseId, Repository repository, StoredManifest content, Map<String, String> labels) {
        String ref = "manifest-" + content.stored().encoded() + "-" + UUID.randomUUID();
        Map<String, String> created = new LinkedHashMap<>(labels);
        created.putAll(readers.initialLabels(repository));
        return Uni.createFrom()
                .completionStage(() -> IngestWriter.open(Stubs.leased(stubs.contentStream(), leaseId), ref,
                                content.size(), content.stored().toString())
                        .thenCompose(writer -> writer.write(ByteString.copyFrom(content.bytes()))
                                .thenCompose(ack -> writer.commit(content.stored().toString(), created))
                                .whenComplete((digest, error) -> writer.close())))
                .replaceWithVoid()
                .onFailure(t -> GrpcErrors.is(t, Status.Code.ALREADY_EXISTS))
                .recoverWithUni(() -> index.label(content.stored(), labels)
                        .chain(() -> readers.grant(repository, content.stored())));
    }

    private Uni<Void> pointAll(List<String> names, StoredManifest content) {
        return Uni.join().all(names.stream().map(name -> pointAt(name, content)).toList())
                .andFailFast().replaceWithVoid();
    }

    /** Creates the image record, or moves it when it exists. Records always target the stored (sha256) content. */
    private Uni<Void> pointAt(String name, StoredManifest content) {
        Image image = Image.newBuilder().setName(name).setTarget(Descriptor.newBuilder()
                .setMediaType(content.mediaType())
                .setDigest(content.stored().toString())
                .setSize(content.size())).build();
        return Calls.<CreateImageResponse>unary(o -> stubs.images().create(
                        CreateImageRequest.newBuilder().setImage(image).build(), o))
                .replaceWithVoid()
                .onFailure(t -> GrpcErrors.is(t, Status.Code.ALREADY_EXISTS)).recoverWithUni(() ->
                        Calls.<UpdateImageResponse>unary(o -> stubs.images().update(UpdateImageRequest.newBuilder()
                                .setImage(image)
                                .setUpdateMask(FieldMask.newBuilder().addPaths("target"))
                                .build(), o)).replaceWithVoid())
                .invoke(() -> images.added(List.of(name)))
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.MANIFEST_UNKNOWN));
    }

    @Override
    public Uni<Void> delete(Repository repository, Reference reference) {
        if (!reference.isDigest()) {
            return deleteTag(ImageNames.tag(repository, reference.tag()));
        }
        return readers.readable(repository, reference.digest(), ErrorCode.MANIFEST_UNKNOWN).chain(info -> {
            String filter = "name~=" + ContainerdCatalog.namePrefix(repository)
                    + ",target.digest==" + Filters.quote(info.getDigest());
            return Calls.<ListImagesResponse>unary(o -> stubs.images().list(
                            ListImagesRequest.newBuilder().addFilters(filter).build(), o))
                    .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.MANIFEST_UNKNOWN))
                    .call(() -> release(Digest.parse(info.getDigest())))
                    .chain(response -> deleteRecords(response.getImagesList().stream().map(Image::getName).toList()))
                    .call(() -> readers.revoke(repository, Digest.parse(info.getDigest())));
        });
    }

    /**
     * Deletes a tag; its manifest is released from the push leases first, so containerd collects it at once when
     * nothing else references it.
     */
    private Uni<Void> deleteTag(String name) {
        return record(name)
                .call(image -> release(Digest.parse(image.getTarget().getDigest())))
                .chain(() -> deleteRecord(name, true));
    }

    /** The image record, {@code MANIFEST_UNKNOWN} when there is none. */
    private Uni<Image> record(String name) {
        return Calls.<GetImageResponse>unary(o -> stubs.images().get(GetImageRequest.newBuilder().setName(name).build(), o))
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.MANIFEST_UNKNOWN))
                .map(GetImageResponse::getImage);
    }

    /**
     * Releases the manifest from the push leases. Counted once the release is over: a push that read the count
     * before then checks afterwards that its manifest is still stored (a release over before the push wrote cannot
     * have touched the push's own hold).
     */
    private Uni<Void> release(Digest manifest) {
        return pushLeases.releaseEverywhere(manifest).eventually(releases::incrementAndGet);
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
        return Calls.<com.google.protobuf.Empty>unary(o -> stubs.images().delete(request, o))
                .invoke(tags::invalidate)
                .invoke(() -> images.removed(name))
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
            List<Uni<Referrer>> reads = found.stream().map(info -> referrer(repository, info)).toList();
            return Uni.join().all(reads).andFailFast().map(list -> {
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
