/**
 * Preloaded into a peer gateway (`node --import <this file> <peer>`, see bench/peers.ts), never into
 * its children: binds every server the peer listens on to 127.0.0.1 (supergateway listens on all
 * interfaces and has no host option), and logs "listening on http://127.0.0.1:PORT" on stderr once
 * the first one listens, because with `--port 0` the peers print the port they were given, not the
 * one they got. The line is what bench/gateway.ts `startListening` waits for, as for mcp-bridge.
 */
import net from 'node:net';

const loopback = '127.0.0.1';
const original = net.Server.prototype.listen;
let announced = false;

/** The same call with the host forced to loopback: `listen(port, …, cb)` or `listen({ port, … }, cb)`. */
function onLoopback(args: unknown[]): unknown[] {
  const callback = args.find((arg) => typeof arg === 'function');
  const [first] = args;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) return [{ port: Number(first), host: loopback }, ...(callback ? [callback] : [])];
  if (first && typeof first === 'object' && 'port' in first) return [{ ...first, host: loopback }, ...args.slice(1)];
  return args;
}

net.Server.prototype.listen = function listenOnLoopback(this: net.Server, ...args: unknown[]): net.Server {
  this.once('listening', () => {
    const address = this.address();
    if (announced || !address || typeof address === 'string') return;
    announced = true;
    process.stderr.write(`listening on http://${loopback}:${address.port}\n`);
  });
  return (original as (...a: unknown[]) => net.Server).apply(this, onLoopback(args));
} as typeof net.Server.prototype.listen;
