/**
 * How long after its time run-due first asks a platform whether it published a post it held (native
 * scheduling): platforms publish within a minute or so of the time, not to the second.
 */
export const confirmAfterMs = 2 * 60_000;
