package io.containerdregistry.containerd;

import io.containerdregistry.containerd.api.leases.AddResourceRequest;
import io.containerdregistry.containerd.api.leases.CreateRequest;
import io.containerdregistry.containerd.api.leases.DeleteRequest;
import io.containerdregistry.containerd.api.leases.DeleteResourceRequest;
import io.containerdregistry.containerd.api.leases.Lease;
import io.containerdregistry.containerd.api.leases.ListRequest;
import io.containerdregistry.containerd.api.leases.ListResponse;
import io.containerdregistry.containerd.api.leases.Resource;
import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.ErrorCode;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** containerd leases that expire on their own ({@code containerd.io/gc.expire}), keeping work in progress alive. */
@ApplicationScoped
class LeaseManager {
    private final Stubs stubs;

    LeaseManager(Stubs stubs) {
        this.stubs = stubs;
    }

    /** Creates the lease (an existing one is left as it is); completes with the expiry it was given. */
    Uni<Instant> create(String id, Duration lifetime) {
        return createUntil(id, Instant.now().plus(lifetime));
    }

    /** Creates the lease to expire at {@code until} (rounded up to the second); an existing one is left as it is. */
    Uni<Instant> createUntil(String id, Instant until) {
        Instant expire = until.plusMillis(999).truncatedTo(ChronoUnit.SECONDS);
        CreateRequest request = CreateRequest.newBuilder().setId(id)
                .putLabels(Labels.GC_EXPIRE, expire.toString()).build();
        return Calls.<io.containerdregistry.containerd.api.leases.CreateResponse>unary(
                        o -> stubs.leases().create(request, o))
                .replaceWith(expire)
                .onFailure(t -> GrpcErrors.is(t, Status.Code.ALREADY_EXISTS)).recoverWithItem(expire)
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.UNKNOWN));
    }

    Uni<Void> delete(String id) {
        return delete(id, false);
    }

    /** Deletes a lease; with {@code sync}, containerd collects garbage before answering. */
    Uni<Void> delete(String id, boolean sync) {
        return missingIsDone(Calls.unary(
                o -> stubs.leases().delete(DeleteRequest.newBuilder().setId(id).setSync(sync).build(), o)));
    }

    /**
     * Makes the lease hold the content (containerd does not check that the content exists: the caller does, after
     * this, when it must). Fails with containerd's NOT_FOUND when the lease is gone.
     */
    Uni<Void> hold(String id, Digest content) {
        AddResourceRequest request = AddResourceRequest.newBuilder().setId(id)
                .setResource(Resource.newBuilder().setId(content.toString()).setType("content")).build();
        return Calls.<com.google.protobuf.Empty>unary(o -> stubs.leases().addResource(request, o)).replaceWithVoid();
    }

    /** Stops the lease holding the content (nothing happens when the lease or its hold is gone). */
    Uni<Void> release(String id, Digest content) {
        DeleteResourceRequest request = DeleteResourceRequest.newBuilder().setId(id)
                .setResource(Resource.newBuilder().setId(content.toString()).setType("content")).build();
        return missingIsDone(Calls.unary(o -> stubs.leases().deleteResource(request, o)));
    }

    /** A removal whose target is already gone has nothing left to do. */
    private static Uni<Void> missingIsDone(Uni<com.google.protobuf.Empty> removal) {
        return removal.replaceWithVoid()
                .onFailure(t -> GrpcErrors.is(t, Status.Code.NOT_FOUND)).recoverWithNull()
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.UNKNOWN));
    }

    /** The ids of the leases whose id starts with {@code prefix} (letters, digits and dashes only). */
    Uni<List<String>> idsStartingWith(String prefix) {
        if (!prefix.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("not a plain lease id prefix: " + prefix);
        }
        return list("id~=" + Filters.quote("^" + prefix)).map(leases -> leases.stream().map(Lease::getId)
                .filter(id -> id.startsWith(prefix)).toList());
    }

    /** Makes containerd collect garbage now (a short-lived lease deleted with {@code sync}). */
    Uni<Void> collectGarbage() {
        String id = "gc-" + UUID.randomUUID();
        return create(id, Duration.ofMinutes(1)).chain(() -> delete(id, true));
    }

    /** The lease's expiry, or empty when the lease does not exist. A lease without expiry never expires. */
    Uni<Optional<Instant>> expiry(String id) {
        return list("id==" + Filters.quote(id)).map(leases -> leases.stream()
                .filter(l -> l.getId().equals(id))
                .findFirst()
                .map(LeaseManager::expiryOf));
    }

    private Uni<List<Lease>> list(String filter) {
        ListRequest request = ListRequest.newBuilder().addFilters(filter).build();
        return Calls.<ListResponse>unary(o -> stubs.leases().list(request, o))
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.UNKNOWN))
                .map(ListResponse::getLeasesList);
    }

    private static Instant expiryOf(Lease lease) {
        String value = lease.getLabelsOrDefault(Labels.GC_EXPIRE, null);
        if (value == null) {
            return Instant.MAX;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            return Instant.MAX;
        }
    }
}
