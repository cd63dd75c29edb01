/**
 * A service a test starts (a registry, Podman's API service) that ends with the test run even when
 * its suite's afterAll never runs — a filtered run (`vitest -t …`) skips the suites whose setup
 * started it already. A shell stands between: it starts the service and ends it when the test
 * process is gone or when it is told to stop (SIGTERM).
 */
import { type ChildProcess, spawn } from 'node:child_process';

export function spawnService(command: string, args: readonly string[]): ChildProcess {
  const script = `"$@" & s=$!; trap 'kill $s 2>/dev/null; exit 0' TERM INT; while kill -0 ${process.pid} 2>/dev/null && kill -0 $s 2>/dev/null; do sleep 0.5 & wait $!; done; kill $s 2>/dev/null; wait $s`;
  return spawn('sh', ['-c', script, 'service', command, ...args], { stdio: 'ignore' });
}
