package io.containerdregistry.image;

import java.io.IOException;
import java.io.InputStream;

/** The machine an ELF file is built for, from its header ({@code e_machine}, little-endian). */
enum ElfMachine {
    X86_64(62), AARCH64(183);

    private final int code;

    ElfMachine(int code) {
        this.code = code;
    }

    /** Reads the first 20 bytes of {@code in}. */
    static ElfMachine of(InputStream in) throws IOException {
        byte[] header = in.readNBytes(20);
        if (header.length < 20 || header[0] != 0x7f || header[1] != 'E' || header[2] != 'L' || header[3] != 'F') {
            throw new IllegalArgumentException("not an ELF file");
        }
        int machine = (header[18] & 0xff) | (header[19] & 0xff) << 8;
        for (ElfMachine known : values()) {
            if (known.code == machine) {
                return known;
            }
        }
        throw new IllegalArgumentException("ELF machine " + machine);
    }
}
