#!/usr/bin/env node
/**
 * The `statewire` command (`npx statewire …`): `statewire diagram <machine> --format mermaid|dot`.
 *
 * @module
 */
import { runCli } from './runCli.js';

// exitCode, not exit(): stdout is flushed before the process ends, even into a pipe.
process.exitCode = runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
