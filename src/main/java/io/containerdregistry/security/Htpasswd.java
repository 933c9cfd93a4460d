package io.containerdregistry.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * htpasswd files with bcrypt entries ({@code user:$2y$...}, as {@code htpasswd -nbB} writes them). Files are read
 * again when they change (checked at most every {@value #RECHECK_MS} ms), so a mounted Secret can be updated without
 * a restart. Entries in other hash formats are skipped with a warning: only bcrypt is accepted. Reads the file
 * system: call it off the event loop.
 */
final class Htpasswd {
    private static final Logger LOG = Logger.getLogger(Htpasswd.class);
    static final long RECHECK_MS = 2000;

    private final List<Path> files;
    private Map<String, String> entries = Map.of();
    private Map<Path, FileTime> seen = Map.of();
    private long checkedAt = Long.MIN_VALUE;

    Htpasswd(List<String> files) {
        this.files = files.stream().map(String::trim).filter(f -> !f.isEmpty()).map(Path::of).toList();
        reload();
    }

    /** The bcrypt hash of the user, if the user is known. */
    synchronized Optional<String> hash(String user) {
        long now = System.currentTimeMillis();
        if (now - checkedAt >= RECHECK_MS) {
            checkedAt = now;
            if (!modificationTimes().equals(seen)) {
                reload();
            }
        }
        return Optional.ofNullable(entries.get(user));
    }

    private synchronized void reload() {
        Map<Path, FileTime> times = modificationTimes();
        Map<String, String> read = new HashMap<>();
        for (Path file : files) {
            try {
                parse(file, Files.readAllLines(file, StandardCharsets.UTF_8), read);
            } catch (IOException e) {
                LOG.errorf("cannot read htpasswd file %s: %s", file, e.getMessage());
            }
        }
        entries = Map.copyOf(read);
        seen = times;
        checkedAt = System.currentTimeMillis();
    }

    static void parse(Path file, List<String> lines, Map<String, String> into) {
        for (String line : lines) {
            String trimmed = line.strip();
            int colon = trimmed.indexOf(':');
            if (trimmed.isEmpty() || trimmed.startsWith("#") || colon <= 0) {
                continue;
            }
            String user = trimmed.substring(0, colon);
            String hash = trimmed.substring(colon + 1);
            if (!hash.matches("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
                LOG.warnf("htpasswd %s: entry of '%s' is not bcrypt (use htpasswd -B); skipped", file, user);
                continue;
            }
            if (Principal.ANONYMOUS_NAME.equals(user)) {
                LOG.warnf("htpasswd %s: the user name 'anonymous' is reserved; skipped", file);
                continue;
            }
            into.putIfAbsent(user, hash);
        }
    }

    private Map<Path, FileTime> modificationTimes() {
        Map<Path, FileTime> times = new HashMap<>();
        for (Path file : files) {
            try {
                times.put(file, Files.getLastModifiedTime(file));
            } catch (IOException e) {
                times.put(file, FileTime.fromMillis(0));
            }
        }
        return times;
    }
}
