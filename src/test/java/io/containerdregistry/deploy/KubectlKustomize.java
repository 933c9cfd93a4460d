package io.containerdregistry.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code kubectl kustomize <dir>}, the kustomize built into kubectl, as users run it before {@code kubectl apply -k}.
 * Whichever kubectl is first on the PATH: Debian 12's {@code kubernetes-client} (1.20, kustomize v2.0.3) in CI,
 * anything newer elsewhere. A missing kubectl is a failure, never a reason to skip.
 */
final class KubectlKustomize {
    private static final YAMLMapper YAML = new YAMLMapper();

    private KubectlKustomize() {
    }

    /** What kustomize makes of the directory, one node a resource; fails with kustomize's own message otherwise. */
    static List<JsonNode> build(Path kustomization) {
        Result result = run(kustomization);
        if (result.exitCode() != 0) {
            throw new AssertionError("kubectl kustomize " + kustomization + " failed (" + result.exitCode() + "):\n"
                    + result.errors());
        }
        return documents(result.output());
    }

    /** The outcome of {@code kubectl kustomize <dir>}, whether it succeeded or not. */
    record Result(int exitCode, String output, String errors) {
    }

    static Result run(Path kustomization) {
        List<String> command = List.of("kubectl", "kustomize", kustomization.toString());
        try {
            // newer kubectl warns on stderr about the (deliberately) old field names: keep it out of the YAML
            Path errors = Files.createTempFile("kubectl-kustomize", ".err");
            try {
                Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(2, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new AssertionError("timed out: " + command);
                }
                return new Result(process.exitValue(), output, Files.readString(errors));
            } finally {
                Files.deleteIfExists(errors);
            }
        } catch (IOException e) {
            throw new AssertionError("could not run " + command + ": kubectl must be on the PATH for this test"
                    + " (Debian: apt-get install kubernetes-client; bin/test installs it when missing)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The resources of a multi-document YAML text. */
    static List<JsonNode> documents(String yaml) {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = YAML.createParser(yaml)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(document -> {
                if (!document.isMissingNode() && !document.isNull()) {
                    documents.add(document);
                }
            });
        } catch (IOException e) {
            throw new AssertionError("not YAML:\n" + yaml, e);
        }
        return documents;
    }
}
