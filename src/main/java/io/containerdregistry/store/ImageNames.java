package io.containerdregistry.store;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.Reference;
import io.containerdregistry.oci.Repository;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How repositories, tags and pinned digests become containerd image record names: {@code <repo>:<tag>} for a tag
 * (as containerd and the Go original name them) and {@code <repo>@<digest>} for a manifest pushed by digest.
 */
public final class ImageNames {
    /** The records containerd's CRI keeps for each image id, named by the id alone: no repository's. */
    private static final Pattern IMAGE_ID = Pattern.compile("sha256:[0-9a-f]{64}");

    private ImageNames() {
    }

    /** Whether the record name is an image id as CRI names its id records ({@code sha256:<hex>}), not a reference. */
    public static boolean isImageId(String imageName) {
        return IMAGE_ID.matcher(imageName).matches();
    }

    public static String of(Repository repository, Reference reference) {
        return reference.isDigest() ? pin(repository, reference.digest()) : tag(repository, reference.tag());
    }

    public static String tag(Repository repository, String tag) {
        return repository.name() + ":" + tag;
    }

    public static String pin(Repository repository, Digest digest) {
        return repository.name() + "@" + digest;
    }

    /** The repository part of an image record name, if it is a name this registry can serve. */
    public static Optional<String> repositoryOf(String imageName) {
        if (isImageId(imageName)) {
            return Optional.empty();
        }
        int at = imageName.indexOf('@');
        String base = at >= 0 ? imageName.substring(0, at) : imageName;
        int slash = base.lastIndexOf('/');
        int colon = base.lastIndexOf(':');
        String repo = at < 0 && colon > slash ? base.substring(0, colon) : base;
        if (at < 0 && colon <= slash) {
            return Optional.empty();
        }
        return Repository.isValid(repo) ? Optional.of(repo) : Optional.empty();
    }

    /** The tag of an image record name that belongs to the repository, if it is one. */
    public static Optional<String> tagOf(Repository repository, String imageName) {
        String prefix = repository.name() + ":";
        if (isImageId(imageName)) {
            return Optional.empty();
        }
        if (!imageName.startsWith(prefix)) {
            return Optional.empty();
        }
        String tag = imageName.substring(prefix.length());
        return Reference.isValidTag(tag) ? Optional.of(tag) : Optional.empty();
    }
}
