package io.containerdregistry.doctor;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The major and minor number of a containerd version string ({@code 1.6.20~ds1}, {@code v1.7.2}, {@code 2.0.0-rc.1}). */
record ContainerdVersion(int major, int minor) implements Comparable<ContainerdVersion> {
    /** The first release that reads registry hosts from {@code hosts.toml} under the CRI plugin's {@code config_path}. */
    static final ContainerdVersion HOSTS_TOML = new ContainerdVersion(1, 5);
    /** The first release that honours {@code dial_timeout} in {@code hosts.toml} (older ones ignore the key). */
    static final ContainerdVersion DIAL_TIMEOUT = new ContainerdVersion(2, 1);
    private static final Pattern LEADING = Pattern.compile("^v?(\\d+)\\.(\\d+)");

    static Optional<ContainerdVersion> parse(String version) {
        Matcher m = LEADING.matcher(version.trim());
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ContainerdVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public int compareTo(ContainerdVersion other) {
        return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
    }
}
