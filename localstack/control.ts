// The project's LocalStack, from the command line, through unitag's own startLocalStack (src/localstack.ts):
//   tsx localstack/control.ts start   -> prints the endpoint; starts LocalStack (kept running after this command
//                                        exits) unless one answers already
//   tsx localstack/control.ts stop    -> ends the embedded LocalStack on the port (one kept, or one left behind by
//                                        a process that is gone), and nothing else
//   tsx localstack/control.ts status  -> prints the endpoint if one answers, exits 1 otherwise
// LOCALSTACK_PORT and UNITAG_CACHE_DIR apply. npm run localstack:start|stop run it; the tests
// (test/global-setup.ts), the demo and the benchmarks call startLocalStack directly.
import { health, startLocalStack, stopLocalStack } from '../src/localstack.js';

const command = process.argv[2];
try {
  if (command === 'start') {
    const { endpoint } = await startLocalStack({ keep: true });
    process.stdout.write(`${endpoint}\n`);
  } else if (command === 'stop') {
    const stopped = await stopLocalStack();
    process.stderr.write(
      `[localstack] ${stopped ? 'stopped' : 'no embedded LocalStack was running on the port'}\n`,
    );
  } else if (command === 'status') {
    const endpoint =
      process.env.LOCALSTACK_ENDPOINT ||
      process.env.AWS_ENDPOINT_URL ||
      `http://127.0.0.1:${process.env.LOCALSTACK_PORT || 4566}`;
    if (!(await health(endpoint))) process.exit(1);
    process.stdout.write(`${endpoint}\n`);
  } else {
    process.stderr.write('usage: tsx localstack/control.ts start|stop|status\n');
    process.exit(2);
  }
} catch (error) {
  process.stderr.write(`[localstack] ${(error as Error).message}\n`);
  process.exit(1);
}
