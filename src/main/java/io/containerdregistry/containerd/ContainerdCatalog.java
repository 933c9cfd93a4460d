package io.containerdregistry.containerd;

import io.containerdregistry.containerd.api.images.Image;
import io.containerdregistry.containerd.api.images.ListImagesRequest;
import io.containerdregistry.containerd.api.images.ListImagesResponse;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.Repository;
import io.containerdregistry.store.Catalog;
import io.containerdregistry.store.ImageNames;
import io.containerdregistry.store.ListPage;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/**
 * Repositories and tags from containerd's image records: from the in-memory {@link ImageIndex} while it is live (a
 * page then costs its own size), else from a listing of the records.
 */
@ApplicationScoped
class ContainerdCatalog implements Catalog {
    private final Stubs stubs;
    private final ImageIndex index;

    ContainerdCatalog(Stubs stubs, ImageIndex index) {
        this.stubs = stubs;
        this.index = index;
    }

    @Override
    public Uni<ListPage> repositories(String last, int n) {
        if (index.live()) {
            return Uni.createFrom().item(ListPage.first(index.repositoriesAfter(last), n));
        }
        return list(ListImagesRequest.getDefaultInstance()).map(images -> ListPage.of(images.stream()
                .map(image -> ImageNames.repositoryOf(image.getName()))
                .flatMap(Optional::stream)
                .distinct()
                .sorted()
                .toList(), last, n));
    }

    @Override
    public Uni<Optional<ListPage>> tags(Repository repository, String last, int n) {
        if (index.live()) {
            String name = repository.name();
            boolean known = index.names(name + ":", name + ";").stream().anyMatch(record -> !ImageNames.isImageId(record))
                    || !index.names(name + "@", name + "A").isEmpty();
            if (!known) {
                return Uni.createFrom().item(Optional.empty());
            }
            String from = last == null ? name + ":" : ImageNames.tag(repository, last);
            Iterable<String> tags = () -> index.names(from, name + ";").stream()
                    .map(image -> ImageNames.tagOf(repository, image))
                    .flatMap(Optional::stream)
                    .iterator();
            return Uni.createFrom().item(Optional.of(ListPage.first(tags, n)));
        }
        ListImagesRequest request = ListImagesRequest.newBuilder().addFilters("name~=" + namePrefix(repository)).build();
        return list(request).map(images -> {
            if (images.stream().noneMatch(image -> belongs(repository, image.getName()))) {
                return Optional.empty();
            }
            return Optional.of(ListPage.of(images.stream()
                    .map(image -> ImageNames.tagOf(repository, image.getName()))
                    .flatMap(Optional::stream)
                    .sorted()
                    .toList(), last, n));
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
