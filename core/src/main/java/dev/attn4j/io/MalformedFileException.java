package dev.attn4j.io;

import java.io.IOException;

/**
 * A weight file ({@code .safetensors} or {@code .npy}) is malformed, or holds something attn4j cannot
 * represent as a float32 {@link dev.attn4j.Tensor} (an unsupported dtype, rank above 4, more elements
 * than one Java array holds). The message names the problem and, where it helps, the byte offset.
 *
 * <p>This is the one exception the readers throw for bad file contents: truncated files, header
 * lengths beyond the file, invalid JSON, unknown dtypes, shapes whose product overflows, overlapping
 * or out-of-range data offsets, duplicate names, missing fields and non-UTF-8 headers all end here.
 * Errors of the file system itself (file missing, permission denied) remain plain {@link IOException}s.
 */
public class MalformedFileException extends IOException {
    private static final long serialVersionUID = 1L;

    /** A malformed-file error with the given message (which should name the file and the problem). */
    public MalformedFileException(String message) {
        super(message);
    }
}
