package io.containerdregistry.containerd;

import com.google.protobuf.Empty;
import io.containerdregistry.containerd.api.cri.StatusRequest;
import io.containerdregistry.containerd.api.cri.StatusResponse;
import io.containerdregistry.containerd.api.introspection.Plugin;
import io.containerdregistry.containerd.api.introspection.PluginsRequest;
import io.containerdregistry.containerd.api.introspection.PluginsResponse;
import io.containerdregistry.containerd.api.version.VersionResponse;
import io.containerdregistry.doctor.ContainerdInspection;
import io.containerdregistry.doctor.ContainerdView;
import io.containerdregistry.doctor.ContentFiles;
import io.containerdregistry.oci.ErrorCode;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * containerd's view of itself from three calls made together: {@code Version}, the introspection service's plugin
 * list, and the CRI plugin's verbose {@code RuntimeService/Status} (whose {@code UNIMPLEMENTED} means containerd
 * serves no CRI). The content plugin's exported {@code root} goes to {@link ContentDirectory}.
 */
@ApplicationScoped
class ContainerdInspector implements ContainerdInspection {
    private final Stubs stubs;
    private final ContentDirectory contentDirectory;

    ContainerdInspector(Stubs stubs, ContentDirectory contentDirectory) {
        this.stubs = stubs;
        this.contentDirectory = contentDirectory;
    }

    @Override
    public Uni<ContainerdView> inspect(Duration deadline) {
        Uni<String> version = Calls.<VersionResponse>unary(o -> stubs.version(deadline)
                .version(Empty.getDefaultInstance(), o)).map(VersionResponse::getVersion);
        Uni<List<ContainerdView.Plugin>> plugins = Calls.<PluginsResponse>unary(o -> stubs.introspection(deadline)
                .plugins(PluginsRequest.getDefaultInstance(), o))
                .map(r -> r.getPluginsList().stream().map(ContainerdInspector::plugin).toList());
        Uni<Optional<String>> cri = Calls.<StatusResponse>unary(o -> stubs.criRuntime(deadline)
                .status(StatusRequest.newBuilder().setVerbose(true).build(), o))
                .map(r -> Optional.of(r.getInfoOrDefault("config", "{}")))
                .onFailure(t -> GrpcErrors.is(t, Status.Code.UNIMPLEMENTED)).recoverWithItem(Optional.empty());
        return Uni.combine().all().unis(version, plugins, cri).asTuple()
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.UNAVAILABLE))
                .map(t -> {
                    ContainerdView view = new ContainerdView(t.getItem1(), t.getItem2(), t.getItem3());
                    contentDirectory.learn(contentRoot(view));
                    return view;
                });
    }

    @Override
    public ContentFiles contentFiles() {
        return contentDirectory.files();
    }

    private static Optional<Path> contentRoot(ContainerdView view) {
        return view.plugins().stream()
                .filter(p -> p.type().equals(ContainerdView.CONTENT_TYPE) && p.initError().isEmpty())
                .map(p -> p.exports().get("root")).filter(root -> root != null && !root.isBlank())
                .findFirst().map(Path::of);
    }

    private static ContainerdView.Plugin plugin(Plugin plugin) {
        Optional<String> initError = plugin.hasInitErr()
                ? Optional.of(plugin.getInitErr().getMessage()).filter(m -> !m.isBlank())
                        .or(() -> Optional.of("code " + plugin.getInitErr().getCode()))
                : Optional.empty();
        return new ContainerdView.Plugin(plugin.getType(), plugin.getId(), plugin.getExportsMap(), initError);
    }
}
