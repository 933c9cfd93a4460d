package io.containerdregistry.doctor;

/** What the doctor checks, each named as it appears in health details and the metric's {@code check} tag. */
enum Check {
    CRI("cri", Impact.MIRROR_UNUSED),
    CONFIG_PATH("config_path", Impact.MIRROR_UNUSED),
    VERSION("version", Impact.MIRROR_UNUSED),
    UNPACKED_LAYERS("unpacked_layers", Impact.NOT_SERVED_TO_PEERS),
    CONTENT_PLUGIN("content_plugin", Impact.NOT_SERVED_TO_PEERS),
    CONTENT_DIR("content_dir", Impact.SLOWER_READS);

    private final String key;
    private final Impact impact;

    Check(String key, Impact impact) {
        this.key = key;
        this.impact = impact;
    }

    String key() {
        return key;
    }

    Impact impact() {
        return impact;
    }

    /** What a problem found by a check means for the node. */
    enum Impact {
        MIRROR_UNUSED("containerd will not use this mirror"),
        NOT_SERVED_TO_PEERS("this node cannot serve what it pulls to its peers"),
        SLOWER_READS("blob reads go through containerd's gRPC Read (slower)");

        private final String meaning;

        Impact(String meaning) {
            this.meaning = meaning;
        }

        String meaning() {
            return meaning;
        }
    }
}
