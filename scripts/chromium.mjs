// How imgsize's tests, benchmark and screenshot start Debian's chromium through playwright-core (no
// browser download): the executable, and flags that keep headless Chromium off the network and quiet
// (without --disable-background-networking it tries Google's hosts at every start). --no-sandbox:
// these run as root in CI containers.
export const CHROMIUM = process.env.IMGSIZE_CHROMIUM ?? '/usr/bin/chromium';

export const LAUNCH = {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
};
