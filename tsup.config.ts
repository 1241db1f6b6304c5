import { defineConfig } from 'tsup';

// Two entry points, each as ESM + CJS with matching .d.ts / .d.cts files.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'machines/index': 'machines/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Shared chunks: `statewire` and `statewire/machines` must hand out the same machine objects.
  splitting: true,
  treeshake: true,
  // Error classes keep their names (`ApiError`, not `_ApiError`) in messages, stacks and `err.name`-free checks.
  keepNames: true,
});
