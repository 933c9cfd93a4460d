package io.containerdregistry.api;

import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.oci.ErrorCode;
import jakarta.enterprise.context.ApplicationScoped;

/** Whether {@code DELETE} is allowed ({@code ALLOW_DELETE}); when it is not, every delete is 405 {@code UNSUPPORTED}. */
@ApplicationScoped
class DeletePolicy {
    private final boolean allowed;

    DeletePolicy(RegistryConfig config) {
        this.allowed = config.allowDelete();
    }

    void requireAllowed() {
        if (!allowed) {
            throw ErrorCode.UNSUPPORTED.exception("deletes are disabled on this registry (ALLOW_DELETE=false)");
        }
    }
}
