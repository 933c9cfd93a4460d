package io.containerdregistry.api;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/** Runs a store call and continues on the request's Vert.x context, so responses are only written from there. */
final class Async {
    private Async() {
    }

    static <T> void then(RoutingContext rc, Uni<T> call, Consumer<T> onItem) {
        then(rc, call, onItem, rc::fail);
    }

    /** As above, with the call's failure handed to {@code onFailure} (on the request's context) instead of failing. */
    static <T> void then(RoutingContext rc, Uni<T> call, Consumer<T> onItem, Consumer<Throwable> onFailure) {
        Context context = Vertx.currentContext();
        call.subscribe().with(
                item -> context.runOnContext(v -> {
                    try {
                        onItem.accept(item);
                    } catch (RuntimeException e) {
                        rc.fail(e);
                    }
                }),
                failure -> context.runOnContext(v -> onFailure.accept(failure)));
    }
}
