/** The cache directory (support/cache.mjs), made if missing. */
export function cacheDir(): string;
