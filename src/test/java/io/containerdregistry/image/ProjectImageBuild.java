package io.containerdregistry.image;

import io.containerdregistry.testing.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The project's own Maven build, run as a user runs it to make the image: {@code mvn package} with
 * {@code quarkus.container-image.*} and {@code quarkus.jib.*} given on the command line. It runs offline on a copy of
 * the sources (the outer build has fetched every artifact), so the build under test leaves this build's
 * {@code target/} alone.
 */
final class ProjectImageBuild {
    /** What a build of the image needs of the sources; the tests are not part of it. */
    private static final List<String> SOURCES = List.of("pom.xml", "src/main", "src/build");

    private final Path project;
    private final Duration took;

    private ProjectImageBuild(Path project, Duration took) {
        this.project = project;
        this.took = took;
    }

    /** Copies the sources into {@code workDir/project} and runs {@code mvn -o package} there with these properties. */
    static ProjectImageBuild run(Path workDir, Map<String, String> properties) throws IOException, InterruptedException {
        Path project = workDir.resolve("project");
        for (String source : SOURCES) {
            FileTrees.copy(Path.of(source), project.resolve(source));
        }
        List<String> command = new ArrayList<>(List.of(maven(), "-B", "-o", "package", "-Dmaven.test.skip=true",
                "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss"));
        properties.forEach((name, value) -> command.add("-D" + name + "=" + value));
        Path log = workDir.resolve("maven.log");
        Instant start = Instant.now();
        Process maven = new ProcessBuilder(command).directory(project.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!maven.waitFor(10, TimeUnit.MINUTES)) {
            maven.destroyForcibly();
            throw new AssertionError("the image build did not end within 10 minutes; see " + log);
        }
        if (maven.exitValue() != 0) {
            throw new AssertionError("the image build failed (" + maven.exitValue() + "): " + command + "\n"
                    + tail(log));
        }
        return new ProjectImageBuild(project, Duration.between(start, Instant.now()));
    }

    /** The build's {@code target/} directory. */
    Path target() {
        return project.resolve("target");
    }

    /** The manifests this build generated. */
    Path kubernetesManifest() {
        return target().resolve("kubernetes/kubernetes.yml");
    }

    /** The digest of the image the build pushed, as jib wrote it down. */
    String pushedDigest() throws IOException {
        return Files.readString(target().resolve("jib-image.digest")).trim();
    }

    Duration took() {
        return took;
    }

    /** The Maven that runs this build ({@code maven.home}, which failsafe passes on), else the project's wrapper. */
    private static String maven() {
        String home = System.getProperty("maven.home");
        if (home != null && Files.isExecutable(Path.of(home, "bin", "mvn"))) {
            return Path.of(home, "bin", "mvn").toString();
        }
        return Path.of("mvnw").toAbsolutePath().toString();
    }


    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
