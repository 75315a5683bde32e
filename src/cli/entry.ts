/** Process entry of the bundled CLI (dist-cli/occam-lens.js). */
import { runCli } from './main';

runCli(process.argv.slice(2)).then(
  (code) => {
    // Dawn keeps native threads alive; exit explicitly once output is flushed.
    process.stdout.write('', () => process.exit(code));
  },
  (err: unknown) => {
    process.stderr.write(`occam-lens: ${String(err)}\n`);
    process.exit(1);
  },
);
