package io.containerdregistry.containerd;

import io.containerdregistry.containerd.api.images.Image;
import io.containerdregistry.containerd.api.images.ListImagesRequest;
import io.containerdregistry.containerd.api.images.ListImagesResponse;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.Repository;
import io.containerdregistry.store.Catalog;
import io.containerdregistry.store.ImageNames;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/** Repositories and tags read from containerd's image records. */
@ApplicationScoped
class ContainerdCatalog implements Catalog {
    private final Stubs stubs;

    ContainerdCatalog(Stubs stubs) {
        this.stubs = stubs;
    }

    @Override
    public Uni<List<String>> repositories() {
        return list(ListImagesRequest.getDefaultInstance()).map(images -> images.stream()
                .map(image -> ImageNames.repositoryOf(image.getName()))
                .flatMap(Optional::stream)
                .distinct()
                .sorted()
                .toList());
    }

    @Override
    public Uni<Optional<List<String>>> tags(Repository repository) {
        ListImagesRequest request = ListImagesRequest.newBuilder().addFilters("name~=" + namePrefix(repository)).build();
        return list(request).map(images -> {
            if (images.stream().noneMatch(image -> belongs(repository, image.getName()))) {
                return Optional.empty();
            }
            return Optional.of(images.stream()
                    .map(image -> ImageNames.tagOf(repository, image.getName()))
                    .flatMap(Optional::stream)
                    .sorted()
                    .toList());
        });
    }

    private static boolean belongs(Repository repository, String imageName) {
        return ImageNames.repositoryOf(imageName).filter(repository.name()::equals).isPresent();
    }

    /** A containerd filter regex matching the repository's records, {@code ^<repo>[:@]}, with dots made literal. */
    static String namePrefix(Repository repository) {
        return Filters.quote("^" + repository.name().replace(".", "[.]") + "[:@]");
    }

    private Uni<List<Image>> list(ListImagesRequest request) {
        return Calls.<ListImagesResponse>unary(o -> stubs.images().list(request, o))
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.NAME_UNKNOWN))
                .map(ListImagesResponse::getImagesList);
    }
}
