package io.containerdregistry.containerd;

import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import io.containerdregistry.oci.UploadRange;
import io.grpc.Status;

/** The one place that turns containerd's gRPC status into OCI errors. containerd's NOT_FOUND is never a 500. */
final class GrpcErrors {
    private GrpcErrors() {
    }

    static boolean is(Throwable t, Status.Code code) {
        return !(t instanceof RegistryException) && Status.fromThrowable(t).getCode() == code;
    }

    /** containerd's answer when another writer holds an ingest. */
    static boolean isLocked(Throwable t) {
        return is(t, Status.Code.UNAVAILABLE) && String.valueOf(Status.fromThrowable(t).getDescription()).contains("locked");
    }

    /** Maps a failure, with {@code notFound} as the answer to containerd's NOT_FOUND. */
    static RegistryException map(Throwable t, ErrorCode notFound) {
        if (t instanceof RegistryException registry) {
            return registry;
        }
        Status status = Status.fromThrowable(t);
        String description = status.getDescription() == null ? status.getCode().name() : status.getDescription();
        if (unreachable(status)) {
            return unavailable("containerd is unreachable: " + unreachableReason(status), t);
        }
        return switch (status.getCode()) {
            case NOT_FOUND -> notFound.exception(description);
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED -> unavailable("containerd unavailable: " + description, t);
            case RESOURCE_EXHAUSTED -> unavailable("containerd out of resources: " + description, t);
            default -> new RegistryException(ErrorCode.UNKNOWN, 500,
                    "containerd " + status.getCode() + ": " + description, t);
        };
    }

    /** containerd is away for now: the client may try again (the failure is logged once, by its reachability). */
    private static RegistryException unavailable(String detail, Throwable t) {
        return new RegistryException(ErrorCode.UNAVAILABLE, 503, detail, t).withHeader("Retry-After", "1");
    }

    /**
     * The call did not reach containerd: nothing listens on the socket (the client's own {@code UNAVAILABLE}, which
     * carries the connection's error as its cause), or the connection broke under the call (containerd stopped or
     * restarted). containerd's own {@code UNAVAILABLE} answers (a locked ingest) come without a cause.
     */
    static boolean unreachable(Status status) {
        return status.getCode() == Status.Code.UNAVAILABLE && status.getCause() != null || lostConnection(status);
    }

    /**
     * The status can only have come from containerd itself, so it is there. The codes the client makes up on its own
     * (a transport failure, a deadline, a cancel, a lost connection) say nothing about that.
     */
    static boolean answered(Status status) {
        return switch (status.getCode()) {
            case UNAVAILABLE, UNKNOWN, DEADLINE_EXCEEDED, CANCELLED -> false;
            default -> true;
        };
    }

    /**
     * Why containerd could not be reached, from the connection's own error ({@code connect(..) failed: Connection
     * refused}) rather than gRPC's {@code io exception}; a missing socket comes as a bare FileNotFoundException.
     */
    static String unreachableReason(Status status) {
        for (Throwable cause = status.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof java.io.FileNotFoundException) {
                return "the socket does not exist";
            }
            if (cause.getMessage() != null) {
                return cause.getMessage();
            }
        }
        return status.getDescription() == null ? status.getCode().name() : status.getDescription();
    }

    /** The connection to containerd broke under a call (containerd stopped or restarted): not a containerd answer. */
    private static boolean lostConnection(Status status) {
        return status.getCode() == Status.Code.UNKNOWN
                && (status.getCause() instanceof java.nio.channels.ClosedChannelException
                || String.valueOf(status.getDescription()).contains("channel closed"));
    }

    /** A failed commit: content that does not match its digest or announced size is the client's mistake. */
    static RegistryException mapCommit(Throwable t) {
        if (is(t, Status.Code.FAILED_PRECONDITION) || is(t, Status.Code.INVALID_ARGUMENT)) {
            return ErrorCode.DIGEST_INVALID.exception(
                    "content does not match the digest: " + Status.fromThrowable(t).getDescription());
        }
        return map(t, ErrorCode.BLOB_UPLOAD_UNKNOWN);
    }

    /** A failure while opening or writing an upload's ingest. */
    static RegistryException mapUpload(Throwable t, long offset) {
        Status status = Status.fromThrowable(t);
        String description = String.valueOf(status.getDescription());
        if (isLocked(t) || is(t, Status.Code.OUT_OF_RANGE)) {
            return new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, 416,
                    "another request is writing to this upload or the offset moved: " + description, t)
                    .withHeader("Range", UploadRange.stored(offset));
        }
        return map(t, ErrorCode.BLOB_UPLOAD_UNKNOWN);
    }
}
