package io.containerdregistry.build;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The image the generated manifests run, checked once they are written. Every container and init container must name
 * one and the same reference, the image the build made ({@code quarkus.container-image.*}); a
 * {@code -Dquarkus.container-image.image} that only the main container follows would split them, so that fails the
 * build. A tag ending in {@code -SNAPSHOT} is warned about: it names no fixed build, and a node that pulled one keeps it
 * ({@code IfNotPresent}) whatever was pushed under the same name since.
 */
final class ContainerImages {
    private ContainerImages() {
    }

    /** Adds the image of every container and init container in the resource (or the items of a List) to the set. */
    static void collect(JsonNode resource, Set<String> images) {
        if (resource.path("kind").asText().endsWith("List")) {
            resource.path("items").forEach(item -> collect(item, images));
            return;
        }
        JsonNode pod = resource.path("spec").path("template").path("spec");
        for (String field : new String[] {"containers", "initContainers"}) {
            pod.path(field).forEach(container -> images.add(container.path("image").asText()));
        }
    }

    /** The one image of the resources; fails when they name several (or none). */
    static String single(Iterable<JsonNode> resources) {
        Set<String> images = new TreeSet<>();
        resources.forEach(resource -> collect(resource, images));
        if (images.size() != 1) {
            throw new IllegalStateException("the containers must all run the image the build made, but they name "
                    + images + ": set quarkus.container-image.registry/group/name/tag rather than"
                    + " quarkus.container-image.image (see docs/container-image.md)");
        }
        return images.iterator().next();
    }

    /** A loud warning when the reference's tag is a -SNAPSHOT, naming the setting that fixes it. */
    static Optional<String> snapshotWarning(String image) {
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        String tag = colon > slash && !image.contains("@") ? image.substring(colon + 1) : "";
        if (!tag.endsWith("SNAPSHOT")) {
            return Optional.empty();
        }
        return Optional.of("""
                [WARNING] ------------------------------------------------------------------------------------------
                [WARNING] The DaemonSet runs %s: a -SNAPSHOT tag names no fixed build, and a node
                [WARNING] that pulled it once keeps it (imagePullPolicy IfNotPresent). Before you deploy, build with
                [WARNING]   -Dquarkus.container-image.tag=<a tag that you never reuse>
                [WARNING] (and -Dquarkus.container-image.registry/group to where you push), and push the image under
                [WARNING] the same reference: docs/container-image.md
                [WARNING] ------------------------------------------------------------------------------------------"""
                .formatted(image));
    }
}
