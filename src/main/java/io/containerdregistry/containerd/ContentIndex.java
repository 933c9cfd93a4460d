package io.containerdregistry.containerd;

import com.google.protobuf.FieldMask;
import io.containerdregistry.containerd.api.content.DeleteContentRequest;
import io.containerdregistry.containerd.api.content.Info;
import io.containerdregistry.containerd.api.content.InfoRequest;
import io.containerdregistry.containerd.api.content.InfoResponse;
import io.containerdregistry.containerd.api.content.ListContentRequest;
import io.containerdregistry.containerd.api.content.ListContentResponse;
import io.containerdregistry.containerd.api.content.UpdateRequest;
import io.containerdregistry.containerd.api.content.UpdateResponse;
import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.ErrorCode;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * Looks content up in containerd's content store. containerd keys content by sha256 only; content verified under
 * another algorithm carries a label naming that digest, which lookups by it resolve through a label filter.
 */
@ApplicationScoped
class ContentIndex {
    private final Stubs stubs;

    ContentIndex(Stubs stubs) {
        this.stubs = stubs;
    }

    /** The content's info, found by its sha256 digest or by the label of another algorithm's digest. */
    Uni<Info> info(Digest digest, ErrorCode notFound) {
        if (digest.isSha256()) {
            InfoRequest request = InfoRequest.newBuilder().setDigest(digest.toString()).build();
            return Calls.<InfoResponse>unary(o -> stubs.content().info(request, o))
                    .onFailure().transform(t -> GrpcErrors.map(t, notFound))
                    .map(InfoResponse::getInfo);
        }
        return withLabel(Labels.digestLabel(digest.algorithm()), digest.toString()).map(found -> found.stream()
                .findFirst()
                .orElseThrow(() -> notFound.exception(digest + " is not stored")));
    }

    /** Whether content is stored under the sha256 digest. */
    Uni<Boolean> exists(Digest stored) {
        InfoRequest request = InfoRequest.newBuilder().setDigest(stored.toString()).build();
        return Calls.<InfoResponse>unary(o -> stubs.content().info(request, o)).replaceWith(true)
                .onFailure(t -> GrpcErrors.is(t, Status.Code.NOT_FOUND)).recoverWithItem(false)
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.UNKNOWN));
    }

    /** Every content whose label {@code key} equals {@code value}. */
    Uni<List<Info>> withLabel(String key, String value) {
        String filter = "labels." + Filters.quote(key) + "==" + Filters.quote(value);
        ListContentRequest request = ListContentRequest.newBuilder().addFilters(filter).build();
        return Calls.<ListContentResponse>collect(o -> stubs.content().list(request, o))
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.UNKNOWN))
                .map(pages -> pages.stream().flatMap(page -> page.getInfoList().stream()).toList());
    }

    /** Adds (or overwrites) labels on stored content, leaving its other labels alone. */
    Uni<Void> label(Digest stored, Map<String, String> labels) {
        Info.Builder info = Info.newBuilder().setDigest(stored.toString()).putAllLabels(labels);
        FieldMask.Builder mask = FieldMask.newBuilder();
        labels.keySet().forEach(key -> mask.addPaths("labels." + key));
        UpdateRequest request = UpdateRequest.newBuilder().setInfo(info).setUpdateMask(mask).build();
        return Calls.<UpdateResponse>unary(o -> stubs.content().update(request, o))
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.BLOB_UNKNOWN))
                .replaceWithVoid();
    }

    /** Removes content at once; absent content is not an error. */
    Uni<Void> delete(Digest stored) {
        DeleteContentRequest request = DeleteContentRequest.newBuilder().setDigest(stored.toString()).build();
        return Calls.<com.google.protobuf.Empty>unary(o -> stubs.content().delete(request, o))
                .replaceWithVoid()
                .onFailure(t -> GrpcErrors.is(t, Status.Code.NOT_FOUND)).recoverWithNull()
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.BLOB_UNKNOWN));
    }
}
