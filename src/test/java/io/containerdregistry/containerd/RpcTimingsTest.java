package io.containerdregistry.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RpcTimingsTest {

    @Test
    void methodTagKeepsServiceAndMethodWithoutPackage() {
        assertEquals("Content/Info", RpcTimings.shortName("containerd.services.content.v1.Content/Info"));
        assertEquals("Version/Version", RpcTimings.shortName("containerd.services.version.v1.Version/Version"));
    }

    @Test
    void nameWithoutPackageOrSlashIsKept() {
        assertEquals("Content/Read", RpcTimings.shortName("Content/Read"));
        assertEquals("odd", RpcTimings.shortName("odd"));
    }

    @Test
    void everyFinishedCallIsReportedWithItsMethodAndStatusCode() {
        List<String> reported = new ArrayList<>();
        List<Long> durations = new ArrayList<>();
        Channel intercepted = ClientInterceptors.intercept(new ClosingChannel(Status.NOT_FOUND),
                RpcTimings.interceptor((method, code, nanos) -> {
                    reported.add(method + " " + code);
                    durations.add(nanos);
                }));
        List<Status> seenByCaller = new ArrayList<>();
        intercepted.newCall(method("containerd.services.content.v1.Content/Info"), CallOptions.DEFAULT)
                .start(new ClientCall.Listener<>() {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        seenByCaller.add(status);
                    }
                }, new Metadata());
        assertEquals(List.of("Content/Info NOT_FOUND"), reported);
        assertTrue(durations.get(0) >= 0);
        assertEquals(List.of(Status.NOT_FOUND), seenByCaller, "the caller still gets the close");
    }

    private static MethodDescriptor<byte[], byte[]> method(String name) {
        MethodDescriptor.Marshaller<byte[]> bytes = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(byte[] value) {
                return new ByteArrayInputStream(value);
            }

            @Override
            public byte[] parse(InputStream stream) {
                return new byte[0];
            }
        };
        return MethodDescriptor.newBuilder(bytes, bytes).setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(name).build();
    }

    /** A channel whose calls close with the given status as soon as they start. */
    private static final class ClosingChannel extends Channel {
        private final Status status;

        ClosingChannel(Status status) {
            this.status = status;
        }

        @Override
        public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
            return new ClientCall<>() {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    listener.onClose(status, new Metadata());
                }

                @Override
                public void request(int numMessages) {
                }

                @Override
                public void cancel(String message, Throwable cause) {
                }

                @Override
                public void halfClose() {
                }

                @Override
                public void sendMessage(Q message) {
                }
            };
        }

        @Override
        public String authority() {
            return "containerd";
        }
    }
}
