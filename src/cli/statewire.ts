#!/usr/bin/env node
/**
 * The `statewire` command (`npx statewire …`).
 *
 * @module
 */
process.stderr.write('usage: statewire diagram <machine> --format mermaid|dot\n');
process.exitCode = 2;
