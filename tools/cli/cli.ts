// The hakmem command: compiled to dist/tools/cli.js for the package's bin, run through tsx by bin.mjs in the repository.
import { main } from './main.ts';

// `hakmem roles | head` closes the pipe early: that ends the output, it is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
