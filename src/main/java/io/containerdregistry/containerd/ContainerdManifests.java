package io.containerdregistry.containerd;

import com.google.protobuf.ByteString;
import com.google.protobuf.FieldMask;
import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.containerd.api.content.Info;
import io.containerdregistry.containerd.api.content.InfoResponse;
import io.containerdregistry.containerd.api.content.UpdateRequest;
import io.containerdregistry.containerd.api.content.UpdateResponse;
import io.containerdregistry.containerd.api.images.CreateImageRequest;
import io.containerdregistry.containerd.api.images.CreateImageResponse;
import io.containerdregistry.containerd.api.images.GetImageRequest;
import io.containerdregistry.containerd.api.images.GetImageResponse;
import io.containerdregistry.containerd.api.images.Image;
import io.containerdregistry.containerd.api.images.UpdateImageRequest;
import io.containerdregistry.containerd.api.images.UpdateImageResponse;
import io.containerdregistry.containerd.api.types.Descriptor;
import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.Manifest;
import io.containerdregistry.oci.MediaTypes;
import io.containerdregistry.oci.Reference;
import io.containerdregistry.oci.RegistryException;
import io.containerdregistry.oci.Repository;
import io.containerdregistry.store.ImageNames;
import io.containerdregistry.store.ManifestStore;
import io.containerdregistry.store.StoredManifest;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Manifests are containerd content written byte-exact with GC labels that keep what they reference; tags are image
 * records {@code <repo>:<tag>}, and a manifest pushed by digest is pinned by a record {@code <repo>@<digest>}.
 */
@ApplicationScoped
class ContainerdManifests implements ManifestStore {
    private final Stubs stubs;
    private final ContainerdBlobs blobs;
    private final LeaseManager leases;
    private final long maxManifestSize;
    private final Duration leaseLifetime;

    ContainerdManifests(Stubs stubs, ContainerdBlobs blobs, LeaseManager leases, RegistryConfig config) {
        this.stubs = stubs;
        this.blobs = blobs;
        this.leases = leases;
        this.maxManifestSize = config.limits().maxManifestSize();
        this.leaseLifetime = config.uploads().leaseExpiration();
    }

    @Override
    public Uni<StoredManifest> get(Repository repository, Reference reference, boolean withBytes) {
        Uni<StoredManifest> resolved = reference.isDigest()
                ? byDigest(reference.digest())
                : byTag(repository, reference.tag());
        return resolved.chain(found -> withBytes || found.mediaType() == null ? withBytes(found) : Uni.createFrom().item(found));
    }

    private Uni<StoredManifest> byTag(Repository repository, String tag) {
        String name = ImageNames.tag(repository, tag);
        return Calls.<GetImageResponse>unary(o -> stubs.images().get(GetImageRequest.newBuilder().setName(name).build(), o))
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.MANIFEST_UNKNOWN))
                .chain(response -> {
                    Descriptor target = response.getImage().getTarget();
                    Digest digest = Digest.parse(target.getDigest());
                    // the record may outlive its content: answer as if the tag were unknown, never 200 then 404
                    return blobs.info(digest, ErrorCode.MANIFEST_UNKNOWN).map(info ->
                            new StoredManifest(digest, target.getMediaType(), info.getInfo().getSize(), null));
                });
    }

    private Uni<StoredManifest> byDigest(Digest digest) {
        return blobs.info(digest, ErrorCode.MANIFEST_UNKNOWN).map(response -> {
            Info info = response.getInfo();
            if (info.getSize() > maxManifestSize) {
                throw ErrorCode.MANIFEST_UNKNOWN.exception(digest + " is not a manifest");
            }
            return new StoredManifest(digest, info.getLabelsOrDefault(Labels.MEDIA_TYPE, null), info.getSize(), null);
        });
    }

    private Uni<StoredManifest> withBytes(StoredManifest found) {
        if (found.size() > maxManifestSize) {
            throw ErrorCode.MANIFEST_UNKNOWN.exception(found.digest() + " is larger than a manifest may be");
        }
        return ContentBytes.read(blobs.read(found.digest(), 0, found.size()), found.size()).map(bytes -> {
            String mediaType = found.mediaType();
            if (mediaType == null) {
                mediaType = sniff(found.digest(), bytes);
            }
            return new StoredManifest(found.digest(), mediaType, found.size(), bytes);
        });
    }

    /** The media type of a manifest stored without our label (for example pulled by containerd itself). */
    private static String sniff(Digest digest, byte[] bytes) {
        try {
            return Manifest.parse(bytes, null).mediaType();
        } catch (RegistryException e) {
            throw ErrorCode.MANIFEST_UNKNOWN.exception(digest + " is not a manifest");
        }
    }

    @Override
    public Uni<StoredManifest> put(Repository repository, Reference reference, Manifest manifest, StoredManifest content) {
        String leaseId = "manifest-" + UUID.randomUUID();
        return requireReferenced(manifest)
                .chain(() -> leases.create(leaseId, leaseLifetime))
                .chain(() -> write(leaseId, content, labels(manifest, content.mediaType())))
                .chain(() -> pointAt(ImageNames.of(repository, reference), content))
                .call(() -> leases.delete(leaseId))
                .onFailure().call(() -> leases.delete(leaseId).onFailure().recoverWithNull())
                .replaceWith(content.withoutBytes());
    }

    private Uni<Void> requireReferenced(Manifest manifest) {
        List<Uni<InfoResponse>> checks = manifest.requiredContent().stream()
                .map(d -> blobs.info(d.digest(), ErrorCode.MANIFEST_BLOB_UNKNOWN)
                        .onFailure(RegistryException.class).transform(t -> missing((RegistryException) t, d.digest())))
                .toList();
        if (checks.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(checks).andFailFast().replaceWithVoid();
    }

    private static RegistryException missing(RegistryException e, Digest digest) {
        return e.code() == ErrorCode.MANIFEST_BLOB_UNKNOWN
                ? ErrorCode.MANIFEST_BLOB_UNKNOWN.exception("referenced content is not stored: " + digest)
                : e;
    }

    static Map<String, String> labels(Manifest manifest, String mediaType) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.MEDIA_TYPE, mediaType);
        if (manifest.config() != null) {
            labels.put(Labels.GC_REF_CONFIG, manifest.config().digest().toString());
        }
        for (int i = 0; i < manifest.layers().size(); i++) {
            if (!manifest.layers().get(i).external()) {
                labels.put(Labels.GC_REF_LAYER_PREFIX + i, manifest.layers().get(i).digest().toString());
            }
        }
        for (int i = 0; i < manifest.manifests().size(); i++) {
            labels.put(Labels.GC_REF_MANIFEST_PREFIX + i, manifest.manifests().get(i).digest().toString());
        }
        return labels;
    }

    /** Writes the manifest bytes under the lease; if they are already stored, makes sure they carry the labels. */
    private Uni<Void> write(String leaseId, StoredManifest content, Map<String, String> labels) {
        String ref = "manifest-" + content.digest().encoded() + "-" + UUID.randomUUID();
        return Uni.createFrom()
                .completionStage(() -> IngestWriter.open(Stubs.leased(stubs.contentStream(), leaseId), ref,
                                content.size(), content.digest().toString())
                        .thenCompose(writer -> writer.write(ByteString.copyFrom(content.bytes()))
                                .thenCompose(ack -> writer.commit(content.digest().toString(), labels))
                                .whenComplete((digest, error) -> writer.close())))
                .replaceWithVoid()
                .onFailure(t -> GrpcErrors.is(t, Status.Code.ALREADY_EXISTS)).recoverWithUni(() -> relabel(content, labels))
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.MANIFEST_INVALID));
    }

    private Uni<Void> relabel(StoredManifest content, Map<String, String> labels) {
        Info.Builder info = Info.newBuilder().setDigest(content.digest().toString()).putAllLabels(labels);
        FieldMask.Builder mask = FieldMask.newBuilder();
        labels.keySet().forEach(key -> mask.addPaths("labels." + key));
        UpdateRequest request = UpdateRequest.newBuilder().setInfo(info).setUpdateMask(mask).build();
        return Calls.<UpdateResponse>unary(o -> stubs.content().update(request, o)).replaceWithVoid();
    }

    /** Creates the image record, or moves it when it exists. */
    private Uni<Void> pointAt(String name, StoredManifest content) {
        Image image = Image.newBuilder().setName(name).setTarget(Descriptor.newBuilder()
                .setMediaType(content.mediaType() == null ? MediaTypes.OCI_MANIFEST : content.mediaType())
                .setDigest(content.digest().toString())
                .setSize(content.size())).build();
        return Calls.<CreateImageResponse>unary(o -> stubs.images().create(
                        CreateImageRequest.newBuilder().setImage(image).build(), o))
                .replaceWithVoid()
                .onFailure(t -> GrpcErrors.is(t, Status.Code.ALREADY_EXISTS)).recoverWithUni(() ->
                        Calls.<UpdateImageResponse>unary(o -> stubs.images().update(UpdateImageRequest.newBuilder()
                                .setImage(image)
                                .setUpdateMask(FieldMask.newBuilder().addPaths("target"))
                                .build(), o)).replaceWithVoid())
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.MANIFEST_UNKNOWN));
    }
}
