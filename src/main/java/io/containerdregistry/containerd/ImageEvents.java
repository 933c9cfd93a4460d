package io.containerdregistry.containerd;

import com.google.protobuf.InvalidProtocolBufferException;
import io.containerdregistry.containerd.api.events.Envelope;
import io.containerdregistry.containerd.api.events.ImageCreate;
import io.containerdregistry.containerd.api.events.ImageDelete;
import io.containerdregistry.containerd.api.events.ImageUpdate;

/** Reads the image record name out of containerd's image events. */
final class ImageEvents {
    static final String CREATE = "/images/create";
    static final String UPDATE = "/images/update";
    static final String DELETE = "/images/delete";

    private ImageEvents() {
    }

    /** The image record an image event is about, or null for any other event (or one that cannot be read). */
    static String name(Envelope envelope) {
        try {
            return switch (envelope.getTopic()) {
                case CREATE -> ImageCreate.parseFrom(envelope.getEvent().getValue()).getName();
                case UPDATE -> ImageUpdate.parseFrom(envelope.getEvent().getValue()).getName();
                case DELETE -> ImageDelete.parseFrom(envelope.getEvent().getValue()).getName();
                default -> null;
            };
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }
}
