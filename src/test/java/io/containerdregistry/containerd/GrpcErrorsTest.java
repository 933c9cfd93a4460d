package io.containerdregistry.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

class GrpcErrorsTest {

    @Test
    void notFoundIsTheCallersOciCodeNeverA500() {
        RegistryException e = GrpcErrors.map(Status.NOT_FOUND.withDescription("x").asRuntimeException(),
                ErrorCode.BLOB_UNKNOWN);
        assertEquals(ErrorCode.BLOB_UNKNOWN, e.code());
        assertEquals(404, e.status());
    }

    @Test
    void containerdGoneIs503Unavailable() {
        for (Status status : new Status[] {Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED,
                Status.UNKNOWN.withDescription("channel closed"),
                Status.UNKNOWN.withCause(new java.nio.channels.ClosedChannelException())}) {
            RegistryException e = GrpcErrors.map(status.asRuntimeException(), ErrorCode.BLOB_UNKNOWN);
            assertEquals(503, e.status(), status.toString());
            assertEquals(ErrorCode.UNAVAILABLE, e.code());
        }
    }

    @Test
    void aMissingSocketIsACleanRetryable503ThatSaysSo() {
        RegistryException e = GrpcErrors.map(Status.UNAVAILABLE.withDescription("io exception")
                .withCause(new java.io.FileNotFoundException()).asRuntimeException(), ErrorCode.MANIFEST_UNKNOWN);
        assertEquals(503, e.status());
        assertEquals(ErrorCode.UNAVAILABLE, e.code());
        assertEquals("containerd is unreachable: the socket does not exist", e.detail());
        assertEquals("1", e.headers().get("Retry-After"));
    }

    @Test
    void aCommitThatDoesNotMatchIsDigestInvalid() {
        RegistryException e = GrpcErrors.mapCommit(Status.FAILED_PRECONDITION
                .withDescription("unexpected commit digest").asRuntimeException());
        assertEquals(ErrorCode.DIGEST_INVALID, e.code());
        assertEquals(400, e.status());
    }

    @Test
    void aLockedIngestIs416WithTheStoredRange() {
        RegistryException e = GrpcErrors.mapUpload(Status.UNAVAILABLE
                .withDescription("ref upload-x locked for 1s").asRuntimeException(), 10);
        assertEquals(416, e.status());
        assertEquals("0-9", e.headers().get("Range"));
    }

    @Test
    void anythingElseIsUnknown500() {
        RegistryException e = GrpcErrors.map(Status.INTERNAL.asRuntimeException(), ErrorCode.BLOB_UNKNOWN);
        assertEquals(ErrorCode.UNKNOWN, e.code());
        assertEquals(500, e.status());
    }
}
