package io.containerdregistry.history;

/**
 * What became of a request as far as its client can tell, which is all the model may use. A success took effect; a
 * definite failure (4xx) had none; an unknown outcome (no complete answer, or a 5xx) may or may not have taken
 * effect, so the model keeps both possibilities.
 */
enum Outcome {
    SUCCESS,
    FAILURE,
    UNKNOWN;

    static Outcome of(int status) {
        if (status >= 200 && status < 300) {
            return SUCCESS;
        }
        if (status >= 400 && status < 500) {
            return FAILURE;
        }
        return UNKNOWN;
    }
}
