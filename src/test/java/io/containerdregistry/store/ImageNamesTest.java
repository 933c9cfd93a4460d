package io.containerdregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.Reference;
import io.containerdregistry.oci.Repository;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImageNamesTest {
    private static final String HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final String DIGEST = "sha256:" + HEX;
    private static final Repository REPO = new Repository("library/alpine");

    @Test
    void tagNameIsRepoColonTag() {
        assertEquals("library/alpine:3.19", ImageNames.tag(REPO, "3.19"));
    }

    @Test
    void pinNameIsRepoAtDigest() {
        assertEquals("library/alpine@" + DIGEST, ImageNames.pin(REPO, Digest.parse(DIGEST)));
    }

    @Test
    void ofTagReferenceUsesTagName() {
        assertEquals("library/alpine:latest", ImageNames.of(REPO, Reference.parse("latest")));
    }

    @Test
    void ofDigestReferenceUsesPinName() {
        assertEquals("library/alpine@" + DIGEST, ImageNames.of(REPO, Reference.parse(DIGEST)));
    }

    @Test
    void repositoryOfTaggedNameWithRegistryHost() {
        assertEquals(Optional.of("docker.io/library/alpine"), ImageNames.repositoryOf("docker.io/library/alpine:3"));
    }

    @Test
    void repositoryOfSimpleTaggedName() {
        assertEquals(Optional.of("foo"), ImageNames.repositoryOf("foo:bar"));
    }

    @Test
    void repositoryOfPinnedName() {
        assertEquals(Optional.of("foo"), ImageNames.repositoryOf("foo@" + DIGEST));
        assertEquals(Optional.of("library/alpine"), ImageNames.repositoryOf("library/alpine@" + DIGEST));
    }

    @Test
    void repositoryOfHostWithPortIsEmptyBecauseRepoPartIsNotAValidName() {
        assertEquals(Optional.empty(), ImageNames.repositoryOf("localhost:5000/foo:bar"));
    }

    @Test
    void repositoryOfHostWithPortAndNoTagIsEmpty() {
        assertEquals(Optional.empty(), ImageNames.repositoryOf("localhost:5000/foo"));
    }

    @Test
    void repositoryOfNameWithoutTagIsEmpty() {
        assertEquals(Optional.empty(), ImageNames.repositoryOf("foo"));
        assertEquals(Optional.empty(), ImageNames.repositoryOf("library/alpine"));
    }

    @Test
    void repositoryOfInvalidRepositoryIsEmpty() {
        assertEquals(Optional.empty(), ImageNames.repositoryOf("Foo:bar"));
        assertEquals(Optional.empty(), ImageNames.repositoryOf(":bar"));
        assertEquals(Optional.empty(), ImageNames.repositoryOf("@" + DIGEST));
        assertEquals(Optional.empty(), ImageNames.repositoryOf("foo-:bar"));
    }

    @Test
    void repositoryOfRoundTripsNamesThisRegistryCreates() {
        assertEquals(Optional.of(REPO.name()), ImageNames.repositoryOf(ImageNames.tag(REPO, "v1")));
        assertEquals(Optional.of(REPO.name()), ImageNames.repositoryOf(ImageNames.pin(REPO, Digest.parse(DIGEST))));
    }

    @Test
    void tagOfNameInRepository() {
        assertEquals(Optional.of("3.19"), ImageNames.tagOf(REPO, "library/alpine:3.19"));
    }

    @Test
    void tagOfRoundTripsTagNames() {
        assertEquals(Optional.of("v1.0_rc-1"), ImageNames.tagOf(REPO, ImageNames.tag(REPO, "v1.0_rc-1")));
    }

    @Test
    void tagOfNameInAnotherRepositoryIsEmpty() {
        assertEquals(Optional.empty(), ImageNames.tagOf(REPO, "library/busybox:latest"));
        assertEquals(Optional.empty(), ImageNames.tagOf(new Repository("foo"), "foobar:latest"));
    }

    @Test
    void tagOfNameInNestedRepositoryIsEmpty() {
        assertEquals(Optional.empty(), ImageNames.tagOf(new Repository("library"), "library/alpine:latest"));
    }

    @Test
    void tagOfPinnedNameIsEmpty() {
        assertEquals(Optional.empty(), ImageNames.tagOf(REPO, "library/alpine@" + DIGEST));
    }

    @Test
    void tagOfInvalidTagIsEmpty() {
        assertEquals(Optional.empty(), ImageNames.tagOf(REPO, "library/alpine:"));
        assertEquals(Optional.empty(), ImageNames.tagOf(REPO, "library/alpine:.hidden"));
        assertEquals(Optional.empty(), ImageNames.tagOf(REPO, "library/alpine:a:b"));
        assertEquals(Optional.empty(), ImageNames.tagOf(REPO, "library/alpine:" + DIGEST));
    }
}
