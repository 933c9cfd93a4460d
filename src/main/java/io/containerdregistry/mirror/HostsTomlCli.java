package io.containerdregistry.mirror;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command line for {@link HostsToml}, run as the DaemonSet's init container (the registry does not start):
 *
 * <pre>
 * java -cp "quarkus-app/app/*" io.containerdregistry.mirror.HostsTomlCli \
 *     --config-dir /etc/containerd/certs.d --mirror http://127.0.0.1:30020 --hosts docker.io,ghcr.io \
 *     [--no-resolve] [--keep-other-hosts] [--dial-timeout 200ms] [--restore]
 * </pre>
 *
 * {@code --hosts '*'} writes containerd's {@code _default} entry, which applies to every registry. Environment
 * variables {@code MIRROR_HOSTS}, {@code MIRROR_RESOLVE_TAGS} and {@code HOSTS_CONFIG_DIR} give the defaults.
 */
public final class HostsTomlCli {
    private HostsTomlCli() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    static int run(String... args) throws Exception {
        Path configDir = Path.of(env("HOSTS_CONFIG_DIR", "/etc/containerd/certs.d"));
        String mirror = null;
        String hosts = env("MIRROR_HOSTS", "*");
        boolean resolve = Boolean.parseBoolean(env("MIRROR_RESOLVE_TAGS", "true"));
        boolean keep = false;
        boolean restore = false;
        String dialTimeout = "200ms";
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        while (!rest.isEmpty()) {
            String flag = rest.remove(0);
            switch (flag) {
                case "--config-dir" -> configDir = Path.of(value(flag, rest));
                case "--mirror" -> mirror = value(flag, rest);
                case "--hosts" -> hosts = value(flag, rest);
                case "--dial-timeout" -> dialTimeout = value(flag, rest);
                case "--no-resolve" -> resolve = false;
                case "--keep-other-hosts" -> keep = true;
                case "--restore" -> restore = true;
                default -> {
                    System.err.println("unknown argument: " + flag);
                    return 2;
                }
            }
        }
        if (mirror == null && !restore) {
            System.err.println("--mirror <url of this registry, e.g. http://127.0.0.1:30020> is required");
            return 2;
        }
        HostsToml writer;
        try {
            writer = new HostsToml(configDir, mirror, resolve, dialTimeout);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        for (String host : hosts.split(",")) {
            String name = host.trim().equals("*") ? HostsToml.DEFAULT_HOST : host.trim();
            if (name.isEmpty()) {
                continue;
            }
            try {
                if (restore) {
                    System.out.println((writer.restore(name) ? "restored " : "nothing to restore for ") + name);
                } else {
                    System.out.println("wrote " + writer.write(name, keep));
                }
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return 2;
            } catch (java.io.IOException e) {
                System.err.println(name + ": " + e.getMessage());
                return 1;
            }
        }
        return 0;
    }

    private static String value(String flag, List<String> rest) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return rest.remove(0);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
