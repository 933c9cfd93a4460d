package io.containerdregistry.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.bcrypt.BCrypt;

class PasswordsTest {
    /** {@code htpasswd -nbB alice secret}, verbatim. */
    private static final String ALICE = "alice:$2y$05$NsgXJvr91Fx7yATbZm1ONOpMMcwqGmXuzwKGsI8MwbX1A3KXTxcQC";

    @TempDir
    Path dir;

    private static String entry(String user, String password) {
        return user + ":" + BCrypt.hashpw(password, BCrypt.gensalt(4)).replaceFirst("^\\$2a", "\\$2y");
    }

    @Test
    void acceptsTheRightPasswordOfAnHtpasswdBcryptEntry() throws Exception {
        Path file = Files.writeString(dir.resolve("htpasswd"), ALICE + "\n");
        Passwords passwords = new Passwords(new Htpasswd(List.of(file.toString())));
        assertTrue(passwords.check("alice", "secret"));
        assertFalse(passwords.check("alice", "Secret"));
        assertFalse(passwords.check("bob", "secret"));
    }

    @Test
    void remembersOnlySuccessfulChecks() throws Exception {
        Path file = Files.writeString(dir.resolve("htpasswd"), entry("bob", "pw") + "\n");
        Passwords passwords = new Passwords(new Htpasswd(List.of(file.toString())));
        assertFalse(passwords.check("bob", "wrong"));
        assertFalse(passwords.remembered("bob", "wrong"));
        assertTrue(passwords.check("bob", "pw"));
        assertTrue(passwords.remembered("bob", "pw"));
        assertFalse(passwords.remembered("bob", "pw2"));
    }

    @Test
    void skipsEntriesThatAreNotBcryptAndTheReservedAnonymousUser() throws Exception {
        Path file = Files.writeString(dir.resolve("htpasswd"), "# comment\n\nmd5:$apr1$abc$def\nsha:{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=\n"
                + "plain:test\n" + entry("anonymous", "pw") + "\n");
        Passwords passwords = new Passwords(new Htpasswd(List.of(file.toString())));
        assertFalse(passwords.check("sha", "test"));
        assertFalse(passwords.check("plain", "test"));
        assertFalse(passwords.check("anonymous", "pw"));
    }

    @Test
    void readsSeveralFilesAndRereadsAChangedOne() throws Exception {
        Path first = Files.writeString(dir.resolve("a"), entry("a", "one") + "\n");
        Path second = Files.writeString(dir.resolve("b"), entry("b", "two") + "\n");
        Htpasswd htpasswd = new Htpasswd(List.of(first.toString(), second.toString()));
        Passwords passwords = new Passwords(htpasswd);
        assertTrue(passwords.check("a", "one"));
        assertTrue(passwords.check("b", "two"));
        Files.writeString(second, entry("c", "three") + "\n");
        Files.setLastModifiedTime(second, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        Thread.sleep(Htpasswd.RECHECK_MS + 100);
        assertTrue(passwords.check("c", "three"));
        assertFalse(passwords.check("b", "wrong"));
    }

    @Test
    void aMissingFileMeansNoUsersNotACrash() {
        Passwords passwords = new Passwords(new Htpasswd(List.of(dir.resolve("missing").toString())));
        assertFalse(passwords.check("a", "b"));
    }
}
