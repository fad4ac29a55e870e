// Placeholder until the module's first real file lands; replaced, not extended.
