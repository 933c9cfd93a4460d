package io.containerdregistry.containerd;

import io.grpc.stub.StreamObserver;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Turns async gRPC calls into {@link Uni}s. Failures keep their gRPC status for {@link GrpcErrors}. */
final class Calls {
    private Calls() {
    }

    static <T> Uni<T> unary(Consumer<StreamObserver<T>> call) {
        return Uni.createFrom().emitter(emitter -> call.accept(new StreamObserver<T>() {
            private T value;

            @Override
            public void onNext(T next) {
                value = next;
            }

            @Override
            public void onError(Throwable t) {
                emitter.fail(t);
            }

            @Override
            public void onCompleted() {
                emitter.complete(value);
            }
        }));
    }

    /** A server-streaming call collected into a list (for small listings only). */
    static <T> Uni<List<T>> collect(Consumer<StreamObserver<T>> call) {
        return Uni.createFrom().emitter(emitter -> call.accept(new StreamObserver<T>() {
            private final List<T> values = new ArrayList<>();

            @Override
            public void onNext(T next) {
                values.add(next);
            }

            @Override
            public void onError(Throwable t) {
                emitter.fail(t);
            }

            @Override
            public void onCompleted() {
                emitter.complete(values);
            }
        }));
    }
}
