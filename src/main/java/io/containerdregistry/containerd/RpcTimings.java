package io.containerdregistry.containerd;

import io.containerdregistry.metrics.RpcRecorder;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * Times every call on the containerd channel, from start to close, and reports it with its method
 * ({@code Content/Info}) and final status code. Streams are timed for their whole life.
 */
final class RpcTimings {
    private final RpcRecorder recorder;

    private RpcTimings(RpcRecorder recorder) {
        this.recorder = recorder;
    }

    /**
     * The interceptor, as a method reference rather than a class implementing {@link ClientInterceptor}: Quarkus'
     * gRPC extension warns about every such class that none of its own clients uses, and this one belongs to a
     * channel built by hand.
     */
    static ClientInterceptor interceptor(RpcRecorder recorder) {
        return new RpcTimings(recorder)::intercept;
    }

    private <Q, R> ClientCall<Q, R> intercept(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new TimedCall<>(next.newCall(method, options), shortName(method.getFullMethodName()), recorder);
    }

    /** {@code containerd.services.content.v1.Content/Info} becomes {@code Content/Info}. */
    static String shortName(String fullMethodName) {
        int slash = fullMethodName.indexOf('/');
        if (slash < 0) {
            return fullMethodName;
        }
        String service = fullMethodName.substring(0, slash);
        return service.substring(service.lastIndexOf('.') + 1) + fullMethodName.substring(slash);
    }

    private static final class TimedCall<Q, R> extends ForwardingClientCall.SimpleForwardingClientCall<Q, R> {
        private final String name;
        private final RpcRecorder recorder;

        TimedCall(ClientCall<Q, R> call, String name, RpcRecorder recorder) {
            super(call);
            this.name = name;
            this.recorder = recorder;
        }

        @Override
        public void start(Listener<R> listener, Metadata headers) {
            long started = System.nanoTime();
            super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                @Override
                public void onClose(Status status, Metadata trailers) {
                    recorder.rpc(name, status.getCode().name(), System.nanoTime() - started);
                    super.onClose(status, trailers);
                }
            }, headers);
        }
    }
}
