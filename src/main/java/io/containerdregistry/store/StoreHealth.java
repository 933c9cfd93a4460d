package io.containerdregistry.store;

import io.smallrye.mutiny.Uni;
import java.time.Duration;

/** Whether the store answers. */
public interface StoreHealth {

    /** The store's version string, failing when it does not answer within the deadline. */
    Uni<String> version(Duration deadline);
}
