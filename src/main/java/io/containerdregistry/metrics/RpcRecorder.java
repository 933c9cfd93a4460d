package io.containerdregistry.metrics;

/** Where the containerd adapter reports each finished gRPC call, without knowing how it is measured. */
public interface RpcRecorder {

    /**
     * One call to containerd ended.
     *
     * @param method the call, as {@code Service/Method} (for example {@code Content/Info})
     * @param code the gRPC status code name ({@code OK}, {@code NOT_FOUND}, {@code UNAVAILABLE}, ...)
     * @param nanos how long the call took, from start to close
     */
    void rpc(String method, String code, long nanos);
}
